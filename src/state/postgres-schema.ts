// The tables of the PostgreSQL state, in a schema of their own, and their version. The first
// run that locks or writes creates them; a later statusform with a newer layout steps them up,
// one numbered step at a time, and an older statusform refuses a layout newer than it knows.

import { createHash } from 'node:crypto';
import { StateBackendError } from '../errors.js';
import type { Session } from './postgres-session.js';

/**
 * Each step takes the tables from the version before it to the next (STEPS[0]: none → 1). A
 * released step is never edited: a change of layout is a new step.
 *
 * accounts: one row per account. `vendor` null: the account has a version but no recorded
 * account (what a state file with `accounts: {}` says). `items` is `json`, not `jsonb`: kept as
 * written, keys in their order, so a state moved back to files reads as it was.
 * locks: who holds each account's advisory lock (the lock itself is the database's); a row whose
 * session has ended is left over and means nothing.
 */
const STEPS: ((schema: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.accounts (
      account    text PRIMARY KEY,
      lineage    text NOT NULL,
      serial     bigint NOT NULL,
      vendor     text,
      origin     text,
      tenant     text,
      items      json,
      written_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ${s}.locks (
      account     text PRIMARY KEY,
      host        text NOT NULL,
      pid         integer NOT NULL,
      command     text NOT NULL,
      run_url     text,
      since       timestamptz NOT NULL,
      token       text NOT NULL,
      backend_pid integer NOT NULL
    );`,
];

const SCHEMA_VERSION = STEPS.length;

/** A schema name as SQL: checked to be a plain lower-case name where the configuration is read, quoted all the same. */
export function sqlName(schema: string): string {
  return `"${schema.replace(/"/g, '""')}"`;
}

/**
 * A 64-bit advisory lock key for a name within a schema. Hashed with the schema, so two
 * configurations sharing a database (each its schema) never wait on each other's accounts.
 */
export function lockKey(schema: string, what: string): bigint {
  const digest = createHash('sha256').update(`statusform\0${schema}\0${what}`).digest();
  return digest.readBigInt64BE(0);
}

/** The version of the tables in the schema: 0 when there are none yet. Refuses a version newer than this statusform's. */
export async function schemaVersion(session: Session, schema: string): Promise<number> {
  const { rows } = await session.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    `${sqlName(schema)}.statusform_version`,
  ]);
  if (rows[0]?.t === null || rows[0]?.t === undefined) return 0;
  const version = await session.query<{ version: number }>(`SELECT version FROM ${sqlName(schema)}.statusform_version`);
  return refuseNewer(version.rows[0]?.version ?? 0, session.label);
}

function refuseNewer(version: number, label: string): number {
  if (version > SCHEMA_VERSION)
    throw new StateBackendError(
      `the state tables in ${label} are version ${version}, newer than this statusform knows (${SCHEMA_VERSION}): ` +
        'a newer statusform wrote them; upgrade statusform to use them',
      'E_STATE_SCHEMA',
    );
  return version;
}

/**
 * Creates or steps up the tables, once per session. Under a transaction-scoped advisory lock, so
 * two runs starting on an empty database do not both create them. The schema is created only when
 * missing: a role without CREATE on the database can use one an administrator made for it.
 */
export async function ensureSchema(session: Session, schema: string): Promise<void> {
  if ((await schemaVersion(session, schema)) === SCHEMA_VERSION) return;
  const s = sqlName(schema);
  await session.transaction(async () => {
    await session.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema, '\0schema').toString()]);
    const { rows } = await session.query<{ n: string | null }>('SELECT to_regnamespace($1)::text AS n', [s]);
    if (rows[0]?.n === null || rows[0]?.n === undefined) await session.query(`CREATE SCHEMA ${s}`);
    await session.query(`CREATE TABLE IF NOT EXISTS ${s}.statusform_version (version integer NOT NULL)`);
    const found = await session.query<{ version: number }>(`SELECT version FROM ${s}.statusform_version`);
    const from = refuseNewer(found.rows[0]?.version ?? 0, session.label);
    for (let v = from; v < SCHEMA_VERSION; v++) await session.query(STEPS[v]!(s));
    await session.query(`DELETE FROM ${s}.statusform_version`);
    await session.query(`INSERT INTO ${s}.statusform_version (version) VALUES ($1)`, [SCHEMA_VERSION]);
  });
}
