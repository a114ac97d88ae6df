/**
 * KeyHasher: the streaming front end of the batch XXH64 kernel. Callers push keys (ASCII
 * strings, UTF-8 strings or byte spans) together with the position their hash belongs at;
 * the hasher writes the key bytes straight into the kernel's input region in linear
 * memory, and when the region is full (or on `flush()`) hashes the whole batch with ONE
 * kernel call, then scatters the results into the caller's `lo` / `hi` Uint32Arrays.
 *
 * Trade-off: pushing a string costs one `charCodeAt` + one byte store per character and
 * allocates nothing; TextEncoder would allocate a Uint8Array per key (measured ~4.5M
 * strings/s on the reference machine vs tens of millions here). The price is the ASCII
 * contract of `pushAscii` (folded keys are ASCII by construction; see docs/internals.md)
 * and non-re-entrancy: one hasher is one buffer, used by one caller at a time.
 *
 * Results are XXH64 (Yann Collet, https://github.com/Cyan4973/xxHash) of the key's bytes
 * with the hasher's 64-bit seed, split into 32-bit halves: hash = hi · 2^32 + lo.
 *
 * Memory layout inside the kernel's linear memory (addresses from kernel.dataStart):
 *
 *   dataStart
 *   ├──────────────────┬──────────────────────┬──────────┬──────────────────────────┤
 *   │ out              │ offsets              │ single   │ bytes                    │
 *   │ (lo,hi) u32 pairs│ u32 × (batchKeys+1)  │ (lo,hi)  │ u8 × bytesCap       ...→ │
 *   │ × batchKeys      │ off[0] = 0 always    │ one key  │ queued keys back to back │
 *   └──────────────────┴──────────────────────┴──────────┴──────────────────────────┘
 *   queued key i = bytes[off[i] .. off[i+1]); its result → out[2i], out[2i+1] →
 *   scattered to lo[idx[i]], hi[idx[i]] (idx lives in JS memory).
 *
 * `bytes` is last so that it can grow in place when a single key is larger than the
 * region (memory.grow detaches the old ArrayBuffer: every view is re-created after it).
 */
import { KhopError } from '../errors.js';
import { checkOptionKeys } from '../util/option-keys.js';
import { createHashKernel, type HashKernel, type HashKernelKind } from './hash-kernel.js';

/** Default seed: 0n. */
export const DEFAULT_KEY_HASHER_SEED = 0n;
/** Default input region size: 1 MiB. */
export const DEFAULT_KEY_HASHER_BATCH_BYTES = 1 << 20;
/** Default maximum keys per kernel call: 65,536. */
export const DEFAULT_KEY_HASHER_BATCH_KEYS = 1 << 16;
/** Default kernel: WebAssembly when available, else pure JavaScript. */
export const DEFAULT_KEY_HASHER_KERNEL: HashKernelKind = 'auto';

const MAX_SEED = (1n << 64n) - 1n;
const MIN_BATCH_BYTES = 8;
const MAX_BATCH_BYTES = 1 << 30;
const MAX_BATCH_KEYS = 1 << 24;

export interface KeyHasherOptions {
  /**
   * 64-bit XXH64 seed, an integer bigint in [0, 2^64). The same seed gives the same hashes
   * on every platform and kernel (indexes, snapshots and shards depend on it).
   * Default {@link DEFAULT_KEY_HASHER_SEED} (0n).
   */
  seed?: bigint;
  /**
   * Size of the kernel's input region, bytes: queued keys are hashed when the next one does
   * not fit. Larger batches amortise the kernel call; 1 MiB stays in L2 cache. A single key
   * longer than this grows the region. Integer in [8, 2^30].
   * Default {@link DEFAULT_KEY_HASHER_BATCH_BYTES} (1 MiB).
   */
  batchBytes?: number;
  /**
   * Maximum keys queued before a kernel call (sizes the offsets and results regions:
   * 12 bytes per key). Integer in [1, 2^24]. Default {@link DEFAULT_KEY_HASHER_BATCH_KEYS}.
   */
  batchKeys?: number;
  /**
   * Which kernel hashes: `'wasm'` (throws `WASM_UNAVAILABLE` when the runtime cannot load
   * it), `'js'` (pure JavaScript, identical results, several times slower) or `'auto'`.
   * Default {@link DEFAULT_KEY_HASHER_KERNEL} (`'auto'`).
   */
  kernel?: HashKernelKind;
}

const EMPTY = new Uint32Array(0);
const utf8Encoder = new TextEncoder();

function isIntIn(x: unknown, lo: number, hi: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
}

function badArg(message: string): KhopError {
  return new KhopError('INVALID_ARGUMENT', `KeyHasher: ${message}`);
}

/** The keys of KeyHasherOptions: another key is a misspelt option, refused (option-keys.ts). */
const KEY_HASHER_OPTION_KEYS: ReadonlySet<string> = new Set(['seed', 'batchBytes', 'batchKeys', 'kernel']);

/** Validate a [start, end) span of a Uint8Array (once per call, never per byte). */
function checkSpan(bytes: Uint8Array, start: number, end: number): void {
  if (!(bytes instanceof Uint8Array)) throw badArg('bytes must be a Uint8Array');
  if (!isIntIn(start, 0, bytes.length) || !isIntIn(end, start, bytes.length)) {
    throw badArg('start/end must be integers with 0 ≤ start ≤ end ≤ bytes.length');
  }
}

export class KeyHasher {
  private readonly kernel: HashKernel;
  private readonly seedLo: number;
  private readonly seedHi: number;
  private readonly batchKeys: number;
  // Byte addresses of the regions (see the layout diagram) and word indexes of the u32 ones.
  private readonly outPtr: number;
  private readonly offsetsPtr: number;
  private readonly singlePtr: number;
  private readonly bytesPtr: number;
  private readonly outW: number;
  private readonly offsetsW: number;
  private readonly singleW: number;
  /** Current capacity of the bytes region (grows for oversize keys). */
  private bytesCap: number;
  // Views on the kernel memory: re-created by refreshViews() whenever memory grows.
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  /** Output position of each queued key. */
  private readonly idx: Uint32Array;
  /** Number of queued keys / bytes used in the bytes region. */
  private count = 0;
  private fill = 0;
  private outLo: Uint32Array = EMPTY;
  private outHi: Uint32Array = EMPTY;
  private outLen = 0;

  constructor(options: KeyHasherOptions = {}) {
    if (options === null || typeof options !== 'object' || options instanceof Map) {
      throw new KhopError('INVALID_OPTION', 'KeyHasher: options must be an object of options', { details: { problems: ['options is not an object of options'] } });
    }
    checkOptionKeys('KeyHasher', options, KEY_HASHER_OPTION_KEYS);
    const seed = options.seed ?? DEFAULT_KEY_HASHER_SEED;
    const batchBytes = options.batchBytes ?? DEFAULT_KEY_HASHER_BATCH_BYTES;
    const batchKeys = options.batchKeys ?? DEFAULT_KEY_HASHER_BATCH_KEYS;
    const kernel = options.kernel ?? DEFAULT_KEY_HASHER_KERNEL;
    const problems: string[] = [];
    if (typeof seed !== 'bigint' || seed < 0n || seed > MAX_SEED) problems.push('seed: a bigint in [0, 2^64)');
    if (!isIntIn(batchBytes, MIN_BATCH_BYTES, MAX_BATCH_BYTES)) problems.push('batchBytes: an integer in [8, 2^30]');
    if (!isIntIn(batchKeys, 1, MAX_BATCH_KEYS)) problems.push('batchKeys: an integer in [1, 2^24]');
    if (kernel !== 'auto' && kernel !== 'wasm' && kernel !== 'js') problems.push("kernel: 'auto', 'wasm' or 'js'");
    if (problems.length > 0) {
      throw new KhopError('INVALID_OPTION', `KeyHasher: invalid options — ${problems.join('; ')}`, { details: { problems } });
    }
    this.kernel = createHashKernel(kernel);
    this.seedLo = Number(seed & 0xffffffffn);
    this.seedHi = Number(seed >> 32n);
    this.batchKeys = batchKeys;
    // Layout (byte addresses): out 64-aligned, offsets and single 8-aligned, bytes 64-aligned.
    this.outPtr = this.kernel.dataStart;
    this.offsetsPtr = this.outPtr + 8 * batchKeys;
    this.singlePtr = this.offsetsPtr + ((4 * (batchKeys + 1) + 7) & ~7); // round up to 8
    this.bytesPtr = (this.singlePtr + 8 + 63) & ~63; // round up to 64
    this.outW = this.outPtr >>> 2;
    this.offsetsW = this.offsetsPtr >>> 2;
    this.singleW = this.singlePtr >>> 2;
    this.bytesCap = batchBytes;
    this.kernel.ensureSize(this.bytesPtr + batchBytes);
    this.refreshViews();
    this.u32[this.offsetsW] = 0;
    this.idx = new Uint32Array(batchKeys);
  }

  /** The kernel in use: `'wasm'` or `'js'`. */
  get kernelKind(): 'wasm' | 'js' {
    return this.kernel.kind;
  }

  /** Keys queued and not yet hashed. */
  get pending(): number {
    return this.count;
  }

  /**
   * Where results go: the hash of a key pushed with `index` i lands in lo[i] (low 32 bits)
   * and hi[i] (high 32 bits). Keys already queued are flushed to the previous arrays first.
   * The arrays must be distinct and of equal length.
   */
  setOutput(lo: Uint32Array, hi: Uint32Array): void {
    if (!(lo instanceof Uint32Array) || !(hi instanceof Uint32Array)) throw badArg('setOutput needs two Uint32Arrays');
    if (lo === hi || lo.length !== hi.length) throw badArg('setOutput needs two distinct Uint32Arrays of equal length');
    this.flush();
    this.outLo = lo;
    this.outHi = hi;
    this.outLen = lo.length;
  }

  /**
   * Queue an ASCII key; its hash goes to lo[index], hi[index] of the output arrays.
   * Every char code must be < 128 (folded keys are): otherwise throws INVALID_ARGUMENT
   * (naming no value) and nothing is queued — use `pushUtf8` for arbitrary text.
   * May flush the queued keys first when the input region is full.
   */
  pushAscii(key: string, index: number): void {
    if (typeof key !== 'string') throw badArg('key must be a string');
    // (index >>> 0) === index rejects negatives, fractions, NaN and values ≥ 2^32 at once.
    if ((index >>> 0) !== index || index >= this.outLen) throw badArg('index outside the output arrays (call setOutput first)');
    const len = key.length;
    if (this.count === this.batchKeys || this.fill + len > this.bytesCap) this.makeRoom(len);
    const u8 = this.u8;
    const p = this.bytesPtr + this.fill;
    // OR of all char codes: above 0x7f exactly when some char is not ASCII.
    let any = 0;
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      any |= c;
      u8[p + i] = c;
    }
    if (any > 0x7f) throw badArg('pushAscii: key has a non-ASCII character (use pushUtf8)');
    this.commit(len, index);
  }

  /**
   * Queue a key as its UTF-8 bytes (what `TextEncoder` produces; lone surrogates become
   * U+FFFD). ASCII keys take the same allocation-free path as `pushAscii`; others go
   * through `TextEncoder.encodeInto` (one small allocation per key).
   */
  pushUtf8(key: string, index: number): void {
    if (typeof key !== 'string') throw badArg('key must be a string');
    if ((index >>> 0) !== index || index >= this.outLen) throw badArg('index outside the output arrays (call setOutput first)');
    const len = key.length;
    // One UTF-16 code unit encodes to at most 3 UTF-8 bytes (a surrogate pair: 4 for 2).
    const worst = 3 * len;
    if (this.count === this.batchKeys || this.fill + worst > this.bytesCap) this.makeRoom(worst);
    const u8 = this.u8;
    const p = this.bytesPtr + this.fill;
    let any = 0;
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      any |= c;
      u8[p + i] = c;
    }
    let written = len;
    if (any > 0x7f) written = utf8Encoder.encodeInto(key, u8.subarray(p, p + worst)).written;
    this.commit(written, index);
  }

  /** Queue the key bytes[start..end); its hash goes to lo[index], hi[index]. */
  pushBytes(bytes: Uint8Array, start: number, end: number, index: number): void {
    checkSpan(bytes, start, end);
    if ((index >>> 0) !== index || index >= this.outLen) throw badArg('index outside the output arrays (call setOutput first)');
    const len = end - start;
    if (this.count === this.batchKeys || this.fill + len > this.bytesCap) this.makeRoom(len);
    this.copyIn(bytes, start, end, this.bytesPtr + this.fill);
    this.commit(len, index);
  }

  /** Hash every queued key now (one kernel call) and scatter the results. */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    this.kernel.hashBatch(this.offsetsPtr, this.bytesPtr, n, this.outPtr, this.seedLo, this.seedHi);
    const u32 = this.u32;
    const idx = this.idx;
    const lo = this.outLo;
    const hi = this.outHi;
    let w = this.outW;
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      lo[j] = u32[w];
      hi[j] = u32[w + 1];
      w += 2;
    }
    this.count = 0;
    this.fill = 0;
  }

  /**
   * Hash one ASCII key immediately (a lookup): out[outPos] = lo, out[outPos + 1] = hi.
   * Same ASCII contract as `pushAscii`. Queued keys stay queued unless the input region
   * has no room for this key, in which case they are flushed first.
   */
  hashAscii(key: string, out: Uint32Array, outPos: number): void {
    if (typeof key !== 'string') throw badArg('key must be a string');
    if (!(out instanceof Uint32Array) || !isIntIn(outPos, 0, out.length - 2)) throw badArg('out/outPos must leave room for two Uint32 values');
    const len = key.length;
    if (this.fill + len > this.bytesCap) this.makeRoom(len);
    const u8 = this.u8;
    const p = this.bytesPtr + this.fill;
    let any = 0;
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      any |= c;
      u8[p + i] = c;
    }
    if (any > 0x7f) throw badArg('hashAscii: key has a non-ASCII character');
    this.single(p, len, out, outPos);
  }

  /** Hash bytes[start..end) immediately: out[outPos] = lo, out[outPos + 1] = hi. */
  hashBytes(bytes: Uint8Array, start: number, end: number, out: Uint32Array, outPos: number): void {
    checkSpan(bytes, start, end);
    if (!(out instanceof Uint32Array) || !isIntIn(outPos, 0, out.length - 2)) throw badArg('out/outPos must leave room for two Uint32 values');
    const len = end - start;
    if (this.fill + len > this.bytesCap) this.makeRoom(len);
    const p = this.bytesPtr + this.fill;
    this.copyIn(bytes, start, end, p);
    this.single(p, len, out, outPos);
  }

  /**
   * Hash a prepared batch: key i = bytes[offsets[i] .. offsets[i+1]) for i < count, result
   * to outLo[i], outHi[i]. Queued keys are flushed first. The batch is copied through the
   * input region in chunks (one kernel call per chunk). Offsets must be non-decreasing;
   * a violation throws INVALID_ARGUMENT after earlier chunks' results were written.
   */
  hashBatch(bytes: Uint8Array, offsets: Uint32Array, count: number, outLo: Uint32Array, outHi: Uint32Array): void {
    if (!(bytes instanceof Uint8Array)) throw badArg('bytes must be a Uint8Array');
    if (!(offsets instanceof Uint32Array)) throw badArg('offsets must be a Uint32Array');
    if (!isIntIn(count, 0, offsets.length - 1)) throw badArg('count must be an integer with count + 1 ≤ offsets.length');
    if (!(outLo instanceof Uint32Array) || !(outHi instanceof Uint32Array) || outLo === outHi) throw badArg('outLo/outHi must be two distinct Uint32Arrays');
    if (outLo.length < count || outHi.length < count) throw badArg('outLo/outHi must hold count values');
    if (count === 0) return;
    if (offsets[count] > bytes.length) throw badArg('offsets[count] exceeds bytes.length');
    this.flush();
    const batchKeys = this.batchKeys;
    let i = 0;
    while (i < count) {
      const base = offsets[i];
      const cap = this.bytesCap;
      const u32 = this.u32;
      const ow = this.offsetsW;
      const kmax = Math.min(count, i + batchKeys);
      // Take keys while they fit, writing their offsets rebased to the chunk start.
      let j = i;
      while (j < kmax) {
        const e = offsets[j + 1];
        if (e < offsets[j]) throw badArg('offsets must be non-decreasing');
        const rel = e - base;
        if (rel > cap) break;
        u32[ow + 1 + j - i] = rel;
        j++;
      }
      if (j === i) {
        // Key i alone exceeds the region: grow it, then retry this key.
        this.growBytes(offsets[i + 1] - base);
        continue;
      }
      this.copyIn(bytes, base, offsets[j], this.bytesPtr);
      const n = j - i;
      this.kernel.hashBatch(this.offsetsPtr, this.bytesPtr, n, this.outPtr, this.seedLo, this.seedHi);
      let w = this.outW;
      for (let k = i; k < j; k++) {
        outLo[k] = u32[w];
        outHi[k] = u32[w + 1];
        w += 2;
      }
      i = j;
    }
  }

  // --- internals -------------------------------------------------------------------------

  /** Record a key of `len` bytes just written at bytes[fill..]. */
  private commit(len: number, index: number): void {
    this.fill += len;
    this.idx[this.count] = index;
    this.count++;
    this.u32[this.offsetsW + this.count] = this.fill;
  }

  /** Flush, and grow the bytes region if a single key needs more than it holds. */
  private makeRoom(len: number): void {
    this.flush();
    if (len > this.bytesCap) this.growBytes(len);
  }

  /** Enlarge the bytes region to hold `len` bytes (ensureSize throws CAPACITY_EXCEEDED past 4 GiB). */
  private growBytes(len: number): void {
    this.kernel.ensureSize(this.bytesPtr + len);
    this.bytesCap = len;
    this.refreshViews();
  }

  private refreshViews(): void {
    const buf = this.kernel.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  }

  private copyIn(bytes: Uint8Array, start: number, end: number, p: number): void {
    const len = end - start;
    if (len <= 32) {
      // Short keys: a byte loop beats creating a subarray view.
      const u8 = this.u8;
      for (let i = 0; i < len; i++) u8[p + i] = bytes[start + i];
    } else {
      this.u8.set(bytes.subarray(start, end), p);
    }
  }

  private single(p: number, len: number, out: Uint32Array, outPos: number): void {
    this.kernel.hashRange(p, len, this.seedLo, this.seedHi, this.singlePtr);
    out[outPos] = this.u32[this.singleW];
    out[outPos + 1] = this.u32[this.singleW + 1];
  }
}
