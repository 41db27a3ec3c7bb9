// `statusform show FILE…`: saved plans (e.g. one per CI shard) merged and rendered as one — the
// pull-request comment of a sharded plan — or the logs of `apply --json` merged into one report of
// what every shard applied, refused and failed. Reads files only: no config, no network.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, fileProblem } from '../../errors.js';
import { mergeWirePlans, planFromWire } from '../../plan-file/merge.js';
import { outcomeCounts } from '../../engine/account-outcomes.js';
import { readSavedPlan } from '../../plan-file/saved-plan.js';
import { isApplyLog, mergeApplyLogs, parseApplyEvents } from '../../render/apply-log.js';
import { renderApplyReportMarkdown, renderApplyReportText } from '../../render/apply-report.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { colors, write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface ShowCommandOptions {
  files: string[];
  format?: string;
  detailedExitcode?: boolean;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${fileProblem(err)}`);
  }
}

export async function showCommand(io: Io, opts: ShowCommandOptions): Promise<Outcome> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format must be text, markdown or json (got "${format}")`);
  if (opts.files.length === 0) throw new UsageError('no plan to show');
  const texts = opts.files.map((f) => ({ name: f, text: readText(resolve(io.cwd, f)) }));
  const logs = texts.filter((t) => isApplyLog(t.text));
  if (logs.length > 0 && logs.length < texts.length)
    throw new UsageError('show takes saved plans or apply logs (apply --json), not both at once');
  if (logs.length > 0) return showApplyLogs(io, logs, format);
  const merged = mergeWirePlans(texts.map((t) => ({ name: t.name, plan: readSavedPlan(resolve(io.cwd, t.name), t.text) })));
  const plan = planFromWire(merged);
  if (format === 'json') write(io.stdout, `${JSON.stringify(merged, null, 2)}\n`);
  else write(io.stdout, format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, colors(io)));
  if (plan.errors.length > 0) return 'failed';
  return opts.detailedExitcode && plan.actions.length > 0 ? 'changes' : 'done';
}

/** Apply logs of many shards as one report; exit 1 when an account failed or a run stopped, 3 when some were refused. */
function showApplyLogs(io: Io, logs: readonly { name: string; text: string }[], format: string): Outcome {
  const log = mergeApplyLogs(logs.map((l) => ({ name: l.name, events: parseApplyEvents(l.name, l.text) })));
  if (format === 'json') write(io.stdout, `${JSON.stringify(log, null, 2)}\n`);
  else write(io.stdout, format === 'markdown' ? renderApplyReportMarkdown(log) : renderApplyReportText(log, colors(io)));
  const n = outcomeCounts(log.accounts);
  if (n.failed > 0 || log.stopped.length > 0 || log.unfinished.length > 0) return 'failed';
  return n.refused > 0 ? 'refused' : 'done';
}
