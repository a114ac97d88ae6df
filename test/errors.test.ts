/**
 * KhopError across copies of khop in one process (the ESM and the CommonJS build side by side,
 * or two installed versions): instanceof and isKhopError recognise each other's errors by
 * the Symbol.for('khop.KhopError') brand; subclasses keep their own instanceof.
 * test/package.test.ts does the same with the two built files.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isKhopError, KhopError, type KhopErrorCode } from '../src/errors.js';

type ErrorsModule = typeof import('../src/errors.js');

/** A second instance of src/errors.ts: the query string makes it another module. */
async function secondCopy(): Promise<ErrorsModule> {
  const url = new URL('../src/errors.ts?second-copy', import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as ErrorsModule;
}

describe('KhopError across copies', () => {
  it('recognises an error of another copy with instanceof and isKhopError, both ways', async () => {
    const other = await secondCopy();
    expect(other.KhopError).not.toBe(KhopError);
    const theirs = new other.KhopError('INVALID_ARGUMENT', 'x');
    const ours = new KhopError('INVALID_OPTION', 'y');
    expect(Object.getPrototypeOf(theirs)).not.toBe(KhopError.prototype);
    expect(theirs instanceof KhopError).toBe(true);
    expect(isKhopError(theirs)).toBe(true);
    expect(isKhopError(theirs, 'INVALID_ARGUMENT')).toBe(true);
    expect(isKhopError(theirs, 'INVALID_OPTION')).toBe(false);
    expect(ours instanceof other.KhopError).toBe(true);
    expect(other.isKhopError(ours, 'INVALID_OPTION')).toBe(true);
  });

  it('is not fooled by look-alikes, and leaves the brand out of the error’s own keys', () => {
    for (const x of [new Error('x'), { name: 'KhopError', code: 'INVALID_OPTION', message: 'x' }, null, undefined, 'KhopError', 42, KhopError, Object.create(null)]) {
      expect(x instanceof KhopError).toBe(false);
      expect(isKhopError(x)).toBe(false);
    }
    const e = new KhopError('INVALID_OPTION', 'x', { details: { option: 'threads' } });
    expect(e instanceof Error).toBe(true);
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: 'KhopError', code: 'INVALID_OPTION', details: { option: 'threads' } });
  });

  it('keeps subclassing: a subclass is a KhopError, a KhopError is not the subclass', async () => {
    class PoolError extends KhopError {
      constructor(message: string) {
        super('WORKER_FAILED', message);
      }
    }
    const sub = new PoolError('z');
    expect(sub instanceof PoolError).toBe(true);
    expect(sub instanceof KhopError).toBe(true);
    expect(sub instanceof (await secondCopy()).KhopError).toBe(true);
    expect(isKhopError(sub, 'WORKER_FAILED')).toBe(true);
    expect(new KhopError('WORKER_FAILED', 'z') instanceof PoolError).toBe(false);
    // instanceof still narrows for the type checker.
    const caught: unknown = sub;
    if (caught instanceof KhopError) expectTypeOf(caught.code).toEqualTypeOf<KhopErrorCode>();
    if (caught instanceof PoolError) expectTypeOf(caught).toEqualTypeOf<PoolError>();
  });
});
