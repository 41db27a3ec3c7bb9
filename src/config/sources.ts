// Reading a configuration's files as documents: the settings and whole files first, then the
// account files of the accounts chosen, picked by file name so an account not chosen is never
// parsed, and read one at a time so only one account file's document is held at once. An account
// file's document is placed where a single file would have it.

import type { ConfigProblem } from '../errors.js';
import { asAccountDocument, asSettingsDocument } from './account-document.js';
import { parseConfigText, readConfigText, type ConfigDocument } from './documents.js';
import type { ConfigFile } from './files.js';
import type { LoadOptions } from './load-options.js';

/** One config file, parsed whole; an account file's document is placed under `accounts.<name>`. */
export interface Source {
  file: ConfigFile;
  d: ConfigDocument;
  /** The problems of reading it (unset or malformed `${NAME}`s among them), judged per account by the loader. */
  found: ConfigProblem[];
}

/** Reads and parses a config file; undefined, its problems reported, when it cannot be read as a configuration. */
export function readSource(file: ConfigFile, opts: LoadOptions, problems: ConfigProblem[]): Source | undefined {
  const read = readConfigText(file.path, opts.cwd, problems);
  if (!read) return undefined;
  const found: ConfigProblem[] = [];
  const parsed = parseConfigText(read.file, read.text, opts.env, found);
  const placed = parsed.data === undefined ? undefined : placeDocument(file, parsed, found);
  if (!placed) {
    problems.push(...found);
    return undefined;
  }
  return { file, d: placed, found };
}

function placeDocument(file: ConfigFile, d: ConfigDocument, found: ConfigProblem[]): ConfigDocument | undefined {
  if (file.account !== undefined) return asAccountDocument(d, file.account, found);
  return file.settings ? asSettingsDocument(d, found) : d;
}

/**
 * The settings and whole files, read; the accounts chosen (undefined: every account); and the
 * account files to read, each with readSource when its turn comes.
 */
export function readSharedSources(
  files: readonly ConfigFile[],
  opts: LoadOptions,
  problems: ConfigProblem[],
): { shared: Source[]; chosen: ReadonlySet<string> | undefined; accountFiles: ConfigFile[] } {
  const wholeFiles = files.filter((f) => f.account === undefined);
  const shared = wholeFiles.flatMap((f) => readSource(f, opts, problems) ?? []);
  // Not while a file cannot be read: its accounts would be missing from the names.
  const chosen = opts.select && shared.length === wholeFiles.length ? new Set(opts.select(accountNames(files, shared))) : undefined;
  const accountFiles = files.filter((f) => f.account !== undefined && (!chosen || chosen.has(f.account)));
  return { shared, chosen, accountFiles };
}

/** The settings and whole files alone, parsed: what the shared settings are read from. */
export function readSharedDocuments(files: readonly ConfigFile[], opts: LoadOptions, problems: ConfigProblem[]): ConfigDocument[] {
  const docs: ConfigDocument[] = [];
  for (const f of files.filter((x) => x.account === undefined)) {
    const read = readConfigText(f.path, opts.cwd, problems);
    if (!read) continue;
    const d = parseConfigText(read.file, read.text, opts.env, problems);
    if (d.data !== undefined) docs.push(d);
  }
  return docs;
}

/** Every account's name, in file order (a repeated name once): account files by their names, whole files by their data. */
function accountNames(files: readonly ConfigFile[], sources: readonly Source[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    const accounts = (source.d.data as { accounts?: unknown } | null)?.accounts;
    if (accounts && typeof accounts === 'object' && !Array.isArray(accounts)) for (const name of Object.keys(accounts)) names.add(name);
  }
  for (const f of files) if (f.account !== undefined) names.add(f.account);
  return [...names];
}
