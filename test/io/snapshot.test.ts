import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, writeFile, readdir, rm, mkdir, truncate, chmod, chown, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSnapshot, writeSnapshot, SNAPSHOT_MAGIC, type SnapshotArray } from '../../src/io/snapshot.js';
import { isKhopError, type KhopErrorCode } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-snap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): { meta: unknown; sections: { name: string; data: SnapshotArray }[] } {
  const rng = new Rng(1);
  const big = new Uint32Array(new SharedArrayBuffer(4 * 300_000));
  for (let i = 0; i < big.length; i++) big[i] = rng.nextU32();
  return {
    meta: { name: 'register', rows: 3, nested: { list: [1, 'hai', null], seed: 12345678901234567890n } },
    sections: [
      { name: 'u8', data: Uint8Array.from([1, 2, 3]) },
      { name: 'i8', data: Int8Array.from([-1, 0, 1]) },
      { name: 'u16', data: Uint16Array.from([65535, 7]) },
      { name: 'i16', data: Int16Array.from([-32768]) },
      { name: 'u32 big', data: big },
      { name: 'i32', data: Int32Array.from([-5, 5]) },
      { name: 'f32', data: Float32Array.from([1.5, -0]) },
      { name: 'f64', data: Float64Array.from([Math.PI, -Infinity, NaN]) },
      { name: 'u64', data: BigUint64Array.from([2n ** 64n - 1n]) },
      { name: 'i64', data: BigInt64Array.from([-(2n ** 63n)]) },
      { name: 'empty', data: new Float64Array(0) },
      { name: 'tên tiếng Việt', data: Uint8Array.from([9]) },
    ],
  };
}

async function expectCode(p: Promise<unknown>, code: KhopErrorCode): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(isKhopError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
}

describe('snapshot', () => {
  it('round-trips metadata and every element type, into shared or plain memory', async () => {
    const path = join(dir, 'a.khop');
    const s = sample();
    await writeSnapshot(path, s);
    const head = await readFile(path);
    expect(head.subarray(0, 8).toString('latin1')).toBe(SNAPSHOT_MAGIC);
    for (const shared of [true, false]) {
      const back = await readSnapshot(path, { shared });
      expect(back.meta).toEqual(s.meta);
      expect([...back.sections.keys()]).toEqual(s.sections.map((x) => x.name));
      for (const { name, data } of s.sections) {
        const got = back.sections.get(name)!;
        expect(got.constructor).toBe(data.constructor);
        // byte-exact (NaN payloads and −0 included)
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(data.buffer, data.byteOffset, data.byteLength))).toBe(true);
        expect(got.byteOffset).toBe(0);
        expect(got.buffer instanceof SharedArrayBuffer).toBe(shared);
      }
    }
    // every section entry of the table points at a 64-byte aligned offset
    const tableBytes = head.readUInt32LE(20);
    for (let e = 64; e < 64 + tableBytes; ) {
      expect(Number(head.readBigUInt64LE(e + 8)) % 64).toBe(0);
      e += 32 + Math.ceil(head.readUInt32LE(e) / 8) * 8;
    }
  });

  it('writes a section given as a list of views as one contiguous array', async () => {
    const path = join(dir, 'parts.khop');
    const a = Uint32Array.from([1, 2, 3]);
    const b = new Uint32Array([10, 11, 12, 13, 14]).subarray(1, 4);
    await writeSnapshot(path, { meta: null, sections: [{ name: 'joined', data: [a, b, new Uint32Array(0)] }] });
    const back = await readSnapshot(path);
    expect(Array.from(back.sections.get('joined') as Uint32Array)).toEqual([1, 2, 3, 11, 12, 13]);
    await expectCode(writeSnapshot(path, { meta: null, sections: [{ name: 'mixed', data: [a, new Uint8Array(1)] }] }), 'INVALID_ARGUMENT');
    await expectCode(writeSnapshot(path, { meta: null, sections: [{ name: 'x', data: a }, { name: 'x', data: a }] }), 'INVALID_ARGUMENT');
  });

  it('refuses a truncated file at any cut', async () => {
    const path = join(dir, 'full.khop');
    await writeSnapshot(path, sample());
    const bytes = await readFile(path);
    for (const cut of [4, 40, 63, 64, 100, 600, bytes.byteLength - 1000, bytes.byteLength - 1]) {
      const p = join(dir, `cut-${cut}.khop`);
      await writeFile(p, bytes.subarray(0, cut));
      await expectCode(readSnapshot(p), 'SNAPSHOT_TRUNCATED');
    }
  });

  it('refuses a flipped byte anywhere as corrupt', async () => {
    const path = join(dir, 'flip.khop');
    await writeSnapshot(path, sample());
    const bytes = await readFile(path);
    const rng = new Rng(4);
    // header fields after the version, the table, the metadata, and section payloads
    const positions = [17, 25, 33, 45, 70, 90, 200];
    for (let i = 0; i < 6; i++) positions.push(1024 + rng.int(bytes.byteLength - 1024));
    for (const pos of positions) {
      const copy = Buffer.from(bytes);
      copy[pos] ^= 0x10;
      const p = join(dir, `flip-${pos}.khop`);
      await writeFile(p, copy);
      await expectCode(readSnapshot(p), 'SNAPSHOT_CORRUPT');
    }
    // verify: false skips section checksums but still checks header and table
    const copy = Buffer.from(bytes);
    copy[bytes.byteLength - 1] ^= 1; // the payload of the last section
    await writeFile(join(dir, 'flip-noverify.khop'), copy);
    await expect(readSnapshot(join(dir, 'flip-noverify.khop'), { verify: false })).resolves.toBeDefined();
    await expectCode(readSnapshot(join(dir, 'flip-noverify.khop')), 'SNAPSHOT_CORRUPT');
    // trailing garbage
    await writeFile(join(dir, 'trail.khop'), Buffer.concat([bytes, Buffer.from([0])]));
    await expectCode(readSnapshot(join(dir, 'trail.khop')), 'SNAPSHOT_CORRUPT');
  });

  it('refuses another format version and foreign files', async () => {
    const path = join(dir, 'v.khop');
    await writeSnapshot(path, sample());
    const bytes = Buffer.from(await readFile(path));
    bytes.writeUInt32LE(2, 8);
    await writeFile(join(dir, 'v2.khop'), bytes);
    await expectCode(readSnapshot(join(dir, 'v2.khop')), 'SNAPSHOT_VERSION');
    await writeFile(join(dir, 'png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    await expectCode(readSnapshot(join(dir, 'png')), 'SNAPSHOT_FOREIGN');
    await writeFile(join(dir, 'text'), 'id,name\n1,An\n');
    await expectCode(readSnapshot(join(dir, 'text')), 'SNAPSHOT_FOREIGN');
    await writeFile(join(dir, 'empty'), '');
    await expectCode(readSnapshot(join(dir, 'empty')), 'SNAPSHOT_FOREIGN');
    await expectCode(readSnapshot(join(dir, 'does-not-exist')), 'IO_ERROR');
  });

  it('saving over a file keeps its permission bits (and, as root, its owner); a new file gets the umask\'s', async () => {
    const path = join(dir, 'private.snap');
    await writeFile(path, 'old');
    for (const mode of [0o600, 0o640, 0o604]) {
      await chmod(path, mode);
      const root = process.getuid?.() === 0;
      if (root) await chown(path, 65534, 65534);
      await writeSnapshot(path, sample());
      const st = await stat(path);
      expect(st.mode & 0o777, mode.toString(8)).toBe(mode);
      if (root) expect([st.uid, st.gid]).toEqual([65534, 65534]);
      expect((await readSnapshot(path)).meta).toEqual(sample().meta);
    }
    const fresh = join(dir, 'fresh.snap');
    await writeSnapshot(fresh, sample());
    expect((await stat(fresh)).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('writes a file whose name is near the 255-byte limit (its temporary name is cut, not too long)', async () => {
    for (const name of ['r'.repeat(250) + '.khop', 'đ'.repeat(120) + '.khop']) {
      const path = join(dir, name);
      await writeSnapshot(path, sample());
      expect((await readSnapshot(path)).meta).toEqual(sample().meta);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('refuses to read a named pipe or a directory (a pipe with no writer blocked for ever)', async () => {
    const fifo = join(dir, 'reg.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, dir]) {
      const e = await readSnapshot(path).then(() => null, (x: unknown) => x);
      expect(isKhopError(e, 'IO_ERROR'), path).toBe(true);
      expect((e as Error).message).toMatch(/is (not a regular file|a directory)\b.*; a snapshot is read from a file/);
    }
  });

  it('replaces the target atomically and leaves no temporary file behind', async () => {
    const sub = join(dir, 'atomic');
    await mkdir(sub);
    const path = join(sub, 'x.khop');
    await writeSnapshot(path, { meta: 1, sections: [] });
    await writeSnapshot(path, { meta: 2, sections: [] });
    expect((await readSnapshot(path)).meta).toBe(2);
    expect(await readdir(sub)).toEqual(['x.khop']);
    // a write that fails (target is a directory: rename refuses) keeps the target and cleans up
    const blocker = join(sub, 'blocked');
    await mkdir(blocker);
    await writeFile(join(blocker, 'keep'), 'k');
    await expectCode(writeSnapshot(blocker, { meta: 3, sections: [{ name: 'a', data: new Uint8Array(10) }] }), 'IO_ERROR');
    expect((await readdir(sub)).sort()).toEqual(['blocked', 'x.khop']);
    expect(await readdir(blocker)).toEqual(['keep']);
    // an interrupted write of the temp file never touches the target (simulated: a truncated temp)
    await truncate(path, (await readFile(path)).byteLength);
    expect((await readSnapshot(path)).meta).toBe(2);
  });
});
