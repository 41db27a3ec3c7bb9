// A configuration loaded together with where its state is: what the commands and the engine run
// on. The problems of the state's place are reported with the configuration's, in one list.

import { readConfig, type Config, type LoadOptions, type LoadResult } from '../config/load.js';
import { settle } from '../config/problems.js';
import type { PostgresState } from '../config/state-setting.js';
import type { StateLayout } from './backend.js';
import { stateOfConfig } from './location.js';

export interface ConfigWithState extends Config {
  /** The state file (layout `file`), the state directory (layout `directory`), or how messages name the database (`postgres`). */
  statePath: string;
  stateLayout: StateLayout;
  /** Where the state is kept, when in PostgreSQL. */
  statePostgres?: PostgresState;
}

/** Loads and validates the configuration at `path` (see loadConfig), and finds its state. */
export function loadConfigWithState(path: string, opts: LoadOptions): LoadResult<ConfigWithState> {
  const read = readConfig(path, opts);
  const { location, problems } = stateOfConfig(read.config, opts.cwd);
  const config: ConfigWithState = {
    ...read.config,
    statePath: location.path,
    stateLayout: location.layout,
    ...(location.postgres ? { statePostgres: location.postgres } : {}),
  };
  return settle(config, [...read.problems, ...problems], opts.unsetEnvAllowed);
}
