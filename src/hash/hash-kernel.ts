/**
 * HashKernel: the one batch-XXH64 ABI (see wasm/xxh64.ts for the full description and the
 * memory diagram), implemented twice — by the WebAssembly module (`kernel-wasm.ts`) and by
 * pure JavaScript over an ArrayBuffer (`kernel-js.ts`, the fallback when WebAssembly is
 * unavailable). `KeyHasher` talks to either through this interface, so both backends run
 * the same front-end code and must give identical results (the tests check that they do).
 *
 * Trade-off: the JS kernel mimics linear memory (one ArrayBuffer, byte addresses) rather
 * than offering a friendlier API, so there is exactly one front end to get right.
 */
import { KhopError } from '../errors.js';
import { JsHashKernel } from './kernel-js.js';
import { WasmHashKernel, wasmAvailable } from './kernel-wasm.js';

/** Which kernel runs the hashing. `auto`: WebAssembly when the runtime has it, else JS. */
export type HashKernelKind = 'auto' | 'wasm' | 'js';

export interface HashKernel {
  /** The backend actually in use. */
  readonly kind: 'wasm' | 'js';
  /** First byte address callers may use for their regions (64-byte aligned). */
  readonly dataStart: number;
  /** The current memory. Replaced when it grows: re-create every view after `ensureSize`. */
  readonly buffer: ArrayBuffer;
  /** Make memory at least `bytes` long. @returns true when `buffer` was replaced. */
  ensureSize(bytes: number): boolean;
  /** Hash `count` keys: key i = bytes at bytesPtr + [off[i], off[i+1]), off = u32 at offsetsPtr. */
  hashBatch(offsetsPtr: number, bytesPtr: number, count: number, outPtr: number, seedLo: number, seedHi: number): void;
  /** Hash the `len` bytes at `ptr`; writes (lo, hi) as two u32 at outPtr. */
  hashRange(ptr: number, len: number, seedLo: number, seedHi: number, outPtr: number): void;
}

/** Create a kernel of the requested kind (`wasm` throws WASM_UNAVAILABLE if it cannot load). */
export function createHashKernel(kind: HashKernelKind): HashKernel {
  if (kind === 'js') return new JsHashKernel();
  if (kind === 'wasm') return new WasmHashKernel();
  if (!wasmAvailable()) return new JsHashKernel();
  try {
    return new WasmHashKernel();
  } catch (e) {
    // A runtime that exposes WebAssembly but refuses the module (policy, --jitless
    // variants): the JS kernel gives bit-identical results, only slower.
    if (e instanceof KhopError && e.code === 'WASM_UNAVAILABLE') return new JsHashKernel();
    throw e;
  }
}
