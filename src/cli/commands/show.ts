// `statusform show PLANFILE…`: saved plans (e.g. one per CI shard) merged and rendered as one —
// the pull-request comment of a sharded plan. Reads files only: no config, no network.

import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { mergeWirePlans, planFromWire } from '../../engine/merge.js';
import { readSavedPlan } from '../../engine/saved-plan.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import { colors, write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export interface ShowCommandOptions {
  files: string[];
  format?: string;
  detailedExitcode?: boolean;
}

export async function showCommand(io: Io, opts: ShowCommandOptions): Promise<Outcome> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format must be text, markdown or json (got "${format}")`);
  const merged = mergeWirePlans(opts.files.map((f) => ({ name: f, plan: readSavedPlan(resolve(io.cwd, f)) })));
  const plan = planFromWire(merged);
  if (format === 'json') write(io.stdout, `${JSON.stringify(merged, null, 2)}\n`);
  else write(io.stdout, format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, colors(io)));
  if (plan.errors.length > 0) return 'failed';
  return opts.detailedExitcode && plan.actions.length > 0 ? 'changes' : 'done';
}
