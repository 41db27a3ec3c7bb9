// What every command that touches a config shares: loading it (or reporting every problem), and the state path.

import { ConfigError, type ConfigProblem } from '../errors.js';
import type { LoadOptions } from '../config/load.js';
import { loadConfigWithState, type ConfigWithState } from '../state/config-with-state.js';
import { stateOfConfigAt } from '../state/location.js';
import type { StateLocation } from '../state/store.js';
import { registerSecrets } from '../http/redact.js';
import type { Io } from './io.js';

export const DEFAULT_CONFIG = 'statusform.yaml';

/** The variables `statusform sandbox` prints (a test keeps this list equal to the sandbox's). */
export const SANDBOX_VARIABLES = [
  'THALAMUS_URL',
  'THALAMUS_TOKEN',
  'PROPERTYDECK_URL',
  'PROPERTYDECK_TOKEN',
  'TIMETAP_URL',
  'TIMETAP_API_KEY',
  'TIMETAP_PRIVATE_KEY',
  'TIMETAP_BUSINESS_ID',
  'SERIES_URL',
  'SERIES_API_KEY',
  'SPACEBRING_URL',
  'SPACEBRING_CLIENT_ID',
  'SPACEBRING_CLIENT_SECRET',
  'ZENDESK_URL',
  'ZENDESK_CLIENT_ID',
  'ZENDESK_CLIENT_SECRET',
] as const;

/** When the only problems are unset sandbox variables, and no sandbox variable is set: the likely fix is the sandbox's export lines. */
export function sandboxHint(problems: readonly ConfigProblem[], env: NodeJS.ProcessEnv): string | undefined {
  if (SANDBOX_VARIABLES.some((n) => env[n] !== undefined)) return undefined;
  const unset = new Set(
    problems.map((p) => (p.code === 'E_ENV_UNSET' ? /environment variable (\w+) is not set/.exec(p.message)?.[1] : undefined)),
  );
  if (unset.has(undefined) || unset.size === 0) return undefined;
  if (![...unset].every((n) => (SANDBOX_VARIABLES as readonly (string | undefined)[]).includes(n))) return undefined;
  return (
    'None of the sandbox variables is set: run `statusform sandbox` in another shell ' +
    'and paste the `export` lines it prints here (or set your real credentials).'
  );
}

export function loadOrThrow(io: Io, path: string | undefined, opts: Pick<LoadOptions, 'unsetEnvAllowed' | 'select'> = {}): ConfigWithState {
  const result = loadConfigWithState(path ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env, ...opts });
  // Even a configuration with problems may hold a secret its problems are about (the state's URL).
  registerSecrets(result.secrets ?? []);
  if (!result.config) throw new ConfigError(result.problems, sandboxHint(result.problems, io.env));
  registerSecrets(result.config.secrets);
  return result.config;
}

/**
 * Where the configuration's state is, read from its settings alone (no credential needed, but a
 * database's URL is, and is scrubbed from all output). `setting`: the `state` path as written.
 * `unsetEnvAllowed`: a database URL whose variable is unset is no problem (for commands that never connect).
 */
export function stateLocationOf(
  io: Io,
  config: string | undefined,
  opts: Pick<LoadOptions, 'unsetEnvAllowed'> = {},
): StateLocation & { setting?: string } {
  const located = stateOfConfigAt(config ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env, ...opts });
  registerSecrets(located.secrets);
  if (!located.location) throw new ConfigError(located.problems);
  return located.location;
}
