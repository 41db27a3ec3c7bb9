import { describe, expect, it } from 'vitest';
import { cli, tree } from '../helpers.js';

const config = `version: 1
accounts:
  nerds:
    vendor: thalamus
    token: t
    status_variants:
      - { id: waiting, label: Waiting, maps_to: pending }
      - { id: parked, label: Parked, maps_to: pending }
  helpdesk:
    vendor: serieshr
    api_key: k
    staff_user_id: 1
    mappings: { open: open, in-progress: open, resolved: solved, closed: closed }
    tickets: []
`;

describe('statusform mappings', () => {
  it('prints the category × account matrix with gaps and ambiguous categories marked, without the network', async () => {
    const r = await cli(['mappings'], { cwd: tree({ 'statusform.yaml': config }) });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^category\s+nerds \(thalamus\)\s+helpdesk \(serieshr\)$/);
    expect(lines.find((l) => l.startsWith('pending'))).toMatch(/^pending\s+waiting, parked\s+—$/);
    expect(lines.find((l) => l.startsWith('open'))).toMatch(/^open\s+—\s+open, in-progress \(!\)$/);
    expect(r.stdout).toContain('(8 gaps)');
  });

  it('renders a markdown table', async () => {
    const r = await cli(['mappings', '--format', 'markdown'], { cwd: tree({ 'statusform.yaml': config }) });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      '| category | nerds (thalamus) | helpdesk (serieshr) |',
      '|---|---|---|',
      '| new | — | — |',
    ]);
  });
});
