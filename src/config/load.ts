// The config loader: which files (files.ts) → their documents (sources.ts: positions, ${ENV}) →
// the shared settings (settings.ts) → each account checked and built (accounts.ts) → the desired
// model and its digests. Every problem is collected and positioned; nothing here touches the
// network. Where the state lives is state/'s to say, from the setting named here.

import { resolve } from 'node:path';
import type { ConfigProblem, Position } from '../errors.js';
import type { AccountConfig } from '../model.js';
import { takeDocument, type Gathered } from './accounts.js';
import { filesDigestOf } from './digests.js';
import { displayPath } from './documents.js';
import { configFiles, configRoot, type ConfigFile } from './files.js';
import type { LoadOptions } from './load-options.js';
import { settle, sortProblems, type LoadResult } from './problems.js';
import { DEFAULT_CATEGORIES } from './schema.js';
import { mergeSetting, stateNamedIn } from './settings.js';
import { readSharedSources, readSource } from './sources.js';
import { stateSecrets, type NamedState } from './state-setting.js';

export type { LoadOptions, LoadResult };

export interface Config {
  /** The directory relative paths in the config (like `state`) are resolved against. */
  root: string;
  files: string[];
  categories: string[];
  /** What the configuration names as its state (state/location.ts finds it). */
  state: NamedState;
  accounts: AccountConfig[];
  /** Digest of the configuration files as written: plans made from the same files (shards of one commit) share it. */
  filesDigest: string;
  /** Every credential value in the config, to scrub from all output. */
  secrets: string[];
  /** What the user should change in time, though nothing is wrong yet (a credential the vendor is retiring); positioned. */
  warnings: ConfigProblem[];
}

/** Loads and validates the configuration at `path`: a file, a directory of *.yaml files, or the layout of account files. */
export function loadConfig(path: string, opts: LoadOptions): LoadResult<Config> {
  const read = readConfig(path, opts);
  return settle(read.config, read.problems, opts.unsetEnvAllowed);
}

/**
 * The configuration at `path` as far as it can be built, and every problem found, not yet judged
 * (see settle): for a caller that adds problems of its own (state/ of where the state is).
 */
export function readConfig(path: string, opts: LoadOptions): { config: Config; problems: ConfigProblem[] } {
  const abs = resolve(opts.cwd, path);
  const files = configFiles(abs);
  const problems: ConfigProblem[] = [];
  const { shared, chosen, accountFiles } = readSharedSources(files, opts, problems);
  const docs = shared.map((s) => s.d);
  const categories = (mergeSetting(docs, 'categories', problems) as string[] | undefined) ?? [...DEFAULT_CATEGORIES];
  const stateValue = mergeSetting(docs, 'state', problems);
  const g: Gathered = { accounts: [], secrets: [], warnings: [], problems, seen: new Map() };
  const parsed = new Map(shared.map((s) => [s.file.path, s.d.textDigest]));
  for (const source of shared) takeDocument(g, source, chosen, opts, categories);
  // One account file at a time: its document is dropped once its account is built.
  for (const f of accountFiles) {
    const source = readSource(f, opts, problems);
    if (!source) continue;
    parsed.set(f.path, source.d.textDigest);
    takeDocument(g, source, chosen, opts, categories);
  }
  // Account files not read are named all the same: every run sees the same accounts.
  for (const f of files) if (f.account !== undefined && !g.seen.has(f.account)) g.seen.set(f.account, filePosition(f, opts));
  const root = configRoot(abs);
  const config: Config = {
    root,
    files: files.map((f) => f.path),
    categories,
    state: stateNamedIn(docs, stateValue, filePosition(files[0]!, opts), problems),
    accounts: g.accounts,
    filesDigest: filesDigestOf(root, files, parsed),
    secrets: [...g.secrets, ...stateSecrets(stateValue)],
    warnings: sortProblems(g.warnings),
  };
  return { config, problems };
}

function filePosition(f: ConfigFile, opts: LoadOptions): Position {
  return { file: displayPath(f.path, opts.cwd), line: 1, col: 1 };
}
