// Files a command writes because a flag asked it to (plan --out, import --out): checked before
// any network request, so that no output flag ever replaces what the user has (the state file,
// its lock, a file of the configuration), and a wrong path is a sentence, not an errno.

import { scrubKnown } from '../http/redact.js';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { UsageError, fileProblem } from '../errors.js';
import { displayPath, realPath } from '../config/documents.js';
export { realPath };
import type { ConfigWithState } from '../state/config-with-state.js';
import { lockPath } from '../state/lock.js';

export interface OutputFile {
  /** As the user gave it, for messages. */
  given: string;
  /** Absolute, as given. */
  path: string;
  /** With every symbolic link resolved (of the file, or of its folder when it does not exist yet). */
  real: string;
  exists: boolean;
}

/** What the user's files are at this path, if any: the reason not to write over it. */
function protectedAs(real: string, config: ConfigWithState, cwd: string): string | undefined {
  if (config.stateLayout === 'postgres') return configFileAt(real, config, cwd); // the state is no file
  if (config.stateLayout === 'directory') {
    const dir = realPath(config.statePath);
    if (real === dir || real.startsWith(`${dir}${sep}`)) return `it is in the state directory (${displayPath(config.statePath, cwd)})`;
  }
  if (real === realPath(config.statePath)) return `it is the state file (${displayPath(config.statePath, cwd)})`;
  if (real === realPath(lockPath(config.statePath))) return `it is the state file's lock (${displayPath(lockPath(config.statePath), cwd)})`;
  return configFileAt(real, config, cwd);
}

function configFileAt(real: string, config: ConfigWithState, cwd: string): string | undefined {
  const file = config.files.find((f) => realPath(f) === real);
  return file === undefined ? undefined : `it is a file of the configuration (${displayPath(file, cwd)})`;
}

/**
 * Checks that `given` (relative to `cwd`) can be written as `what` ("the plan") without replacing
 * a file the user has. `example` is a file name to suggest for a directory; `allowConfigFile` names
 * the one config file the command may edit in place.
 */
export function outputFile(
  given: string,
  what: string,
  cwd: string,
  config: ConfigWithState,
  opts: { example: string; allowConfigFile?: string },
): OutputFile {
  const path = resolve(cwd, given);
  const cannot = (why: string) => new UsageError(`cannot write ${what} to ${given}: ${why}`);
  const folder = dirname(path);
  if (!existsSync(folder)) throw cannot(`the directory ${displayPath(folder, cwd)} does not exist`);
  if (!statSync(folder).isDirectory()) throw cannot(`${displayPath(folder, cwd)} is a file, not a directory`);
  const exists = existsSync(path);
  if (exists && statSync(path).isDirectory()) {
    // The suggestion must be a path this check accepts: in the directory, unless the directory is the user's own.
    const inside = join(given, opts.example);
    const taken = protectedAs(realPath(resolve(cwd, inside)), config, cwd);
    throw cannot(
      taken === undefined
        ? `it is a directory; give a file name in it, such as ${inside}`
        : `it is a directory, and a file in it would be ${taken.replace(/^it is /, '')}; give a file outside it, such as ${opts.example}`,
    );
  }
  const real = realPath(path);
  const mine = opts.allowConfigFile !== undefined && realPath(opts.allowConfigFile) === real;
  const taken = mine ? undefined : protectedAs(real, config, cwd);
  if (taken) throw cannot(`${taken}, which an output flag never replaces; choose another file`);
  return { given, path, real, exists };
}

/**
 * Writes an output file, turning what the file system says into a sentence. Every known secret is
 * scrubbed from the text unless `scrub` is false: an edit of the user's own file, whose new parts
 * the caller has scrubbed already.
 */
export function writeOutput(file: OutputFile, what: string, text: string, opts: { scrub: boolean } = { scrub: true }): void {
  try {
    writeFileSync(file.path, opts.scrub ? scrubKnown(text) : text);
  } catch (err) {
    throw new UsageError(`cannot write ${what} to ${file.given}: ${fileProblem(err)}`);
  }
}
