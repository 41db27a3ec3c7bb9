// `npm start`: the quickstart, then the all-vendors example, end to end against the simulators
// on 127.0.0.1 — plan, apply, then plan again to show that nothing is left to do. Works on
// copies, so the repo stays clean.

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main.js';
import { processIo } from '../cli/io.js';
import { colorsFor } from '../render/style.js';
import { startSandbox } from '../sandbox/index.js';
import { demoSeeds, demoState, sandboxEnv } from '../sandbox/demo-data.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

const bold = colorsFor(process.stdout, process.env).bold;

function banner(text: string): void {
  process.stdout.write(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`)}\n\n`);
}

/** validate → plan → apply → plan again (which must find nothing to do), on a copy of one example. */
async function runExample(name: string, withState: boolean): Promise<number> {
  const sandbox = await startSandbox({ seeds: demoSeeds() });
  try {
    const dir = mkdtempSync(join(tmpdir(), `statusform-${name}-`));
    // The example's statusform.yaml, and its accounts/ where it keeps one file per account.
    cpSync(join(examples, name), dir, { recursive: true });
    // A state file from an earlier apply: Thalamus has no read API, so this is all statusform knows of it.
    if (withState) writeFileSync(join(dir, 'statusform.state.json'), `${JSON.stringify(demoState(), null, 2)}\n`);
    const io = { ...processIo(), env: { ...process.env, ...sandboxEnv(sandbox.simulators) } };
    const cfg = ['-c', dir];

    banner(`${name}: statusform validate`);
    if ((await main(['validate', ...cfg], io)) !== 0) return 1;
    banner(`${name}: statusform plan`);
    if ((await main(['plan', ...cfg], io)) !== 0) return 1;
    banner(`${name}: statusform apply --auto-approve`);
    if ((await main(['apply', ...cfg, '--auto-approve'], io)) !== 0) return 1;
    banner(`${name}: statusform plan --detailed-exitcode   (expect no changes)`);
    const code = await main(['plan', ...cfg, '--detailed-exitcode'], io);
    process.stdout.write(
      `\nexit code ${code}${code === 0 ? ' — live state matches the configuration.' : ''} (worked on a copy in ${dir})\n`,
    );
    return code;
  } finally {
    await sandbox.close();
  }
}

async function demo(): Promise<number> {
  const quick = await runExample('quickstart', true);
  if (quick !== 0) return quick;
  return runExample('all-vendors', false);
}

process.exitCode = await demo();
