// KeyHasher over both kernels (WebAssembly and pure JS) against xxhash-wasm's h64 as the
// oracle: every push/hash entry point, batch-flush boundaries, memory growth, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { isKhopError, type KhopErrorCode } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

const MASK64 = (1n << 64n) - 1n;
const SEEDS = [0n, 2654435761n, 1n << 63n, MASK64, 0x8000000000000001n, 0x0123456789abcdefn];
const KERNELS = ['wasm', 'js'] as const;

let X: XXHashAPI;
beforeAll(async () => {
  X = await xxhash();
});

const join = (lo: Uint32Array, hi: Uint32Array, i: number): bigint => (BigInt(hi[i]) << 32n) | BigInt(lo[i]);

function expectCode(fn: () => unknown, code: KhopErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isKhopError(thrown, code)).toBe(true);
}

/** Seeded ASCII keys of random lengths in [0, maxLen]. */
function asciiKeys(seed: number, n: number, maxLen: number): string[] {
  const rng = new Rng(seed);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = rng.int(maxLen + 1);
    let s = '';
    for (let j = 0; j < len; j++) s += String.fromCharCode(rng.int(128));
    keys.push(s);
  }
  return keys;
}

const enc = new TextEncoder();

/** Concatenate byte keys into (bytes, offsets). */
function pack(keys: Uint8Array[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i] + keys[i].length;
  const bytes = new Uint8Array(offsets[keys.length]);
  keys.forEach((k, i) => bytes.set(k, offsets[i]));
  return { bytes, offsets };
}

describe.each(KERNELS)('KeyHasher on the %s kernel', (kernel) => {
  it('uses the requested kernel', () => {
    expect(new KeyHasher({ kernel }).kernelKind).toBe(kernel);
  });

  it('pushAscii: every length 0–300, every seed, across many flush boundaries', () => {
    const keys: string[] = [];
    for (let len = 0; len <= 300; len++) {
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode((len * 31 + j * 7) & 0x7f);
      keys.push(s);
    }
    for (const seed of SEEDS) {
      // 256-byte region, 5 keys per call: keys straddle both kinds of flush, and keys longer
      // than the region force it to grow mid-stream.
      const kh = new KeyHasher({ seed, kernel, batchBytes: 256, batchKeys: 5 });
      const lo = new Uint32Array(keys.length);
      const hi = new Uint32Array(keys.length);
      kh.setOutput(lo, hi);
      // Reverse order: results must land at their index, not in push order.
      for (let i = keys.length - 1; i >= 0; i--) kh.pushAscii(keys[i], i);
      kh.flush();
      expect(kh.pending).toBe(0);
      for (let i = 0; i < keys.length; i++) expect(join(lo, hi, i)).toBe(X.h64(keys[i], seed));
    }
  });

  it('all byte values through pushBytes, hashBytes and hashBatch', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const kh = new KeyHasher({ seed: MASK64, kernel, batchBytes: 64, batchKeys: 4 });
    const lo = new Uint32Array(257);
    const hi = new Uint32Array(257);
    kh.setOutput(lo, hi);
    for (let b = 0; b < 256; b++) kh.pushBytes(all, b, b + 1, b);
    kh.pushBytes(all, 0, 256, 256); // longer than the region: grows it
    kh.flush();
    for (let b = 0; b < 256; b++) expect(join(lo, hi, b)).toBe(X.h64Raw(all.subarray(b, b + 1), MASK64));
    expect(join(lo, hi, 256)).toBe(X.h64Raw(all, MASK64));
    const one = new Uint32Array(2);
    kh.hashBytes(all, 3, 250, one, 0);
    expect(join(one.subarray(0, 1), one.subarray(1), 0)).toBe(X.h64Raw(all.subarray(3, 250), MASK64));
  });

  it('pushAscii, pushUtf8, pushBytes, hashBatch, hashAscii agree on random keys (seeded)', () => {
    const keys = asciiKeys(7, 600, 40);
    const n = keys.length;
    const seed = 0xfeedfacecafebeefn;
    const kh = new KeyHasher({ seed, kernel, batchBytes: 512, batchKeys: 37 });
    const r = Array.from({ length: 5 }, () => [new Uint32Array(n), new Uint32Array(n)] as const);
    kh.setOutput(r[0][0], r[0][1]);
    keys.forEach((k, i) => kh.pushAscii(k, i));
    kh.setOutput(r[1][0], r[1][1]); // flushes the queue into r[0]
    keys.forEach((k, i) => kh.pushUtf8(k, i));
    const bytes = keys.map((k) => enc.encode(k));
    kh.setOutput(r[2][0], r[2][1]);
    bytes.forEach((b, i) => kh.pushBytes(b, 0, b.length, i));
    kh.flush();
    const packed = pack(bytes);
    kh.hashBatch(packed.bytes, packed.offsets, n, r[3][0], r[3][1]);
    const one = new Uint32Array(2);
    for (let i = 0; i < n; i++) {
      kh.hashAscii(keys[i], one, 0);
      r[4][0][i] = one[0];
      r[4][1][i] = one[1];
    }
    for (let i = 0; i < n; i++) {
      const expected = X.h64(keys[i], seed);
      for (const [lo, hi] of r) expect(join(lo, hi, i)).toBe(expected);
    }
  });

  it('pushUtf8 equals h64 (TextEncoder bytes) on Vietnamese and arbitrary strings', () => {
    const fixed = ['Nguyễn Văn An', 'ĐẶNG THỊ THUỶ', 'Nguyê\u0303n', '\ud800 lone surrogate', '😀 emoji', ''];
    const kh = new KeyHasher({ seed: 1n << 63n, kernel, batchBytes: 48, batchKeys: 3 });
    const lo = new Uint32Array(fixed.length);
    const hi = new Uint32Array(fixed.length);
    kh.setOutput(lo, hi);
    fixed.forEach((k, i) => kh.pushUtf8(k, i));
    kh.flush();
    fixed.forEach((k, i) => expect(join(lo, hi, i)).toBe(X.h64(k, 1n << 63n)));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 20 }), fc.bigInt({ min: 0n, max: MASK64 }), (ks, seed) => {
        const h = new KeyHasher({ seed, kernel, batchBytes: 64, batchKeys: 4 });
        const l = new Uint32Array(ks.length);
        const u = new Uint32Array(ks.length);
        h.setOutput(l, u);
        ks.forEach((k, i) => h.pushUtf8(k, i));
        h.flush();
        return ks.every((k, i) => join(l, u, i) === X.h64(k, seed));
      }),
      { seed: 99, numRuns: 60 },
    );
  });

  it('hashBatch: random byte keys and seeds, chunked and with oversize keys (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 40 }),
        fc.bigInt({ min: 0n, max: MASK64 }),
        fc.integer({ min: 8, max: 100 }),
        fc.integer({ min: 1, max: 6 }),
        (keys, seed, batchBytes, batchKeys) => {
          const kh = new KeyHasher({ seed, kernel, batchBytes, batchKeys });
          const { bytes, offsets } = pack(keys);
          const lo = new Uint32Array(keys.length);
          const hi = new Uint32Array(keys.length);
          kh.hashBatch(bytes, offsets, keys.length, lo, hi);
          return keys.every((k, i) => join(lo, hi, i) === X.h64Raw(k, seed));
        },
      ),
      { seed: 4242, numRuns: 150 },
    );
  });

  it('reads keys from SharedArrayBuffer-backed bytes (RecordStore columns)', () => {
    const keys = ['001090012345', 'nguyen van an', '', 'le thi b'].map((k) => enc.encode(k));
    const { bytes, offsets } = pack(keys);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
    shared.set(bytes);
    const kh = new KeyHasher({ kernel, batchBytes: 16, batchKeys: 2 });
    const lo = new Uint32Array(keys.length);
    const hi = new Uint32Array(keys.length);
    kh.hashBatch(shared, offsets, keys.length, lo, hi);
    keys.forEach((k, i) => expect(join(lo, hi, i)).toBe(X.h64Raw(k, 0n)));
    kh.setOutput(lo.fill(0), hi.fill(0));
    keys.forEach((_, i) => kh.pushBytes(shared, offsets[i], offsets[i + 1], i));
    kh.flush();
    keys.forEach((k, i) => expect(join(lo, hi, i)).toBe(X.h64Raw(k, 0n)));
  });

  it('hashAscii leaves queued keys queued and correct; queued bytes are not clobbered', () => {
    const kh = new KeyHasher({ kernel, batchBytes: 64, batchKeys: 100 });
    const lo = new Uint32Array(3);
    const hi = new Uint32Array(3);
    kh.setOutput(lo, hi);
    kh.pushAscii('nguyen van an', 0);
    kh.pushAscii('001090012345', 1);
    const one = new Uint32Array(4);
    kh.hashAscii('tran thi bich ngoc', one, 2);
    expect(kh.pending).toBe(2);
    expect(join(one.subarray(2, 3), one.subarray(3, 4), 0)).toBe(X.h64('tran thi bich ngoc', 0n));
    kh.hashAscii('x'.repeat(200), one, 0); // no room: flushes, then grows
    expect(join(one.subarray(0, 1), one.subarray(1, 2), 0)).toBe(X.h64('x'.repeat(200), 0n));
    kh.pushAscii('le', 2);
    kh.flush();
    expect(join(lo, hi, 0)).toBe(X.h64('nguyen van an', 0n));
    expect(join(lo, hi, 1)).toBe(X.h64('001090012345', 0n));
    expect(join(lo, hi, 2)).toBe(X.h64('le', 0n));
  });

  it('rejects non-ASCII in pushAscii without queueing or leaking the value', () => {
    const kh = new KeyHasher({ kernel });
    const lo = new Uint32Array(2);
    const hi = new Uint32Array(2);
    kh.setOutput(lo, hi);
    kh.pushAscii('an', 0);
    for (const bad of ['Nguyễn', 'caf\u00e9', '\u0080']) {
      let err: unknown;
      try {
        kh.pushAscii(bad, 1);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).not.toContain(bad);
      expectCode(() => kh.hashAscii(bad, new Uint32Array(2), 0), 'INVALID_ARGUMENT');
    }
    expect(kh.pending).toBe(1);
    kh.pushAscii('\u007f', 1); // 127 is ASCII
    kh.flush();
    expect(join(lo, hi, 0)).toBe(X.h64('an', 0n));
    expect(join(lo, hi, 1)).toBe(X.h64('\u007f', 0n));
  });

  it('rejects bad indexes, spans and batches', () => {
    const kh = new KeyHasher({ kernel });
    expectCode(() => kh.pushAscii('a', 0), 'INVALID_ARGUMENT'); // no output set
    const lo = new Uint32Array(4);
    const hi = new Uint32Array(4);
    kh.setOutput(lo, hi);
    for (const i of [-1, 4, 1.5, Number.NaN, 2 ** 32]) expectCode(() => kh.pushAscii('a', i), 'INVALID_ARGUMENT');
    expectCode(() => kh.pushAscii(42 as unknown as string, 0), 'INVALID_ARGUMENT');
    const b = new Uint8Array(10);
    expectCode(() => kh.pushBytes(b, 5, 4, 0), 'INVALID_ARGUMENT');
    expectCode(() => kh.pushBytes(b, 0, 11, 0), 'INVALID_ARGUMENT');
    expectCode(() => kh.hashAscii('a', new Uint32Array(2), 1), 'INVALID_ARGUMENT');
    expectCode(() => kh.setOutput(lo, lo), 'INVALID_ARGUMENT');
    expectCode(() => kh.setOutput(lo, new Uint32Array(3)), 'INVALID_ARGUMENT');
    expectCode(() => kh.hashBatch(b, Uint32Array.of(0, 11), 1, lo, hi), 'INVALID_ARGUMENT');
    expectCode(() => kh.hashBatch(b, Uint32Array.of(0, 5, 3), 2, lo, hi), 'INVALID_ARGUMENT');
    expectCode(() => kh.hashBatch(b, Uint32Array.of(0, 5), 2, lo, hi), 'INVALID_ARGUMENT');
    expect(kh.pending).toBe(0);
  });
});

describe('KeyHasher options and kernel selection', () => {
  it('defaults to the WebAssembly kernel in Node and seed 0', () => {
    const kh = new KeyHasher();
    expect(kh.kernelKind).toBe('wasm');
    const out = new Uint32Array(2);
    kh.hashAscii('', out, 0);
    expect(join(out.subarray(0, 1), out.subarray(1), 0)).toBe(0xef46db3751d8e999n);
  });

  it('reports every invalid option at once, by name', () => {
    let err: unknown;
    try {
      new KeyHasher({ seed: -1n, batchBytes: 4, batchKeys: 0, kernel: 'gpu' as never });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    const problems = (err as { details: { problems: string[] } }).details.problems;
    expect(problems.map((p) => p.split(':')[0])).toEqual(['seed', 'batchBytes', 'batchKeys', 'kernel']);
    expectCode(() => new KeyHasher({ seed: 1n << 64n }), 'INVALID_OPTION');
    expectCode(() => new KeyHasher({ seed: 3 as unknown as bigint }), 'INVALID_OPTION');
    expectCode(() => new KeyHasher({ batchBytes: 1.5 }), 'INVALID_OPTION');
  });

  it('falls back to JS when WebAssembly is missing; kernel "wasm" then fails loudly', () => {
    const g = globalThis as { WebAssembly?: unknown };
    const saved = g.WebAssembly;
    try {
      g.WebAssembly = undefined;
      const kh = new KeyHasher();
      expect(kh.kernelKind).toBe('js');
      const out = new Uint32Array(2);
      kh.hashAscii('abc', out, 0);
      expect(join(out.subarray(0, 1), out.subarray(1), 0)).toBe(4952883123889572249n);
      expectCode(() => new KeyHasher({ kernel: 'wasm' }), 'WASM_UNAVAILABLE');
    } finally {
      g.WebAssembly = saved;
    }
  });

  it('separate hashers do not share memory', () => {
    const a = new KeyHasher({ seed: 1n });
    const b = new KeyHasher({ seed: 2n });
    const la = new Uint32Array(1);
    const ha = new Uint32Array(1);
    const lb = new Uint32Array(1);
    const hb = new Uint32Array(1);
    a.setOutput(la, ha);
    b.setOutput(lb, hb);
    a.pushAscii('same key', 0);
    b.pushAscii('other key', 0);
    a.flush();
    b.flush();
    expect(join(la, ha, 0)).toBe(X.h64('same key', 1n));
    expect(join(lb, hb, 0)).toBe(X.h64('other key', 2n));
  });
});
