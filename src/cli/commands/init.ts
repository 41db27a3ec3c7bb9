// `statusform init`: a starting point in the current directory — a configuration directory
// (statusform.yaml beside accounts/<name>.yaml) with one account per vendor asked for (credentials
// as ${VARIABLES}), the schema modeline, the GitHub workflows of examples/github/ and the
// .gitignore lines — then validated as `validate` would, without secrets. It never replaces a
// file: if any file it would write exists, it writes nothing (exit 3).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNTS_DIR, SETTINGS_FILE } from '../../config/files.js';
import { RefusedError, UsageError } from '../../errors.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA_FILE = join(PACKAGE, 'schemas', 'statusform.schema.json');
const WORKFLOWS = ['statusform-plan.yml', 'statusform-apply.yml', 'statusform-drift.yml'] as const;

/** The config folder the example workflows read (`statusform … -c statusform`). */
const INIT_CONFIG_DIR = 'statusform';

/** What .gitignore gets: saved plans and apply logs are CI artifacts, locks belong to a run. */
const GITIGNORE_LINES = ['# statusform', 'plan*.json', 'apply-*.jsonl', 'statusform/statusform.state/*.lock', '.env'];

/** One starting account per vendor: its name (its file's), every credential a variable, one item to show the shape. */
export const STARTERS: Readonly<Record<string, { account: string; text: string }>> = {
  thalamus: {
    account: 'nerds',
    text: `vendor: thalamus
token: \${THALAMUS_TOKEN}
# base_url: \${THALAMUS_URL}       # only for the sandbox: statusform sandbox prints it
status_variants:
  - { id: waiting_on_customer, label: Waiting on Customer, maps_to: pending }
`,
  },
  propertydeck: {
    account: 'estate',
    text: `vendor: propertydeck
base_url: \${PROPERTYDECK_URL}      # required: Property Deck has no public host
token: \${PROPERTYDECK_TOKEN}
statuses:
  - { label: For Sale, type: property, maps_to: open }
`,
  },
  timetap: {
    account: 'salon',
    text: `vendor: timetap
api_key: \${TIMETAP_API_KEY}
private_key: \${TIMETAP_PRIVATE_KEY}
business_id: \${TIMETAP_BUSINESS_ID}
# base_url: \${TIMETAP_URL}         # only for the sandbox
statuses:
  - { sub_status: CHECKEDIN, status: OPEN, maps_to: open }
`,
  },
  serieshr: {
    account: 'helpdesk',
    text: `vendor: serieshr
api_key: \${SERIES_API_KEY}
staff_user_id: \${SERIES_STAFF_USER_ID}
# base_url: \${SERIES_URL}          # only for the sandbox
mappings: { open: open, in-progress: open, resolved: solved, closed: closed }
tickets: []
`,
  },
  spacebring: {
    account: 'coworking',
    text: `vendor: spacebring
client_id: \${SPACEBRING_CLIENT_ID}
client_secret: \${SPACEBRING_CLIENT_SECRET}
# base_url: \${SPACEBRING_URL}      # only for the sandbox
mappings: { new: new, inProgress: open, solved: solved, closed: closed }
tickets: []
`,
  },
  zendesk: {
    account: 'support',
    text: `vendor: zendesk
subdomain: \${ZENDESK_SUBDOMAIN}    # https://{subdomain}.zendesk.com; the sandbox: base_url: \${ZENDESK_URL} instead
client_id: \${ZENDESK_CLIENT_ID}    # an OAuth client (confidential)
client_secret: \${ZENDESK_CLIENT_SECRET}
statuses:
  - { agent_label: Waiting on supplier, maps_to: pending }
`,
  },
};

/** The modeline: the installed package's schema, relative to the config file's own folder. */
function modelineFor(configDir: string): string {
  return `# yaml-language-server: $schema=${relative(configDir, SCHEMA_FILE).split(sep).join('/')}`;
}

/** The settings file: the modeline, a word on credentials, and the version (accounts are in accounts/). */
export function starterSettings(configDir: string): string {
  return (
    `${modelineFor(configDir)}\n` +
    '# Written by statusform init: the settings here, one file per account in accounts/ (the file name\n' +
    '# is the account name). Credentials are ${VARIABLES}: set them in the environment (or as CI\n' +
    '# secrets), never here. `statusform validate` needs none of them; plan and apply do.\n' +
    'version: 1\n'
  );
}

/** Every file init writes, by path: the settings, one account file per vendor, the workflows. */
function filesToWrite(cwd: string, vendors: readonly string[]): Map<string, string> {
  const configDir = join(cwd, INIT_CONFIG_DIR);
  const files = new Map<string, string>([[join(configDir, SETTINGS_FILE), starterSettings(configDir)]]);
  for (const v of vendors) files.set(join(configDir, ACCOUNTS_DIR, `${STARTERS[v]!.account}.yaml`), STARTERS[v]!.text);
  for (const w of WORKFLOWS) files.set(join(cwd, '.github', 'workflows', w), readFileSync(join(PACKAGE, 'examples', 'github', w), 'utf8'));
  return files;
}

/** .gitignore is added to, never rewritten: only the lines it lacks go at its end. */
function addIgnoreLines(io: Io): void {
  const ignore = join(io.cwd, '.gitignore');
  const had = existsSync(ignore) ? readFileSync(ignore, 'utf8') : '';
  const present = new Set(had.split(/\r?\n/));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (missing.length === 0) return;
  writeFileSync(ignore, `${had}${had === '' || had.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
  write(io.stdout, `${had === '' ? 'wrote' : 'added to'} .gitignore`);
}

export async function initCommand(io: Io, opts: { vendors: readonly string[] }): Promise<Outcome> {
  const known = Object.keys(STARTERS);
  const vendors = [...new Set(opts.vendors)];
  if (vendors.length === 0)
    throw new UsageError(`name the vendors to start with, e.g. statusform init --vendor zendesk (vendors: ${known.join(', ')})`);
  for (const v of vendors) if (!known.includes(v)) throw new UsageError(`unknown vendor "${v}" (vendors: ${known.join(', ')})`);

  const configDir = join(io.cwd, INIT_CONFIG_DIR);
  const files = filesToWrite(io.cwd, vendors);

  // Nothing is replaced: one file in the way and nothing is written.
  const taken = [...files.keys(), join(configDir, 'statusform.state'), join(configDir, 'statusform.state.json')].filter((f) =>
    existsSync(f),
  );
  if (taken.length > 0)
    throw new RefusedError(
      `init writes no file over another, and ${taken.map((f) => relative(io.cwd, f)).join(', ')} exist${taken.length === 1 ? 's' : ''}; ` +
        'move them away or start in another directory',
    );

  for (const [file, text] of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
    write(io.stdout, `wrote ${relative(io.cwd, file)}`);
  }
  addIgnoreLines(io);

  const config = loadOrThrow(io, INIT_CONFIG_DIR, { unsetEnvAllowed: true });
  write(
    io.stdout,
    `\nThe configuration is valid: ${config.accounts.length} account${config.accounts.length === 1 ? '' : 's'}.\n` +
      'Next: set the variables it names, then\n' +
      `  statusform plan -c ${INIT_CONFIG_DIR}\n` +
      'The workflows in .github/workflows/ use the action at your-org/statusform@v0.2.0: point them at your copy.',
  );
  return 'done';
}
