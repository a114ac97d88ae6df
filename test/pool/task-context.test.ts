import { describe, expect, it } from 'vitest';
import { MAX_CACHED_JOBS, TaskContext } from '../../src/pool/task-context.js';

describe('TaskContext', () => {
  it('builds a job once and finds it again', () => {
    const c = new TaskContext();
    let built = 0;
    const a = c.job('a', undefined, () => ({ n: ++built }));
    const b = c.job('a', undefined, () => ({ n: ++built }));
    expect(b).toBe(a);
    expect(built).toBe(1);
  });

  it('drops a released job on the next call', () => {
    const c = new TaskContext();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    c.job('a', flag, () => 1);
    c.job('b', undefined, () => 2);
    expect(c.size).toBe(2);
    Atomics.store(flag, 0, 1);
    expect(c.size).toBe(1);
    let rebuilt = false;
    c.job('a', new Int32Array(new SharedArrayBuffer(4)), () => {
      rebuilt = true;
      return 3;
    });
    expect(rebuilt).toBe(true);
  });

  it('cached() finds a job built before, never builds one, and forgets a released job', () => {
    const c = new TaskContext();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    expect(c.cached('a')).toBeUndefined();
    const a = c.job('a', flag, () => ({ n: 1 }));
    expect(c.cached('a')).toBe(a);
    expect(c.cached('b')).toBeUndefined();
    expect(c.size).toBe(1);
    Atomics.store(flag, 0, 1);
    expect(c.cached('a')).toBeUndefined();
  });

  it('keeps the most recently used jobs only', () => {
    const c = new TaskContext();
    for (let i = 0; i < MAX_CACHED_JOBS; i++) c.job(`j${i}`, undefined, () => i);
    c.job('j0', undefined, () => -1); // touch j0: j1 is now the least recent
    c.job('new', undefined, () => 99);
    expect(c.size).toBe(MAX_CACHED_JOBS);
    expect(c.job('j0', undefined, () => -1)).toBe(0);
    expect(c.job('j1', undefined, () => -1)).toBe(-1); // evicted, rebuilt
  });
});
