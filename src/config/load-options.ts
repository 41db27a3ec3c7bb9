// What a caller asks of loading a configuration: where it is run from, its environment, and
// which accounts it wants.

export interface LoadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** For commands that make no request (mappings): an unset variable, and what it alone causes, is no problem. */
  unsetEnvAllowed?: boolean;
  /**
   * Only some accounts are wanted (plan and apply of a shard, of `--account`): given every
   * account's name in order, returns those to validate and build. An account file not chosen is
   * not read at all; in a file of many accounts the others are only named — checked for repeats,
   * their credentials still scrubbed from output — and their unset or malformed `${NAME}`s are
   * their own runs' problems. Not called while a shared file cannot be read (its accounts would
   * be missing from the names); everything is then validated.
   */
  select?: (names: readonly string[]) => readonly string[];
}
