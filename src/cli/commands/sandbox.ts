// `statusform sandbox`: the vendor simulators on 127.0.0.1, for trying statusform out.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { SANDBOX_VENDORS, startSandbox } from '../../sandbox/index.js';
import { sandboxEnv, demoSeeds } from '../../sandbox/demo-data.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

const DEFAULT_SANDBOX_PORT = 4780;

export async function sandboxCommand(io: Io, opts: { port?: number | undefined }): Promise<Outcome> {
  const base = opts.port ?? DEFAULT_SANDBOX_PORT;
  let sandbox;
  try {
    sandbox = await startSandbox({ basePort: base, seeds: demoSeeds() });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    const port = e.port ?? base;
    const ports = `ports ${base} to ${base + SANDBOX_VENDORS.length - 1}`;
    if (e.code === 'EADDRINUSE')
      throw new UsageError(
        `port ${port} is already in use (another statusform sandbox?), ` +
          `and the simulators need ${ports}; stop what uses it, or choose other ports with --port N`,
      );
    if (e.code === 'EACCES')
      throw new UsageError(
        `port ${port} may not be opened by this user, and the simulators need ${ports}; choose ports above 1024 with --port N`,
      );
    if (e.code === 'EADDRNOTAVAIL')
      throw new UsageError('the address 127.0.0.1 is not available on this machine, so the simulators cannot listen');
    throw err;
  }
  write(io.stdout, 'The vendor simulators are running:');
  for (const [vendor, sim] of Object.entries(sandbox.simulators) as [string, { url: string }][])
    write(io.stdout, `  ${vendor.padEnd(13)} ${sim.url}`);
  write(io.stdout, '\nIn another shell, point the quickstart at them:\n');
  for (const [k, v] of Object.entries(sandboxEnv(sandbox.simulators))) write(io.stdout, `  export ${k}=${v}`);
  // Inside a checkout the examples are at hand; elsewhere, a config of one's own from init.
  const checkout = existsSync(join(io.cwd, 'examples', 'quickstart', 'statusform.yaml'));
  write(
    io.stdout,
    checkout
      ? '\n  npx statusform plan -c examples/quickstart\n\nPress Ctrl-C to stop.'
      : '\n  statusform init --vendor propertydeck   # its variables are the export lines above\n' +
          '  statusform plan -c statusform\n\nPress Ctrl-C to stop.',
  );
  await new Promise<void>((resolve) => {
    const stop = io.onSignal?.(() => {
      stop?.();
      resolve();
    });
  });
  await sandbox.close();
  return 'done';
}
