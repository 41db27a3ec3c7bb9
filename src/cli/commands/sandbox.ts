// `statusform sandbox`: the vendor simulators on 127.0.0.1, for trying statusform out.

import { startSandbox } from '../../sandbox/index.js';
import { sandboxEnv, demoSeeds } from '../../sandbox/demo-data.js';
import { write, type Io } from '../io.js';

export const DEFAULT_SANDBOX_PORT = 4780;

export async function sandboxCommand(io: Io, opts: { port?: number | undefined }): Promise<number> {
  const sandbox = await startSandbox({ basePort: opts.port ?? DEFAULT_SANDBOX_PORT, seeds: demoSeeds() });
  write(io.stdout, 'The vendor simulators are running:');
  for (const [vendor, sim] of Object.entries(sandbox.simulators) as [string, { url: string }][]) write(io.stdout, `  ${vendor.padEnd(13)} ${sim.url}`);
  write(io.stdout, '\nIn another shell, point the quickstart at them:\n');
  for (const [k, v] of Object.entries(sandboxEnv(sandbox.simulators))) write(io.stdout, `  export ${k}=${v}`);
  write(io.stdout, '\n  npx statusform plan -c examples/quickstart\n\nPress Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = io.onSignal?.(() => {
      stop?.();
      resolve();
    });
  });
  await sandbox.close();
  return 0;
}
