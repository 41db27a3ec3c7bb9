// `rate_limit: { share }`: statusform uses at most that share of the vendor's limit.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { Pacer, type Clock } from '../../src/http/pacer.js';
import { tree } from '../helpers.js';

const pd = (rate: string) =>
  'version: 1\naccounts:\n  estate:\n    vendor: propertydeck\n' +
  `    base_url: http://127.0.0.1:1\n    token: t\n    rate_limit: ${rate}\n    statuses: []\n`;
const load = (rate: string) => loadConfig('statusform.yaml', { cwd: tree({ 'statusform.yaml': pd(rate) }), env: {} });

/** A clock whose sleeps pass at once, recording when each request would start. */
function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += Math.max(0, ms)) };
  return c;
}

/** The most requests any window of `ms` sees. */
function busiestWindow(starts: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < starts.length; i++) {
    while (starts[i]! - starts[j]! >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('rate_limit.share', () => {
  it("alone, takes that share of the vendor's documented limit (Property Deck: 60 per 60 s → 30)", () => {
    const a = load('{ share: 0.5 }').config!.accounts[0]!;
    expect(a.rateLimit).toEqual({ requests: 30, seconds: 60 });
    expect(a.rateShare).toBe(0.5);
  });

  it('with requests and seconds, takes that share of the limit given', () => {
    expect(load('{ requests: 10, seconds: 1, share: 0.25 }').config!.accounts[0]!.rateLimit).toEqual({ requests: 2.5, seconds: 1 });
  });

  it('is refused outside (0, 1], and requests needs seconds', () => {
    expect(
      load('{ share: 0 }')
        .problems.map((p) => p.message)
        .join('\n'),
    ).toMatch(/share/);
    expect(
      load('{ share: 1.5 }')
        .problems.map((p) => p.message)
        .join('\n'),
    ).toMatch(/share/);
    expect(load('{ requests: 10 }').problems.length).toBeGreaterThan(0);
  });

  it('paces requests at the share: never more than 30 in any 60 s for share 0.5, where the full limit allows 60', async () => {
    const window = async (rate: string) => {
      const clock = fakeClock();
      const pacer = new Pacer(load(rate).config!.accounts[0]!.rateLimit, clock);
      const starts: number[] = [];
      for (let i = 0; i < 200; i++) {
        await pacer.acquire();
        starts.push(clock.now());
      }
      return busiestWindow(starts, 60_000);
    };
    const half = await window('{ share: 0.5 }');
    expect(half).toBeLessThanOrEqual(30);
    expect(half).toBeGreaterThanOrEqual(28);
    expect(await window('{ share: 1 }')).toBeGreaterThan(55);
  });
});
