// `npm start`: the quickstart, then the all-vendors example, end to end against the simulators
// on 127.0.0.1 — plan, apply the saved plan, then plan again to show that nothing is left to do.
// Each plan is shown once (the quickstart's in full, the all-vendors one by its summary), and the
// demo ends with what to try next. Works on copies, so the repo stays clean.

import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../cli/main.js';
import { processIo, type Io } from '../cli/io.js';
import { colorsFor } from '../render/style.js';
import { startSandbox } from '../sandbox/index.js';
import { demoSeeds, demoState, sandboxEnv } from '../sandbox/demo-data.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

const bold = colorsFor(process.stdout, process.env).bold;

function banner(text: string): void {
  process.stdout.write(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`)}\n\n`);
}

/** Runs a command with its stdout kept (not shown); stderr goes to the terminal as usual. */
async function quietly(io: Io, args: string[]): Promise<{ code: number; lines: string[] }> {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const code = await main(args, { ...io, stdout });
  return { code, lines: text.split('\n').filter((l) => l.trim() !== '') };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const summaryOf = (lines: string[]) => lines.find((l) => /^(Plan|Incomplete plan|No changes|Apply)/.test(l)) ?? lines.at(-1) ?? '';

/** validate → plan --out → apply the saved plan → plan again (which must find nothing to do), on a copy of one example. */
async function runExample(name: string, withState: boolean, showPlan: boolean): Promise<number> {
  const sandbox = await startSandbox({ seeds: demoSeeds() });
  try {
    const dir = mkdtempSync(join(tmpdir(), `statusform-${name}-`));
    // The example's statusform.yaml, and its accounts/ where it keeps one file per account.
    cpSync(join(examples, name), dir, { recursive: true });
    // A state file from an earlier apply: Thalamus has no read API, so this is all statusform knows of it.
    if (withState) writeFileSync(join(dir, 'statusform.state.json'), `${JSON.stringify(demoState(), null, 2)}\n`);
    const io: Io = { ...processIo(), env: { ...process.env, ...sandboxEnv(sandbox.simulators) } };
    const cfg = ['-c', dir];
    const planFile = join(dir, 'plan.json');

    banner(`examples/${name}`);
    const valid = await quietly(io, ['validate', ...cfg]);
    if (valid.code !== 0) return 1;
    say(`$ statusform validate\n${valid.lines.join('\n')}\n`);
    say('$ statusform plan --out plan.json');
    if (showPlan) {
      if ((await main(['plan', ...cfg, '--out', planFile], io)) !== 0) return 1;
    } else {
      const plan = await quietly(io, ['plan', ...cfg, '--out', planFile]);
      if (plan.code !== 0) return 1;
      say(`${summaryOf(plan.lines)}\n(the whole plan: statusform plan -c examples/${name})`);
    }
    // The saved plan is applied as reviewed; its progress lines are left out, its result shown.
    const apply = await quietly(io, ['apply', planFile]);
    say(`\n$ statusform apply plan.json\n${summaryOf(apply.lines.filter((l) => l.startsWith('Apply')))}`);
    if (apply.code !== 0) return apply.code;
    const again = await quietly(io, ['plan', ...cfg, '--detailed-exitcode']);
    say(`\n$ statusform plan --detailed-exitcode\n${summaryOf(again.lines)} (exit ${again.code})`);
    return again.code;
  } finally {
    await sandbox.close();
  }
}

async function demo(): Promise<number> {
  const quick = await runExample('quickstart', true, true);
  if (quick !== 0) return quick;
  const all = await runExample('all-vendors', false, false);
  if (all !== 0) return all;
  banner('next, on your own configuration');
  say('statusform init --vendor propertydeck      # a starter config, the workflows, .gitignore lines');
  say('statusform validate -c statusform          # needs no credentials');
  say('statusform plan -c statusform              # with your credentials set: what would change');
  say('\nMore: docs/getting-started.md');
  return 0;
}

process.exitCode = await demo();
