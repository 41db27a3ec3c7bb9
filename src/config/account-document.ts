// An account file's document, placed where a single file would have it: its tree and data under
// `accounts.<name>`, so the schema, the messages and the builder read both layouts alike.

import type { ConfigProblem } from '../errors.js';
import { positionOf, type ConfigDocument } from './documents.js';
import { ACCOUNT_NAME } from './files.js';
import type { YamlMap, YamlNode, YamlScalar } from './yaml-tree.js';

/** Keys of a whole configuration, which an account file holding one account's settings never has. */
const SETTINGS_KEYS = ['version', 'accounts', 'categories', 'state'];

/**
 * The document of `accounts/<name>.yaml` as the configuration's: undefined, with a problem, when
 * the file's name is no account name or the file is not one account's settings.
 */
export function asAccountDocument(d: ConfigDocument, name: string, problems: ConfigProblem[]): ConfigDocument | undefined {
  const at = positionOf(d, d.root);
  if (!ACCOUNT_NAME.test(name)) {
    problems.push({
      position: { file: d.file, line: 1, col: 1 },
      message:
        `an account file is named after its account, and "${name}" is no account name: ` +
        'rename the file to start with a letter and hold only letters, digits, - and _',
    });
    return undefined;
  }
  const data = d.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ position: at, message: `an account file holds one account's settings as a mapping (vendor: …, tickets: …)` });
    return undefined;
  }
  const settingsKey = SETTINGS_KEYS.find((k) => Object.hasOwn(data, k));
  if (settingsKey !== undefined) {
    problems.push({
      position: at,
      message: `${settingsKey}: belongs in statusform.yaml; an account file holds the settings of its account alone, named by the file`,
    });
    return undefined;
  }
  return { ...d, root: wrapped(name, d.root), data: { version: 1, accounts: { [name]: data } } };
}

/** The settings file's document, with the `accounts` the schema asks of a configuration (they are in their own files). */
export function asSettingsDocument(d: ConfigDocument, problems: ConfigProblem[]): ConfigDocument | undefined {
  const data = d.data as Record<string, unknown> | null;
  if (data && typeof data === 'object' && Object.hasOwn(data, 'accounts')) {
    problems.push({
      position: positionOf(d, d.root),
      message:
        'beside accounts/, statusform.yaml holds the settings only: move each account to accounts/<name>.yaml (statusform split does it)',
    });
    return undefined;
  }
  return data && typeof data === 'object' ? { ...d, data: { ...data, accounts: {} } } : d;
}

function wrapped(name: string, root: YamlNode | null): YamlMap {
  const key = (value: string): YamlScalar => ({ kind: 'scalar', offset: 0, value, plain: true, text: value });
  const accounts: YamlMap = { kind: 'map', offset: 0, pairs: [{ key: key(name), value: root, merge: false }] };
  return { kind: 'map', offset: 0, pairs: [{ key: key('accounts'), value: accounts, merge: false }] };
}
