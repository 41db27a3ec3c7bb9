// `statusform split`: turns a single config file into the layout of account files — the settings
// in statusform.yaml, each account in accounts/<name>.yaml — comments kept. Not in PRODUCT.md's
// command list: the layout is, and a fleet kept in one file needs a safe way into it. The new
// files are loaded before anything is replaced, and must describe the same accounts.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Document, isMap, isScalar, parseDocument, visit, type Pair } from 'yaml';
import { modelDigests } from '../../config/digests.js';
import { ACCOUNT_NAME, ACCOUNTS_DIR, SETTINGS_FILE } from '../../config/files.js';
import { loadConfigWithState } from '../../state/config-with-state.js';
import { canonicalJson } from '../../digest.js';
import { ConfigError, RefusedError, UsageError } from '../../errors.js';
import { DEFAULT_CONFIG } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function splitCommand(io: Io, opts: { config?: string }): Promise<Outcome> {
  const file = resolve(io.cwd, opts.config ?? DEFAULT_CONFIG);
  const dir = dirname(file);
  refuseUnsplittable(file, dir);
  const before = loadConfigWithState(file, { cwd: io.cwd, env: io.env, unsetEnvAllowed: true });
  if (!before.config) throw new ConfigError(before.problems);
  const files = splitText(readFileSync(file, 'utf8'));
  const staged = mkdtempSync(join(dir, '.statusform-split-'));
  try {
    writeLayout(staged, files);
    const after = loadConfigWithState(staged, { cwd: io.cwd, env: io.env, unsetEnvAllowed: true });
    // Account files are read in their names' order: the same accounts, each the same, is enough.
    if (
      !after.config ||
      canonicalJson(modelDigests(after.config).accountDigests) !== canonicalJson(modelDigests(before.config).accountDigests)
    ) {
      throw new RefusedError('split: the account files would not describe the same accounts; nothing was changed');
    }
    renameSync(join(staged, ACCOUNTS_DIR), join(dir, ACCOUNTS_DIR));
    renameSync(join(staged, SETTINGS_FILE), join(dir, SETTINGS_FILE));
    if (basename(file) !== SETTINGS_FILE) rmSync(file);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
  write(io.stdout, `Split ${basename(file)} into ${SETTINGS_FILE} and ${files.accounts.size} files in ${ACCOUNTS_DIR}/.`);
  return 'done';
}

function refuseUnsplittable(file: string, dir: string): void {
  if (!existsSync(file)) throw new UsageError(`split takes a single config file (-c FILE); there is none at ${file}`);
  if (existsSync(join(dir, ACCOUNTS_DIR))) throw new UsageError(`${join(dir, ACCOUNTS_DIR)} exists already: the configuration is split`);
  if (basename(file) !== SETTINGS_FILE && existsSync(join(dir, SETTINGS_FILE))) {
    throw new UsageError(`${join(dir, SETTINGS_FILE)} exists already beside ${basename(file)}: split writes the settings there`);
  }
}

/** The texts of the layout: the settings, and each account's file by name. */
function splitText(text: string): { settings: string; accounts: Map<string, string> } {
  const doc = parseDocument(text, { version: '1.2', merge: true });
  if (doc.errors.length > 0) throw new UsageError(`split: the file is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  refuseAliases(doc);
  const accounts = doc.get('accounts', true);
  if (!isMap(accounts)) throw new UsageError('split: the file has no accounts mapping to split');
  const out = new Map<string, string>();
  for (const [i, pair] of accounts.items.entries()) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!ACCOUNT_NAME.test(name)) throw new UsageError(`split: "${name}" is no account name, and cannot name a file`);
    // The comment above the first account is the mapping's own, to the parser.
    const above = i === 0 ? accounts.commentBefore : (pair.key as { commentBefore?: string | null }).commentBefore;
    out.set(name, accountText(pair as Pair, above ?? undefined));
  }
  doc.delete('accounts');
  return { settings: doc.toString({ lineWidth: 0 }), accounts: out };
}

/** An account's settings as a document of their own, the comment above its name kept above them. */
function accountText(pair: Pair, above: string | undefined): string {
  const out = new Document(pair.value, { version: '1.2' });
  if (above) out.commentBefore = above;
  return out.toString({ lineWidth: 0 });
}

/** Anchors and aliases do not cross files: an account using another's settings cannot stand alone. */
function refuseAliases(doc: Document): void {
  visit(doc, {
    Alias() {
      throw new UsageError('split: the file uses aliases (*name or <<: *name); an account file stands alone, so write them out first');
    },
  });
}

function writeLayout(dir: string, files: { settings: string; accounts: Map<string, string> }): void {
  writeFileSync(join(dir, SETTINGS_FILE), files.settings);
  mkdirSync(join(dir, ACCOUNTS_DIR));
  for (const [name, text] of files.accounts) writeFileSync(join(dir, ACCOUNTS_DIR, `${name}.yaml`), text);
}
