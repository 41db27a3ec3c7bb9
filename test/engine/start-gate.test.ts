import { describe, expect, it } from 'vitest';
import { StartGate } from '../../src/engine/start-gate.js';

/** A task that records its start and waits until told to answer, then to end. */
function controlled(log: string[], name: string) {
  let answer!: () => void;
  let end!: (v: string) => void;
  let fail!: (e: Error) => void;
  const task = (answered: () => void) => {
    log.push(`start ${name}`);
    answer = answered;
    return new Promise<string>((resolve, reject) => {
      end = resolve;
      fail = reject;
    });
  };
  return { task, answer: () => answer(), end: (v = name) => end(v), fail: (e: Error) => fail(e) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the start gate', () => {
  it('starts at most `size` tasks of one origin until one has its first answer, in the order given', async () => {
    const log: string[] = [];
    const gate = new StartGate(2);
    const tasks = ['a', 'b', 'c', 'd'].map((n) => controlled(log, n));
    const done = tasks.map((t) => gate.run('https://one.example', t.task));
    expect(log).toEqual(['start a', 'start b']);
    tasks[1]!.answer(); // b answered: c may start, though b has not ended
    tasks[1]!.answer(); // a second answer frees nothing more
    expect(log).toEqual(['start a', 'start b', 'start c']);
    tasks[0]!.end(); // a ended without calling answered: its slot frees too
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    tasks[1]!.end();
    tasks[2]!.end();
    tasks[3]!.end('D');
    await expect(Promise.all(done)).resolves.toEqual(['a', 'b', 'c', 'D']);
  });

  it('keeps origins apart, and passes on a failure or a throw as the task’s own while freeing its slot', async () => {
    const log: string[] = [];
    const gate = new StartGate(1);
    const a = controlled(log, 'a');
    const b = controlled(log, 'b');
    const c = controlled(log, 'c');
    const ra = gate.run('https://one.example', a.task);
    const rb = gate.run('https://two.example', b.task); // another origin: starts at once
    const thrown = gate.run('https://one.example', () => {
      throw new Error('no session');
    });
    const rc = gate.run('https://one.example', c.task);
    expect(log).toEqual(['start a', 'start b']);
    a.fail(new Error('refused'));
    await expect(ra).rejects.toThrow('refused');
    await expect(thrown).rejects.toThrow('no session');
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    b.end();
    c.end();
    await expect(Promise.all([rb, rc])).resolves.toEqual(['b', 'c']);
  });
});
