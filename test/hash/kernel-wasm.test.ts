// The committed WebAssembly kernel: rebuilds bit-identically, its hash file and embedded
// constants agree, and the raw ABI (no imports, batch + range exports) behaves as documented.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import xxhash from 'xxhash-wasm';
import { KERNEL_WASM_BYTE_LENGTH, KERNEL_WASM_SHA256 } from '../../src/hash/kernel-wasm.generated.js';
import { WasmHashKernel, kernelWasmBytes } from '../../src/hash/kernel-wasm.js';

const root = new URL('../../', import.meta.url);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('committed kernel', () => {
  it('rebuilds to the same bytes, sha256 file and generated module (node wasm/build.mjs --check)', () => {
    let out = '';
    let failure = '';
    try {
      out = execFileSync(process.execPath, ['wasm/build.mjs', '--check'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      failure = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(failure).toBe('');
    expect(out).toContain(KERNEL_WASM_SHA256);
  });

  it('embedded bytes = wasm/xxh64.wasm, and both hashes agree', () => {
    const file = new Uint8Array(readFileSync(new URL('wasm/xxh64.wasm', root)));
    const embedded = kernelWasmBytes();
    expect(embedded.length).toBe(KERNEL_WASM_BYTE_LENGTH);
    expect(Buffer.from(embedded).equals(Buffer.from(file))).toBe(true);
    const recorded = readFileSync(new URL('wasm/xxh64.wasm.sha256', root), 'utf8').trim();
    expect(sha256(file)).toBe(recorded);
    expect(KERNEL_WASM_SHA256).toBe(recorded);
  });

  it('has no imports and exactly the documented exports', () => {
    // Typed locally: the project's lib (ES2023, no DOM) does not declare WebAssembly.
    type Desc = { kind: string; name: string };
    const Wasm = (globalThis as unknown as {
      WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): Desc[]; exports(m: object): Desc[] } };
    }).WebAssembly;
    const m = new Wasm.Module(kernelWasmBytes());
    expect(Wasm.Module.imports(m)).toEqual([]);
    expect(Wasm.Module.exports(m).map((e) => `${e.kind}:${e.name}`).sort()).toEqual([
      'function:dataStart',
      'function:hashBatch',
      'function:hashRange',
      'memory:memory',
    ]);
  });
});

describe('raw kernel ABI', () => {
  it('hashBatch reads offsets relative to bytesPtr and writes (lo, hi) per key; seed halves', async () => {
    const { h64Raw } = await xxhash();
    const k = new WasmHashKernel();
    expect(k.dataStart % 64).toBe(0);
    const base = k.dataStart;
    k.ensureSize(base + 4096);
    const u8 = new Uint8Array(k.buffer);
    const u32 = new Uint32Array(k.buffer);
    const keys = ['', 'a', '001090012345', 'nguyen thi minh khai ha noi 1990 xx'];
    const offsetsPtr = base;
    const outPtr = base + 64;
    const bytesPtr = base + 1001; // deliberately unaligned
    let pos = 0;
    u32[offsetsPtr >> 2] = 0;
    keys.forEach((key, i) => {
      for (let j = 0; j < key.length; j++) u8[bytesPtr + pos + j] = key.charCodeAt(j);
      pos += key.length;
      u32[(offsetsPtr >> 2) + i + 1] = pos;
    });
    const seed = 0xf00dbabe12345678n; // hi half ≥ 2^31: crosses the boundary as a negative i32
    k.hashBatch(offsetsPtr, bytesPtr, keys.length, outPtr, 0x12345678, 0xf00dbabe);
    keys.forEach((key, i) => {
      const got = (BigInt(u32[(outPtr >> 2) + 2 * i + 1]) << 32n) | BigInt(u32[(outPtr >> 2) + 2 * i]);
      expect(got).toBe(h64Raw(Uint8Array.from(key, (c) => c.charCodeAt(0)), seed));
    });
    k.hashRange(bytesPtr + 1, 12, 0x12345678, 0xf00dbabe, outPtr);
    expect((BigInt(u32[(outPtr >> 2) + 1]) << 32n) | BigInt(u32[outPtr >> 2])).toBe(h64Raw(u8.slice(bytesPtr + 1, bytesPtr + 13), seed));
  });

  it('ensureSize grows memory and replaces the buffer only when needed', () => {
    const k = new WasmHashKernel();
    const before = k.buffer;
    const size = before.byteLength;
    expect(k.ensureSize(size)).toBe(false);
    expect(k.buffer).toBe(before);
    expect(k.ensureSize(size + 1)).toBe(true);
    expect(k.buffer.byteLength).toBe(size + 65536);
    expect(before.byteLength).toBe(0); // the old buffer is detached: views must be re-created
  });
});
