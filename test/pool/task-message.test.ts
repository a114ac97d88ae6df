import { describe, expect, it } from 'vitest';
import { measureShared, packTask, PoolTraffic, SHARED_HANDLE_BYTES, taskArgs } from '../../src/pool/task-message.js';
import { sharedFloat64, sharedUint8 } from '../../src/pool/shared-arrays.js';

describe('task messages', () => {
  it('pack plain arguments into an exact-size copy and back', () => {
    const args = { from: 3, to: 1_000_000, name: 'Nguyễn', xs: [1.5, 0.1, 2 ** 53 - 1, -1e-300], bytes: new Uint8Array([1, 2, 3]) };
    const t = packTask(7, 2, args, { out: sharedFloat64(4) });
    expect(t.job).toBe(7);
    expect(t.part).toBe(2);
    // Posting a view clones its whole buffer: the packed bytes must own theirs.
    expect(t.args.byteOffset).toBe(0);
    expect(t.args.buffer.byteLength).toBe(t.args.byteLength);
    const back = taskArgs<typeof args>(t);
    expect(back.from).toBe(3);
    expect(back.name).toBe('Nguyễn');
    expect(back.xs).toEqual([1.5, 0.1, 2 ** 53 - 1, -1e-300]); // doubles exactly
    // msgpackr writes −0 as the integer 0: harmless (both thread counts pack the same values).
    expect(Object.is(taskArgs<{ z: number }>(packTask(0, 0, { z: -0 }, null)).z, 0)).toBe(true);
    expect(Array.from(back.bytes)).toEqual([1, 2, 3]);
  });

  it('measureShared counts handles and estimates the plain values around them', () => {
    const into = { handles: 0, bytes: 0 };
    measureShared({ a: sharedUint8(10), list: [sharedFloat64(2), null, 5], s: 'xy' }, into);
    expect(into.handles).toBe(2);
    // keys a, list, s: (1+4) + (4+4) + (1+4); the number 5: 8; the string 'xy': 2+4
    expect(into.bytes).toBe(5 + 8 + 5 + 8 + 6);
  });

  it('PoolTraffic adds up messages', () => {
    const traffic = new PoolTraffic();
    const t = packTask(1, 0, { n: 1 }, { out: sharedFloat64(1) });
    traffic.add(t);
    traffic.add(t);
    expect(traffic.messages).toBe(2);
    expect(traffic.argBytes).toBe(2 * (t.args.byteLength + 16));
    expect(traffic.sharedHandles).toBe(2);
    expect(traffic.bytes).toBe(traffic.argBytes + 2 * SHARED_HANDLE_BYTES + traffic.sharedMetadataBytes);
  });
});
