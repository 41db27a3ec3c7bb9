// Issue 22, item 8: `npm start` teaches — each plan shown once, under 120 lines, ending with the
// three commands to try next on one's own configuration (which the command table must know).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/cli/command-table.js';

const demo = fileURLToPath(new URL('../../dist/demo/run-demo.js', import.meta.url));

describe('the demo (npm start)', () => {
  it('shows each plan once, in under 120 lines, and ends with three commands to try next', () => {
    const r = spawnSync(process.execPath, [demo], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = `${r.stdout}${r.stderr}`.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(120);
    expect(r.stdout.match(/^Plan: /gm)).toHaveLength(2); // the quickstart's and the all-vendors one, once each
    expect(r.stdout.match(/^No changes\. Live state matches the configuration\./gm)).toHaveLength(2);
    const next = r.stdout.trimEnd().split('\n').slice(-5, -2);
    expect(next.map((l) => l.split(/\s+/)[1])).toEqual(['init', 'validate', 'plan']);
    for (const l of next) expect(findCommand([l.split(/\s+/)[1]!])).toBeDefined();
  });
});
