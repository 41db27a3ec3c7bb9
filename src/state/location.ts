// Where a configuration's state lives: the `state` setting its configuration names
// (config/state-setting.ts), resolved against the configuration's directory into a state file, a
// state directory or a PostgreSQL database — and what makes such a place unusable.

import { existsSync, statSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import type { ConfigProblem } from '../errors.js';
import { displayPath, realPath } from '../config/documents.js';
import type { LoadOptions } from '../config/load-options.js';
import { readStateSetting } from '../config/settings.js';
import { postgresLabel, type NamedState } from '../config/state-setting.js';
import type { StateLocation } from './backend.js';

/** The single state file of earlier versions: still used where it exists and `state` is not set. */
export const DEFAULT_STATE_FILE = 'statusform.state.json';
/** The state directory (one file per account) of a configuration that has no state yet. */
export const DEFAULT_STATE_DIR = 'statusform.state';

/**
 * Where the state is and in which layout. `state` set: a path ending in `/`, or naming an existing
 * directory, is a state directory; one naming an existing file, or ending in `.json`, is a single
 * state file; any other (new) path is a directory. `state` not set: `statusform.state.json` beside
 * the config when it exists (an existing user keeps the one state they have), else the directory
 * `statusform.state/`. Both of them present is a problem: which one holds the truth is the user's call.
 */
export function locateState(
  root: string,
  setting: string | undefined,
): { layout: 'file' | 'directory'; path: string } | { problem: string } {
  if (setting !== undefined) {
    const path = resolve(root, setting);
    if (/[/\\]$/.test(setting)) return { layout: 'directory', path };
    if (existsSync(path)) return { layout: statSync(path).isDirectory() ? 'directory' : 'file', path };
    return { layout: setting.endsWith('.json') ? 'file' : 'directory', path };
  }
  const file = resolve(root, DEFAULT_STATE_FILE);
  const dir = resolve(root, DEFAULT_STATE_DIR);
  if (!existsSync(file)) return { layout: 'directory', path: dir };
  if (existsSync(dir)) {
    return {
      problem:
        `both ${DEFAULT_STATE_FILE} and ${DEFAULT_STATE_DIR}/ are beside the configuration, and either could be its state: ` +
        'keep the one that is current (after statusform state migrate, the directory) and remove the other, or name it with "state"',
    };
  }
  return { layout: 'file', path: file };
}

/**
 * Where the named state is. A setting that cannot be used (the configuration reports why) stands
 * for the default; while the default is in doubt, the single state file stands in, with the problem.
 */
function locateNamed(root: string, named: NamedState): { location: StateLocation; problems: ConfigProblem[] } {
  const { setting } = named;
  if ('postgres' in setting)
    return { location: { layout: 'postgres', path: postgresLabel(setting.postgres), postgres: setting.postgres }, problems: [] };
  const located = locateState(root, 'path' in setting ? setting.path : undefined);
  if ('problem' in located)
    return {
      location: { layout: 'file', path: resolve(root, DEFAULT_STATE_FILE) },
      problems: [{ position: named.whole, message: located.problem }],
    };
  return { location: located, problems: [] };
}

/** A file of the configuration that the state (an account's state file, or a lock) would replace, in words. */
function overwriteProblem(location: StateLocation, files: readonly string[], named: NamedState, cwd: string): ConfigProblem | undefined {
  if (location.layout === 'postgres') return undefined;
  const stateReal = realPath(location.path);
  const overwritten = files.find((f) => {
    const real = realPath(f);
    if (location.layout === 'file') return real === stateReal || real === `${stateReal}.lock`;
    const inside = relative(stateReal, real);
    // an account's state file, or its lock
    return !inside.startsWith('..') && !inside.includes(sep) && /\.json(\.lock)?$/.test(basename(real));
  });
  if (overwritten === undefined) return undefined;
  return {
    position: named.at ?? { file: displayPath(overwritten, cwd), line: 1, col: 1 },
    message:
      `state names ${displayPath(overwritten, cwd)}, a file of the configuration, ` +
      'which the state file (or its lock) would replace; give the state a file of its own',
  };
}

/** Where a loaded configuration's state is, and what is wrong with that place (positioned in the configuration). */
export function stateOfConfig(
  config: { root: string; files: readonly string[]; state: NamedState },
  cwd: string,
): { location: StateLocation; problems: ConfigProblem[] } {
  const { location, problems } = locateNamed(config.root, config.state);
  const overwrite = overwriteProblem(location, config.files, config.state, cwd);
  return { location, problems: overwrite ? [...problems, overwrite] : problems };
}

/**
 * Where the state of the configuration at `path` is, from its shared settings alone: no account
 * file is read and no credential needed (for `statusform unlock` and the state commands), but a
 * database's URL is. `setting`: the `state` path as written.
 */
export function stateOfConfigAt(
  path: string,
  opts: LoadOptions,
): { location?: StateLocation & { setting?: string }; problems: ConfigProblem[]; secrets: string[] } {
  const { root, named, problems, secrets } = readStateSetting(path, opts);
  if (root === undefined || named === undefined) return { problems, secrets };
  const located = locateNamed(root, named);
  if (located.problems.length > 0) return { problems: located.problems, secrets };
  const given = 'path' in named.setting ? named.setting.path : undefined;
  return { location: { ...located.location, ...(given !== undefined ? { setting: given } : {}) }, problems: [], secrets };
}
