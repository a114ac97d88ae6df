import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteInput, READ_CHUNK_BYTES } from '../../src/io/byte-source.js';
import { chunked, concatBytes, utf8 } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(input: ByteInput): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of input.chunks()) parts.push(c);
  return concatBytes(...parts);
}

describe('ByteInput', () => {
  it('peeks the head without losing bytes, from 1-byte chunks', async () => {
    const bytes = utf8('x'.repeat(100) + 'Đ');
    const input = await ByteInput.open(chunked(bytes, Array.from({ length: 100 }, (_, i) => i + 1)));
    expect(input.head.length).toBe(64);
    expect(await all(input)).toEqual(bytes);
    expect(input.bytesRead).toBe(bytes.length);
    expect(input.size).toBeNull();
  });

  it('slices an in-memory array into READ_CHUNK_BYTES pieces and knows its size', async () => {
    const bytes = new Uint8Array(READ_CHUNK_BYTES * 2 + 5).fill(65);
    const input = await ByteInput.open(bytes);
    const sizes: number[] = [];
    for await (const c of input.chunks()) sizes.push(c.byteLength);
    expect(sizes).toEqual([READ_CHUNK_BYTES, READ_CHUNK_BYTES, 5]);
    expect(input.size).toBe(bytes.length);
  });

  it('unwraps gzip (counting compressed bytes) unless told not to', async () => {
    const text = 'ho_ten\n' + 'Vũ Thị Hằng\n'.repeat(1000);
    const gz = gzipSync(text);
    const path = join(dir, 'a.csv.gz');
    writeFileSync(path, gz);
    const input = await ByteInput.open(path);
    expect(input.gzip).toBe(true);
    expect(Buffer.from(await all(input)).toString('utf8')).toBe(text);
    expect(input.bytesRead).toBe(gz.length);
    expect(input.size).toBe(gz.length);
    const raw = await ByteInput.open(path, { gunzip: false });
    expect(raw.gzip).toBe(false);
    expect(await all(raw)).toEqual(new Uint8Array(gz));
  });

  it('refuses bad sources with clear codes', async () => {
    await expect(ByteInput.open(42 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ByteInput.open(['text' as never])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ByteInput.open(dir)).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(ByteInput.open(join(dir, 'missing'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('a failing stream surfaces as IO_ERROR', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield utf8('a'.repeat(100));
      throw new Error('disk on fire');
    }
    const input = await ByteInput.open(failing());
    await expect(all(input)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});
