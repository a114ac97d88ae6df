import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv-reader.js';
import { REJECTED_COLUMNS_WITH_RAW, RejectedRowWriter, writeRejected } from '../../src/io/rejected-writer.js';
import { collect, rowsOf, utf8 } from './io-test-helpers.js';

async function written(fn: (out: PassThrough) => Promise<unknown>): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await fn(out);
  return new Uint8Array(Buffer.concat(chunks));
}

const INPUT = 'so_cccd,ho_ten,ngay_sinh\n001090012345,An,1990\n=cmd|calc,Bình\n002,"Chi, ""C""",1991,extra\n003,Dũng,1992\n';

describe('writeRejected', () => {
  it('writes row number, line, code, reason and the raw row, readable back as CSV', async () => {
    const src = await readCsv(utf8(INPUT));
    const bytes = await written((out) => writeRejected(out, src));
    const back = await readCsv(bytes);
    expect(back.columns).toEqual([...REJECTED_COLUMNS_WITH_RAW]);
    expect(rowsOf(await collect(back))).toEqual([
      { row_number: '2', line: '3', code: 'TOO_FEW_COLUMNS', reason: 'row has 2 fields, the header has 3', raw: "'=cmd|calc,Bình", raw_truncated: '' },
      { row_number: '3', line: '4', code: 'TOO_MANY_COLUMNS', reason: 'row has 4 fields, the header has 3', raw: '002,"Chi, ""C""",1991,extra', raw_truncated: '' },
    ]);
  });

  it('raw text comes back exactly with escapeFormulas: false; includeRaw: false leaves it out', async () => {
    const exact = await written(async (out) => writeRejected(out, await readCsv(utf8(INPUT)), { escapeFormulas: false }));
    const rows = rowsOf(await collect(await readCsv(exact)));
    expect(rows.map((r) => r['raw'])).toEqual(['=cmd|calc,Bình', '002,"Chi, ""C""",1991,extra']);
    const noRaw = await written(async (out) => writeRejected(out, await readCsv(utf8(INPUT)), { includeRaw: false }));
    expect(Buffer.from(noRaw).toString('utf8')).toBe(
      'row_number,line,code,reason\n2,3,TOO_FEW_COLUMNS,"row has 2 fields, the header has 3"\n3,4,TOO_MANY_COLUMNS,"row has 4 fields, the header has 3"\n',
    );
  });

  it('a streaming writer accepts items as they come and refuses accepted rows', async () => {
    const out = new PassThrough();
    const w = new RejectedRowWriter(out);
    await w.write({ kind: 'rejected', rowNumber: 7, code: 'INVALID_VALUE', reason: 'column 2 (d) holds a value outside the representable range' });
    expect(() => w.write({ kind: 'row' } as never)).toThrow(/not a rejected row/);
    await w.close();
    expect(w.rowCount).toBe(1);
    expect(out.read()!.toString()).toBe(
      'row_number,line,code,reason,raw,raw_truncated\n7,,INVALID_VALUE,column 2 (d) holds a value outside the representable range,,\n',
    );
  });
});

describe('writeRejected failing partway (F51)', () => {
  it('a file path keeps what it held and no temporary file stays when an item is refused partway (F51; fixed: the rows before it replaced the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'khop-rejected-'));
    try {
      const path = join(dir, 'rejected.csv');
      writeFileSync(path, 'previous run\n');
      const good = { kind: 'rejected', rowNumber: 1, line: 2, code: 'TOO_FEW_COLUMNS', reason: 'row has 1 field, the header has 3' } as const;
      await expect(writeRejected(path, [good, good, null as unknown as typeof good])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(readFileSync(path, 'utf8')).toBe('previous run\n');
      expect(readdirSync(dir)).toEqual(['rejected.csv']);
      // The streaming writer can be given up too.
      const w = new RejectedRowWriter(path);
      await w.write(good);
      await w.abort();
      expect(readFileSync(path, 'utf8')).toBe('previous run\n');
      expect(readdirSync(dir)).toEqual(['rejected.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
