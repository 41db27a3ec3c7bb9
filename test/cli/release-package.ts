// The release package as the release workflow makes it (.ci/pack-release) and as a user installs
// it: globally, into a prefix of its own, offline. Shared by the tests that start from the tarball.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;
export const quiet = { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' };

/** npm, offline and quiet, in `cwd`. */
export const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: quiet });

/** Packs the release tarball into `out` (dist/ must be built: `npm test` builds it first); its path. */
export function packRelease(out: string): string {
  return execFileSync(join(root, '.ci', 'pack-release'), [out], { cwd: root, encoding: 'utf8', env: quiet, stdio: 'pipe' }).trim();
}

/** The tarball's file list, as `tar tzf` gives it (`package/…`). */
export function listing(tarball: string): string[] {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
}

/** Installs the tarball globally into `prefix`; the path of its `statusform` command. */
export function installGlobally(tarball: string, prefix: string): string {
  npm(['install', '-g', '--prefix', prefix, tarball], join(prefix, '..'));
  return join(prefix, 'bin', 'statusform');
}
