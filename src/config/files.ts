// Which files a configuration is: one file; a directory of *.yaml files, each parsed whole; or the
// layout of account files — `statusform.yaml` (the settings) beside `accounts/<name>.yaml`, one
// account each, named by its file — where an account is picked by its file name before anything is parsed.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/** The settings file of the layout of account files. */
export const SETTINGS_FILE = 'statusform.yaml';
/** The folder of account files, beside the settings file. */
export const ACCOUNTS_DIR = 'accounts';
/** What an account's name may be (the schema's rule for the keys of `accounts`). */
export const ACCOUNT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export interface ConfigFile {
  path: string;
  /** Of an account file: the account's name, its file's name without `.yaml`. */
  account?: string;
  /** The settings file of the layout (it holds no account). */
  settings?: boolean;
}

/** Finds the config files of a path (sorted, so every run reads them in one order). */
export function configFiles(path: string): ConfigFile[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`no configuration at ${path} (give one with -c PATH: a statusform.yaml or a directory of *.yaml files)`);
  }
  // statusform.yaml of the layout names the whole configuration, as its directory does.
  if (st.isFile()) return basename(path) === SETTINGS_FILE && isLayout(dirname(path)) ? layoutFiles(dirname(path)) : [{ path }];
  if (isLayout(path)) return layoutFiles(path);
  const files = yamlFiles(path).map((f) => ({ path: f }));
  if (files.length === 0) throw new UsageError(`no *.yaml files in ${path}`);
  return files;
}

/** Whether a directory holds the layout of account files: a settings file and an accounts folder. */
export function isLayout(dir: string): boolean {
  const accounts = join(dir, ACCOUNTS_DIR);
  return existsSync(join(dir, SETTINGS_FILE)) && existsSync(accounts) && statSync(accounts).isDirectory();
}

function layoutFiles(dir: string): ConfigFile[] {
  const accounts = yamlFiles(join(dir, ACCOUNTS_DIR)).map((path) => ({ path, account: accountOfFile(path) }));
  return [{ path: join(dir, SETTINGS_FILE), settings: true }, ...accounts];
}

/** The account an account file is for: its name without `.yaml` (or `.yml`). */
export function accountOfFile(path: string): string {
  return basename(path).replace(/\.ya?ml$/, '');
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The directory a configuration's relative paths (like `state`) are resolved against: its own, or its file's. */
export function configRoot(path: string): string {
  return statSync(path).isDirectory() ? path : dirname(path);
}
