// The `state:` setting: a path (a state directory or the single state file of earlier versions)
// or a mapping naming another backend (`backend: postgres` with a connection URL). The URL holds
// a password, so no message here quotes any value of the mapping.

import type { Position } from '../errors.js';

/** Where the PostgreSQL backend keeps the state. */
export interface PostgresState {
  /** The connection URL (`postgres://user:password@host:5432/db`): a secret. */
  url: string;
  /** The database schema that holds statusform's tables; configurations sharing a database each take their own. */
  schema: string;
}

export const DEFAULT_PG_SCHEMA = 'statusform';

/**
 * Why a state setting cannot be used. `shape`: the schema says so too where the whole configuration
 * is validated; `unset`: a variable in it is unset, which the configuration's reading reports too;
 * `url`: a URL written as the path, which only this check finds.
 */
export interface StateSettingProblem {
  problem: string;
  /** Where in the configuration: the path of the node at fault. */
  at: string[];
  kind: 'shape' | 'unset' | 'url';
}

/** What the setting says: a path for state/location.ts, a PostgreSQL backend, or why it is neither (never quoting a value). */
export type StateSetting = { path?: string } | { postgres: PostgresState } | StateSettingProblem;

/** What a configuration names as its state, for state/location.ts to find it, and where to report what is wrong there. */
export interface NamedState {
  setting: StateSetting;
  /** Where `state:` is written (in the first file that sets it); undefined when it is not. */
  at?: Position;
  /** Where a problem of the configuration as a whole is reported: line 1 of its first file, or of its path. */
  whole: Position;
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads the merged `state` value. The schema has checked its shape already where the whole
 * configuration is validated; this is also the only check of the commands that read the
 * setting alone (state, unlock), so it says what is wrong in words of its own.
 */
export function stateSettingOf(value: unknown, opts: { urlUnsetAllowed?: boolean } = {}): StateSetting {
  if (value === undefined) return {};
  if (typeof value === 'string') {
    // A URL as the path would become a directory named after it, password and all.
    if (URL_LIKE.test(value))
      return {
        problem:
          'state is a URL: a PostgreSQL backend is a mapping, `state:` then (indented) `backend: postgres` and `url: ${STATUSFORM_PG_URL}`',
        at: ['state'],
        kind: 'url',
      };
    if (value.includes('${')) return { problem: `state needs ${unsetIn(value)} set`, at: ['state'], kind: 'unset' };
    return { path: value };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { problem: 'state must be a path, or a mapping with `backend: postgres` and `url:`', at: ['state'], kind: 'shape' };
  return postgresOf(value as Record<string, unknown>, opts.urlUnsetAllowed ?? false);
}

/** The variables a value still refers to (unset ones are left as written): names only, never the rest of the text. */
function unsetIn(value: string): string {
  const names = [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  return names.length === 0 ? 'every ${VAR} in it' : `the environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
}

/** `urlUnsetAllowed`: for a command that never connects (shards), a URL whose variable is unset is no problem. */
function postgresOf(m: Record<string, unknown>, urlUnsetAllowed: boolean): StateSetting {
  const shape = (problem: string, at = ['state']): StateSettingProblem => ({ problem, at, kind: 'shape' });
  const unknown = Object.keys(m).filter((k) => !['backend', 'url', 'schema'].includes(k));
  if (unknown.length > 0)
    return shape(`state: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: backend, url, schema)`, [
      'state',
      unknown[0]!,
    ]);
  if (m['backend'] !== 'postgres')
    return shape('state.backend must be "postgres" (a path is written as text: `state: statusform.state/`)', ['state', 'backend']);
  const url = m['url'];
  if (typeof url !== 'string' || url === '') return shape('state.url must be the connection URL, e.g. `url: ${STATUSFORM_PG_URL}`');
  if (url.includes('${') && !urlUnsetAllowed)
    return { problem: `state.url needs ${unsetIn(url)} set`, at: ['state', 'url'], kind: 'unset' };
  const schema = m['schema'] ?? DEFAULT_PG_SCHEMA;
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema))
    return shape('state.schema must be a lower-case name (letters, digits and "_", at most 63)', ['state', 'schema']);
  return { postgres: { url, schema } };
}

/**
 * The secrets a state setting holds, to scrub from every output even when the configuration has
 * problems: every text of it that looks like a URL (a value, or a key written by mistake) and that URL's
 * password, as written and decoded.
 */
export function stateSecrets(value: unknown): string[] {
  const texts =
    typeof value === 'string'
      ? [value].filter((v) => URL_LIKE.test(v))
      : value !== null && typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
            .flat()
            .filter((v): v is string => typeof v === 'string' && URL_LIKE.test(v))
        : [];
  return texts.flatMap((t) => [t, ...passwordOf(t)]);
}

function passwordOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    if (password === '') return [];
    return [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

/** How messages name the PostgreSQL state: the host, database and schema, never the user or password. */
export function postgresLabel(pg: PostgresState): string {
  try {
    const u = new URL(pg.url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    return `PostgreSQL ${u.host || 'local socket'}${db ? `/${db}` : ''} (schema ${pg.schema})`;
  } catch {
    return `PostgreSQL (schema ${pg.schema})`;
  }
}
