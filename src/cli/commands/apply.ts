// `statusform apply`: plan under the state lock, check the guards, confirm, execute, report.

import { RefusedError, VendorError } from '../../errors.js';
import { closeDefaultAgent } from '../../http/client.js';
import { applyPlan, makePlan, type RunOptions } from '../../engine/manager.js';
import { checkGuards } from '../../engine/safety.js';
import { renderApplyText, renderPlanText } from '../../render/text.js';
import { acquireLock } from '../../state/lock.js';
import { readState } from '../../state/state-file.js';
import { loadOrThrow } from '../context.js';
import { colors, confirm, progress, write, type Io } from '../io.js';

export interface ApplyCommandOptions {
  config?: string;
  accounts?: string[];
  autoApprove?: boolean;
  allowDestroy?: boolean;
  allowBulk?: boolean;
  parallelism?: number;
  refreshAll?: boolean;
  verbose?: boolean;
  run?: RunOptions;
}

export async function applyCommand(io: Io, opts: ApplyCommandOptions): Promise<number> {
  const config = loadOrThrow(io, opts.config);
  const c = colors(io);
  const release = acquireLock(config.statePath, 'statusform apply');
  try {
    const state = readState(config.statePath);
    const spin = await progress(io, 'Reading live state…');
    let planned;
    try {
      planned = await makePlan(config, state, {
        ...opts.run,
        accounts: opts.accounts ?? [],
        refreshAll: opts.refreshAll ?? false,
        ...(opts.verbose ? { httpLog: (line: string) => write(io.stderr, line) } : {}),
      });
    } finally {
      spin.stop();
    }
    const { plan } = planned;
    write(io.stdout, renderPlanText(plan, c));
    if (plan.errors.length > 0) {
      throw new VendorError(plan.errors[0]!.address, `${plan.errors.length} item(s) could not be planned; nothing was applied`);
    }
    checkGuards(plan, { allowDestroy: opts.allowDestroy ?? false, allowBulk: opts.allowBulk ?? false });
    if (plan.actions.length > 0 && !opts.autoApprove) {
      if (!io.stdin.isTTY) throw new RefusedError('apply needs confirmation: run it in a terminal, or pass --auto-approve (e.g. in CI)');
      if (!(await confirm(io, 'Do you want to perform these actions?'))) throw new RefusedError('Apply cancelled.');
    }
    const total = plan.actions.length;
    let finished = 0;
    const spinApply = await progress(io, `Applying 0/${total}…`);
    let result;
    try {
      result = await applyPlan(config, state, planned, {
        parallelism: opts.parallelism ?? 4,
        onEvent: (e) => {
          if (e.type !== 'end') return;
          finished++;
          spinApply.update(`Applying ${finished}/${total}…`);
          if (e.outcome.status === 'done') write(io.stdout, `${e.action.address}: ${e.action.action} done`);
        },
      });
    } finally {
      spinApply.stop();
    }
    if (total === 0) return 0; // the plan already said "No changes"; adoptions were recorded
    write(io.stdout, renderApplyText(result, c));
    return result.failed + result.skipped > 0 ? 1 : 0;
  } finally {
    release();
    await closeDefaultAgent();
  }
}
