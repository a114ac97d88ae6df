// The command line reads a guessed date column month first when its values can only be month
// first (src/text/date-order.ts): the same people written with US dates cluster as written with
// Vietnamese ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, csvObjects, tempDir, type CliRun } from './cli-helpers.js';

const tmp = tempDir();
const HEADER = ['recordId', 'id', 'fullName', 'dob', 'sex', 'province'];
const people = [...generatePopulation({ size: 400, seed: 21, duplicateRate: 0.2 })];
/** Day-first d/m/y (any one separator) rewritten month first; every other shape as written. */
const monthFirst = (dob: string) => dob.replace(/^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/, '$3$2$1$2$4');
const usDates = people.map((p) => monthFirst(p.dob));
let vn: CliRun;
let us: CliRun;
let usForcedDayFirst: CliRun;

function write(name: string, dobs: readonly string[]): void {
  const lines = [HEADER.join(','), ...people.map((p, i) => [p.recordId, p.id, p.fullName, dobs[i], p.sex, p.province].join(','))];
  writeFileSync(join(tmp.dir, name), lines.join('\n') + '\n', 'utf8');
}
const clusters = (file: string) => csvObjects(readFileSync(join(tmp.dir, file), 'utf8')).map((r) => `${r.record_id}:${r.cluster_id}`);

beforeAll(async () => {
  write('vn.csv', people.map((p) => p.dob));
  write('us.csv', usDates);
  writeFileSync(
    join(tmp.dir, 'schema.json'),
    JSON.stringify({ id: { kind: 'nationalId' }, name: { kind: 'personName', column: 'fullName' }, dob: { kind: 'date', order: 'dmy' }, sex: { kind: 'sex' }, province: { kind: 'category' } }),
  );
  vn = await cli(['dedupe', 'vn.csv', '-o', 'vn-clusters.csv'], tmp.dir);
  us = await cli(['dedupe', 'us.csv', '-o', 'us-clusters.csv'], tmp.dir);
  usForcedDayFirst = await cli(['dedupe', 'us.csv', '-o', 'us-dmy-clusters.csv', '--schema', 'schema.json', '--id-field', 'recordId'], tmp.dir);
});
afterAll(() => tmp.remove());

describe('khop dedupe on a file with month-first dates', () => {
  it('the fixture has month-only-first dates (a day above 12) and no value that changed shape otherwise', () => {
    expect(usDates.filter((d, i) => d !== people[i]!.dob).length).toBeGreaterThan(300);
    expect(usDates.some((d) => /^(0?[1-9]|1[0-2])\/(1[3-9]|2\d|3[01])\//.test(d))).toBe(true);
  });

  it('says the dates are read month first, and the day-first file has no such note', () => {
    expect([vn.code, us.code]).toEqual([0, 0]);
    expect(us.stderr).toMatch(/note: dates in "dob" are read month first \(\d+ of its first values can only be month first, none only day first\)/);
    expect(vn.stderr).not.toContain('month first');
  });

  it('clusters the month-first file exactly as the day-first one', () => {
    expect(clusters('us-clusters.csv')).toEqual(clusters('vn-clusters.csv'));
  });

  it('read day first (a --schema saying so), the same file loses dates and clusters differently', () => {
    expect(us.stderr).not.toContain('month-out-of-range');
    const lost = /dob: (\d+) date month-out-of-range/.exec(usForcedDayFirst.stderr);
    expect(Number(lost?.[1])).toBeGreaterThan(100);
    expect(clusters('us-dmy-clusters.csv')).not.toEqual(clusters('vn-clusters.csv'));
  });
});

describe('khop link with files that write dates in different orders', () => {
  it('one schema reads both files: a right file written the other way is said in a note (counts, never a value)', async () => {
    const vnLeft = await cli(['link', 'vn.csv', 'us.csv', '-o', 'links1.csv'], tmp.dir);
    expect(vnLeft.stderr).toMatch(/note: dates in the right file's "dob" look written month first \(\d+ of its first values can only be\), but one schema reads both files day first/);
    const usLeft = await cli(['link', 'us.csv', 'vn.csv', '-o', 'links2.csv'], tmp.dir);
    expect(usLeft.stderr).toMatch(/note: dates in the right file's "dob" look written day first \(\d+ of its first values can only be\), but one schema reads both files month first/);
    const same = await cli(['link', 'us.csv', 'us.csv', '-o', 'links3.csv'], tmp.dir);
    expect(same.stderr).not.toContain("right file's \"dob\"");
    for (const r of [vnLeft, usLeft, same]) for (const d of usDates.slice(0, 50)) expect(r.stderr).not.toContain(d);
  });
});

describe('khop authenticate: claims written in the other date order than the register reads', () => {
  it('notes it (counts, never a value); claims in the register\'s order get no note', async () => {
    const us = await cli(['register', 'build', 'us.csv', '-o', 'us.khop', '--id-field', 'recordId'], tmp.dir);
    expect(us.code).toBeLessThanOrEqual(1); // a person's second record is a DUPLICATE_ID in a register
    expect(us.stderr).toContain('note: dates in "dob" are read month first');
    const vnClaims = await cli(['authenticate', 'vn.csv', '--register', 'us.khop', '-o', 'v1.csv'], tmp.dir);
    expect(vnClaims.stderr).toMatch(/note: dates in the claims' "dob" look written day first \(\d+ of its first values can only be\), but the register reads claims month first/);
    const usClaims = await cli(['authenticate', 'us.csv', '--register', 'us.khop', '-o', 'v2.csv'], tmp.dir);
    expect(usClaims.stderr).not.toContain("the claims' \"dob\"");
    // The same people as claims: in the register's order their dates agree with it; in the
    // other order most do not (a day above 12 is no month: missing; the rest swapped).
    const agreeing = (file: string) => csvObjects(readFileSync(join(tmp.dir, file), 'utf8')).filter((v) => v.dob === 'exact' || v.dob === 'equivalent').length;
    // (Measured: 287 of 400 against 13; the rest of the 400 found no record — a duplicate's ID.)
    expect(agreeing('v2.csv')).toBeGreaterThan(0.6 * people.length);
    expect(agreeing('v1.csv')).toBeLessThan(0.2 * agreeing('v2.csv'));
    for (const r of [vnClaims, usClaims]) for (const d of usDates.slice(0, 50)) expect(r.stderr).not.toContain(d);
  });
});

