import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_THREADS_MIN_MIB, defaultThreadsFor, InputFile } from '../../src/cli/input.js';

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
