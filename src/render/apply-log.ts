// Apply logs: what `apply --json` printed (one event per line), read back and merged across
// shards, so that one comment on the merged pull request says what every shard applied,
// refused and failed. Each line is checked against the published event schema.

import { UsageError } from '../errors.js';
import { answerProblem, type AnswerShape } from '../http/answer.js';
import type { AccountOutcome } from '../engine/account-outcomes.js';
import type { ApplyEventLine } from './apply-events.js';
import { buildApplyEventsSchema } from './apply-events-schema.js';

/** One change an apply made or tried: done, failed (with the vendor's message) or skipped. */
export interface LoggedChange {
  address: string;
  account: string;
  action: string;
  status: 'done' | 'failed' | 'skipped';
  detail?: string;
}

/** What one or more applies came to. */
export interface ApplyLog {
  accounts: AccountOutcome[];
  changes: LoggedChange[];
  /** Runs that stopped before applying anything (an `error` event), by file. */
  stopped: { file: string; message: string }[];
  /** Files whose run ended without a summary (killed, or cut short). */
  unfinished: string[];
}

let shape: AnswerShape | undefined;
function eventShape(): AnswerShape {
  shape ??= { name: 'a statusform apply event', schema: buildApplyEventsSchema() };
  return shape;
}

/** Whether a file's text looks like an apply log rather than a saved plan: its first line is a `version` event. */
export function isApplyLog(text: string): boolean {
  const first = text.split('\n', 1)[0]!;
  try {
    const e = JSON.parse(first) as { type?: unknown };
    return e !== null && typeof e === 'object' && e.type === 'version';
  } catch {
    return false;
  }
}

/** The events of one apply log (the text of `path`), each checked against the schema. */
export function parseApplyEvents(path: string, text: string): ApplyEventLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        throw new UsageError(`${path}:${i + 1}: not JSON: this is not an apply log of statusform apply --json`);
      }
      const problem = answerProblem(eventShape(), event);
      if (problem) throw new UsageError(`${path}:${i + 1}: ${problem.replace(/^it /, 'the line ')}`);
      return event as ApplyEventLine;
    });
}

/** Many apply logs (one per shard) as one: every account's outcome, every change, every run that stopped. */
export function mergeApplyLogs(files: readonly { name: string; events: readonly ApplyEventLine[] }[]): ApplyLog {
  const log: ApplyLog = { accounts: [], changes: [], stopped: [], unfinished: [] };
  for (const { name, events } of files) {
    for (const e of events) {
      if (e.type === 'account') {
        const { type: _t, timestamp: _s, ...outcome } = e;
        log.accounts.push(outcome);
      } else if (e.type === 'action_done') log.changes.push({ address: e.address, account: e.account, action: e.action, status: 'done' });
      else if (e.type === 'action_failed')
        log.changes.push({ address: e.address, account: e.account, action: e.action, status: 'failed', detail: e.message });
      else if (e.type === 'action_skipped')
        log.changes.push({ address: e.address, account: e.account, action: e.action, status: 'skipped', detail: e.detail });
      else if (e.type === 'error') log.stopped.push({ file: name, message: e.message });
    }
    if (!events.some((e) => e.type === 'summary' || e.type === 'error')) log.unfinished.push(name);
  }
  log.accounts.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return log;
}
