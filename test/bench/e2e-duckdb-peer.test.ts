/**
 * The DuckDB peer of the end-to-end harness (bench/e2e/duckdb-peer.ts) reads national IDs by
 * khop's rules: on the same files, for claims whose name, date and sex agree with the register,
 * it gives the status khop's Register gives — lost leading zeros (one or two) restored, unknown
 * province prefixes, placeholders, numbers' signs and decimals, future birth years and CMNDs
 * alike. Skipped when @duckdb/node-api is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, Register } from '../../src/index.js';
import { REGISTER_SCHEMA } from '../../bench/e2e/khop-stages.js';

const duckdb = await import('@duckdb/node-api').then(() => true, () => false);

/** Register rows: recordId, id, fullName, dob, sex. */
const REGISTER = [
  ['r1', '001090012345', 'Nguyễn Văn An', '01/02/1990', 'Nam'],
  ['r2', '079185001234', 'Trần Thị Bình', '03/04/1985', 'Nữ'],
  ['r3', '012345678', 'Lê Văn Cường', '05/06/1970', 'Nam'],
];
/** Claim IDs, each with the name, date and sex of register row `of`. */
const CLAIMS: ReadonlyArray<[string, number]> = [
  ['001090012345', 0],
  ['01090012345', 0], // one zero lost
  ['1090012345', 0], // both zeros lost (a 00x province)
  ['001.090.012.345', 0],
  ["'001090012345", 0], // spreadsheet text prefix
  ['79185001234', 1],
  ['999090012345', 0], // unknown province
  ['100090012345', 0], // 100 is no province either
  ['001390012345', 0], // born 2090: no living holder
  ['0123456789', 0], // 10 digits starting 0
  ['-1090012345', 0], // a negative number
  ['1090012345.5', 0], // a decimal part
  ['000000000', 0], // placeholder
  ['12345678', 2], // a CMND that lost its zero
  ['12.345.678', 2],
  ['1977-07-07', 2], // a date, not a number
  ['012345678', 2],
  ['001190012345', 0], // the same person's number with the female digit: inconsistent
  ['001095012345', 0], // another birth year: inconsistent
  ['001090099999', 0], // not in the register
  ['00109001234A', 0],
  // Cleaning: every character parseNationalId drops, wherever it stands.
  [' 001090012345 ', 0],
  ['\t001090012345\t', 0],
  ['001 090 012 345', 0],
  ['001_090_012_345', 0],
  ['001\u00a0090\u00a0012\u00a0345', 0], // no-break spaces (a spreadsheet's grouping)
  ['001\u2013090\u2013012\u2013345', 0], // en dashes
  ['\u200b001090012345\ufeff', 0], // invisible characters
  ['\uff10\uff10\uff11\uff10\uff19\uff10\uff10\uff11\uff12\uff13\uff14\uff15', 0], // full-width digits
  ['\u2019001090012345', 0], // a typographic apostrophe
  ["''001090012345", 0], // two apostrophes: not a text prefix
  ['001090012345\'', 0], // an apostrophe after the digits
  // A number's sign or decimal part, however it is written.
  ['.-1090012345', 0],
  ['\u22121090012345', 0], // a minus sign
  ['1090012345. 5', 0],
  ['1090012345.5_', 0],
  ['1090012345.50', 0],
  ['1.090.012.345', 0], // dots grouping digits
  ['79185001234.0', 1],
  ['12345678.0', 2],
  ['123456789 ', 2], // a CMND not in the register
  // 8 digits: a CMND that lost its zero only when written as a number.
  ["'12345678", 2],
  [' 12345678 ', 2],
  ['\t12345678\t', 2],
  ['12345678.', 2],
  ['12 345 678', 2],
  ['12\u00a0345\u00a0678', 2],
  ['\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18', 2],
  ['12.345678', 2],
  ['12.345.678.', 2],
  ['12-345-678', 2],
  ['11111111', 2], // placeholder
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'khop-test-duckdb-peer-'));
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(join(dir, 'register.csv'), 'recordId,id,fullName,dob,sex\n' + REGISTER.map((r) => r.map(q).join(',')).join('\n') + '\n');
  writeFileSync(
    join(dir, 'claims.csv'),
    'claimId,id,fullName,dob,sex\n' + CLAIMS.map(([id, of], i) => [`c${i}`, id, ...REGISTER[of]!.slice(2)].map(q).join(',')).join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!duckdb)('DuckDB peer: national IDs', () => {
  it('gives khop\'s status for every claim', async () => {
    const { openDuck, duckdbAuthenticate } = await import('../../bench/e2e/duckdb-peer.js');
    const duck = await openDuck(1);
    const peer = await duckdbAuthenticate(duck.conn, join(dir, 'register.csv'), join(dir, 'claims.csv'));
    duck.close();
    const register = await Register.build(REGISTER_SCHEMA, await openRecords(join(dir, 'register.csv')), { idField: 'recordId' });
    const khop: string[] = [];
    for await (const item of await openRecords(join(dir, 'claims.csv'))) {
      if (item.kind === 'row') khop.push(register.authenticate(item.values as Record<string, unknown>).status);
    }
    const table = CLAIMS.map(([id], i) => `${id} ${khop[i]}`);
    expect(CLAIMS.map(([id], i) => `${id} ${peer.statuses[i]}`)).toEqual(table);
    // The cases are not all one status: the table covers each answer.
    expect(new Set(khop)).toEqual(new Set(['VERIFIED', 'NOT_FOUND', 'INVALID_ID', 'INCONSISTENT_ID']));
  });
});
