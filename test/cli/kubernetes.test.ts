// examples/kubernetes/statusform-drift.yaml, run: the CronJob's Indexed Job as N pods, each with
// its own emptyDir at /work (the config repository cloned into /work/repo), running the plan
// container's script with bash against the simulators. A stand-in npm "installs" statusform by
// putting this checkout's bin/statusform.js where the script's PATH looks for it.

import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shardTable, shardText } from '../../src/engine/shard.js';
import { sandboxEnv } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers.js';

const bin = new URL('../../bin/statusform.js', import.meta.url).pathname;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

type Container = { name: string; command: string[]; args: string[]; workingDir: string; env: { name: string; value: string }[] };
type CronJob = {
  kind: string;
  spec: {
    concurrencyPolicy: string;
    jobTemplate: {
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        backoffLimit: number;
        template: { spec: { containers: Container[]; volumes: { name: string }[] } };
      };
    };
  };
};

const th = (name: string) =>
  `  ${name}:\n    vendor: thalamus\n    base_url: \${THALAMUS_URL}\n    token: \${THALAMUS_TOKEN}\n` +
  '    status_variants:\n      - { id: a, label: "Alpha", maps_to: open }\n';
const NAMES = ['alpha', 'Beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('examples/kubernetes/statusform-drift.yaml', () => {
  const cron = parse(readFileSync(new URL('../../examples/kubernetes/statusform-drift.yaml', import.meta.url), 'utf8')) as CronJob;
  const job = cron.spec.jobTemplate.spec;
  const container = job.template.spec.containers.find((c) => c.name === 'plan')!;
  const envOf = (name: string) => container.env.find((e) => e.name === name)?.value;

  it('is a CronJob of an Indexed Job with one pod per shard, none retried, none overlapping', () => {
    expect(cron.kind).toBe('CronJob');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(job.completionMode).toBe('Indexed');
    expect(job.completions).toBe(Number(envOf('SHARDS')));
    expect(job.parallelism).toBe(job.completions);
    expect(job.backoffLimit).toBe(0);
    expect(container.command).toEqual(['bash', '-c']);
    expect(container.workingDir).toBe('/work/repo');
  });

  it('pod i plans shard i+1 of N: every account planned by exactly one pod, exit 0 where nothing changed and 2 where something did', async () => {
    sandbox = await startSandbox();
    const count = Number(envOf('SHARDS'));
    const table = shardTable(NAMES, count);
    const root = tempDir('statusform-k8s-');
    // The config repository, with shard 1's accounts already applied (their state committed).
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'statusform'), { recursive: true });
    writeFileSync(join(repo, 'statusform', 'statusform.yaml'), `version: 1\naccounts:\n${NAMES.map(th).join('')}`);
    const vendorEnv = sandboxEnv(sandbox.simulators);
    const applied = await run(process.execPath, [bin, 'apply', '-c', 'statusform', '--shard', `1/${count}`, '--auto-approve'], repo, {
      ...process.env,
      ...vendorEnv,
    });
    expect(applied.status, applied.stderr).toBe(0);

    // A stand-in npm: `npm install --prefix DIR PACKAGE` puts this checkout's CLI at DIR/node_modules/.bin.
    const tools = join(root, 'tools');
    mkdirSync(tools);
    writeFileSync(
      join(tools, 'npm'),
      '#!/bin/sh\nset -e\n[ "$1 $2" = "install --prefix" ] && [ -n "$4" ] || { echo "unexpected: npm $*" >&2; exit 1; }\n' +
        'mkdir -p "$3/node_modules/.bin"\n' +
        `printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "${process.execPath}" "${bin}" > "$3/node_modules/.bin/statusform"\n` +
        'chmod +x "$3/node_modules/.bin/statusform"\n',
    );
    chmodSync(join(tools, 'npm'), 0o755);

    const pods = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        // The pod's emptyDir, mounted at /work, with the init container's clone in it.
        const work = join(root, `pod-${index}`);
        cpSync(repo, join(work, 'repo'), { recursive: true });
        const script = container.args[0]!.replaceAll('/work/', `${work}/`);
        const env = {
          PATH: `${tools}:${process.env['PATH']}`,
          ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
          ...vendorEnv, // the Secret, through envFrom
          JOB_COMPLETION_INDEX: String(index), // set by Kubernetes in an Indexed Job's pods
        };
        return { index, ...(await run('bash', ['-c', script], container.workingDir.replace('/work/', `${work}/`), env)) };
      }),
    );

    const plannedBy = new Map<string, number[]>();
    for (const pod of pods) {
      const row = table[pod.index]!;
      expect(shardText(row.shard)).toBe(`${pod.index + 1}/${count}`);
      // Every account of the shard is read (Thalamus has no read API: the plan notes each one it read).
      const note = /^Note: (.+?) ha(?:s|ve) no read API/m.exec(pod.stdout);
      const accounts = row.accounts.length === 0 ? [] : note![1]!.split(', ').map((a) => a.replace(/ \(thalamus\)$/, ''));
      expect(accounts.sort()).toEqual([...row.accounts].sort());
      for (const a of accounts) plannedBy.set(a, [...(plannedBy.get(a) ?? []), pod.index]);
      const created = [...pod.stdout.matchAll(/^ {2}\+ (\S+?)\.status_variants\["a"\]$/gm)].map((m) => m[1]);
      if (pod.index === 0) {
        expect(pod.status, pod.stdout + pod.stderr).toBe(0);
        expect(created).toEqual([]);
      } else {
        expect(pod.status, pod.stdout + pod.stderr).toBe(row.accounts.length > 0 ? 2 : 0);
        expect(created.sort()).toEqual([...row.accounts].sort());
      }
    }
    expect([...plannedBy.keys()].sort()).toEqual([...NAMES].sort());
    for (const [a, by] of plannedBy) expect(by, a).toHaveLength(1);
  });
});
