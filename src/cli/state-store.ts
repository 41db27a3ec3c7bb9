// The configuration's state store, opened from the command line's side: it knows how the user named
// the configuration (`-c PATH`), so a held lock's message gives an unlock command that works as written.

import type { ConfigWithState } from '../state/config-with-state.js';
import { openStateStore, type StateStore } from '../state/store.js';

/** `configPath`: the configuration as given on the command line (or read from a saved plan); undefined for the default. */
export function stateStoreFor(config: ConfigWithState, configPath: string | undefined, env: NodeJS.ProcessEnv = process.env): StateStore {
  return openStateStore(
    {
      layout: config.stateLayout,
      path: config.statePath,
      ...(config.statePostgres ? { postgres: config.statePostgres } : {}),
      ...(configPath !== undefined ? { configPath } : {}),
    },
    env,
  );
}
