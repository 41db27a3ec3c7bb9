// `statusform validate`: every problem at once as file:line:col, no network; warnings (what to change
// in time, though nothing is wrong yet) on stderr, positioned the same way, changing no exit code.
// It needs no secret: an unset ${VAR} in a credential or in where the account is (its URL, subdomain,
// tenant) is named, not an error, so a pull request's check can run without the vendors' secrets.
// Anywhere else (a label, a mapping) it is an error, and a value that is set is checked as usual.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigWithState } from '../../state/config-with-state.js';
import { ConfigError, formatPosition, type ConfigProblem, type Position } from '../../errors.js';
import { registerSecrets } from '../../http/redact.js';
import { adapters } from '../../vendors/registry.js';
import { DEFAULT_CONFIG, sandboxHint } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

/** Fields whose variables plan and apply need, and validate does not: credentials, and where the account is. */
const SECRET_FREE_FIELDS: ReadonlySet<string> = new Set([
  ...adapters.flatMap((a) => a.secretFields),
  'client_id',
  'email',
  'network_id',
  'staff_user_id',
  'base_url',
  'subdomain',
  'business_id',
]);

/** The field a value at this position is written under (`token: ${X}`, `{ token: ${X} }`), read from its line. */
function fieldAt(cwd: string, p: Position): string | undefined {
  let line: string | undefined;
  try {
    line = readFileSync(resolve(cwd, p.file), 'utf8').split(/\r?\n/)[p.line - 1];
  } catch {
    return undefined;
  }
  return /([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*["']?$/.exec((line ?? '').slice(0, p.col - 1))?.[1];
}

const order = (a: ConfigProblem, b: ConfigProblem) =>
  a.position.file.localeCompare(b.position.file) || a.position.line - b.position.line || a.position.col - b.position.col;

export async function validateCommand(io: Io, opts: { config?: string }): Promise<Outcome> {
  const path = opts.config ?? DEFAULT_CONFIG;
  const full = loadConfigWithState(path, { cwd: io.cwd, env: io.env });
  let result = full;
  let unset: string[] = [];
  if (!full.config) {
    const unsetProblems = full.problems.filter((p) => p.code === 'E_ENV_UNSET');
    const needed = unsetProblems.filter((p) => !SECRET_FREE_FIELDS.has(fieldAt(io.cwd, p.position) ?? ''));
    const lenient = loadConfigWithState(path, { cwd: io.cwd, env: io.env, unsetEnvAllowed: true });
    const problems = [...lenient.problems, ...needed].sort(order);
    if (problems.length > 0) throw new ConfigError(problems, sandboxHint(problems, io.env));
    result = lenient;
    unset = [...new Set(unsetProblems.map((p) => /environment variable (\w+) is not set/.exec(p.message)?.[1] ?? ''))].sort();
  }
  const config = result.config!;
  registerSecrets(config.secrets);
  for (const w of config.warnings) write(io.stderr, `${formatPosition(w.position)}: warning: ${w.message}`);
  const items = config.accounts.reduce((n, a) => n + a.items.length, 0);
  write(
    io.stdout,
    `The configuration is valid: ${config.accounts.length} account${config.accounts.length === 1 ? '' : 's'}, ` +
      `${items} item${items === 1 ? '' : 's'}.`,
  );
  if (unset.length > 0)
    write(
      io.stdout,
      `Not set, and needed by plan and apply: ${unset.join(', ')} (credentials and account URLs are not checked without them).`,
    );
  return 'done';
}
