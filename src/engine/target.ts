// `--target ADDRESS`: a plan limited to the targeted items and what they depend on. Pure: a
// filter over a plan the diff made, like Terraform's `-target`. Which accounts are read at all
// follows from the targets' account parts (see selectAccounts).

import { UsageError } from '../errors.js';
import { address, accountOf, matchesAddress } from '../address.js';
import { nearestFew } from '../suggest.js';
import { summarise, type Plan, type PlanAction } from './plan.js';
import { thresholdProblems } from './safety.js';

/** A target is an address, a pattern with `*`, or a whole account or collection; nothing else. */
export function checkTarget(target: string): string {
  const t = target.trim();
  if (t === '' || !/^[A-Za-z*][A-Za-z0-9_*-]*(?:\.[A-Za-z_*][A-Za-z0-9_*]*(?:\[.*\])?)?$/s.test(t)) {
    throw new UsageError(
      `--target ${JSON.stringify(target)} is not an address: write account.collection["key"], ` +
        `with * for any characters (e.g. 'estate.statuses["contact:*"]'), or an account name`,
    );
  }
  return t;
}

/**
 * The plan limited to actions whose address a target matches, plus every action those wait for
 * (`depends_on`, followed to the end) — each of those marked with the targeted actions it is
 * there for (`dependency_of`). Staged updates of a unique field (`via`) go together: their
 * temporary values were chosen for all of them. Notes, errors, adoptions and items to forget are
 * kept for the addresses kept (and notes and errors about a whole account). `known` is every
 * address the plan could have named (declared, recorded, read): a target that matches none of it
 * is a UsageError listing the nearest.
 */
export function targetPlan(plan: Plan, targets: readonly string[], known: Iterable<string>): Plan {
  const universe = new Set([...known, ...plan.actions.map((a) => a.address), ...plan.notes.map((n) => n.address)]);
  const unmatched = targets.filter((t) => ![...universe].some((addr) => matchesAddress(t, addr)));
  if (unmatched.length > 0) {
    const lines = unmatched.map((t) => {
      const near = nearestFew(
        t,
        [...universe].filter((a) => a.includes('[')),
      );
      return `--target ${t} matches no address in the plan${near.length > 0 ? `; the nearest: ${near.join(', ')}` : ''}`;
    });
    throw new UsageError(lines.join('\n'));
  }
  const hit = (addr: string) => targets.some((t) => matchesAddress(t, addr));
  const byAddress = new Map(plan.actions.map((a) => [a.address, a]));
  const staged = (account: string) => plan.actions.filter((a) => a.account === account && a.via);
  /** For each action pulled in, the targeted actions it is there for. */
  const pulledBy = new Map<string, Set<string>>();
  for (const root of plan.actions.filter((a) => hit(a.address))) {
    const seen = new Set([root.address]);
    const queue: PlanAction[] = [root];
    for (let a = queue.shift(); a; a = queue.shift()) {
      const next = [
        ...a.depends_on.map((d) => byAddress.get(d)).filter((d): d is PlanAction => d !== undefined),
        ...(a.via ? staged(a.account) : []),
      ];
      for (const d of next) {
        if (seen.has(d.address)) continue;
        seen.add(d.address);
        queue.push(d);
        if (!hit(d.address)) pulledBy.set(d.address, (pulledBy.get(d.address) ?? new Set()).add(root.address));
      }
    }
  }
  const actions = plan.actions
    .filter((a) => hit(a.address) || pulledBy.has(a.address))
    .map((a) => (pulledBy.has(a.address) ? { ...a, dependency_of: [...pulledBy.get(a.address)!] } : a));
  const kept = new Set(actions.map((a) => a.address));
  const keep = (addr: string) => kept.has(addr) || hit(addr);
  const accounts = new Set(plan.accounts.map((a) => a.name));
  /** About a whole account the plan covers (an unreadable account, a warning about its collection). */
  const aboutAccount = (addr: string) => !addr.includes('[') && accounts.has(accountOf(addr));
  const out: Plan = {
    ...plan,
    options: { ...plan.options, targets: [...targets] },
    accounts: plan.accounts.map((a) => ({
      ...a,
      adopt: a.adopt.filter((x) => keep(x.address)),
      forget: a.forget.filter((key) => keep(address(a.name, a.collection, key))),
    })),
    actions,
    notes: plan.notes.filter((n) => keep(n.address) || aboutAccount(n.address)),
    errors: plan.errors.filter((e) => e.unread || keep(e.address) || aboutAccount(e.address)),
  };
  out.summary = summarise(out.actions, out.accounts);
  out.thresholds = thresholdProblems(out);
  return out;
}
