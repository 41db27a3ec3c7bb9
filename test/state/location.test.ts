// Where a configuration's state lives, found from the `state` setting the configuration names:
// the default beside it, a path, a database; and the places that cannot be its state.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigWithState } from '../../src/state/config-with-state.js';
import { stateOfConfigAt } from '../../src/state/location.js';
import { tree } from '../helpers.js';

const settings = (state = '') => `version: 1\n${state}accounts: {}\n`;
const messages = (r: { problems: { position: { file: string; line: number; col: number }; message: string }[] }) =>
  r.problems.map((p) => `${p.position.file}:${p.position.line}:${p.position.col}: ${p.message}`);

describe('the state of a configuration', () => {
  it('is the directory statusform.state/ beside a new configuration, and the single file of earlier versions where one exists', () => {
    const fresh = tree({ 'statusform.yaml': settings() });
    expect(loadConfigWithState('.', { cwd: fresh, env: {} }).config).toMatchObject({
      statePath: join(fresh, 'statusform.state'),
      stateLayout: 'directory',
    });
    const kept = tree({ 'statusform.yaml': settings(), 'statusform.state.json': '{}' });
    expect(stateOfConfigAt('statusform.yaml', { cwd: kept, env: {} }).location).toEqual({
      layout: 'file',
      path: join(kept, 'statusform.state.json'),
    });
  });

  it('is where `state` says, relative to the configuration, and a database by its host, never its password', () => {
    const dir = tree({ 'conf/statusform.yaml': settings('state: ../states/\n') });
    expect(stateOfConfigAt('conf', { cwd: dir, env: {} }).location).toEqual({
      layout: 'directory',
      path: join(dir, 'states'),
      setting: '../states/',
    });
    const pg = tree({ 'statusform.yaml': settings('state: { backend: postgres, url: "${PG}" }\n') });
    const located = stateOfConfigAt('statusform.yaml', { cwd: pg, env: { PG: 'postgres://u:secret@db.example:5432/ops' } });
    expect(located.location).toMatchObject({ layout: 'postgres', path: 'PostgreSQL db.example:5432/ops (schema statusform)' });
    expect(located.secrets).toContain('secret');
  });

  it('is in doubt when both the single file and the directory are beside the configuration: the user says which', () => {
    const dir = tree({ 'statusform.yaml': settings(), 'statusform.state.json': '{}' });
    mkdirSync(join(dir, 'statusform.state'));
    const both = expect.stringMatching(/^statusform\.yaml:1:1: both statusform\.state\.json and statusform\.state\/ are beside/);
    expect(messages(loadConfigWithState('.', { cwd: dir, env: {} }))).toEqual([both]);
    expect(messages(stateOfConfigAt('statusform.yaml', { cwd: dir, env: {} }))).toEqual([both]);
  });

  it('may not be a file of the configuration, said where `state` is written, with the problems of the rest', () => {
    const dir = tree({ 'a.yaml': settings('state: b.yaml\n'), 'b.yaml': 'version: 1\naccounts:\n  x: { vendor: nowhere }\n' });
    expect(messages(loadConfigWithState('.', { cwd: dir, env: {} }))).toEqual([
      'a.yaml:2:8: state names b.yaml, a file of the configuration, which the state file (or its lock) would replace; ' +
        'give the state a file of its own',
      expect.stringMatching(/^b\.yaml:3:\d+: accounts\.x: unknown vendor "nowhere"/),
    ]);
  });
});
