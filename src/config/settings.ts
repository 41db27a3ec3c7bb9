// The shared settings (categories, state): written in any of the shared files, the same in each.
// The state setting can be read from them alone, for the commands that only find the state.

import { resolve } from 'node:path';
import { formatPosition, type ConfigProblem, type Position } from '../errors.js';
import { displayPath, nodeAt, positionOf, type ConfigDocument } from './documents.js';
import { configFiles, configRoot } from './files.js';
import type { LoadOptions } from './load-options.js';
import { sortProblems } from './problems.js';
import { readSharedDocuments } from './sources.js';
import { stateSecrets, stateSettingOf, type NamedState, type StateSettingProblem } from './state-setting.js';

/** A top-level setting that may appear in several files must agree across them. */
export function mergeSetting(docs: readonly ConfigDocument[], key: 'categories' | 'state', problems: ConfigProblem[]): unknown {
  let value: unknown;
  let from: Position | undefined;
  for (const d of docs) {
    const v = (d.data as Record<string, unknown> | null)?.[key];
    if (v === undefined) continue;
    const pos = positionOf(d, nodeAt(d.root, [key]));
    if (from && JSON.stringify(v) !== JSON.stringify(value)) {
      problems.push({ position: pos, message: `${key} differs from the one at ${formatPosition(from)}; declare it once` });
      continue;
    }
    value = v;
    from ??= pos;
  }
  return value;
}

/** The first document that sets `state`. */
function stateDocument(docs: readonly ConfigDocument[]): ConfigDocument | undefined {
  return docs.find((x) => (x.data as Record<string, unknown> | null)?.['state'] !== undefined);
}

/** A state setting's problem, where the setting is written. */
function settingProblem(docs: readonly ConfigDocument[], setting: StateSettingProblem): ConfigProblem {
  const d = stateDocument(docs)!;
  return { position: positionOf(d, nodeAt(d.root, setting.at)), message: setting.problem };
}

function namedState(docs: readonly ConfigDocument[], setting: NamedState['setting'], whole: Position): NamedState {
  const d = stateDocument(docs);
  return { setting, ...(d ? { at: positionOf(d, nodeAt(d.root, ['state'])) } : {}), whole };
}

/**
 * The state a whole configuration names. A setting of the wrong shape is a schema problem already,
 * an unset variable the reading's: the default stands in until it is fixed. A URL written as the
 * path is found here alone.
 */
export function stateNamedIn(docs: readonly ConfigDocument[], value: unknown, whole: Position, problems: ConfigProblem[]): NamedState {
  const setting = stateSettingOf(value);
  if ('problem' in setting && setting.kind === 'url') problems.push(settingProblem(docs, setting));
  return namedState(docs, setting, whole);
}

/**
 * The state the configuration at `path` names, from its shared settings alone: no account file
 * is read, no credential needed (for `statusform unlock` and the state commands).
 */
export function readStateSetting(
  path: string,
  opts: LoadOptions,
): {
  root?: string;
  named?: NamedState;
  problems: ConfigProblem[];
  /** The state setting's secrets (its URL), problems or not: to scrub from what is reported. */
  secrets: string[];
} {
  const abs = resolve(opts.cwd, path);
  const found: ConfigProblem[] = [];
  const docs = readSharedDocuments(configFiles(abs), opts, found);
  // An unset credential does not matter here; a broken file, or a state setting in doubt, does.
  const problems = found.filter((p) => p.code !== 'E_ENV_UNSET');
  const value = mergeSetting(docs, 'state', problems);
  const secrets = stateSecrets(value);
  const setting = stateSettingOf(value, { urlUnsetAllowed: opts.unsetEnvAllowed ?? false });
  if ('problem' in setting) problems.push(settingProblem(docs, setting));
  if (problems.length > 0) return { problems: sortProblems(problems), secrets };
  const whole = { file: displayPath(abs, opts.cwd), line: 1, col: 1 };
  return { root: configRoot(abs), named: namedState(docs, setting, whole), problems: [], secrets };
}
