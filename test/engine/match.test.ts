// The diff's first stage on its own: which live item, declared item and state record are one
// identity, and how that was found. Pure: rows in, no vendor, no server.

import { describe, expect, it } from 'vitest';
import { matchRows, type MatchInput } from '../../src/engine/diff/match.js';
import type { Capabilities } from '../../src/vendors/adapter.js';
import type { DesiredItem, LiveItem, StateItem } from '../../src/model.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const LIST: Capabilities = {
  read: 'list',
  create: true,
  softDelete: false,
  hardDelete: true,
  upsert: false,
  renameInPlace: true,
  hidesInactive: false,
  transitions: false,
};
const declare = (key: string, extra: Partial<DesiredItem> = {}): DesiredItem => ({
  key,
  fields: { label: key },
  dependsOn: [],
  renamedFrom: [],
  position: pos,
  ...extra,
});
const live = (key: string, id: string, extra: Partial<LiveItem> = {}): LiveItem => ({
  key,
  id,
  fields: { label: key },
  active: true,
  ...extra,
});
const owns = (key: string, id: string): Record<string, StateItem> => ({ [key]: { id, fields: { label: key }, active: true } });
const input = (
  declared: DesiredItem[],
  items: LiveItem[],
  owned: Record<string, StateItem> = {},
  extra: Partial<MatchInput> = {},
): MatchInput => ({
  declared,
  live: { items, warnings: [], errors: [] },
  owned,
  caps: LIST,
  ...extra,
});
const lower = (k: string) => k.toLowerCase();
/** The rows as [key, live key, via], for reading at a glance. */
const brief = (rows: ReturnType<typeof matchRows>) => rows.map((r) => [r.key, r.live?.key, r.via]);

describe('match: one row per identity', () => {
  it('a declared item found under its key is one row with it; a live item nobody declares or owns is a row of its own', () => {
    const rows = matchRows(input([declare('A')], [live('A', 'u1'), live('Z', 'u9')]));
    expect(brief(rows)).toEqual([
      ['A', 'A', 'key'],
      ['Z', 'Z', 'key'],
    ]);
    expect(rows[1]!.declared).toBeUndefined();
    expect(rows[1]!.recorded).toBeUndefined();
  });

  it('an owned item renamed at the vendor is found by its recorded id, and its new key is no stranger', () => {
    const rows = matchRows(input([declare('A')], [live('A2', 'u1')], owns('A', 'u1')));
    expect(brief(rows)).toEqual([['A', 'A2', 'id']]);
    expect(rows[0]!.recorded).toEqual(owns('A', 'u1')['A']);
  });

  it('renamed_from takes the earlier key’s item, once: a second declared item cannot take it again', () => {
    const rows = matchRows(input([declare('B', { renamedFrom: ['A'] }), declare('C', { renamedFrom: ['A'] })], [live('A', 'u1')]));
    expect(brief(rows)).toEqual([
      ['B', 'A', 'renamed_from'],
      ['C', undefined, undefined],
    ]);
  });

  it('a change of case is a rename of the owned item the vendor counts as the same, ahead of renamed_from', () => {
    const rows = matchRows(
      input([declare('Sold', { renamedFrom: ['Old'] })], [live('SOLD', 'u1'), live('Old', 'u2')], owns('SOLD', 'u1'), { fold: lower }),
    );
    expect(brief(rows)[0]).toEqual(['Sold', 'SOLD', 'fold']);
    expect(brief(rows)[1]).toEqual(['Old', 'Old', 'key']);
  });

  it('an unowned case twin is never taken, only named on the row', () => {
    const [row] = matchRows(input([declare('Sold')], [live('SOLD', 'u1')], {}, { fold: lower }));
    expect(row).toMatchObject({ key: 'Sold', twin: { key: 'SOLD' } });
    expect(row!.live).toBeUndefined();
  });

  it('a live key that differs only by an invisible character is named as a lookalike, not taken', () => {
    const [row] = matchRows(input([declare('Hold')], [live('Hold\u200b', 'u1')]));
    expect(row).toMatchObject({ key: 'Hold', lookalike: { key: 'Hold\u200b' } });
    expect(row!.live).toBeUndefined();
  });

  it('an owned item that left the config is a row with its record and its live item', () => {
    const rows = matchRows(input([], [live('Old', 'u1')], owns('Old', 'u1')));
    expect(brief(rows)).toEqual([['Old', 'Old', 'key']]);
    expect(rows[0]!.recorded?.id).toBe('u1');
  });

  it('an owned item renamed at the vendor to a key now declared is redeclared: the old record has no live item', () => {
    const rows = matchRows(input([declare('New')], [live('New', 'u1')], owns('Old', 'u1')));
    expect(brief(rows)).toEqual([
      ['New', 'New', 'key'],
      ['Old', undefined, undefined],
    ]);
    expect(rows[1]!.redeclared).toBe(true);
  });

  it('a declared item the vendor could not read has no row; a shared read-only row is never a row', () => {
    const rows = matchRows({
      ...input([declare('T1'), declare('T2')], [live('T2', 'x', { readOnly: true })]),
      live: { items: [live('T2', 'x', { readOnly: true })], warnings: [], errors: [{ key: 'T1', message: 'no such ticket' }] },
    });
    expect(brief(rows)).toEqual([['T2', undefined, undefined]]);
    expect(rows[0]!.shared).toBe(true);
  });
});
