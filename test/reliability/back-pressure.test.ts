// Back-pressure in the streaming readers: a consumer that is slow (it awaits a timer every few
// hundred rows) must not make the reader buffer the file ahead of it. Checked two ways, no
// timing assertion: (1) bytes read from the file never run more than a few read chunks ahead
// of the rows handed out; (2) the heap after reading the whole file is not larger than after
// reading a quarter of it by anything near the file's size.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords } from '../../src/index.js';
import { tempDir } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const MiB = 1 << 20;

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/** A file of ROWS fixed-width rows (so the bytes behind row k are known exactly). Returns its header and row byte lengths. */
async function writeFixedWidth(path: string, header: string, row: (i: number) => string): Promise<{ headerBytes: number; rowBytes: number; size: number }> {
  const out = createWriteStream(path);
  const first = row(0);
  let buf = header;
  for (let i = 0; i < ROWS; i++) {
    const line = row(i);
    if (line.length !== first.length) throw new Error('rows must have one width');
    buf += line;
    if (buf.length > MiB) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { headerBytes: Buffer.byteLength(header), rowBytes: Buffer.byteLength(first), size: Buffer.byteLength(header) + ROWS * Buffer.byteLength(first) };
}

function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function readSlowly(path: string, layout: { headerBytes: number; rowBytes: number; size: number }) {
  const source = await openRecords(path);
  let seen = 0;
  let maxAhead = 0;
  let quarterHeap = 0;
  for await (const item of source) {
    seen++;
    if (item.kind !== 'row') throw new Error(`unexpected ${item.kind}`);
    const consumed = layout.headerBytes + seen * layout.rowBytes;
    maxAhead = Math.max(maxAhead, source.summary.bytesRead - consumed);
    if (seen % 500 === 0) await new Promise((r) => setTimeout(r, 0)); // the slow consumer
    if (seen === ROWS / 4) quarterHeap = heap();
  }
  const endHeap = heap();
  return { seen, maxAhead, growth: endHeap - quarterHeap, summary: source.summary };
}

const pad = (i: number, w: number) => String(i).padStart(w, '0');

describe('back-pressure', () => {
  it('CSV: a slow consumer keeps the reader within a few chunks of it and the heap flat', async () => {
    const path = join(dir, 'slow.csv');
    const layout = await writeFixedWidth(path, 'id,name,dob,sex,address\n', (i) => `0010${pad(i, 8)},Nguyễn Văn An ${pad(i, 6)},01/01/1990,Nam,Số ${pad(i, 6)} đường Lê Lợi phường Bến Nghé quận 1\n`);
    expect(layout.size).toBeGreaterThan(20 * MiB);
    const r = await readSlowly(path, layout);
    expect(r.seen).toBe(ROWS);
    expect(r.summary).toMatchObject({ rows: ROWS, accepted: ROWS, rejected: 0, bytesRead: layout.size, status: 'ok' });
    expect(r.maxAhead).toBeLessThan(4 * MiB); // read chunks are 128 KiB
    expect(r.growth).toBeLessThan(layout.size / 4); // buffering 3/4 of the file would grow it by ≥ 15 MB
  });

  it('NDJSON: the same bound on reading ahead', async () => {
    const path = join(dir, 'slow.ndjson');
    const layout = await writeFixedWidth(path, '', (i) => `{"id":"0010${pad(i, 8)}","name":"Trần Thị Bình ${pad(i, 6)}","dob":"1990-01-01"}\n`);
    const r = await readSlowly(path, layout);
    expect(r.seen).toBe(ROWS);
    expect(r.maxAhead).toBeLessThan(4 * MiB);
    expect(r.growth).toBeLessThan(layout.size / 4);
  });
});
