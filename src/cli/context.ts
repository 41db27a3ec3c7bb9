// What every command that touches a config shares: loading it (or reporting every problem), and the state path.

import { ConfigError } from '../errors.js';
import { loadConfig, type Config } from '../config/load.js';
import { registerSecrets } from '../http/redact.js';
import type { Io } from './io.js';

export const DEFAULT_CONFIG = 'statusform.yaml';

export function loadOrThrow(io: Io, path: string | undefined): Config {
  const result = loadConfig(path ?? DEFAULT_CONFIG, { cwd: io.cwd, env: io.env });
  if (!result.config) throw new ConfigError(result.problems);
  registerSecrets(result.config.secrets);
  return result.config;
}
