import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AUTO_THREADS_MIN_MIB, defaultThreadsFor, InputFile } from '../../src/cli/input.js';
import { feedFifo, fifoUnavailable, makeFifo, stopFifoWriters } from '../io/io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV file of exactly `bytes` bytes: a header, then rows of people, the last one padded. */
function csvOfSize(path: string, bytes: number): void {
  const row = '079090001234,Nguyễn Văn An,01/02/1990\n';
  const tail = ',x,01/01/2000\n';
  const header = 'id,name,dob\n';
  const rows = Math.floor((bytes - header.length - 64) / Buffer.byteLength(row));
  const body = header + row.repeat(Math.max(0, rows));
  writeFileSync(path, body + '9'.repeat(bytes - Buffer.byteLength(body) - tail.length) + tail);
  expect(statSync(path).size).toBe(bytes);
}

describe('defaultThreadsFor (the commands\' --threads when not given)', () => {
  it('every core (at most 256) from AUTO_THREADS_MIN_MIB MiB of input file, one below', async () => {
    const limit = AUTO_THREADS_MIN_MIB * 1024 * 1024;
    const cores = Math.max(1, Math.min(availableParallelism(), 256));
    for (const [name, size, want] of [
      ['under.csv', limit - 1, 1],
      ['at.csv', limit, cores],
      ['small.csv', 4096, 1],
    ] as const) {
      const path = join(dir, name);
      csvOfSize(path, size);
      const input = await InputFile.open(path);
      try {
        expect(defaultThreadsFor(input), name).toBe(want);
      } finally {
        await input.close();
      }
    }
  });
});

const noFifo = fifoUnavailable(dir);
if (noFifo !== null) console.warn(noFifo);
describe.skipIf(noFifo !== null)('an input path naming a pipe', () => {
  afterEach(stopFifoWriters);

  it('F57: is read once: not sampleable, not sampled, one thread whatever its size; its rows read', async () => {
    const file = join(dir, 'big.csv');
    csvOfSize(file, AUTO_THREADS_MIN_MIB * 1024 * 1024 + 10);
    const fifo = makeFifo(join(dir, 'big.fifo'));
    const writer = feedFifo(fifo, file);
    const input = await InputFile.open(fifo);
    try {
      expect([input.sampleable, defaultThreadsFor(input), input.schemaSampling(200)]).toEqual([false, 1, { unsampled: true }]);
      expect(await input.sampleColumn('id', 10)).toEqual([]);
      let rows = 0;
      for await (const _ of input.rows()) rows++;
      expect(rows).toBeGreaterThan(200_000);
      expect(await writer.done).toBe(0);
    } finally {
      await input.close();
    }
  });
});
