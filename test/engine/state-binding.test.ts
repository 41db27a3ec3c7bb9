// The state file is bound to the vendor instance it describes: vendor, base URL origin, tenant.

import { describe, expect, it } from 'vitest';
import { bindingOf, foreignStateProblems } from '../../src/engine/state-binding.js';
import type { State } from '../../src/state/state-file.js';
import type { AccountConfig } from '../../src/model.js';

const pos = { file: 'statusform.yaml', line: 1, col: 1 };
const account = (vendor: string, settings: Record<string, unknown>, baseUrl = 'https://api.spacebring.com'): AccountConfig => ({
  name: 'cowork',
  vendor,
  baseUrl,
  rateLimit: { requests: 1, seconds: 1 },
  prune: false,
  safety: { max_update_percent: 30, max_delete_percent: 30, min_owned: 10 },
  settings,
  items: [],
  position: pos,
});
const state = (recorded: Record<string, unknown>): State => ({
  version: 1,
  lineage: 'l',
  serial: 1,
  accounts: { cowork: { vendor: 'spacebring', items: {}, ...recorded } },
});
const oauth = (network: string) => account('spacebring', { token: 't', network_id: network });

describe('which vendor instance a state file describes', () => {
  it('names the Spacebring network when OAuth is used, and none with Basic credentials', () => {
    expect(bindingOf(oauth('n-1'))).toEqual({ vendor: 'spacebring', origin: 'https://api.spacebring.com', tenant: 'network_id n-1' });
    expect(bindingOf(account('spacebring', { client_id: 'c', client_secret: 's' }))).toEqual({
      vendor: 'spacebring',
      origin: 'https://api.spacebring.com',
    });
  });

  it('refuses another network, another origin or another vendor, saying what changed', () => {
    const recorded = state({ origin: 'https://api.spacebring.com', tenant: 'network_id n-1' });
    expect(foreignStateProblems([oauth('n-2')], recorded, () => 'sf.json')).toEqual([
      expect.stringContaining('(network_id n-1 → network_id n-2)'),
    ]);
    expect(
      foreignStateProblems(
        [account('spacebring', { token: 't', network_id: 'n-1' }, 'https://eu.spacebring.com/v2')],
        recorded,
        () => 'sf.json',
      ),
    ).toEqual([expect.stringContaining('(base_url origin https://api.spacebring.com → https://eu.spacebring.com)')]);
    expect(foreignStateProblems([account('timetap', { business_id: 1 })], recorded, () => 'sf.json')).toEqual([
      expect.stringContaining('(vendor spacebring → timetap); '),
    ]);
  });

  it('accepts the same instance, an older state that recorded neither origin nor tenant, and Basic credentials that name no network', () => {
    expect(
      foreignStateProblems([oauth('n-1')], state({ origin: 'https://api.spacebring.com', tenant: 'network_id n-1' }), () => 'sf.json'),
    ).toEqual([]);
    expect(foreignStateProblems([oauth('n-2')], state({}), () => 'sf.json')).toEqual([]);
    expect(
      foreignStateProblems(
        [account('spacebring', { client_id: 'c', client_secret: 's' })],
        state({ tenant: 'network_id n-1' }),
        () => 'sf.json',
      ),
    ).toEqual([]);
  });
});
