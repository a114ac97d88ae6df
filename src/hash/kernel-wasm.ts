/**
 * Loads the batch XXH64 WebAssembly kernel from the embedded base64 constant
 * (`kernel-wasm.generated.ts`, produced by wasm/build.mjs) — synchronously, with no file
 * path, so the ESM build, the CJS build and worker threads all load it the same way.
 *
 * Trade-off: synchronous `new WebAssembly.Module` blocks for the compile (~1.7 KB module,
 * well under a millisecond) but lets `new KeyHasher()` be an ordinary constructor. The
 * compiled module is cached per thread (compiled once, immutable); each kernel gets its
 * own instance and therefore its own linear memory, so hashers never share buffers.
 */
import { KhopError } from '../errors.js';
import type { HashKernel } from './hash-kernel.js';
import { KERNEL_WASM_BASE64 } from './kernel-wasm.generated.js';

/** WebAssembly page size, bytes. */
const PAGE = 65536;
/** wasm32 address space limit, pages (4 GiB). */
const MAX_PAGES = 65536;

/**
 * The slice of the WebAssembly JS API used here. Declared locally because the project's
 * `lib` (ES2023, no DOM) and @types/node 20 do not type the WebAssembly globals.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
}

/** The runtime's WebAssembly object, or undefined (e.g. `node --jitless`). */
function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === 'object' && api !== null && typeof api.Module === 'function' ? api : undefined;
}

interface KernelExports {
  memory: WasmMemory;
  dataStart(): number;
  hashBatch(offsetsPtr: number, bytesPtr: number, count: number, outPtr: number, seedLo: number, seedHi: number): void;
  hashRange(ptr: number, len: number, seedLo: number, seedHi: number, outPtr: number): void;
}

let compiled: WasmModule | undefined;

/** True when the runtime exposes WebAssembly at all. */
export function wasmAvailable(): boolean {
  return wasmApi() !== undefined;
}

/** The decoded module bytes (fresh copy). */
export function kernelWasmBytes(): Uint8Array {
  const bin = atob(KERNEL_WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function kernelModule(api: WasmApi): WasmModule {
  if (compiled === undefined) {
    try {
      compiled = new api.Module(kernelWasmBytes());
    } catch (e) {
      throw new KhopError('WASM_UNAVAILABLE', 'the hash kernel WebAssembly module failed to compile', { cause: e });
    }
  }
  return compiled;
}

export class WasmHashKernel implements HashKernel {
  readonly kind = 'wasm' as const;
  readonly dataStart: number;
  private readonly ex: KernelExports;

  constructor() {
    const api = wasmApi();
    if (api === undefined) throw new KhopError('WASM_UNAVAILABLE', 'WebAssembly is not available in this runtime');
    let instance: { readonly exports: unknown };
    try {
      instance = new api.Instance(kernelModule(api), {});
    } catch (e) {
      if (e instanceof KhopError) throw e;
      throw new KhopError('WASM_UNAVAILABLE', 'the hash kernel WebAssembly module failed to instantiate', { cause: e });
    }
    this.ex = instance.exports as unknown as KernelExports;
    this.dataStart = this.ex.dataStart() >>> 0;
  }

  get buffer(): ArrayBuffer {
    return this.ex.memory.buffer;
  }

  ensureSize(bytes: number): boolean {
    const mem = this.ex.memory;
    const have = mem.buffer.byteLength;
    if (bytes <= have) return false;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) {
      throw new KhopError('CAPACITY_EXCEEDED', 'hash kernel memory would exceed the 4 GiB wasm32 limit', { details: { bytes } });
    }
    try {
      mem.grow(pages - have / PAGE);
    } catch (e) {
      throw new KhopError('CAPACITY_EXCEEDED', 'hash kernel memory could not grow', { details: { bytes }, cause: e });
    }
    return true;
  }

  hashBatch(offsetsPtr: number, bytesPtr: number, count: number, outPtr: number, seedLo: number, seedHi: number): void {
    // i32 parameters: JS numbers ≥ 2^31 wrap to negative i32, which the kernel reads as u32.
    this.ex.hashBatch(offsetsPtr, bytesPtr, count, outPtr, seedLo, seedHi);
  }

  hashRange(ptr: number, len: number, seedLo: number, seedHi: number, outPtr: number): void {
    this.ex.hashRange(ptr, len, seedLo, seedHi, outPtr);
  }
}
