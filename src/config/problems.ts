// How the loader reports: every problem once, in file order, and a configuration only when
// none is left.

import { formatPosition, type ConfigProblem } from '../errors.js';

/** What loading gives: the configuration, or every problem (and the secrets they may quote, to scrub). */
export interface LoadResult<C> {
  config?: C;
  problems: ConfigProblem[];
  /** Secrets found even when there are problems (the state's URL), to scrub from what reports them. */
  secrets?: string[];
}

/** Drops repeats, and what a missing environment variable caused besides its own message; sorts by position. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const envAt = new Set(problems.filter((p) => p.code === 'E_ENV_UNSET').map((p) => formatPosition(p.position)));
  return problems
    .filter((p) => {
      if (envAt.has(formatPosition(p.position)) && p.code !== 'E_ENV_UNSET') return false;
      const k = `${formatPosition(p.position)} ${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.position.file.localeCompare(b.position.file) || a.position.line - b.position.line || a.position.col - b.position.col);
}

/**
 * The configuration when no problem is left, else the problems. `unsetEnvAllowed`: an unset
 * variable is no problem (what it alone causes was dropped beside it by sortProblems).
 */
export function settle<C extends { secrets: string[] }>(config: C, problems: ConfigProblem[], unsetEnvAllowed = false): LoadResult<C> {
  if (problems.length > 0) {
    const sorted = sortProblems(problems);
    const left = unsetEnvAllowed ? sorted.filter((p) => p.code !== 'E_ENV_UNSET') : sorted;
    if (left.length > 0) return { problems: left, secrets: config.secrets };
  }
  return { config, problems: [] };
}
