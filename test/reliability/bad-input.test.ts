// The bad-input catalogue (docs/bad-input.md), case by case, through the public API: every
// case asserts its documented behaviour (a KhopError code, a rejected-row code, or a parsed /
// missing value), that no planted input value appears in a message or reason, that accepted +
// rejected = input rows, and that no built-in prototype was touched. Case ids (F = files,
// V = values, D = dedupe rows) match the table in docs/bad-input.md.
import { gzipSync } from 'node:zlib';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeBlocking,
  BlockIndex,
  buildBlockIndex,
  buildBlockIndexes,
  buildBlockIndexesParallel,
  buildBlockIndexParallel,
  buildProvinceEquivalence,
  buildRuleKeys,
  CategorySpelling,
  clusterMetrics,
  compareNationalIds,
  comparePersonName,
  createProgressReporter,
  defaultBlockingRules,
  describeRule,
  isKnownFamilyName,
  isVietnameseSyllable,
  KeyHasher,
  loadIndexSnapshot,
  matchProbabilityFromWeight,
  matchWeightFromProbability,
  pairwiseMetrics,
  readSnapshot,
  RecordStore,
  rowKeyText,
  rulesFromJSON,
  rulesToJSON,
  saveIndexSnapshot,
  StringColumn,
  termFrequencyAdjustment,
  TermFrequencyTable,
  validateRules,
  VerdictTable,
  verdictConfusion,
  writeSnapshot,
  compareCategories,
  compareDates,
  compareIdentifiers,
  compareNationalIdStrings,
  compareSex,
  compareTextOverlapStrings,
  damerauLevenshteinWithin,
  dedupe,
  defineSchema,
  FellegiSunterModel,
  NationalIdLevel,
  KhopPool,
  link,
  Register,
  foldToAscii,
  jaroWinklerSimilarity,
  latestBirthYear,
  levenshteinDistance,
  normalizeText,
  openRecords,
  parseDate,
  parseNationalId,
  parsePersonName,
  parseSex,
} from '../../src/index.js';
import type { BlockingRule, DedupeResult, FieldSpec } from '../../src/index.js';
import { Rng } from '../../src/util/rng.js';
import { errorCode, expectNoPollution, khopErrorOf, leaks, readFileRecords, tempDir, type ReadResult } from './helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());
afterEach(() => expectNoPollution());

/** The read accounting invariant and the no-value-in-reasons rule. */
function expectAccounted(r: ReadResult, planted: readonly string[] = []): void {
  expect(r.source.summary.rows).toBe(r.rows.length + r.rejected.length);
  expect(r.source.summary.accepted).toBe(r.rows.length);
  expect(r.source.summary.rejected).toBe(r.rejected.length);
  expect(r.source.summary.status).not.toBe('reading');
  expect(leaks(r.rejected.map((x) => x.reason), planted)).toEqual([]);
  // row numbers are 1..rows, each exactly once
  expect(r.items.map((i) => i.rowNumber)).toEqual(Array.from({ length: r.items.length }, (_, i) => i + 1));
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('files (openRecords)', () => {
  it('F01 invalid UTF-8 in a CSV row → that row rejected INVALID_ENCODING, the others read', async () => {
    const bytes = Buffer.concat([utf8('id,name\n001090012345,Quỳ'), Buffer.from([0xff, 0xc3, 0x28]), utf8('n\n001090012346,Trần Bình\n')]);
    const r = await readFileRecords(dir, 'f01.csv', bytes);
    // The planted name's start as the marker: 'Ng' alone is in the reason's own words ("encoding").
    expectAccounted(r, ['001090012345', 'Quỳ']);
    expect(r.rejected.map((x) => [x.rowNumber, x.code])).toEqual([[1, 'INVALID_ENCODING']]);
    expect(r.rejected[0]!.reason).toContain('column 2 (name)');
    expect(r.rows.map((x) => ({ ...x.values }))).toEqual([{ id: '001090012346', name: 'Trần Bình' }]);
  });

  it('F02 invalid UTF-8 in an NDJSON line → INVALID_ENCODING for that line', async () => {
    const bytes = Buffer.concat([utf8('{"name":"Quỳ'), Buffer.from([0xc3, 0x28]), utf8('"}\n{"name":"Bình"}\n')]);
    const r = await readFileRecords(dir, 'f02.ndjson', bytes);
    expectAccounted(r, ['Quỳ']);
    expect(r.rejected.map((x) => x.code)).toEqual(['INVALID_ENCODING']);
    expect(r.rows).toHaveLength(1);
  });

  it('F03 invalid UTF-8 (binary garbage) in the CSV header → KhopError INVALID_INPUT', async () => {
    const e = await khopErrorOf(() => readFileRecords(dir, 'f03.bin', Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x80, 0x0a, 0x14, 0x1e])));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/header/);
  });

  it('F04 UTF-16 LE with BOM → decoded, Vietnamese text intact', async () => {
    const r = await readFileRecords(dir, 'f04.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n1,Nguyễn Thị Ánh\n', 'utf16le')]));
    expectAccounted(r);
    expect(r.source.encoding).toBe('utf-16le');
    expect(r.rows.map((x) => x.values.name)).toEqual(['Nguyễn Thị Ánh']);
  });

  it('F05 UTF-16 BE with BOM → decoded', async () => {
    const r = await readFileRecords(dir, 'f05.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('id,name\n1,Đỗ Văn Ơn\n', 'utf16le').swap16()]));
    expectAccounted(r);
    expect(r.source.encoding).toBe('utf-16be');
    expect(r.rows.map((x) => x.values.name)).toEqual(['Đỗ Văn Ơn']);
  });

  it('F06 UTF-16 without a BOM → KhopError INVALID_INPUT naming the encoding option (not garbage column names)', async () => {
    const e = await khopErrorOf(() => readFileRecords(dir, 'f06.csv', Buffer.from('id,name\n1,An\n', 'utf16le')));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain("encoding: 'utf-16le'");
    // …and with the encoding forced it reads
    const r = await readFileRecords(dir, 'f06b.csv', Buffer.from('id,name\n1,An\n', 'utf16le'), { encoding: 'utf-16le' });
    expect(r.rows.map((x) => ({ ...x.values }))).toEqual([{ id: '1', name: 'An' }]);
    // NDJSON: the same (before: every line rejected INVALID_JSON)
    const nd = await khopErrorOf(() => readFileRecords(dir, 'f06.ndjson', Buffer.from('{"name":"An"}\n{"name":"Bình"}\n', 'utf16le')));
    expect(nd.code).toBe('INVALID_INPUT');
    expect(nd.message).toContain("encoding: 'utf-16le'");
    const nr = await readFileRecords(dir, 'f06b.ndjson', Buffer.from('{"name":"An"}\n', 'utf16le'), { encoding: 'utf-16le' });
    expect(nr.rows.map((x) => x.values.name)).toEqual(['An']);
  });

  it('F07 UTF-8 BOM → removed (the first column is "id", not "\\uFEFFid")', async () => {
    const r = await readFileRecords(dir, 'f07.csv', '\uFEFFid,name\n1,An\n');
    expect(r.source.columns).toEqual(['id', 'name']);
    expect(r.rows[0]!.values.id).toBe('1');
  });

  it('F08 unbalanced quote running to the end of the file → UNTERMINATED_QUOTE, one rejected row', async () => {
    const r = await readFileRecords(dir, 'f08.csv', 'id,name\n1,"Lê Văn\n2,Phạm Thị\n');
    expectAccounted(r, ['Lê Văn', 'Phạm Thị']);
    expect(r.rejected.map((x) => x.code)).toEqual(['UNTERMINATED_QUOTE']);
    expect(r.rows).toHaveLength(0);
    expect(r.rejected[0]!.raw).toContain('Lê Văn'); // the raw text is kept for the user's rejected file
    // The reason says how far the row runs: every line from its start (2) to the last (3).
    expect(r.rejected[0]!.line).toBe(2);
    expect(r.rejected[0]!.reason).toMatch(/takes in every line from its start to the last, line 3$/);
  });

  it('F09 text after a closing quote → TEXT_AFTER_QUOTE, next rows read', async () => {
    const r = await readFileRecords(dir, 'f09.csv', 'id,name\n1,"Hồ"Văn\n2,Vũ Hà\n');
    expectAccounted(r, ['Hồ', 'Văn']);
    expect(r.rejected.map((x) => [x.rowNumber, x.code])).toEqual([[1, 'TEXT_AFTER_QUOTE']]);
    expect(r.rows.map((x) => x.values.name)).toEqual(['Vũ Hà']);
  });

  it('F10 a quote inside an unquoted field → kept literally (RFC 4180 leniency), not a shifted row', async () => {
    const r = await readFileRecords(dir, 'f10.csv', 'id,name\n1,O"Brien\n');
    expectAccounted(r);
    expect(r.rows.map((x) => x.values.name)).toEqual(['O"Brien']);
  });

  it('F11 a row with too many columns → TOO_MANY_COLUMNS (never truncated)', async () => {
    const r = await readFileRecords(dir, 'f11.csv', 'id,name\n1,An,EXTRA\n2,Bình\n');
    expectAccounted(r, ['EXTRA', 'An']);
    expect(r.rejected.map((x) => [x.rowNumber, x.code, x.reason])).toEqual([[1, 'TOO_MANY_COLUMNS', 'row has 3 fields, the header has 2']]);
  });

  it('F12 a row with too few columns → TOO_FEW_COLUMNS (never padded)', async () => {
    const r = await readFileRecords(dir, 'f12.csv', 'id,name,dob\n1,An\n2,Bình,1990\n');
    expectAccounted(r, ['An']);
    expect(r.rejected.map((x) => [x.rowNumber, x.code])).toEqual([[1, 'TOO_FEW_COLUMNS']]);
    expect(r.rows).toHaveLength(1);
  });

  it('F13 a 10 MB CSV field → FIELD_TOO_LONG, raw cut to 64 Ki, the next row read', async () => {
    const big = 'Q'.repeat(10 * 1024 * 1024);
    const r = await readFileRecords(dir, 'f13.csv', `id,name\n1,${big}\n2,Lan\n`);
    expectAccounted(r, ['QQQQQQQQ']);
    expect(r.rejected.map((x) => x.code)).toEqual(['FIELD_TOO_LONG']);
    expect(r.rejected[0]!.raw!.length).toBe(65536);
    expect(r.rejected[0]!.rawTruncated).toBe(true);
    expect(r.rows.map((x) => x.values.name)).toEqual(['Lan']);
  });

  it('F14 a 10 MB NDJSON line → LINE_TOO_LONG, the next line read', async () => {
    const big = 'Q'.repeat(10 * 1024 * 1024);
    const r = await readFileRecords(dir, 'f14.ndjson', `{"name":"${big}"}\n{"name":"Lan"}\n`);
    expectAccounted(r, ['QQQQQQQQ']);
    expect(r.rejected.map((x) => x.code)).toEqual(['LINE_TOO_LONG']);
    expect(r.rows.map((x) => x.values.name)).toEqual(['Lan']);
  });

  it('F15 an empty file → no rows, status "empty", no error (CSV and NDJSON)', async () => {
    for (const name of ['f15.csv', 'f15.ndjson']) {
      const r = await readFileRecords(dir, name, '');
      expectAccounted(r);
      expect(r.items).toEqual([]);
      expect(r.source.summary.status).toBe('empty');
      expect(r.source.columns).toEqual([]);
    }
  });

  it('F16 only blank lines → status "empty", blank lines counted, not rows', async () => {
    const r = await readFileRecords(dir, 'f16.csv', '\n\n\r\n');
    expect(r.source.summary.status).toBe('empty');
    expect(r.source.summary.rows).toBe(0);
    expect(r.source.summary.blankLines).toBeGreaterThanOrEqual(2);
  });

  it('F17 a header only → columns known, status "no-rows"', async () => {
    const r = await readFileRecords(dir, 'f17.csv', 'id,name,dob\n');
    expect(r.source.columns).toEqual(['id', 'name', 'dob']);
    expect(r.source.summary.status).toBe('no-rows');
    expect(r.items).toEqual([]);
  });

  it('F18 duplicate column names → KhopError INVALID_INPUT with positions; renameBadColumns renames', async () => {
    const e = await khopErrorOf(() => readFileRecords(dir, 'f18.csv', 'id,name,id\n1,An,2\n'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('column 3 (same as column 1)');
    const r = await readFileRecords(dir, 'f18b.csv', 'id,name,id\n1,An,2\n', { renameBadColumns: true });
    expect(r.source.columns).toEqual(['id', 'name', 'id_3']);
  });

  it('F19 an empty column name → KhopError INVALID_INPUT; renameBadColumns names it column_<pos>', async () => {
    const e = await khopErrorOf(() => readFileRecords(dir, 'f19.csv', 'id,,name\n1,x,An\n'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('empty name at column 2');
    const r = await readFileRecords(dir, 'f19b.csv', 'id, ,name\n1,x,An\n', { renameBadColumns: true });
    expect(r.source.columns).toEqual(['id', 'column_2', 'name']);
  });

  it('F20 a header wider than maxColumns → KhopError INVALID_INPUT', async () => {
    const header = Array.from({ length: 50 }, (_, i) => `c${i}`).join(',');
    expect(await errorCode(() => readFileRecords(dir, 'f20.csv', `${header}\n`, { maxColumns: 10 }))).toBe('INVALID_INPUT');
  });

  it('F21 __proto__ / constructor / prototype as CSV column names → ordinary own values, nothing inherited, no pollution', async () => {
    const r = await readFileRecords(dir, 'f21.csv', '__proto__,constructor,prototype\n{"polluted":1},x,y\n');
    expectAccounted(r);
    const v = r.rows[0]!.values;
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(v['__proto__']).toBe('{"polluted":1}');
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toBe('{"polluted":1}');
    expect(v['toString']).toBeUndefined(); // a missing column reads undefined, never an inherited member
    expect('hasOwnProperty' in v).toBe(false);
  });

  it('F22 NDJSON "__proto__" / "constructor" keys holding objects → own properties, no pollution', async () => {
    const r = await readFileRecords(dir, 'f22.ndjson', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"name":"An"}\n{"name":"Bình"}\n');
    expectAccounted(r);
    expect(r.rows).toHaveLength(2);
    expect(Object.keys(r.rows[0]!.values)).toEqual(['__proto__', 'constructor', 'name']);
    expect(r.rows[1]!.values['constructor']).toBeUndefined();
    expect((r.rows[1]!.values as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('F23 NDJSON lines that are not objects (array, string, number, null) → NOT_AN_OBJECT each', async () => {
    const r = await readFileRecords(dir, 'f23.ndjson', '[1,2]\n"Lan"\n42\nnull\n{"name":"An"}\n');
    expectAccounted(r, ['Lan']);
    expect(r.rejected.map((x) => x.code)).toEqual(['NOT_AN_OBJECT', 'NOT_AN_OBJECT', 'NOT_AN_OBJECT', 'NOT_AN_OBJECT']);
    expect(r.rows).toHaveLength(1);
  });

  it('F24 NDJSON invalid JSON → INVALID_JSON with a position, never the engine message quoting the text', async () => {
    const r = await readFileRecords(dir, 'f24.ndjson', '{"name": Nguyen SECRETNAME}\n{"name":"An"}\n');
    expectAccounted(r, ['SECRETNAME', 'Nguyen']);
    expect(r.rejected.map((x) => x.code)).toEqual(['INVALID_JSON']);
    expect(r.rejected[0]!.reason).toMatch(/^line is not valid JSON/);
  });

  it('F25 a JSON array file → KhopError INVALID_INPUT (it is not NDJSON)', async () => {
    expect(await errorCode(() => readFileRecords(dir, 'f25.json', '[{"name":"An"}]'))).toBe('INVALID_INPUT');
  });

  it('F26 a header line with an unbalanced quote → KhopError INVALID_INPUT', async () => {
    expect(await errorCode(() => readFileRecords(dir, 'f26.csv', '"id,name\n1,An\n'))).toBe('INVALID_INPUT');
  });

  it('F27 a file named .parquet that is not Parquet → KhopError INVALID_INPUT', async () => {
    expect(await errorCode(() => readFileRecords(dir, 'f27.parquet', 'id,name\n1,An\n'))).toBe('INVALID_INPUT');
    expect(await errorCode(() => readFileRecords(dir, 'f27.dat', 'PAR1garbagePAR1'))).toBe('INVALID_INPUT');
  });

  it('F28 a missing file or a directory → KhopError IO_ERROR', async () => {
    expect(await errorCode(() => openRecords(join(dir, 'does-not-exist.csv')))).toBe('IO_ERROR');
    const sub = join(dir, 'f28-dir.csv');
    await mkdir(sub, { recursive: true });
    expect(await errorCode(() => openRecords(sub))).toBe('IO_ERROR');
    // F28b: it says it is a directory, for every format the name picks
    expect((await khopErrorOf(() => openRecords(sub))).message).toBe(`input is a directory, not a file (EISDIR): ${sub}`);
    const parquetDir = join(dir, 'f28-dir.parquet');
    await mkdir(parquetDir, { recursive: true });
    expect((await khopErrorOf(() => openRecords(parquetDir))).message).toBe(`input is a directory, not a file (EISDIR): ${parquetDir}`);
  });

  it('F29 NUL and other control characters inside a value → read as text; normalisation strips them', async () => {
    const r = await readFileRecords(dir, 'f29.csv', 'id,name\n1,Ng\u0000uy\u0007ễn An\n');
    expectAccounted(r);
    expect(r.rows[0]!.values.name).toBe('Ng\u0000uy\u0007ễn An');
    expect(normalizeText(r.rows[0]!.values.name as string)).toBe('nguyễn an');
  });

  it('F30 truncated gzip → KhopError INVALID_INPUT while reading (rows before the cut are not silently the whole file)', async () => {
    const lines = ['id,name'];
    for (let i = 0; i < 2000; i++) lines.push(`${i},Người số ${i}`);
    const gz = gzipSync(Buffer.from(lines.join('\n') + '\n'));
    expect(await errorCode(() => readFileRecords(dir, 'f30.csv.gz', gz.subarray(0, gz.length >> 1)))).toBe('INVALID_INPUT');
  });

  it('F32 a corrupt Parquet footer (120 seeded byte mutations): refused INVALID_INPUT or read in full — never fewer or extra rows', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const path = join(dir, 'f32.parquet');
    await con.run(`COPY (SELECT i AS n, 'Nguyễn Văn ' || i AS name, '00109' || lpad(i::VARCHAR, 7, '0') AS id FROM range(300) t(i)) TO '${path}' (FORMAT parquet)`);
    const good = await readFile(path);
    const rng = new Rng(32);
    const outcomes = new Map<string, number>();
    for (let t = 0; t < 120; t++) {
      const bad = Buffer.from(good);
      // the footer (Thrift metadata) sits just before the 8-byte tail "<length> PAR1"
      for (let j = 0; j <= (t % 3); j++) bad[bad.length - 9 - rng.int(Math.min(300, bad.length - 12))] = rng.int(256);
      let outcome: string;
      try {
        const src = await openRecords(bad, { format: 'parquet' });
        for await (const _ of src) {
          // drain
        }
        expect(src.summary.accepted + src.summary.rejected).toBe(src.summary.rows);
        outcome = `rows ${src.summary.rows}`;
      } catch (e) {
        outcome = await errorCode(() => {
          throw e;
        });
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect([...outcomes.keys()].filter((o) => o !== 'rows 300' && o !== 'INVALID_INPUT')).toEqual([]);
    expect(outcomes.get('INVALID_INPUT')).toBeGreaterThan(0);
  });

  it('F31 bad or unknown reader options → one KhopError INVALID_OPTION listing every problem', async () => {
    const e = await khopErrorOf(() => readFileRecords(dir, 'f31.csv', 'id\n1\n', { delimiter: '"', maxFieldLength: Number.NaN, bogus: 1 } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toContain('bogus');
  });
});

describe('values (parsers and comparators)', () => {
  it('V01 NaN / ±Infinity as a date → { ok: false, reason: "not-finite" }', () => {
    for (const v of [Number.NaN, Infinity, -Infinity]) expect(parseDate(v)).toEqual({ ok: false, code: 'INVALID_DATE', reason: 'not-finite' });
  });

  it('V02 NaN / Infinity / negative / fractional numbers as an ID → { ok: false, reason: "non-digit" }', () => {
    for (const v of [Number.NaN, Infinity, -1, 1.5, 2 ** 60]) expect(parseNationalId(v)).toMatchObject({ ok: false, code: 'INVALID_ID', reason: 'non-digit' });
    // The same numbers written as text (a Parquet DOUBLE / INT64, String of a bigint): a minus sign
    // before the digits or a decimal part after the last dot is not an ID either.
    for (const v of ['-1090012345', '\u22121090012345', '- 001090012345', '1090012345.5', '79185001234.0', '001090012345.00', String(-1090012345n)]) {
      expect(parseNationalId(v), v).toMatchObject({ ok: false, reason: 'non-digit' });
    }
    // Dots that group digits still do; a dash between the groups too.
    for (const [v, digits] of [['001.090.012.345', '001090012345'], ['1.090.012.345', '001090012345'], ['001-090-012345', '001090012345'], ['001090012345.', '001090012345']] as const) {
      expect(parseNationalId(v), v).toMatchObject({ ok: true, digits });
    }
  });

  it('V02b negative or fractional numbers (and bigints) as an ID in rows, earlier IDs and claims never become an ID', async () => {
    const rows = baseRows();
    const bad = [
      { id: -1090012345, name: 'Người Một', dob: '01/01/1990', sex: 'Nam' },
      { id: 1090012345.5, name: 'Người Hai', dob: '01/01/1990', sex: 'Nam' },
      { id: -1090012346n, name: 'Người Ba', dob: '01/01/1990', sex: 'Nam' },
    ];
    const r = await dedupe([...rows, ...bad], { schema: SCHEMA, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    expect(r.stats.issues['id']?.['id non-digit']).toBe(bad.length);
    const reg = await Register.build(SCHEMA, [...rows, ...bad], {});
    expect(reg.rejected.map((x) => [x.index, x.code])).toEqual(bad.map((_, i) => [rows.length + i, 'INVALID_ID']));
    // An earlier ID given as such a number is no earlier ID.
    const withOld = rows.map((row, i) => ({ ...row, old: i === 3 ? 1090012345.5 : i === 4 ? -36300004321 : '' }));
    const reg2 = await Register.build(SCHEMA, withOld, { earlierIdsField: 'old' });
    for (const id of ['010900123455', '036300004321']) expect(reg2.authenticate({ ...rows[3]!, id }).status).not.toBe('VERIFIED');
    expect(reg2.authenticate({ ...rows[3]!, id: -1090012345n }).status).toBe('INVALID_ID');
  });

  it('V03 objects and arrays where text is expected: parsers return a failure (never a value), parseSex null', () => {
    for (const v of [{}, [], ['01/01/1990'], { toString: () => '01/01/1990' }, new Date(0), true]) {
      expect(parseDate(v)).toMatchObject({ ok: false, reason: 'unsupported-type' });
      expect(parseNationalId(v)).toMatchObject({ ok: false, reason: 'unsupported-type' });
      expect(parseSex(v)).toBeNull();
    }
  });

  it('V04 non-strings to normalizeText / foldToAscii / parsePersonName → KhopError INVALID_ARGUMENT', async () => {
    for (const v of [null, undefined, 5, {}, ['An'], Symbol('x')]) {
      expect(await errorCode(() => normalizeText(v as never))).toBe('INVALID_ARGUMENT');
      expect(await errorCode(() => foldToAscii(v as never))).toBe('INVALID_ARGUMENT');
      expect(await errorCode(() => parsePersonName(v as never))).toBe('INVALID_ARGUMENT');
    }
  });

  it('V05 non-strings to string comparators → KhopError INVALID_ARGUMENT, never a score', async () => {
    const fns: Array<(a: never, b: never) => unknown> = [
      jaroWinklerSimilarity,
      levenshteinDistance,
      compareTextOverlapStrings,
      compareIdentifiers,
      compareNationalIdStrings,
      (a, b) => damerauLevenshteinWithin(2, a, b),
    ];
    for (const fn of fns) {
      for (const v of [null, undefined, Number.NaN, 0, {}, ['a']]) {
        expect(await errorCode(() => fn(v as never, 'an' as never))).toBe('INVALID_ARGUMENT');
        expect(await errorCode(() => fn('an' as never, v as never))).toBe('INVALID_ARGUMENT');
      }
    }
  });

  it('V06 NaN / out-of-range codes to numeric comparators → KhopError INVALID_ARGUMENT', async () => {
    for (const v of [Number.NaN, Infinity, -1, 1.5]) {
      expect(await errorCode(() => compareDates(v, 19900101))).toBe('INVALID_ARGUMENT');
      expect(await errorCode(() => compareSex(v, 1))).toBe('INVALID_ARGUMENT');
      expect(await errorCode(() => compareCategories(v, 1))).toBe('INVALID_ARGUMENT');
    }
    expect(await errorCode(() => compareDates(19901399, 19901399))).toBe('INVALID_ARGUMENT'); // month 13
    expect(await errorCode(() => compareSex(7, 1))).toBe('INVALID_ARGUMENT');
  });

  it('V07 a bad bound for damerauLevenshteinWithin (NaN, −1, Infinity, 1.5) → KhopError INVALID_ARGUMENT', async () => {
    for (const max of [Number.NaN, -1, Infinity, 1.5]) expect(await errorCode(() => damerauLevenshteinWithin(max, 'a', 'b'))).toBe('INVALID_ARGUMENT');
  });

  it('V08 Excel serial dates: refused by default, read with excelSerial (serial 60, the phantom 1900-02-29, refused)', () => {
    expect(parseDate(32874)).toMatchObject({ ok: false, reason: 'format' });
    expect(parseDate('32874')).toMatchObject({ ok: false, reason: 'format' });
    expect(parseDate(32874, { excelSerial: true })).toMatchObject({ ok: true, packed: 19900101 });
    expect(parseDate('32874', { excelSerial: true })).toMatchObject({ ok: true, packed: 19900101 });
    expect(parseDate(32874.75, { excelSerial: true })).toMatchObject({ ok: true, packed: 19900101 }); // a time of day
    expect(parseDate(60, { excelSerial: true }).ok).toBe(false);
  });

  it('V09 years 1800 and 2200: 1800 is the earliest accepted year, 2200 is beyond maxYear (2100)', () => {
    expect(parseDate('01/01/1800')).toMatchObject({ ok: true, packed: 18000101 });
    expect(parseDate('31/12/1799')).toMatchObject({ ok: false, reason: 'year-out-of-range' });
    expect(parseDate('01/01/2200')).toMatchObject({ ok: false, reason: 'year-out-of-range' });
    expect(parseDate('2200')).toMatchObject({ ok: false, reason: 'year-out-of-range' });
    expect(parseDate('01/01/2200', { maxYear: 2200 })).toMatchObject({ ok: true, packed: 22000101 });
  });

  it('V10 IDs with letters → non-digit; spaces, dots, dashes → removed; full-width digits → ASCII; other digit scripts → non-digit', () => {
    expect(parseNationalId('00109O012345')).toMatchObject({ ok: false, reason: 'non-digit' }); // letter O for zero
    expect(parseNationalId('001 090 012 345')).toMatchObject({ ok: true, digits: '001090012345' });
    expect(parseNationalId('001.090-012_345')).toMatchObject({ ok: true, digits: '001090012345' });
    expect(parseNationalId('００１０９００１２３４５')).toMatchObject({ ok: true, digits: '001090012345' });
    expect(parseNationalId('٠٠١٠٩٠٠١٢٣٤٥')).toMatchObject({ ok: false, reason: 'non-digit' }); // Arabic-Indic digits
    expect(parseNationalId('0010900123456789')).toMatchObject({ ok: false, reason: 'length' });
    expect(parseNationalId('999090012345')).toMatchObject({ ok: false, reason: 'unknown-province' });
  });

  it('V11 emoji, zero-width joiners and mixed scripts in names: invisibles stripped, other scripts kept as written, folded form ASCII', () => {
    expect(normalizeText('Nguy\u200Dễn\u200B Văn An')).toBe('nguyễn văn an');
    const p = parsePersonName('Nguyễn 😀 Văn An');
    expect(p.tokens).toEqual(['nguyễn', '😀', 'văn', 'an']);
    expect(foldToAscii('Nguyễn 😀 Văn An')).toBe('nguyen van an');
    const mixed = parsePersonName('Nguyễn Анна 李');
    expect(mixed.tokens).toEqual(['nguyễn', 'анна', '李']);
    expect(foldToAscii('Nguyễn Анна 李')).toMatch(/^[a-z0-9 ]*$/);
    expect(foldToAscii('😀👨‍👩‍👧')).toBe('');
  });

  it('V12 names of 1 and of 500 characters: parsed whole (no truncation), comparisons bounded', () => {
    expect(parsePersonName('A')).toMatchObject({ tokens: ['a'], given: 'a', family: '', reason: 'single-token' });
    const long = 'Nguyễn ' + 'ă'.repeat(493);
    expect(long.length).toBe(500);
    const p = parsePersonName(long);
    expect(p.given.length).toBe(493);
    const jw = jaroWinklerSimilarity(long, long.slice(0, 499) + 'b');
    expect(jw).toBeGreaterThan(0.99);
    expect(jw).toBeLessThan(1);
    expect(levenshteinDistance(long, 'A')).toBe(500);
  });

  it('V13 a lone UTF-16 surrogate in text → U+FFFD in the normalised form (well-formed, storable), never a throw', () => {
    expect(normalizeText('Nguy\uD800ễn')).toBe('nguy\uFFFDễn');
    expect(normalizeText('An \uDC00')).toBe('an \uFFFD');
    expect(normalizeText('\uD83D\uDE00')).toBe('\uD83D\uDE00'); // a real pair is kept
    expect(normalizeText('\uDE00\uD83D')).toBe('\uFFFD\uFFFD'); // reversed halves are not a pair
    expect(foldToAscii('Nguy\uD800ễn')).toMatch(/^[a-z ]*$/);
  });

  it('V14 __proto__ / constructor / prototype as schema field names or columns → KhopError INVALID_SCHEMA', async () => {
    for (const bad of ['__proto__', 'constructor', 'prototype']) {
      const asField = JSON.parse(`{"${bad}": {"kind": "date"}}`) as Record<string, FieldSpec>;
      expect(await errorCode(() => defineSchema(asField))).toBe('INVALID_SCHEMA');
      expect(await errorCode(() => defineSchema({ dob: { kind: 'date', column: bad } }))).toBe('INVALID_SCHEMA');
    }
  });

  it('V14b __proto__ / constructor / prototype as a field, a column or an idField → refused saying why (fixed: "not allowed", "a non-empty column name")', async () => {
    for (const bad of ['__proto__', 'constructor', 'prototype']) {
      const why = `because in JavaScript "${bad}" is`;
      const asField = await khopErrorOf(() => defineSchema(JSON.parse(`{"${bad}": {"kind": "date"}}`) as Record<string, FieldSpec>));
      expect(asField.message).toContain(`field name "${bad}" is not allowed: it cannot be a field or column name ${why}`);
      const asColumn = await khopErrorOf(() => defineSchema({ dob: { kind: 'date', column: bad } }));
      expect(asColumn.message).toContain(`field "dob": column "${bad}" is not allowed: it cannot be a field or column name ${why}`);
      const asId = await khopErrorOf(() => dedupe(baseRows(), { schema: SCHEMA, idField: bad }));
      expect(asId.code).toBe('INVALID_OPTION');
      expect(asId.message).toContain(`idField: "${bad}" is not allowed: it cannot be a field or column name ${why}`);
    }
    const reg = await khopErrorOf(() => Register.build(SCHEMA, baseRows(), { earlierIdsField: '__proto__' }));
    expect(reg.code).toBe('INVALID_OPTION');
    expect(reg.message).toContain('earlierIdsField "__proto__" is not allowed: it cannot be a field or column name because in JavaScript "__proto__" is an object\'s prototype');
    // an empty name still gets the plain problem
    expect((await khopErrorOf(() => dedupe(baseRows(), { schema: SCHEMA, idField: '' }))).message).toContain('idField: a non-empty column name');
  });

  it('V15 an 11-digit ID (a spreadsheet dropped the leading zero) → restored and flagged; 9-digit → old CMND kind', () => {
    expect(parseNationalId('1090012345')).toMatchObject({ ok: true, digits: '001090012345', restoredLeadingZero: true });
    expect(parseNationalId(1090012345)).toMatchObject({ ok: true, digits: '001090012345', restoredLeadingZero: true });
    expect(parseNationalId('123456789')).toMatchObject({ ok: true, kind: 'cmnd9', restoredLeadingZero: false });
  });

  it('V21 a 12-digit ID whose birth year is after the current one — century digit 4–9 (8/9: the 2300s, never the 1800s), or 2/3 past this year → INVALID_ID future-birth-year in parsing, dedupe, a register row, an earlier ID and a claim', async () => {
    const next = String((latestBirthYear() + 1) % 100).padStart(2, '0');
    const FUTURE = ['001890012345', '001990012345', '036499001234', '096700001234', `0012${next}012345`];
    for (const id of FUTURE) expect(parseNationalId(id), id).toEqual({ ok: false, code: 'INVALID_ID', reason: 'future-birth-year' });
    const rows = baseRows();
    // Birth dates the old 1800s reading agreed with (1890 for 001890012345), or not.
    const bad = FUTURE.map((id, i) => ({ id, name: 'Người Tương Lai', dob: `01/05/18${90 + i}`, sex: i % 2 === 0 ? 'Nam' : 'Nữ' }));
    const r = await dedupe([...rows, ...bad], { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    expect(r.stats.issues['id']?.['id future-birth-year']).toBe(FUTURE.length);
    const reg = await Register.build(SCHEMA, [...rows, ...bad], {});
    expect(reg.rejected.map((x) => [x.index, x.code, x.reason])).toEqual(bad.map((_, i) => [rows.length + i, 'INVALID_ID', 'national ID field "id" is not a valid ID (future-birth-year)']));
    // A claim with such an ID and a real birth date: INVALID_ID, not INCONSISTENT_ID; nor VERIFIED
    // or NOT_FOUND with the date the 1800s reading agreed with.
    for (const dob of ['01/05/1989', '01/05/1890']) {
      const v = reg.authenticate({ id: '001890012345', name: 'Người Tương Lai', dob, sex: 'Nam' });
      expect([v.status, v.reason, v.fields['id']!.result]).toEqual(['INVALID_ID', 'id-future-birth-year', 'mismatch']);
    }
    const withOld = rows.map((row, i) => ({ ...row, old: i === 3 ? '001890012345' : '' }));
    const reg2 = await Register.build(SCHEMA, withOld, { earlierIdsField: 'old' });
    expect(reg2.issues['old']).toEqual({ 'earlier id future-birth-year': 1 });
  });

  it('V22 an 8-digit ID — a CMND whose leading zero a number-typed column dropped (012345678 → 12345678) → restored to 9 digits and flagged in parsing, dedupe, a register row, an earlier ID and a claim; 7 digits stay too short', async () => {
    expect(parseNationalId(12345678)).toEqual({ ok: true, kind: 'cmnd9', digits: '012345678', restoredLeadingZero: true });
    expect(parseNationalId('12345678')).toEqual(parseNationalId(12345678));
    for (const id of [1234567, '01234567']) expect(parseNationalId(id), String(id)).toEqual({ ok: false, code: 'INVALID_ID', reason: 'length' });
    expect(parseNationalId(11111111)).toEqual({ ok: false, code: 'INVALID_ID', reason: 'placeholder' });
    expect(compareNationalIdStrings('12345678', '012345678')).toBe(NationalIdLevel.LOST_LEADING_ZERO);
    const rows = baseRows();
    const person = { name: 'Đinh Văn Mười', dob: '10/10/1970', sex: 'Nam' };
    // dedupe: the two forms of one CMND are one ID (its canonical digits), not a missing one.
    const r = await dedupe([...rows, { id: 12345678, ...person }, { id: '012345678', ...person }], { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    expect(r.stats.issues['id']).toBeUndefined();
    expect(r.clusters[rows.length]).toBe(r.clusters[rows.length + 1]);
    let pair = -1;
    for (let i = 0; i < r.pairs.count; i++) if (r.pairs.left[i] === rows.length && r.pairs.right[i] === rows.length + 1) pair = i;
    expect(pair).toBeGreaterThanOrEqual(0);
    expect(r.explain(pair).fields.find((f) => f.comparison === 'id')?.level).toBe(NationalIdLevel.EXACT);
    // A register: the row is kept under the 9 digits; a claim of either form finds it, the
    // 8-digit one reported as a lost leading zero (as for a CCCD).
    const reg = await Register.build(SCHEMA, [...rows, { id: 12345678, ...person }], {});
    expect(reg.rejected).toEqual([]);
    const exact = reg.authenticate({ id: '012345678', ...person });
    expect([exact.status, exact.fields['id']!.result, exact.fields['id']!.reason]).toEqual(['VERIFIED', 'exact', 'as-written']);
    const lost = reg.authenticate({ id: 12345678, ...person });
    expect([lost.status, lost.fields['id']!.result, lost.fields['id']!.reason]).toEqual(['VERIFIED', 'equivalent', 'lost-leading-zero']);
    // An earlier ID given as 8 digits is that CMND, found by either form.
    const withOld = rows.map((row, i) => ({ ...row, old: i === 3 ? 12345678 : '' }));
    const reg2 = await Register.build(SCHEMA, withOld, { earlierIdsField: 'old' });
    expect(reg2.issues['old']).toBeUndefined();
    for (const id of ['012345678', 12345678]) expect(reg2.authenticate({ ...rows[3]!, id })).toMatchObject({ status: 'VERIFIED', matchedBy: 'earlierId' });
  });

  it('V23 a wrong-typed argument to any public export (undefined, null, symbol, bigint, objects, a function, NaN, a Map) → a KhopError with its code, never a TypeError from inside', async () => {
    const HOSTILE: ReadonlyArray<readonly [string, unknown]> = [
      ['undefined', undefined], ['null', null], ['symbol', Symbol('planted')], ['bigint', 7n], ['object', { a: 1 }],
      ['null-prototype', Object.create(null) as unknown], ['function', () => 'An'], ['NaN', Number.NaN], ['Map', new Map([['a', 1]])],
    ];
    type Kind = (typeof HOSTILE)[number][0];
    const store = new RecordStore([{ name: 'name', type: 'utf8' }]);
    const rule: BlockingRule = { name: 'name', parts: [{ column: 'name' }] };
    const col = (): StringColumn => new StringColumn(['an']);
    const names = { norm: col(), fold: col(), family: col(), middle: col(), given: col(), familyKey: col(), middleKey: col(), givenKey: col() };
    const u8 = new Uint8Array([49, 50, 51]);
    const u32 = new Uint32Array(1);
    const schema = defineSchema(SCHEMA);
    // [export and parameter, the call with the hostile value in that parameter (the others
    // valid), the code expected, the kinds that are valid there (skipped)].
    const ROWS: ReadonlyArray<readonly [string, (v: never) => unknown, string?, ReadonlyArray<Kind>?]> = [
      ['compareSex a', (v) => compareSex(v, 1)],
      ['compareSex b', (v) => compareSex(1, v)],
      ['compareCategories a', (v) => compareCategories(v, 1)],
      ['compareCategories b', (v) => compareCategories(1, v)],
      ['compareCategories eq', (v) => compareCategories(1, 2, v), 'INVALID_ARGUMENT', ['undefined']],
      ['compareCategories spelling', (v) => compareCategories(1, 2, undefined, v), 'INVALID_ARGUMENT', ['undefined']],
      ['compareNationalIds au', (v) => compareNationalIds(v, 0, 3, u8, 0, 3)],
      ['compareNationalIds as', (v) => compareNationalIds(u8, v, 3, u8, 0, 3)],
      ['compareNationalIds be', (v) => compareNationalIds(u8, 0, 3, u8, 0, v)],
      ['comparePersonName a', (v) => comparePersonName(v, 0, names, 0, new Uint8Array(3), 0)],
      ['comparePersonName rb', (v) => comparePersonName(names, 0, names, v, new Uint8Array(3), 0)],
      ['comparePersonName out', (v) => comparePersonName(names, 0, names, 0, v, 0)],
      ['matchProbabilityFromWeight w', (v) => matchProbabilityFromWeight(v), 'INVALID_ARGUMENT', ['NaN']], // NaN in, NaN out (comparison-spec.test.ts)
      ['matchWeightFromProbability p', (v) => matchWeightFromProbability(v)],
      ['termFrequencyAdjustment u', (v) => termFrequencyAdjustment(v, 0.01)],
      ['termFrequencyAdjustment tf', (v) => termFrequencyAdjustment(0.1, v)],
      ['latestBirthYear now', (v) => latestBirthYear(v), 'INVALID_ARGUMENT', ['undefined']],
      ['isVietnameseSyllable token', (v) => isVietnameseSyllable(v)],
      ['isKnownFamilyName token', (v) => isKnownFamilyName(v)],
      ['describeRule rule', (v) => describeRule(v)],
      ['rulesToJSON rules', (v) => rulesToJSON(v)],
      ['validateRules rules', (v) => validateRules(v, store), 'INVALID_OPTION'],
      ['validateRules schema', (v) => validateRules([rule], v)],
      ['rulesFromJSON text', (v) => rulesFromJSON(v, store)],
      ['rulesFromJSON schema', (v) => rulesFromJSON(JSON.stringify([rule]), v)],
      ['defaultBlockingRules schema', (v) => defaultBlockingRules(v, [])],
      ['defaultBlockingRules groups', (v) => defaultBlockingRules(schema, v)],
      ['analyzeBlocking store', (v) => analyzeBlocking(v, [rule])],
      ['buildBlockIndex store', (v) => buildBlockIndex(v, rule)],
      ['buildBlockIndex hasher', (v) => buildBlockIndex(store, rule, {}, v), 'INVALID_ARGUMENT', ['undefined']],
      ['buildBlockIndexes store', (v) => buildBlockIndexes(v, [rule])],
      ['buildBlockIndexParallel store', (v) => buildBlockIndexParallel(v, rule, { threads: 1 })],
      ['buildBlockIndexesParallel store', (v) => buildBlockIndexesParallel(v, [rule], { threads: 1 })],
      ['buildRuleKeys store', (v) => buildRuleKeys(v, rule)],
      ['rowKeyText store', (v) => rowKeyText(v, rule, 0)],
      ['rowKeyText rule', (v) => rowKeyText(store, v, 0)],
      ['rowKeyText row', (v) => rowKeyText(store, rule, v)],
      ['BlockIndex.fromHashes lo', (v) => BlockIndex.fromHashes(v, u32, u32, 1, 1)],
      ['BlockIndex.fromSorted sorted', (v) => BlockIndex.fromSorted(v, 0, 0)],
      ['clusterMetrics input', (v) => clusterMetrics(v)],
      ['clusterMetrics input.truth', (v) => clusterMetrics({ truth: v, predictedClusters: [1] })],
      ['pairwiseMetrics input.predictedClusters', (v) => pairwiseMetrics({ truth: [1], predictedClusters: v }), 'INVALID_ARGUMENT', ['undefined']],
      ['verdictConfusion options', (v) => verdictConfusion(['VERIFIED'], ['VERIFIED'], v), 'INVALID_OPTION', ['undefined', 'object', 'null-prototype', 'Map']],
      ['buildProvinceEquivalence dictionary', (v) => buildProvinceEquivalence(v)],
      ['StringColumn values', (v) => new StringColumn(v)],
      ['StringColumn values[0]', (v) => new StringColumn([v]), 'INVALID_ARGUMENT', ['undefined', 'null']],
      ['CategorySpelling dictionary', (v) => new CategorySpelling(v)],
      ['KeyHasher options', (v) => new KeyHasher(v), 'INVALID_OPTION', ['undefined', 'object', 'null-prototype']],
      ['createProgressReporter options', (v) => createProgressReporter(v), 'INVALID_OPTION', ['undefined', 'object', 'null-prototype']],
      ['VerdictTable size', (v) => new VerdictTable(v, [], {} as never)],
      ['VerdictTable fields', (v) => new VerdictTable(1, v, {} as never)],
      ['VerdictTable facts', (v) => new VerdictTable(1, [], v), 'INVALID_ARGUMENT', ['object', 'null-prototype']],
      ['TermFrequencyTable.fromValues values', (v) => TermFrequencyTable.fromValues(v), 'INVALID_ARGUMENT', ['Map']],
      ['TermFrequencyTable.fromCounts entries', (v) => TermFrequencyTable.fromCounts(v), 'INVALID_ARGUMENT', ['Map']],
      ['readSnapshot path', (v) => readSnapshot(v)],
      ['writeSnapshot path', (v) => writeSnapshot(v, { meta: null, sections: [] })],
      ['loadIndexSnapshot path', (v) => loadIndexSnapshot(v)],
      ['saveIndexSnapshot path', (v) => saveIndexSnapshot(v, null, [])],
      ['saveIndexSnapshot indexes', (v) => saveIndexSnapshot(join(dir, 'v23.snap'), null, v)],
      ['defineSchema definition', (v) => defineSchema(v), 'INVALID_SCHEMA'],
    ];
    const wrong: string[] = [];
    for (const [what, call, code = 'INVALID_ARGUMENT', valid = []] of ROWS) {
      for (const [kind, v] of HOSTILE) {
        if (valid.includes(kind)) continue;
        const got = await errorCode(() => call(v as never));
        if (got !== code) wrong.push(`${what} ← ${kind}: ${got} (expected ${code})`);
      }
    }
    expect(wrong).toEqual([]);
    // The message names the function, the parameter and the type expected, never the value.
    const e = await khopErrorOf(() => compareSex(7n as never, 1));
    expect(e.message).toBe('compareSex: a must be a sex code (integer 0–2) (got a bigint)');
    const s = await khopErrorOf(() => isKnownFamilyName({ toString: () => 'Nguyễn' } as never));
    expect(s.message).not.toContain('Nguy');
    // A schema given as a Map: said so, not "schema has no fields".
    const m = await khopErrorOf(() => defineSchema(new Map([['dob', { kind: 'date' }]]) as never));
    expect(m.message).toMatch(/plain object of fields, not a Map/);
  });

  it('V16 impossible calendar dates (31/02, 29/02 of a non-leap year, day in unknown month) → INVALID_DATE, never rolled over', () => {
    for (const s of ['31/02/1990', '29/02/1991', '05/00/1990', '00/13/1990', '1990-02-30', '19900231']) expect(parseDate(s).ok).toBe(false);
    expect(parseDate('29/02/2000')).toMatchObject({ ok: true, packed: 20000229 });
  });
});

// ---- dedupe over rows holding bad values ----

const SCHEMA = {
  id: { kind: 'nationalId' },
  name: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
} as const satisfies Record<string, FieldSpec>;

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Cường', 'Phạm Thu Dung', 'Hoàng Đức Em', 'Vũ Thị Phương', 'Đặng Quốc Hùng'];

/** 42 clean rows (a few duplicated persons) so that a model can be trained. */
function baseRows(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 42; i++) {
    const p = i % 36; // rows 36..41 repeat persons 0..5
    rows.push({
      id: `001${p % 2}${String((50 + p) % 100).padStart(2, '0')}${String(100000 + p)}`, // province 001, sex digit, year, 6 digits
      name: NAMES[p % NAMES.length],
      dob: `${String(1 + (p % 28)).padStart(2, '0')}/${String(1 + (p % 12)).padStart(2, '0')}/19${50 + p}`,
      sex: p % 2 === 0 ? 'Nam' : 'Nữ',
    });
  }
  return rows;
}

async function runDedupe(extra: readonly unknown[], options: { schema?: Record<string, FieldSpec>; idField?: string; pairFloor?: number } = {}): Promise<{ r: DedupeResult; offset: number; n: number }> {
  const base = baseRows();
  const rows = [...base, ...extra];
  const r = await dedupe(rows, { schema: options.schema ?? SCHEMA, threads: 1, uSampleSize: 2000, ...(options.idField ? { idField: options.idField } : {}), ...(options.pairFloor !== undefined ? { pairFloor: options.pairFloor } : {}) });
  return { r, offset: base.length, n: rows.length };
}

/** Accepted + rejected = input; a rejected row has a null cluster and nothing else does. */
function expectDedupeAccounted(r: DedupeResult, n: number, planted: readonly string[] = []): void {
  expect(r.clusters).toHaveLength(n);
  expect(r.stats.inputRows).toBe(n);
  expect(r.stats.acceptedRows + r.stats.rejectedRows).toBe(n);
  const rejected = new Set(r.rejected.map((x) => x.index));
  expect(rejected.size).toBe(r.rejected.length);
  for (let i = 0; i < n; i++) expect(r.clusters[i] === null, `row ${i}`).toBe(rejected.has(i));
  const texts = [...r.rejected.map((x) => x.reason), JSON.stringify(r.stats.issues)];
  expect(leaks(texts, planted)).toEqual([]);
}

describe('dedupe rows holding bad values', () => {
  it('D01 rows that are not objects (null, number, string, array, boolean) → rejected NOT_AN_OBJECT', async () => {
    const { r, offset, n } = await runDedupe([null, 5, 'Nguyễn Văn An', ['001090012345'], true, undefined]);
    expectDedupeAccounted(r, n, ['Nguyễn Văn An', '001090012345']);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, 'NOT_AN_OBJECT']));
  });

  it('D01b rows that are a Promise (an await missing), a Map, a Set, a Date, binary data → NOT_AN_OBJECT saying what they are (was NO_VALUES, "no schema field has a usable value"); a register build alike', async () => {
    const person = { id: '001090012345', name: 'Nguyễn Văn An', dob: '01/02/1990', sex: 'Nam' };
    const odd = [Promise.resolve(person), new Map(Object.entries(person)), new Set([1]), new Date(0), new Uint8Array(4)];
    const { r, offset, n } = await runDedupe(odd);
    expectDedupeAccounted(r, n, ['Nguyễn Văn An', '001090012345']);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual(odd.map((_, i) => [i, 'NOT_AN_OBJECT']));
    expect(r.rejected[0]!.reason).toMatch(/Promise \(an await missing\?\)/);
    expect(r.rejected[1]!.reason).toMatch(/Map.*Object\.fromEntries/);
    const regSchema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, sex: { kind: 'sex' } } as const;
    const reg = await Register.build(regSchema, [person, ...odd]);
    expect(reg.rejected.map((x) => [x.index, x.code])).toEqual(odd.map((_, i) => [i + 1, 'NOT_AN_OBJECT']));
    // Register.add (which copies each row first) and a build on the worker pool alike.
    expect(reg.add(odd).rejected.map((x) => [x.index, x.code, x.reason])).toEqual(r.rejected.map((x) => [x.index - offset, 'NOT_AN_OBJECT', x.reason]));
    const onPool = await Register.build(regSchema, [person, ...odd, { ...person, id: '001090012346' }], { threads: 2 }, { minRows: 0, chunkRows: 2 });
    expect(onPool.rejected.map((x) => [x.index, x.code, x.reason])).toEqual(r.rejected.map((x) => [x.index - offset + 1, 'NOT_AN_OBJECT', x.reason]));
    // As claims: an error at the call, not a verdict of a claim with no field (INVALID_ID).
    expect(() => reg.authenticate(Promise.resolve(person))).toThrow(/a claim is a Promise \(an await missing\?\)/);
    expect(() => reg.authenticate(new Map(Object.entries(person)))).toThrow(/a claim is a Map/);
    await expect(reg.authenticateAll([person, new Date(0)])).rejects.toThrow(/claim 1 is not an object of fields/);
    await expect((async () => {
      for await (const _v of reg.authenticateMany([person, Promise.resolve(person)])) void _v;
    })()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { index: 1 } });
    // A class instance or a null-prototype object is a record.
    class Person { constructor(readonly id: string, readonly name: string, readonly dob: string, readonly sex: string) {} }
    const again = await runDedupe([new Person(person.id, person.name, person.dob, person.sex), Object.assign(Object.create(null), person)]);
    expect(again.r.rejected).toEqual([]);
  });

  it('D02 NaN / ±Infinity field values → rejected WRONG_TYPE naming the field', async () => {
    const { r, offset, n } = await runDedupe([
      { id: Number.NaN, name: 'Cao Văn Tý' },
      { id: '001090055555', name: Infinity },
      { id: '001090055556', name: 'Cao Văn Tý', dob: -Infinity },
    ]);
    expectDedupeAccounted(r, n, ['Cao Văn Tý', '001090055555']);
    expect(r.rejected.map((x) => [x.index - offset, x.code, x.reason])).toEqual([
      [0, 'WRONG_TYPE', 'field "id" holds NaN, expected text'],
      [1, 'WRONG_TYPE', 'field "name" holds a non-finite number, expected text'],
      [2, 'WRONG_TYPE', 'field "dob" holds a non-finite number, expected text'],
    ]);
  });

  it('D03 objects and arrays where text is expected → rejected WRONG_TYPE (no toString coercion)', async () => {
    const { r, offset, n } = await runDedupe([
      { id: '001090055555', name: { family: 'Cao', given: 'Tý' } },
      { id: ['001090055555'], name: 'Cao Văn Tý' },
      { id: '001090055555', name: 'Cao Văn Tý', dob: new Date(0) },
    ]);
    expectDedupeAccounted(r, n, ['Cao', '001090055555']);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual([
      [0, 'WRONG_TYPE'],
      [1, 'WRONG_TYPE'],
      [2, 'WRONG_TYPE'],
    ]);
    expect(r.rejected[0]!.reason).toContain('"name" holds an object');
    // A Date says how to give it: as text (its calendar day depends on the time zone).
    expect(r.rejected[2]!.reason).toMatch(/"dob" holds a Date object \(write the date as text, e\.g\. YYYY-MM-DD/);
    expect(r.rejected[1]!.reason).toContain('"id" holds an array');
  });

  it('D04 booleans, symbols and functions as values → rejected WRONG_TYPE', async () => {
    const { r, offset, n } = await runDedupe([
      { id: true, name: 'Cao Văn Tý' },
      { id: Symbol('001090055555'), name: 'Cao Văn Tý' },
      { id: () => '001090055555', name: 'Cao Văn Tý' },
    ]);
    expectDedupeAccounted(r, n, ['Cao Văn Tý']);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual([
      [0, 'WRONG_TYPE'],
      [1, 'WRONG_TYPE'],
      [2, 'WRONG_TYPE'],
    ]);
  });

  it('D05 finite numbers and bigints for an ID or a date → read as their digits', async () => {
    const { r, offset, n } = await runDedupe([
      { id: 1090012345, name: 'Cao Văn Tý', dob: 19700101 },
      { id: 10n ** 20n, name: 'Cao Thị Tư', dob: 1970 },
    ]);
    expectDedupeAccounted(r, n);
    expect(r.clusters[offset]).not.toBeNull();
    expect(r.clusters[offset + 1]).not.toBeNull();
    expect(r.stats.issues['id']?.['id length']).toBe(1); // the 21-digit bigint is not a valid ID: missing, counted
  });

  it('D06 a row with no usable value (empty, blank, or all garbage) → rejected NO_VALUES', async () => {
    const { r, offset, n } = await runDedupe([{}, { id: '', name: '   ', dob: '', sex: '' }, { id: 'GARBAGE-ID', name: '😀😀', dob: '99/99/9999', sex: 'unknown' }]);
    expectDedupeAccounted(r, n, ['GARBAGE-ID', '99/99/9999']);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual([
      [0, 'NO_VALUES'],
      [1, 'NO_VALUES'],
      [2, 'NO_VALUES'],
    ]);
  });

  it('D07 inherited properties are not read (only own properties count)', async () => {
    const proto = { id: '001090012345', name: 'Thừa Kế', dob: '01/01/1990' };
    const { r, offset, n } = await runDedupe([Object.create(proto)]);
    expectDedupeAccounted(r, n);
    expect(r.rejected.map((x) => [x.index - offset, x.code])).toEqual([[0, 'NO_VALUES']]);
  });

  it('D08 a row with an own "__proto__" key (from JSON.parse) → read normally, Object.prototype untouched', async () => {
    const row = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "name": "Trịnh Văn Khải", "dob": "01/01/1990"}') as unknown;
    const { r, offset, n } = await runDedupe([row]);
    expectDedupeAccounted(r, n);
    expect(r.clusters[offset]).not.toBeNull();
    expectNoPollution();
  });

  it('D09 garbage values (bad date, letters in ID, unknown sex, no letters in name) → the row kept, the value missing and counted per reason', async () => {
    const { r, offset, n } = await runDedupe([{ id: '00109O012345', name: 'Lý Thị Nga', dob: '31/02/1990', sex: 'khác' }, { id: '001090012399', name: '!!!', dob: '2200', sex: 'Nam' }]);
    expectDedupeAccounted(r, n, ['00109O012345', 'Lý Thị Nga', '31/02/1990']);
    expect(r.clusters[offset]).not.toBeNull();
    expect(r.clusters[offset + 1]).not.toBeNull();
    expect(r.stats.issues).toMatchObject({
      id: { 'id non-digit': 1 },
      dob: { 'date impossible-date': 1, 'date year-out-of-range': 1 },
      sex: { 'sex unrecognised': 1 },
      name: { 'name has no letters': 1 },
    });
  });

  it('D10 garbage never scores: identical garbage IDs and dates give those comparisons the missing level (0 bits); garbage alone links nothing', async () => {
    const { r, offset, n } = await runDedupe(
      [
        { id: 'XYZ-0001', name: 'Bùi Thị Mai', dob: '01/02/1985' },
        { id: 'XYZ-0001', name: 'Bùi Thị Mai', dob: '01/02/1985' },
        { id: '12345ABCDE', name: 'Đỗ Minh Khoa', dob: '99/99/9999' },
        { id: '12345ABCDE', name: 'Đỗ Minh Khoa', dob: '99/99/9999' },
      ],
      { pairFloor: 0 },
    );
    expectDedupeAccounted(r, n, ['XYZ-0001', '12345ABCDE']);
    let seen = false;
    for (let i = 0; i < r.pairs.count; i++) {
      if (r.pairs.left[i] !== offset || r.pairs.right[i] !== offset + 1) continue;
      seen = true;
      const id = r.explain(i).fields.find((f) => f.comparison === 'id')!;
      expect(id.level).toBe(0);
      expect(id.weight).toBe(0);
    }
    expect(seen).toBe(true); // they pair on name + date, not on the garbage ID
    // the second two share only a name (ID and date are garbage): no rule keys them together
    expect(r.clusters[offset + 2]).not.toBe(r.clusters[offset + 3]);
  });

  it('D11 a lone surrogate in a name → the row is prepared (was: RecordStore INVALID_ARGUMENT crash)', async () => {
    const { r, offset, n } = await runDedupe([{ id: '001090077777', name: 'Nguy\uD800ễn Văn An', dob: '01/01/1990' }]);
    expectDedupeAccounted(r, n);
    expect(r.clusters[offset]).not.toBeNull();
  });

  it('D11b a lone surrogate in the record id column → that row rejected WRONG_TYPE (as a register does), the others kept', async () => {
    const rows = baseRows().map((row, i) => ({ ...row, rid: i === 3 ? 'a\uD800b' : `r${i}` }));
    const r = await dedupe(rows, { schema: SCHEMA, idField: 'rid', threads: 1 });
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual([[3, 'WRONG_TYPE']]);
    expect(r.rejected[0]!.reason).toMatch(/record id column "rid" holds text with a lone UTF-16 surrogate/);
    expect(r.stats.acceptedRows).toBe(rows.length - 1);
  });

  it('D12 a name of 2,000,000 characters and a name of 1 character → prepared and compared, no crash', async () => {
    const { r, offset, n } = await runDedupe([
      { id: '001090077778', name: 'Nguyễn Văn ' + 'a'.repeat(2_000_000), dob: '01/01/1990' },
      { id: '001090077779', name: 'Nguyễn Văn ' + 'a'.repeat(1_999_999) + 'b', dob: '01/01/1990' },
      { id: '001090077780', name: 'A', dob: '02/01/1990' },
    ]);
    expectDedupeAccounted(r, n);
    expect(r.clusters.slice(offset).every((c) => c !== null)).toBe(true);
  });

  it('D13 Excel serial and out-of-range years through a schema: excelSerial reads 32874, 1800 kept, 2200 missing', async () => {
    const schema = { ...SCHEMA, dob: { kind: 'date', excelSerial: true } } as const;
    const { r, n } = await runDedupe([{ id: '001090077781', name: 'Tạ Văn Bảy', dob: 32874 }, { id: '001090077782', name: 'Tạ Văn Tám', dob: '01/01/1800' }, { id: '001090077783', name: 'Tạ Văn Chín', dob: '01/01/2200' }], { schema });
    expectDedupeAccounted(r, n);
    expect(r.stats.issues['dob']).toEqual({ 'date year-out-of-range': 1 });
  });

  it('D14 rows that are not iterable, or bad options → KhopError (INVALID_ARGUMENT / INVALID_OPTION / INVALID_SCHEMA) before any work', async () => {
    expect(await errorCode(() => dedupe(5 as never, { schema: SCHEMA }))).toBe('INVALID_ARGUMENT');
    expect(await errorCode(() => dedupe(null as never, { schema: SCHEMA }))).toBe('INVALID_ARGUMENT');
    expect(await errorCode(() => dedupe([], { schema: SCHEMA, threshold: Number.NaN }))).toBe('INVALID_OPTION');
    expect(await errorCode(() => dedupe([], {} as never))).toBe('INVALID_OPTION');
    expect(await errorCode(() => dedupe([], { schema: { x: { kind: 'bogus' } } as never }))).toBe('INVALID_SCHEMA');
  });

  it('D15 fewer than two usable records → KhopError INVALID_INPUT (a model cannot be trained), not an empty "success"', async () => {
    expect(await errorCode(() => dedupe([], { schema: SCHEMA, threads: 1 }))).toBe('INVALID_INPUT');
    expect(await errorCode(() => dedupe([{ id: '001090012345', name: 'An' }, null], { schema: SCHEMA, threads: 1 }))).toBe('INVALID_INPUT');
    // A misspelt idField rejects every row: the error says so (the column's name, no value).
    const e = await khopErrorOf(() => dedupe(baseRows(), { schema: SCHEMA, idField: 'rid', threads: 1 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(`42 rows read, 42 rejected; 42 NO_ID: the record id column "rid" has no usable value`);
    // A link names the side that has no usable record.
    const l = await khopErrorOf(() => link(baseRows(), [null, 5], { schema: SCHEMA, threads: 1 }));
    expect(l.code).toBe('INVALID_INPUT');
    // Each side's rows and rejections beside its usable count, not summed over both.
    expect(l.message).toContain('need at least one usable record on each side to train a model: 42 usable on the left (42 rows read), 0 on the right (2 rows read, 2 rejected; 2 ');
    const r = await khopErrorOf(() => link([null, null, null], baseRows(), { schema: SCHEMA, threads: 1 }));
    expect(r.message).toContain('0 usable on the left (3 rows read, 3 rejected; 3 ');
    expect(r.message).toContain(', 42 on the right (42 rows read)');
  });

  it('D16 a CSV with malformed rows, read by openRecords and deduplicated: file rows = reader rejects + dedupe rejects + clustered', async () => {
    const lines = ['id,name,dob,sex'];
    for (const row of baseRows()) lines.push(`${row.id},${row.name},${row.dob},${row.sex}`);
    lines.push('001090012345,"Hồ"Văn,01/01/1990,Nam'); // text after a closing quote
    lines.push('001090012346,Too,Many,Fields,Here');
    lines.push('001090012347,Too Few');
    lines.push(',,,');
    const r = await readFileRecords(dir, 'd16.csv', lines.join('\n') + '\n');
    const res = await dedupe(
      r.rows.map((x) => x.values),
      { schema: SCHEMA, threads: 1, uSampleSize: 2000 },
    );
    expect(r.rejected.map((x) => x.code)).toEqual(['TEXT_AFTER_QUOTE', 'TOO_MANY_COLUMNS', 'TOO_FEW_COLUMNS']);
    expect(res.rejected.map((x) => x.code)).toEqual(['NO_VALUES']);
    const clustered = res.clusters.filter((c) => c !== null).length;
    expect(r.rejected.length + res.rejected.length + clustered).toBe(lines.length - 1);
  });

  // ---- found here, fixed in src/pipeline ----

  it('D17: a comparison that never has a value (two-part names only: no middle name) stays at 0 bits instead of failing the run', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ name: `${['John', 'Mary', 'Paul'][i % 3]} ${['Smith', 'Jones', 'Brown', 'Lee'][i % 4]}`, dob: `0${1 + (i % 9)}/0${1 + (i % 9)}/19${50 + i}` }));
    const r = await dedupe(rows, { schema: { name: { kind: 'personName' }, dob: { kind: 'date' } }, threads: 1 });
    expect(r.clusters).toHaveLength(rows.length);
    const k = r.model.comparisons.findIndex((c) => c.name === 'name.middle');
    for (let l = 1; l < r.model.levelCount(k); l++) expect(r.model.levelWeight(k, l)).toBeCloseTo(0, 9);
  });

  it('D18: with idField, a row whose id is missing or not a string/number is rejected (NO_ID), never given an id that could equal another row\'s', async () => {
    const extra = [
      { rid: { x: 1 }, id: '001090099999', name: 'Bùi Văn Tám', dob: '01/01/1970' }, // position 42 → id 42
      { rid: 42, id: '001090099998', name: 'Đỗ Thị Chín', dob: '02/02/1971' },
    ];
    const base = baseRows().map((row, i) => ({ ...row, rid: 1000 + i }));
    const r = await dedupe([...base, ...extra], { schema: SCHEMA, idField: 'rid', threads: 1, uSampleSize: 2000 });
    const a = r.clusters[base.length];
    const b = r.clusters[base.length + 1];
    expect(a).toBeNull();
    expect(b).not.toBeNull();
    expect(r.rejected.find((x) => x.index === base.length)?.code).toBe('NO_ID');
  });

  it('D21: a model whose levels differ from the schema\'s (labels reordered or renamed, tf flag moved) is refused before any row is read, naming the comparison', async () => {
    const rows = baseRows();
    const r = await dedupe(rows, { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    const json = JSON.parse(JSON.stringify(r.model.toJSON())) as { comparisons: Array<{ name: string; levels: Array<{ label: string; tf?: true }> }> };
    const k = json.comparisons.findIndex((c) => c.name === 'dob');
    const variants: Array<(j: typeof json) => void> = [
      (j) => {
        const lv = j.comparisons[k]!.levels;
        j.comparisons[k]!.levels = [lv[0]!, ...lv.slice(1).reverse()];
      },
      (j) => {
        j.comparisons[k]!.levels[1]!.label = 'zzz';
      },
      (j) => {
        const lv = j.comparisons.find((c) => c.name === 'name.given')!.levels;
        delete lv[1]!.tf;
      },
    ];
    // Unchanged, the model is taken as it is.
    await expect(dedupe(rows, { schema: SCHEMA, threads: 1, model: FellegiSunterModel.fromJSON(json) })).resolves.toBeDefined();
    // Its JSON itself is not a model: the error says how to make one of it.
    const plain = await khopErrorOf(() => dedupe(rows, { schema: SCHEMA, threads: 1, model: json as never }));
    expect([plain.code, plain.message]).toEqual(['INVALID_OPTION', expect.stringContaining('model: a FellegiSunterModel (from a run\'s result.model, or FellegiSunterModel.fromJSON of its JSON)')]);
    for (const change of variants) {
      const j = JSON.parse(JSON.stringify(json)) as typeof json;
      change(j);
      // Refused before any row is read (a file too large to train on is not read in vain).
      let read = 0;
      const counted = (function* () {
        for (const row of rows) {
          read++;
          yield row;
        }
      })();
      const e = await khopErrorOf(() => dedupe(counted, { schema: SCHEMA, threads: 1, model: FellegiSunterModel.fromJSON(j) }));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toMatch(/model: its comparisons do not match this schema \(comparison "(dob|name\.given)": level \d+ is/);
      expect(read).toBe(0);
    }
  });

  it('D23b: a claim name of digits only ("123", 123, 0, 10n) is invalid-name, as a stored one is no name — not a name that differs', async () => {
    const reg = await Register.build(SCHEMA, baseRows(), {});
    const row = baseRows()[10]!; // a person with one record (rows 36..41 repeat persons 0..5)
    expect(reg.authenticate(row).status).toBe('VERIFIED');
    for (const name of ['123', 123, 0, 10n, ' 4 5 ']) {
      const v = reg.authenticate({ ...row, name });
      expect(v.fields['name'], String(name)).toEqual({ result: 'mismatch', reason: 'invalid-name' });
      expect(v.status).toBe('MISMATCH');
    }
    // A name with a letter beside its digits is a name (that differs).
    expect(reg.authenticate({ ...row, name: 'An 12' }).fields['name']!.reason).not.toBe('invalid-name');
  });

  it('D23: a name of digits or symbols ("0", "12345", "#") is missing in dedupe and in a register, never a name two records share', async () => {
    const rows = baseRows();
    const extra = [
      { id: '001090099990', name: '0', dob: '01/01/1961', sex: 'Nam' },
      { id: '001090099991', name: '0', dob: '02/02/1962', sex: 'Nam' },
      { id: '001090099992', name: 12345, dob: '03/03/1963', sex: 'Nam' },
      { id: '001090099993', name: '#', dob: '04/04/1964', sex: 'Nam' },
    ];
    const r = await dedupe([...rows, ...extra], { schema: SCHEMA, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    expect(r.stats.issues['name']?.['name has no letters']).toBe(extra.length);
    // The two "0" rows: no pair of them has a name level but "missing".
    for (let i = 0; i < r.pairs.count; i++) {
      if (r.pairs.left[i]! >= rows.length && r.pairs.right[i]! >= rows.length) {
        for (const f of r.explain(i).fields) if (f.comparison.startsWith('name.')) expect(f.label).toBe('missing');
      }
    }
    const reg = await Register.build(SCHEMA, [...rows, ...extra], {});
    expect(reg.issues['name']?.['name has no letters']).toBe(extra.length);
    const v = reg.authenticate(extra[0]!);
    expect(v.fields['name']!.result).toBe('missing');
    expect(v.status).not.toBe('VERIFIED');
  });

  it('D24: a misspelt option (dedupe, link, authenticate, authenticateMany / All, KhopPool.create, KeyHasher, createProgressReporter) is refused INVALID_OPTION naming it, not ignored', async () => {
    const rows = baseRows();
    const bad = async (fn: () => unknown, key: string): Promise<void> => {
      const e = await khopErrorOf(fn);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toContain(key);
    };
    await bad(() => dedupe(rows, { schema: SCHEMA, tresh: 0.3 } as never), 'tresh');
    await bad(() => link(rows, rows, { schema: SCHEMA, thread: 2 } as never), 'thread');
    const reg = await Register.build(SCHEMA, rows, {});
    await bad(() => reg.authenticate(rows[0]!, { candidtes: 2 } as never), 'candidtes');
    await bad(() => reg.authenticateMany(rows, { thread: 2 } as never), 'thread');
    await bad(() => reg.authenticateAll(rows, { batchSise: 8 } as never), 'batchSise');
    await bad(() => KhopPool.create({ thread: 2 } as never), 'thread');
    await bad(() => new KeyHasher({ sed: 7n } as never), 'sed');
    await bad(() => createProgressReporter({ quite: true } as never), 'quite');
    // A tty that is not a boolean is refused with the other option problems.
    await bad(() => createProgressReporter({ tty: 'yes' } as never), 'tty: expected a boolean');
    // The known keys still pass.
    expect(reg.authenticate(rows[10]!, { candidates: 1 }).status).toBe('VERIFIED');
    const hashOf = (h: KeyHasher): number[] => {
      const out = new Uint32Array(2);
      h.hashAscii('x', out, 0);
      return [...out];
    };
    expect(hashOf(new KeyHasher({ seed: 7n, batchBytes: 64, batchKeys: 4, kernel: 'js' }))).toEqual(hashOf(new KeyHasher({ seed: 7n })));
    expect(typeof createProgressReporter({ stream: { write: () => true }, quiet: true, tty: false, maxUpdatesPerSecond: 5, now: () => 0 })).toBe('function');
  });

  it('D25: with idField, a row whose id repeats an earlier row\'s (as text: 7 and "7" are one id) is rejected DUPLICATE_ID naming the first row; link sides are apart', async () => {
    const base = baseRows().map((row, i) => ({ ...row, rid: `r${i}` }));
    const extra = [
      { ...base[3]!, rid: 'r10', name: 'Một Người Khác' }, // another person with row 10's id
      { ...base[4]!, rid: 7 },
      { ...base[5]!, rid: '7' },
    ];
    const rows = [...base, ...extra];
    for (const threads of [1, 2]) {
      const r = await dedupe(rows, { schema: SCHEMA, idField: 'rid', threads, uSampleSize: 2000 });
      expect(r.rejected.map((x) => [x.index, x.code])).toEqual([[base.length + 2, 'DUPLICATE_ID'], [base.length, 'DUPLICATE_ID']].sort((a, b) => (a[0] as number) - (b[0] as number)));
      expect(r.rejected.find((x) => x.index === base.length)!.reason).toBe('the record id (column "rid") is that of input row 11');
      expect(r.clusters[base.length]).toBeNull();
      expect(r.clusters[base.length + 1]).not.toBeNull();
      // Every cluster id names exactly one row's id.
      const ids = new Set(rows.map((x) => String(x.rid)));
      for (const c of r.clusters) if (c !== null) expect(ids.has(String(c))).toBe(true);
    }
    // link: the same id on both sides is two records, not a duplicate.
    const l = await link(base, base, { schema: SCHEMA, idField: 'rid', threads: 1, uSampleSize: 2000 });
    expect(l.rejectedLeft.length + l.rejectedRight.length).toBe(0);
  });

  it('D26: rows that do not vary (one record copied 50 times) are refused INVALID_INPUT when training, not returned as 50 singletons; a trained model clusters them', async () => {
    const copies = Array.from({ length: 50 }, (_, i) => ({ ...baseRows()[10]!, rid: `c${i}` }));
    const e = await khopErrorOf(() => dedupe(copies, { schema: SCHEMA, idField: 'rid', threads: 1 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/the records do not vary/);
    const trained = await dedupe(baseRows(), { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    const r = await dedupe(copies, { schema: SCHEMA, idField: 'rid', threads: 1, model: trained.model });
    expect(new Set(r.clusters)).toEqual(new Set(['c0']));
  });

  it('D27: a placeholder ("N/A", "NULL", "Không rõ") in a name or text field is missing in dedupe and in a register, never a value two records share; missingValues: [] reads it as written', async () => {
    const rows = baseRows();
    const extra = [
      // One date of birth and IDs one digit apart: blocked together, so their names are compared.
      { id: '001061099990', name: 'N/A', dob: '01/01/1961', sex: 'Nam' },
      { id: '001061099991', name: 'n/a', dob: '01/01/1961', sex: 'Nam' },
      { id: '001061099992', name: ' KHÔNG RÕ ', dob: '01/01/1961', sex: 'Nam' },
      { id: '001061099993', name: 'Null', dob: '01/01/1961', sex: 'Nam' },
    ];
    const r = await dedupe([...rows, ...extra], { schema: SCHEMA, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    expect(r.stats.issues['name']?.['placeholder for a missing value']).toBe(extra.length);
    let pairsAmongThem = 0;
    for (let i = 0; i < r.pairs.count; i++) if (r.pairs.left[i]! >= rows.length && r.pairs.right[i]! >= rows.length) pairsAmongThem++;
    const reg = await Register.build(SCHEMA, [...rows, ...extra], {});
    expect(reg.issues['name']?.['placeholder for a missing value']).toBe(extra.length);
    const v = reg.authenticate(extra[0]!);
    expect(v.fields['name']!.result).toBe('missing');
    expect(v.status).not.toBe('VERIFIED');
    // A claim's placeholder is no name either, against a stored name.
    const claim = reg.authenticate({ ...rows[10]!, name: 'Unknown' });
    expect(claim.fields['name']!.result).toBe('missing');
    expect(claim.status).not.toBe('VERIFIED');
    // A field's own list: [] reads "Null" as the name it is.
    const asWritten = { ...SCHEMA, name: { kind: 'personName', locale: 'vi', missingValues: [] } } as const satisfies Record<string, FieldSpec>;
    const reg2 = await Register.build(asWritten, [...rows, ...extra], {});
    expect(reg2.issues['name']?.['placeholder for a missing value']).toBeUndefined();
    expect(reg2.authenticate(extra[3]!).status).toBe('VERIFIED');
    const d2 = await dedupe([...rows, ...extra], { schema: asWritten, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    let written = 0;
    for (let i = 0; i < d2.pairs.count; i++) {
      if (d2.pairs.left[i]! >= rows.length && d2.pairs.right[i]! >= rows.length) {
        for (const f of d2.explain(i).fields) if (f.comparison.startsWith('name.') && f.label !== 'missing') written++;
      }
    }
    expect(written).toBeGreaterThan(0);
    expect(new Set(d2.clusters.slice(rows.length)).size).toBeLessThan(extra.length);
    // Generic name parts, a category and an identifier.
    const generic = {
      first: { kind: 'givenName', locale: 'generic' },
      last: { kind: 'familyName', locale: 'generic' },
      dob: { kind: 'date' },
      city: { kind: 'category' },
      tax: { kind: 'identifier' },
    } as const satisfies Record<string, FieldSpec>;
    const people = Array.from({ length: 40 }, (_, i) => ({
      first: ['Anna', 'Ben', 'Cara', 'Dan', 'Eve'][i % 5], last: ['Smith', 'Jones', 'Brown', 'Lee'][i % 4],
      dob: `${String(1 + (i % 28)).padStart(2, '0')}/0${1 + (i % 9)}/19${60 + i}`, city: ['Leeds', 'York', 'Bath'][i % 3], tax: `T${1000 + (i % 30)}`,
    }));
    const holes = [
      { first: 'N/A', last: 'Smith', dob: '01/01/1990', city: 'NULL', tax: 'N/A' },
      { first: 'Zed', last: 'N/A', dob: '02/02/1991', city: 'null', tax: 'n/a' },
    ];
    const g = await dedupe([...people, ...holes], { schema: generic, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    // Counted per field, as the register counts them.
    expect(g.stats.issues['first']?.['placeholder for a missing value']).toBe(1);
    expect(g.stats.issues['last']?.['placeholder for a missing value']).toBe(1);
    const gr = await Register.build({ id: { kind: 'nationalId' }, ...generic }, [...people, ...holes].map((r, i) => ({ ...r, id: `0010${String(90000000 + i)}` })), {});
    expect(gr.issues['first']?.['placeholder for a missing value']).toBe(1);
    expect(gr.issues['last']?.['placeholder for a missing value']).toBe(1);
    expect(g.stats.issues['city']?.['placeholder for a missing value']).toBe(2);
    expect(g.stats.issues['tax']?.['placeholder for a missing value']).toBe(2);
    for (let i = 0; i < g.pairs.count; i++) {
      if (g.pairs.left[i]! >= people.length && g.pairs.right[i]! >= people.length) {
        for (const f of g.explain(i).fields) if (f.comparison === 'city' || f.comparison === 'tax') expect(f.label).toBe('missing');
      }
    }
    // The placeholder rows: no name evidence, so no key and no pair joins them (as written,
    // "N/A" / "n/a" agree on the name and cluster together: asserted above through `written`).
    expect(pairsAmongThem).toBe(0);
    expect(new Set(r.clusters.slice(rows.length)).size).toBe(extra.length);
  });

  it('D28: a bad blocking, compare, maxBlockSize or uSampleSize (over 2^30) is refused INVALID_OPTION before any row is read (it was refused after every row was prepared)', async () => {
    let read = 0;
    const rows = function* (): Generator<Record<string, unknown>> {
      for (const row of baseRows()) {
        read++;
        yield row;
      }
    };
    for (const bad of [
      { blocking: [] },
      { blocking: 'id' },
      { blocking: [{ name: 'a', parts: [{ column: 'nope' }] }] },
      { blocking: [{ name: 'a', parts: [{ column: 'id' }] }, { name: 'a', parts: [{ column: 'dob' }] }] },
      { compare: ['zzz'] },
      { compare: 'dob' },
      { compare: [] },
      { maxBlockSize: 2 ** 32 },
      { uSampleSize: 2 ** 30 + 1 },
      { uSampleSize: 1e12 },
    ]) {
      for (const run of [() => dedupe(rows(), { schema: SCHEMA, threads: 1, ...bad } as never), () => link(rows(), rows(), { schema: SCHEMA, threads: 1, ...bad } as never)]) {
        read = 0;
        const e = await khopErrorOf(run);
        expect(e.code, JSON.stringify(bad)).toBe('INVALID_OPTION');
        expect(read, JSON.stringify(bad)).toBe(0);
      }
    }
    // The same options, well formed, run.
    const ok = await dedupe(baseRows(), { schema: SCHEMA, threads: 1, uSampleSize: 2000, blocking: [{ name: 'by-id', parts: [{ column: 'id' }] }, { name: 'by-dob', parts: [{ column: 'dob' }] }], compare: ['id', 'name', 'dob'], maxBlockSize: 2 ** 32 - 1 });
    expect(ok.stats.rules.length).toBe(2);
  });

  it('D30: letters of another script in a category, text or identifier field are kept, not read as word breaks — two e-mails that differ only in them are two values; a name part of another script is counted', async () => {
    const schema = {
      first: { kind: 'givenName', locale: 'generic' },
      last: { kind: 'familyName', locale: 'generic' },
      dob: { kind: 'date' },
      city: { kind: 'category' },
      email: { kind: 'identifier' },
    } as const satisfies Record<string, FieldSpec>;
    const cyr = 'абвгдежзиклмнопрстуфхцчшщ';
    const person = (i: number) => ({
      first: ['Anna', 'Ben', 'Cara', 'Dan'][i % 4], last: ['Smith', 'Jones', 'Brown'][i % 3],
      dob: `${String(1 + (i % 28)).padStart(2, '0')}/0${1 + (i % 9)}/19${50 + (i % 40)}`,
      city: ['Москва', 'Казань', 'Самара'][i % 3],
      // Cyrillic letters and a digit: foldToAscii read every one of them as "<digit>" (+ a word break).
      email: `${cyr[i % 25]}${cyr[(i * 7) % 25]}${cyr[Math.floor(i / 25) % 25]}${i % 3}@почта.рф`,
    });
    const people = Array.from({ length: 60 }, (_, i) => person(i));
    const copies = Array.from({ length: 10 }, (_, k) => person(k * 6));
    const rows = [...people, ...copies];
    const r = await dedupe(rows, { schema, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    const who = (row: number) => (row < people.length ? row : (row - people.length) * 6);
    let copiesFound = 0;
    for (let p = 0; p < r.pairs.count; p++) {
      const same = who(r.pairs.left[p]!) === who(r.pairs.right[p]!);
      const email = r.explain(p).fields.find((f) => f.comparison === 'email')!;
      // Two people's e-mails are never "equal"; a copy's is.
      if (!same) expect(email.label).not.toBe('exact');
      else if (email.label === 'exact') copiesFound++;
    }
    expect(copiesFound).toBe(copies.length);
    for (let k = 0; k < copies.length; k++) expect(r.clusters[people.length + k]).toBe(r.clusters[k * 6]);
    expect(new Set(r.clusters).size).toBe(people.length);
    expect(r.stats.issues['city']).toBeUndefined(); // a Cyrillic city is a value, not "no letters"
    // The register reads stored values and claims alike.
    // IDs whose encoded birth year is the person's (province 001, a man of the 1900s).
    const idOf = (i: number) => `0010${50 + (i % 40)}${100000 + i}`;
    const reg = await Register.build({ id: { kind: 'nationalId' }, ...schema }, people.map((x, i) => ({ ...x, id: idOf(i) })), {});
    const own = reg.authenticate({ ...people[4]!, id: idOf(4) });
    expect(own.status).toBe('VERIFIED');
    expect(['exact', 'equivalent']).toContain(own.fields['email']!.result); // the register keeps an identifier's fold
    const other = reg.authenticate({ ...people[4]!, id: idOf(4), email: people[7]!.email }); // same digit, other letters
    expect(other.fields['email']!.result).toBe('mismatch');
    // A name part of another script beside a Latin one: that part is missing, and counted.
    const mixed = await dedupe([...people, { ...people[0]!, last: 'Петров' }], { schema, threads: 1, uSampleSize: 2000 });
    expect(mixed.stats.issues['last']?.['name has no Latin letters']).toBe(1);
  });

  it('D28b: problems of the options, the schema, compare, blocking, idField and em are reported together, before any row is read', async () => {
    let read = 0;
    const rows = function* (): Generator<Record<string, unknown>> {
      for (const row of baseRows()) {
        read++;
        yield row;
      }
    };
    const cases: Array<{ options: Record<string, unknown>; code: string; all: RegExp[] }> = [
      { options: { schema: { a: { kind: 'nope' } }, threshold: 2 }, code: 'INVALID_OPTION', all: [/threshold/, /unknown kind "nope"/] },
      { options: { schema: SCHEMA, compare: ['zzz'], blocking: [{ name: 'x', parts: [{ column: 'nope' }] }] }, code: 'INVALID_OPTION', all: [/compare: unknown fields "zzz"/, /"nope" is not a store column/] },
      { options: { schema: SCHEMA, idField: 5, threshold: 2 }, code: 'INVALID_OPTION', all: [/threshold/, /idField/] },
      { options: { schema: SCHEMA, threshold: 7, blocking: [{ name: 'x', parts: [{ column: 'nope' }] }], compare: ['zzz'] }, code: 'INVALID_OPTION', all: [/threshold/, /"nope" is not a store column/, /compare: unknown fields "zzz"/] },
      { options: { schema: SCHEMA, idField: '__proto__' }, code: 'INVALID_OPTION', all: [/idField/] },
      { options: { schema: SCHEMA, em: { maxIteration: 1 } }, code: 'INVALID_OPTION', all: [/em\.maxIteration: unknown option/] },
      { options: { schema: SCHEMA, em: { maxIterations: 0, tolerance: 2 } }, code: 'INVALID_OPTION', all: [/em\.maxIterations/, /em\.tolerance/] },
      { options: { schema: SCHEMA, em: 'fast' }, code: 'INVALID_OPTION', all: [/em: an object/] },
      // Known from the schema alone: no default blocking rule, one comparison to train.
      { options: { schema: { province: { kind: 'category' }, address: { kind: 'text' } } }, code: 'INVALID_SCHEMA', all: [/no default blocking rule/] },
      { options: { schema: { dob: { kind: 'date' } } }, code: 'INVALID_OPTION', all: [/training needs at least two/] },
      // A personName field named as the name group of a familyName and a givenName: one set of columns.
      { options: { schema: { surname: { kind: 'familyName' }, first_name: { kind: 'givenName' }, 'surname+first_name': { kind: 'personName' } } }, code: 'INVALID_SCHEMA', all: [/"surname\+first_name\.\*": rename one/] },
    ];
    for (const { options, code, all } of cases) {
      for (const run of [() => dedupe(rows(), { threads: 1, ...options } as never), () => link(rows(), rows(), { threads: 1, ...options } as never)]) {
        read = 0;
        const e = await khopErrorOf(run);
        expect(e.code, JSON.stringify(options)).toBe(code);
        for (const re of all) expect(e.message, JSON.stringify(options)).toMatch(re);
        const listed = ((e.details as Record<string, unknown> | undefined)?.['problems'] as string[] | undefined) ?? [];
        expect(new Set(listed.map((x) => x.replace(/^schema: /, ''))).size, JSON.stringify(listed)).toBe(listed.length); // each once
        expect(read, JSON.stringify(options)).toBe(0);
      }
    }
    // Well-formed em options run.
    await expect(dedupe(baseRows(), { schema: SCHEMA, threads: 1, uSampleSize: 2000, em: { maxIterations: 5, tolerance: 1e-3 } })).resolves.toBeDefined();
  });

  it('D22b: a schema of several fields whose rows fill only one (an ID) is refused INVALID_INPUT when training, not an empty "success"', async () => {
    // The other columns are there, empty in every row (a column absent from every row is D34).
    const rows = baseRows().map((r) => ({ id: r['id'], name: null, dob: '', sex: null }));
    for (const run of [() => dedupe(rows, { schema: SCHEMA, threads: 1, uSampleSize: 2000 }), () => link(rows.slice(0, 40), rows.slice(40), { schema: SCHEMA, threads: 1, uSampleSize: 2000 })]) {
      const e = await khopErrorOf(run);
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/one comparison \("id"\) has values/);
    }
    // With a second field filled, it trains and matches.
    const two = baseRows().map((r) => ({ id: r['id'], name: '', dob: r['dob'], sex: '' }));
    const r = await dedupe(two, { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    expect(r.stats.matchedPairs).toBeGreaterThan(0);
  });

  it('D22c: every row sharing all fields but one (everyone "John Smith", dates differing) is refused INVALID_INPUT, not every row a singleton', async () => {
    const schema = { first: { kind: 'givenName' }, last: { kind: 'familyName' }, dob: { kind: 'date' } } as Record<string, FieldSpec>;
    const rows: Array<Record<string, string>> = [];
    const day0 = Date.UTC(1950, 0, 1);
    for (let i = 0; i < 400; i++) {
      const dob = new Date(day0 + i * 37 * 864e5).toISOString().slice(0, 10);
      rows.push({ first: 'John', last: 'Smith', dob }, { first: 'John', last: 'Smith', dob });
    }
    const e = await khopErrorOf(() => dedupe(rows, { schema, threads: 1 }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/only one comparison \("dob"\) differs between the sampled record pairs/);
    // A second field that varies: it trains, and the identical rows are one cluster.
    const given = ['John', 'Mary', 'Anna', 'Paul', 'Emma', 'Mark', 'Ruth', 'Alan'];
    const varied = rows.map((r, i) => ({ ...r, first: given[(i >> 1) % given.length]! }));
    const r = await dedupe(varied, { schema, threads: 1 });
    expect(r.clusters[0]).toBe(r.clusters[1]);
    expect(r.clusters[2]).not.toBe(r.clusters[0]);
  });

  it('D22: one comparison to train (a date alone, an ID alone, compare: [one field]) is refused up front, not an empty "success"', async () => {
    const rows = baseRows();
    for (const options of [
      { schema: { dob: { kind: 'date' } } as Record<string, FieldSpec> },
      { schema: { id: { kind: 'nationalId' } } as Record<string, FieldSpec> },
      { schema: SCHEMA, compare: ['dob'] },
    ]) {
      const e = await khopErrorOf(() => dedupe(rows, { ...options, threads: 1 }));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toMatch(/training needs at least two/);
    }
    // With a trained model, one comparison is allowed: nothing is trained.
    const trained = await dedupe(rows, { schema: SCHEMA, threads: 1, uSampleSize: 2000 });
    const j = JSON.parse(JSON.stringify(trained.model.toJSON())) as { prior: number; comparisons: Array<{ name: string }> };
    const one = { ...j, comparisons: j.comparisons.filter((c) => c.name === 'dob') };
    await expect(dedupe(rows, { schema: SCHEMA, compare: ['dob'], threads: 1, model: FellegiSunterModel.fromJSON(one) })).resolves.toBeDefined();
  });

  /** Write `text` to a file of the test directory; its path. */
  async function writeTemp(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('D31: integers beyond 2^53 (JSON numbers rounded by JSON.parse) as a record id or a field value are refused, never read as their rounded digits', async () => {
    // Seeded: ids that JSON.parse rounds onto each other and onto exact ones (2^53 + k rounds
    // to an even neighbour), written as NDJSON numbers like an exporter that keeps BIGINTs.
    const rng = new Rng(31);
    const big: string[] = [];
    for (let i = 0; i < 40; i++) big.push((2n ** 53n + BigInt(1 + rng.int(1000))).toString());
    big.push('12345678901234567890', '9007199254740993', '9007199254740992');
    const base = baseRows();
    const lines = base.map((row, i) => JSON.stringify({ ...row, rid: 1000 + i }));
    for (const [k, b] of big.entries()) lines.push(`{"rid":${b},"id":"0010${String(90 + (k % 10))}0${String(10000 + k)}","name":"Kiều Văn ${k}","dob":"01/02/1990","sex":"Nam"}`);
    const source = await openRecords(await writeTemp('d31.ndjson', lines.join('\n') + '\n'));
    const r = await dedupe(source, { schema: SCHEMA, idField: 'rid', threads: 1, uSampleSize: 2000 });
    expectDedupeAccounted(r, base.length + big.length, big);
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual(big.map((_, k) => [base.length + k, 'WRONG_TYPE']));
    expect(r.rejected[0]!.reason).toBe('the record id column "rid" holds a number too large to be exact (beyond 2^53; write it as text)');
    // The same ids written as text are exact and accepted.
    const text = lines.map((l) => l.replace(/^\{"rid":(\d+),/, '{"rid":"$1",'));
    const rt = await dedupe(await openRecords(await writeTemp('d31t.ndjson', text.join('\n') + '\n')), { schema: SCHEMA, idField: 'rid', threads: 1, uSampleSize: 2000 });
    expect(rt.rejected).toEqual([]);
    // A field value beyond 2^53 (an identifier, a national ID) rejects its row too, naming the field.
    const { r: f, offset } = await runDedupe([{ ...base[0], id: 2 ** 60 }, { ...base[1], phone: 9007199254740993 }], { schema: { ...SCHEMA, phone: { kind: 'identifier' } } });
    expect(f.rejected.map((x) => [x.index - offset, x.code, x.reason])).toEqual([
      [0, 'WRONG_TYPE', 'field "id" holds a number too large to be exact (beyond 2^53; write it as text), expected text'],
      [1, 'WRONG_TYPE', 'field "phone" holds a number too large to be exact (beyond 2^53; write it as text), expected text'],
    ]);
    // A register refuses them alike: no two rows share a rounded record id.
    const reg = await Register.build(SCHEMA, await openRecords(await writeTemp('d31r.ndjson', lines.join('\n') + '\n')), { idField: 'rid' });
    expect(reg.size).toBe(base.length);
    expect(reg.rejected.map((x) => x.code)).toEqual(big.map(() => 'WRONG_TYPE'));
    expect(reg.rejected[0]!.reason).toMatch(/column "rid" holds a number too large to be exact/);
    expect(() => reg.remove(9007199254740993)).toThrow(/record id must be a string, a bigint or a finite number of at most 2\^53/);
    // The same ids as bigints (exact: how an API passes them) are their decimal text.
    const bigRows = [...base.map((row, i) => ({ ...row, rid: BigInt(1000 + i) })), ...big.map((b, k) => ({ rid: BigInt(b), id: `0010${String(90 + (k % 10))}0${String(10000 + k)}`, name: `Kiều Văn ${k}`, dob: '01/02/1990', sex: 'Nam' }))];
    const rb = await dedupe(bigRows, { schema: SCHEMA, idField: 'rid', threads: 1, uSampleSize: 2000 });
    expect(rb.rejected.map((x) => x.code)).toEqual(big.map((b, k) => (big.indexOf(b) < k ? 'DUPLICATE_ID' : '')).filter((c) => c !== ''));
    const regB = await Register.build(SCHEMA, bigRows, { idField: 'rid' });
    expect(regB.rejected).toEqual([]);
    expect(regB.size).toBe(bigRows.length);
    const first = base[10] as Record<string, unknown>; // a person with one row
    expect(regB.authenticate({ id: first.id, name: first.name, dob: first.dob, sex: first.sex }).recordId).toBe('1010');
  });

  /** A seeded English-named population: 2 × `people` rows, every other person recorded twice (the copy's surname may lose its last letter). */
  function englishPeople(seed: number, people: number): Array<{ rid: string; first: string; last: string; dob: string; city: string }> {
    const FIRST = ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Susan', 'David', 'Karen', 'Paul', 'Emma', 'Peter', 'Alice', 'Mark', 'Helen', 'Simon', 'Ruth'];
    const LAST = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Walker', 'Wright', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Turner', 'Hill', 'Moore'];
    const CITY = ['London', 'Leeds', 'York', 'Bath', 'Derby', 'Hull'];
    const rng = new Rng(seed);
    const out: Array<{ rid: string; first: string; last: string; dob: string; city: string }> = [];
    for (let i = 0; i < people; i++) {
      const p = { rid: `p${i}`, first: rng.pick(FIRST), last: rng.pick(LAST), dob: `${1940 + rng.int(60)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`, city: rng.pick(CITY) };
      out.push(p);
      if (i % 2 === 0) out.push({ ...p, rid: `p${i}d`, last: rng.chance(0.5) ? p.last.slice(0, -1) : p.last });
    }
    return out;
  }

  it('D23c: a given or family name of digits or symbols ("0", "#", 42) is a missing part, counted; a token without a letter inside a full name is dropped — never a name part two people share', async () => {
    const schema = { first: { kind: 'givenName' }, last: { kind: 'familyName' }, dob: { kind: 'date' }, city: { kind: 'category' } } as const satisfies Record<string, FieldSpec>;
    const rng = new Rng(23);
    const background = englishPeople(23, 200);
    // Pairs of different people (other birth dates) whose given name is the same letter-less value.
    const NO_LETTERS = ['0', '123', '#', '-', '?', '00', '1.', 42, 7, '٣'];
    const extra: Array<Record<string, unknown>> = [];
    for (const [k, v] of NO_LETTERS.entries()) {
      for (const y of [1961, 1975]) extra.push({ rid: `x${k}-${y}`, first: v, last: 'Smith', dob: `${y}-0${1 + rng.int(9)}-1${rng.int(10)}`, city: 'London' });
    }
    const rows = [...background, ...extra];
    const r = await dedupe(rows, { schema, idField: 'rid', threads: 1, uSampleSize: 2000, pairFloor: 0 });
    expectDedupeAccounted(r, rows.length);
    expect(r.stats.issues['first']?.['name has no letters']).toBe(extra.length);
    for (let p = 0; p < r.pairs.count; p++) {
      if (r.pairs.left[p]! < background.length || r.pairs.right[p]! < background.length) continue;
      const given = r.explain(p).fields.find((f) => f.comparison === 'last+first.given')!;
      expect(given.label).toBe('missing'); // was "exact": two different people "0" agreed on the given name
    }
    for (let k = 0; k < NO_LETTERS.length; k++) expect(r.clusters[background.length + 2 * k]).not.toBe(r.clusters[background.length + 2 * k + 1]);
    // The family part alike; and a register counts the same values the same way.
    const fam = await dedupe([...background, { rid: 'y', first: 'Anna', last: '#', dob: '1970-01-01', city: 'Leeds' }], { schema, idField: 'rid', threads: 1, uSampleSize: 2000 });
    expect(fam.stats.issues['last']?.['name has no letters']).toBe(1);
    const reg = await Register.build({ id: { kind: 'nationalId' }, ...schema }, extra.map((x, i) => ({ ...x, id: `0010${60 + (i % 30)}${100000 + i}` })), {});
    expect(reg.issues['first']?.['name has no letters']).toBe(extra.length);
    // A full name: "Mary 2" and "Anna 2" (given first) had the family name "2" in common.
    const full = { name: { kind: 'personName', locale: 'generic' }, dob: { kind: 'date' }, city: { kind: 'category' } } as const satisfies Record<string, FieldSpec>;
    const named = background.map((b) => ({ rid: b.rid, name: `${b.first} ${b.last}`, dob: b.dob, city: b.city }));
    const tokens = [
      { rid: 't1', name: 'Mary 2', dob: '1961-03-05', city: 'London' },
      { rid: 't2', name: 'Anna 2', dob: '1961-03-05', city: 'London' },
    ];
    const f = await dedupe([...named, ...tokens], { schema: full, idField: 'rid', threads: 1, uSampleSize: 2000, pairFloor: 0 });
    expect(f.stats.issues['name']).toBeUndefined(); // the names are usable: the token is dropped, not counted
    let seen = false;
    for (let p = 0; p < f.pairs.count; p++) {
      if (f.pairs.left[p] !== named.length || f.pairs.right[p] !== named.length + 1) continue;
      seen = true;
      expect(f.explain(p).fields.find((x) => x.comparison === 'name.family')!.label).toBe('missing');
    }
    expect(seen).toBe(true);
    expect(f.clusters[named.length]).not.toBe(f.clusters[named.length + 1]);
  });

  it('D32: a name column empty in the first rows (older records first) does not decide the name locale — the sample is the rows that have a name, in dedupe and in link', async () => {
    const schema = { name: { kind: 'personName' }, dob: { kind: 'date' }, city: { kind: 'category' } } as const satisfies Record<string, FieldSpec>; // locale 'auto'
    const people = englishPeople(32, 300);
    const named = people.map((p) => ({ rid: p.rid, name: `${p.first} ${p.last}`, dob: p.dob, city: p.city }));
    // More rows without a name than the sample's 2,000 (empty, blank, absent, null).
    const nameless = Array.from({ length: 2100 }, (_, i) => ({ rid: `n${i}`, ...(i % 4 === 3 ? {} : { name: ['', '  ', null][i % 4] }), dob: `19${10 + (i % 80)}-0${1 + (i % 9)}-1${i % 10}`, city: ['London', 'Leeds', 'York'][i % 3] }));
    const found = (r: DedupeResult, rows: ReadonlyArray<{ rid: string }>): number => {
      const cluster = new Map(rows.map((x, i) => [x.rid, r.clusters[i]]));
      return people.filter((p) => p.rid.endsWith('d') && cluster.get(p.rid) === cluster.get(p.rid.slice(0, -1))).length;
    };
    const firstRows = [...named, ...nameless];
    const lastRows = [...nameless, ...named];
    const first = await dedupe(firstRows, { schema, idField: 'rid', threads: 1 });
    const last = await dedupe(lastRows, { schema, idField: 'rid', threads: 1 });
    expect(last.stats.rules.map((x) => x.name)).toEqual(first.stats.rules.map((x) => x.name));
    expect(first.stats.rules.map((x) => x.name)).toContain('name.initials+dob'); // the generic rules
    // Was 179 of 320 with the nameless rows first (Vietnamese keys, 3 rules).
    expect(found(last, lastRows)).toBe(found(first, firstRows));
    expect(found(first, firstRows)).toBeGreaterThanOrEqual(people.filter((p) => p.rid.endsWith('d')).length - 5);
    // A link samples both inputs: a left input of nameless rows does not decide it.
    const l1 = await link(nameless, named, { schema, idField: 'rid', threads: 1 });
    const l2 = await link(named, nameless, { schema, idField: 'rid', threads: 1 });
    expect(l1.stats.rules.map((x) => x.name)).toEqual(first.stats.rules.map((x) => x.name));
    expect(l2.stats.rules.map((x) => x.name)).toEqual(first.stats.rules.map((x) => x.name));
  });

  it('D33: an identifier holding an @ keeps its punctuation — two addresses that differ by a dot or a dash are two values; a number\'s separators stay formatting', async () => {
    const schema = {
      name: { kind: 'personName', locale: 'generic' },
      dob: { kind: 'date' },
      email: { kind: 'identifier' },
      phone: { kind: 'identifier' },
    } as const satisfies Record<string, FieldSpec>;
    const FIRST = ['Anna', 'Ben', 'Cara', 'Dan', 'Eve', 'Finn', 'Gina', 'Hugo'];
    const LAST = ['Smith', 'Jones', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Walker'];
    const rng = new Rng(33);
    const word = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[rng.int(26)]).join('');
    const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(10))).join('');
    // Twins: two people whose addresses have the same letters, punctuated differently
    // (j.smith@acme-corp.com / jsmith@acmecorp.com): one value when punctuation was dropped.
    const people: Array<{ name: string; dob: string; email: string; phone: string }> = [];
    for (let k = 0; k < 40; k++) {
      const [a, b, c, d] = [word(1 + rng.int(3)), word(4 + rng.int(4)), word(3 + rng.int(4)), word(3 + rng.int(3))];
      const sep = rng.pick(['.', '-', '_', '+']);
      const person = (i: number, email: string) => ({
        name: `${FIRST[(k + i) % FIRST.length]} ${LAST[(2 * k + 3 * i) % LAST.length]}`,
        dob: `19${50 + rng.int(40)}-0${1 + rng.int(9)}-1${rng.int(10)}`,
        email,
        phone: `09${digits(8)}`,
      });
      people.push(person(0, `${a}${sep}${b}@${c}-${d}.com`), person(1, `${a}${b}@${c}${d}.com`));
    }
    // Copies of some people: the address in capitals with spaces around, the phone with dashes.
    const copies = Array.from({ length: 10 }, (_, j) => {
      const p = people[4 * j]!;
      return { ...p, email: ` ${p.email.toUpperCase()} `, phone: `${p.phone.slice(0, 3)}-${p.phone.slice(3, 6)}-${p.phone.slice(6)}` };
    });
    const rows = [...people, ...copies];
    const r = await dedupe(rows, { schema, threads: 1, uSampleSize: 2000, pairFloor: 0 });
    const who = (row: number) => (row < people.length ? row : (row - people.length) * 4);
    let copiesFound = 0;
    for (let p = 0; p < r.pairs.count; p++) {
      const e = r.explain(p).fields;
      const email = e.find((f) => f.comparison === 'email')!.label;
      if (who(r.pairs.left[p]!) !== who(r.pairs.right[p]!)) expect(email).not.toBe('exact');
      else {
        expect(email).toBe('exact');
        expect(e.find((f) => f.comparison === 'phone')!.label).toBe('exact');
        copiesFound++;
      }
    }
    expect(copiesFound).toBe(copies.length);
    for (let k = 0; k < 40; k++) expect(r.clusters[2 * k]).not.toBe(r.clusters[2 * k + 1]);
    // A register stores and compares the same form.
    // IDs whose encoded birth year is the person's (province 001, a man of the 1900s).
    const idOf = (i: number) => `0010${people[i]!.dob.slice(2, 4)}${100000 + i}`;
    const reg = await Register.build({ id: { kind: 'nationalId' }, ...schema }, people.map((x, i) => ({ ...x, id: idOf(i) })), {});
    expect(reg.authenticate({ ...people[4]!, id: idOf(4) }).status).toBe('VERIFIED');
    expect(reg.authenticate({ ...copies[1]!, id: idOf(4) }).fields['email']!.result).toBe('equivalent');
    expect(reg.authenticate({ ...copies[1]!, id: idOf(4) }).fields['phone']!.result).toBe('equivalent');
    const twin = reg.authenticate({ ...people[4]!, id: idOf(4), email: people[5]!.email });
    expect(['close', 'mismatch']).toContain(twin.fields['email']!.result); // was "equivalent": the same letters
  });

  it('D36: one iterator (a generator, rows.values()) given as both sides of a link is refused, not a run whose right side read no row', async () => {
    const rows = baseRows();
    const model = (await link(rows, rows, { schema: SCHEMA, threads: 1, uSampleSize: 2000 })).model;
    async function* each(): AsyncGenerator<Record<string, unknown>> {
      yield* rows;
    }
    const message = 'link: left and right are one iterator, which can be read only once (the right side would get no rows); pass an array, or two iterators';
    for (const make of [() => rows.values(), () => each()]) {
      for (const options of [{ schema: SCHEMA, threads: 1 }, { schema: SCHEMA, threads: 1, model }]) {
        const it = make();
        // was: with a model, 0 right rows and 0 links, a plausible result; without one "0 on the right (0 rows read)"
        expect(await khopErrorOf(() => link(it, it, options))).toMatchObject({ code: 'INVALID_ARGUMENT', message });
      }
    }
    // A re-iterable read twice is a dataset linked to itself, as an array is.
    const set = new Set(rows);
    const self = await link(set, set, { schema: SCHEMA, threads: 1, model });
    expect(self.clusters.right).toHaveLength(rows.length);
    expect(self.links.count).toBeGreaterThanOrEqual(rows.length);
  });
});
