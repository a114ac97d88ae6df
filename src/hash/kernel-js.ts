/**
 * The batch XXH64 kernel in pure JavaScript: the same ABI as the WebAssembly module
 * (wasm/xxh64.ts) over a plain ArrayBuffer standing in for linear memory, hashing with
 * `xxh64Parts`. Used when WebAssembly is unavailable, and as a cross-check in tests.
 *
 * Trade-off: growing reallocates and copies the buffer (WebAssembly grows in place), which
 * only happens when a hasher is created or meets an oversize key.
 */
import { KhopError } from '../errors.js';
import type { HashKernel } from './hash-kernel.js';
import { xxh64Parts } from './xxh64-reference.js';

/** Address of the first usable byte; mirrors the wasm kernel's 64-byte-aligned start. */
const JS_DATA_START = 64;

export class JsHashKernel implements HashKernel {
  readonly kind = 'js' as const;
  readonly dataStart = JS_DATA_START;
  buffer: ArrayBuffer = new ArrayBuffer(65536);
  private u8 = new Uint8Array(this.buffer);
  private u32 = new Uint32Array(this.buffer);

  ensureSize(bytes: number): boolean {
    if (bytes <= this.buffer.byteLength) return false;
    // Same limit as wasm32: every address must fit the kernel's u32 pointers.
    if (bytes > 2 ** 32) throw new KhopError('CAPACITY_EXCEEDED', 'hash kernel memory would exceed 4 GiB', { details: { bytes } });
    // Round up to a multiple of 8 so the Uint32Array view covers every byte.
    const next = new ArrayBuffer(Math.ceil(bytes / 8) * 8);
    new Uint8Array(next).set(this.u8);
    this.buffer = next;
    this.u8 = new Uint8Array(next);
    this.u32 = new Uint32Array(next);
    return true;
  }

  hashBatch(offsetsPtr: number, bytesPtr: number, count: number, outPtr: number, seedLo: number, seedHi: number): void {
    const u8 = this.u8;
    const u32 = this.u32;
    // Both regions are 4-byte aligned by the caller's layout: byte address / 4 = word index.
    let ow = offsetsPtr >>> 2;
    let w = outPtr >>> 2;
    let start = u32[ow];
    for (let i = 0; i < count; i++) {
      const end = u32[++ow];
      xxh64Parts(u8, bytesPtr + start, bytesPtr + end, seedLo, seedHi, u32, w);
      w += 2;
      start = end;
    }
  }

  hashRange(ptr: number, len: number, seedLo: number, seedHi: number, outPtr: number): void {
    xxh64Parts(this.u8, ptr, ptr + len, seedLo, seedHi, this.u32, outPtr >>> 2);
  }
}
