import fc from 'fast-check';
import { describe, it, expect, beforeAll } from 'vitest';
import { Register } from '../../src/register/register.js';
import { defaultRegisterModel } from '../../src/register/verdict-model.js';
import { registerLayout } from '../../src/register/register-layout.js';
import { defineSchema, type FieldSpec } from '../../src/schema.js';
import { parsePersonName } from '../../src/text/person-name.js';
import { KhopError, isKhopError } from '../../src/errors.js';
import type { Verdict } from '../../src/register/verdict.js';
import { ROWS, SCHEMA, build, claimOf } from './fixture.js';
import { INGEST_PROGRESS_EVERY } from '../../src/register/parallel-ingest.js';

let reg: Register;
beforeAll(async () => {
  reg = await build();
});

/** `field: result/reason` of one field of a verdict. */
function fieldOf(v: Verdict, field: string): string {
  const f = v.fields[field]!;
  return `${f.result}/${f.reason}`;
}

describe('Register.build', () => {
  it('accepts valid rows, rejects unusable ones with value-free reasons, accepted + rejected = input', async () => {
    const rows = [
      ...ROWS,
      { rid: 'X1', id: '0010900A2345', name: 'Bad Letters', dob: '01/01/1990', sex: 'Nam' },
      { rid: 'X2', name: 'No Id At All', dob: '01/01/1990' },
      { rid: 'X3', id: '001090012399', name: { first: 'Hidden' }, dob: '01/01/1990' },
      'not a row',
      { id: '001090012398', name: 'No Record Id' },
      { rid: 'X5', id: '001090012397', name: 'Date Broken', dob: '31/02/1990', sex: 'khác' },
    ];
    const r = await build({}, rows);
    expect(r.size).toBe(ROWS.length + 1);
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual([
      [8, 'INVALID_ID'],
      [9, 'INVALID_ID'],
      [10, 'WRONG_TYPE'],
      [11, 'NOT_AN_OBJECT'],
      [12, 'NO_RECORD_ID'],
    ]);
    for (const x of r.rejected) {
      expect(x.reason).not.toMatch(/0010900A2345|No Id|Hidden|not a row|No Record/);
    }
    // Unusable values of an accepted row become missing, and are counted.
    expect(r.issues.dob).toEqual({ 'date impossible-date': 1 });
    expect(r.issues.sex).toEqual({ 'sex unrecognised': 1 });
    const v = r.authenticate({ id: '001090012397', name: 'Date Broken', dob: '28/02/1990', sex: 'Nam' });
    expect(fieldOf(v, 'dob')).toBe('missing/record-missing');
  });

  it('counts rows that contradict their own ID (birth year, sex), keeps them, and answers them as the ID says', async () => {
    const rows = [
      { rid: 'C1', id: '001090012301', name: 'Lê Văn Tám', dob: '01/05/1991', sex: 'Nam', old: '' }, // ID says 1990
      { rid: 'C2', id: '001090012302', name: 'Lê Thị Hoa', dob: '01/05/1990', sex: 'Nữ', old: '' }, // ID says male
      { rid: 'C3', id: '001090012303', name: 'Lê Văn Ba', dob: '01/05/1990', sex: 'Nam', old: '' }, // agrees
      { rid: 'C4', id: '012345678', name: 'Lê Văn Bốn', dob: '01/05/1990', sex: 'Nữ', old: '' }, // CMND: encodes neither
    ];
    const r = await Register.build(SCHEMA, rows, { idField: 'rid', earlierIdsField: 'old' });
    expect(r.size).toBe(4);
    expect(r.issues.id).toEqual({ 'id contradicts the date of birth': 1, 'id contradicts the sex': 1 });
    expect(r.authenticate({ id: rows[0]!.id, name: rows[0]!.name, dob: rows[0]!.dob, sex: 'Nam' }).status).toBe('INCONSISTENT_ID');
  });

  it("a row source's own error passes through unchanged, even one carrying a pool error's code", async () => {
    const own = new KhopError('WORKER_FAILED', 'my upstream stream failed');
    for (const threads of [1, 2]) {
      const source = (function* () {
        yield* ROWS;
        throw own;
      })();
      await expect(Register.build(SCHEMA, source, { idField: 'rid', threads })).rejects.toBe(own);
    }
  });

  it("an array's read progress carries its length as the total; an iterable's has none", async () => {
    const rows = Array.from({ length: INGEST_PROGRESS_EVERY + 10 }, (_, i) => ({ ...ROWS[i % ROWS.length], rid: `r${i}` }));
    for (const source of [rows, rows.values()]) {
      const events: Array<{ phase: string; done: number; total?: number }> = [];
      await Register.build(SCHEMA, source, { idField: 'rid', threads: 1, onProgress: (e) => events.push(e as never) });
      const reads = events.filter((e) => e.phase === 'read');
      // The first event opens the phase before any row is read (a reporter times it from there).
      expect(reads.map((e) => e.done)).toEqual([0, INGEST_PROGRESS_EVERY, rows.length]);
      expect(events[0]).toMatchObject({ phase: 'read', done: 0 });
      expect(reads[0]!.total).toBe(Array.isArray(source) ? rows.length : undefined);
      expect(reads[1]!.total).toBe(Array.isArray(source) ? rows.length : undefined);
      expect(reads[2]!.total).toBe(rows.length);
    }
  });

  it('reads async iterables and reports progress with numbers only', async () => {
    async function* gen() {
      for (const r of ROWS) yield r;
    }
    const events: unknown[] = [];
    const r = await Register.build(SCHEMA, gen(), { idField: 'rid', onProgress: (e) => events.push(e) });
    expect(r.size).toBe(ROWS.length);
    expect(events.at(-1)).toMatchObject({ phase: 'index', final: true, unit: 'keys' });
    const reads = events.filter((e) => (e as { phase: string }).phase === 'read');
    expect(reads[0]).toMatchObject({ done: 0, unit: 'rows' });
    expect(reads.at(-1)).toMatchObject({ done: ROWS.length, final: true });
    for (const e of events) for (const v of Object.values(e as object)) expect(['string', 'number', 'boolean']).toContain(typeof v);
  });

  it('validates options once, naming the option', async () => {
    const bad = async (o: object, name: string) => {
      const e = await Register.build(SCHEMA, ROWS, o).catch((x: unknown) => x);
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      expect((e as Error).message).toContain(name);
    };
    await bad({ idField: '' }, 'idField');
    await bad({ earlierIdsField: 3 }, 'earlierIdsField');
    await bad({ candidateSearch: 'yes' }, 'candidateSearch');
    await bad({ threads: 0 }, 'threads');
    await bad({ threads: null }, 'threads'); // as dedupe and link: only undefined is the default
    await bad({ threads: 257 }, 'threads'); // 1..256, as everywhere (was 1..1024, capped silently)
    await bad({ maxPendingChanges: 0 }, 'maxPendingChanges');
    await bad({ onProgress: 1 }, 'onProgress');
    await bad({ firstRecordId: -1 }, 'firstRecordId');
    await bad({ firstRecordId: 1.5 }, 'firstRecordId');
    await bad({ firstRecordId: Number.MAX_SAFE_INTEGER }, 'firstRecordId'); // ids past 2^53 would repeat
    await bad({ firstRecordId: 1, idField: 'rid' }, 'firstRecordId');
    await bad({ colour: 'red' }, 'colour');
    await bad({ policy: { require: { name: ['exact', 'mismatch'] } } }, 'policy.require.name');
    await bad({ policy: { require: { nope: ['exact'] } } }, 'policy.require.nope');
    await expect(Register.build({ name: { kind: 'personName' } }, ROWS)).rejects.toMatchObject({ code: 'INVALID_SCHEMA' });
    await expect(Register.build(SCHEMA, 42 as unknown as object[])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('without idField the record id is the input position (rejected rows count)', async () => {
    const r = await Register.build(SCHEMA, [ROWS[0], { id: 'bad' }, ROWS[1]]);
    expect(r.authenticate(claimOf(0)).recordId).toBe(0);
    expect(r.authenticate(claimOf(1)).recordId).toBe(2);
  });

  it('firstRecordId numbers the records from it (1: the data-row numbers of a file), add() continues, and a snapshot keeps it', async () => {
    const r = await Register.build(SCHEMA, [ROWS[0], { id: 'bad' }, ROWS[1]], { firstRecordId: 1 });
    expect(r.authenticate(claimOf(0)).recordId).toBe(1);
    expect(r.authenticate(claimOf(1)).recordId).toBe(3);
    expect(r.rejected.map((x) => x.index)).toEqual([1]); // rejections keep the 0-based input position
    r.add([ROWS[2]]);
    expect(r.authenticate(claimOf(2)).recordId).toBe(4);
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'khop-first-id-'));
    try {
      await r.save(join(dir, 'r.khop'));
      const back = await Register.load(join(dir, 'r.khop'));
      back.add([ROWS[3]]);
      expect(back.authenticate(claimOf(3)).recordId).toBe(5);
      expect(back.authenticate(claimOf(0)).recordId).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps numeric record ids as numbers and string ids as strings', async () => {
    const r = await Register.build(SCHEMA, [{ ...ROWS[0], rid: 17 }, { ...ROWS[1], rid: '0018' }], { idField: 'rid' });
    expect(r.authenticate(claimOf(0)).recordId).toBe(17);
    expect(r.authenticate(claimOf(1)).recordId).toBe('0018');
  });
});

describe('authenticate: statuses', () => {
  it('VERIFIED: every field as written', () => {
    const v = reg.authenticate(claimOf(0));
    expect(v.status).toBe('VERIFIED');
    expect(v.recordId).toBe('P1');
    expect(v.matchedBy).toBe('id');
    expect(v.reason).toBeUndefined();
    expect(Object.values(v.fields).map((f) => f.result)).toEqual(['exact', 'exact', 'exact', 'exact']);
  });

  it('MISMATCH: found, policy fails, reason names the failing fields', () => {
    const v = reg.authenticate(claimOf(0, { name: 'Trần Văn Bình', dob: '20/07/1990' }));
    expect(v.status).toBe('MISMATCH');
    expect(v.recordId).toBe('P1');
    expect(v.reason).toBe('policy-failed: name, dob');
  });

  it('NOT_FOUND: well-formed, consistent, unknown', () => {
    const v = reg.authenticate(claimOf(0, { id: '001090012346' }));
    expect(v.status).toBe('NOT_FOUND');
    expect(v.recordId).toBeNull();
    expect(v.matchedBy).toBeNull();
    expect(v.weight).toBeNaN();
    expect(v.explanation).toBeNull();
    expect(fieldOf(v, 'id')).toBe('missing/not-found');
    expect(fieldOf(v, 'name')).toBe('missing/no-record');
  });

  it.each([
    ['0010900123', 'id-length'],
    ['00109001234X', 'id-non-digit'],
    ['999090012345', 'id-unknown-province'],
    ['', 'id-empty'],
    [undefined, 'id-empty'],
    [{ digits: 1 }, 'id-unsupported-type'],
  ])('INVALID_ID for %j (%s)', (id, reason) => {
    const v = reg.authenticate(claimOf(0, { id }));
    expect(v.status).toBe('INVALID_ID');
    expect(v.reason).toBe(reason);
    expect(fieldOf(v, 'id')).toBe(reason === 'id-empty' ? 'missing/claim-missing' : 'mismatch/invalid-id');
  });

  it.each([
    [{ sex: 'Nữ' }, 'sex-contradicts-id', ['sex', 'mismatch/contradicts-id']],
    [{ dob: '01/05/1991' }, 'birth-year-contradicts-id', ['dob', 'mismatch/contradicts-id']],
    [{ dob: '01/05/2090' }, 'century-contradicts-id', ['dob', 'mismatch/contradicts-id']],
    [{ dob: '1991', sex: 'F' }, 'birth-year-contradicts-id, sex-contradicts-id', ['sex', 'mismatch/contradicts-id']],
  ])('INCONSISTENT_ID before any lookup: %j', (changes, reason, [field, result]) => {
    // The claimed ID is not even in the register: consistency is decided first.
    const v = reg.authenticate(claimOf(0, { id: '001090777777', ...changes }));
    expect(v.status).toBe('INCONSISTENT_ID');
    expect(v.reason).toBe(reason);
    expect(fieldOf(v, 'id')).toBe('mismatch/contradicts-claim');
    expect(fieldOf(v, field!)).toBe(result);
    expect(v.candidates).toBeUndefined();
  });

  it('the century digit as Circular 07/2016/TT-BCA assigns it: a birth year after the current one is INVALID_ID, else consistency decides (oracle)', () => {
    const CENTURY = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 2300, 2300];
    const latest = new Date(Date.now() + 14 * 3600 * 1000).getUTCFullYear(); // the year somewhere on Earth (UTC+14)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1800, max: latest }), fc.boolean(), (g, yy, claimed, female) => {
        // 001 g yy 777777: not in the register, so a claim that gets past the checks is NOT_FOUND.
        const id = `001${g}${String(yy).padStart(2, '0')}777777`;
        const v = reg.authenticate({ id, name: 'Nguyễn Văn An', dob: `01/05/${claimed}`, sex: female ? 'Nữ' : 'Nam' });
        const year = CENTURY[g]! + yy;
        if (year > latest) return v.status === 'INVALID_ID' && v.reason === 'id-future-birth-year' && fieldOf(v, 'id') === 'mismatch/invalid-id';
        const consistent = year === claimed && (g % 2 === 1) === female;
        return v.status === (consistent ? 'NOT_FOUND' : 'INCONSISTENT_ID');
      }),
      { numRuns: 1000, seed: 71 },
    );
  });

  it('a 9-digit CMND is not checked for consistency (it encodes nothing)', () => {
    const v = reg.authenticate(claimOf(0, { id: '012345678', sex: 'Nam', dob: '01/05/1990' }));
    expect(v.status).toBe('VERIFIED');
  });

  it('AMBIGUOUS: one ID, two live records the other fields cannot tell apart', async () => {
    const twin = { ...ROWS[0], rid: 'P1b', old: '' };
    const r = await build({}, [...ROWS, twin]);
    const v = r.authenticate(claimOf(0));
    expect(v.status).toBe('AMBIGUOUS');
    expect(v.recordId).toBeNull();
    expect(v.matchedBy).toBe('id');
    expect(v.reason).toBe('several-records');
    expect(fieldOf(v, 'id')).toBe('exact/as-written');
    expect(fieldOf(v, 'name')).toBe('missing/ambiguous');
    expect(v.candidates!.map((c) => c.recordId)).toEqual(['P1', 'P1b']);
  });

  it('one ID, two records told apart by the other fields → the one that satisfies the policy', async () => {
    const reissued = { ...ROWS[0], rid: 'P9', name: 'Bùi Thị Lan', dob: '07/07/1990', old: '' };
    const r = await build({}, [...ROWS, reissued]);
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: 'P1' });
    expect(r.authenticate(claimOf(0, { name: 'Bùi Thị Lan', dob: '07/07/1990' }))).toMatchObject({ status: 'VERIFIED', recordId: 'P9' });
    // Neither satisfies the policy: the heavier one (name agrees) is the MISMATCH target.
    expect(r.authenticate(claimOf(0, { dob: '20/07/1990' }))).toMatchObject({ status: 'MISMATCH', recordId: 'P1' });
  });
});

describe('a register name the order guess flags (the register keeps its written order)', () => {
  // "Trần Quân Dương" is written family first, but Dương is a family name too and Quân a
  // common given name: the parser flags it family-name-last. Stored re-ordered, its exact text
  // was only "equivalent" and every close claim (middle name missing, typo, initial) a
  // mismatch; a claim without diacritics was flagged differently from the record.
  const row = { rid: 'Q1', id: '001090012399', name: 'Trần Quân Dương', dob: '01/05/1990', sex: 'Nam', old: '' };
  const control = { rid: 'Q2', id: '001090012398', name: 'Nguyễn Văn An', dob: '02/05/1990', sex: 'Nam', old: '' };
  let r: Register;
  beforeAll(async () => {
    r = await build({}, [row, control]);
  });
  const claim = (base: typeof row, name: string) => ({ id: base.id, name, dob: base.dob, sex: base.sex });
  it('the parser flags it (the premise of this test)', () => {
    expect(parsePersonName(row.name).likelyReversed).toBe(true);
    expect(parsePersonName(control.name).likelyReversed).toBe(false);
  });
  it.each([
    ['as written', 'Trần Quân Dương', 'Nguyễn Văn An', 'exact/as-written'],
    ['without diacritics', 'Tran Quan Duong', 'Nguyen Van An', 'equivalent/diacritics'],
    ['middle name missing', 'Trần Dương', 'Nguyễn An', 'close/middle-name-missing'],
    ['middle initial', 'Trần Q. Dương', 'Nguyễn V. An', 'close/middle-initial'],
    ['given name first', 'Dương Trần Quân', 'An Nguyễn Văn', 'equivalent/name-order'],
  ])('%s: the same result as a name the parser does not flag', (_label, flagged, plain, expected) => {
    expect(fieldOf(r.authenticate(claim(row, flagged)), 'name')).toBe(expected);
    expect(fieldOf(r.authenticate(claim(control, plain)), 'name')).toBe(expected);
  });
  it('"did you mean" finds it from a claim without an ID, with or without diacritics', () => {
    for (const name of ['Trần Quân Dương', 'Tran Quan Duong']) {
      const v = r.authenticate({ name, dob: row.dob, sex: row.sex });
      expect(v.candidates?.map((c) => c.recordId)).toEqual(['Q1']);
    }
  });
  it('"did you mean" finds it from a claim whose own guess differs (the middle name dropped)', () => {
    expect(parsePersonName('Trần Dương').likelyReversed).not.toBe(parsePersonName(row.name).likelyReversed);
    expect(r.authenticate({ name: 'Trần Dương', dob: row.dob, sex: row.sex }).candidates?.map((c) => c.recordId)).toEqual(['Q1']);
  });
  it('"did you mean" finds a register row written given name first from a claim written family first, and back', async () => {
    const reversed = await build({}, [{ ...control, name: 'An Nguyễn Văn' }, { ...row, rid: 'Q3', id: '001090012397', dob: '03/05/1990' }]);
    for (const name of ['Nguyễn Văn An', 'Nguyen Van An', 'An Nguyễn Văn']) {
      expect(reversed.authenticate({ name, dob: control.dob, sex: control.sex }).candidates?.map((c) => c.recordId)).toEqual(['Q2']);
    }
    // added rows (the delta index) are found alike
    await reversed.add([{ ...control, rid: 'Q4', id: '001090012396', name: 'Bình Lê Văn', dob: '04/05/1990' }]);
    expect(parsePersonName('Bình Lê Văn').likelyReversed).toBe(true);
    expect(reversed.authenticate({ name: 'Lê Văn Bình', dob: '04/05/1990', sex: 'Nam' }).candidates?.map((c) => c.recordId)).toEqual(['Q4']);
    expect(reversed.authenticate({ name: 'Bình Lê Văn', dob: '04/05/1990', sex: 'Nam' }).candidates?.map((c) => c.recordId)).toEqual(['Q4']);
  });
  it('"did you mean" still finds a record from a claim written given name first', () => {
    expect(parsePersonName('An Nguyễn Văn').likelyReversed).toBe(true);
    for (const name of ['An Nguyễn Văn', 'An Nguyen Van']) {
      expect(r.authenticate({ name, dob: control.dob, sex: control.sex }).candidates?.map((c) => c.recordId)).toEqual(['Q2']);
    }
  });
});

describe('authenticate: field results and reasons', () => {
  const cases: Array<[string, number, Record<string, unknown>, string, string]> = [
    // name
    ['name NFD', 0, { name: 'Nguyễn Văn An'.normalize('NFD') }, 'name', 'equivalent/unicode-form'],
    ['name half-composed', 0, { name: 'Nguyê\u0303n Văn An' }, 'name', 'equivalent/unicode-form'],
    ['name look-alike Ð', 6, { name: 'Ðặng Thu Thảo' }, 'name', 'equivalent/unicode-form'],
    ['name new-style tone', 1, { name: 'Trần Thị Thu Hoà' }, 'name', 'equivalent/tone-placement'],
    ['name upper case', 0, { name: 'NGUYỄN VĂN AN' }, 'name', 'equivalent/letter-case'],
    ['name title on upper', 2, { name: 'Nguyễn Thị Trâm' }, 'name', 'equivalent/letter-case'],
    ['name as written upper', 2, { name: ' NGUYỄN THỊ TRÂM ' }, 'name', 'exact/as-written'],
    ['name spacing', 0, { name: 'Nguyễn  Văn\tAn' }, 'name', 'equivalent/spacing'],
    ['name punctuation between words', 0, { name: 'Nguyễn-Văn-An' }, 'name', 'equivalent/spacing'],
    ['name punctuation after', 0, { name: 'Nguyễn Văn An.' }, 'name', 'equivalent/spacing'],
    ['name punctuation and a tone moved', 1, { name: 'Trần-Thị-Thu Hoà' }, 'name', 'equivalent/tone-placement'],
    ['name given first', 0, { name: 'An Nguyễn Văn' }, 'name', 'equivalent/name-order'],
    ['name canonical vs odd register form', 7, { name: 'hồ văn bình' }, 'name', 'equivalent/register-form'],
    ['name without diacritics', 0, { name: 'Nguyen Van An' }, 'name', 'equivalent/diacritics'],
    ['name other diacritics', 0, { name: 'Nguyễn Văn Ân' }, 'name', 'close/diacritics-differ'],
    ['name middle missing', 1, { name: 'Trần Thu Hòa' }, 'name', 'close/middle-name-missing'],
    ['name middle missing, no diacritics', 1, { name: 'Tran Hoa' }, 'name', 'close/middle-name-missing'],
    ['name dialect tr/ch', 2, { name: 'Nguyễn Thị Châm' }, 'name', 'close/dialect-spelling'],
    ['name dialect s/x', 0, { name: 'Nguyễn Văn Ang' }, 'name', 'close/dialect-spelling'],
    ['name typo', 3, { name: 'Lê Hoàng Lng' }, 'name', 'close/typo'],
    ['name order not detected', 3, { name: 'Hoàng Lê Long' }, 'name', 'close/name-order'],
    ['name differs', 0, { name: 'Trần Văn Bình' }, 'name', 'mismatch/differs'],
    ['name no letters', 0, { name: '?!' }, 'name', 'mismatch/invalid-name'],
    ['name not text', 0, { name: ['Nguyễn'] }, 'name', 'mismatch/invalid-name'],
    ['name missing', 0, { name: '  ' }, 'name', 'missing/claim-missing'],
    // date
    ['date as written', 2, { dob: '2000-02-29' }, 'dob', 'exact/as-written'],
    ['date unpadded as written', 7, { dob: '5/6/1999' }, 'dob', 'exact/as-written'],
    ['date other format', 0, { dob: '1990-05-01' }, 'dob', 'equivalent/date-format'],
    ['date yyyymmdd number', 0, { dob: 19900501 }, 'dob', 'equivalent/date-format'],
    ['date day-month swap', 0, { dob: '05/01/1990' }, 'dob', 'close/day-month-swap'],
    ['date one day', 0, { dob: '30/04/1990' }, 'dob', 'close/one-day'],
    ['date year only', 0, { dob: '1990' }, 'dob', 'close/year-only'],
    ['date month only', 0, { dob: '05/1990' }, 'dob', 'close/month-only'],
    ['date record partial', 3, { dob: '12/06/1972' }, 'dob', 'close/record-partial'],
    ['date same partial', 3, { dob: '1972' }, 'dob', 'exact/as-written'],
    ['date january first stand-in', 0, { dob: '01/01/1990' }, 'dob', 'close/january-first'],
    ['date differs', 0, { dob: '20/07/1990' }, 'dob', 'mismatch/differs'],
    ['date impossible', 0, { dob: '31/02/1990' }, 'dob', 'mismatch/invalid-date'],
    ['date missing', 0, { dob: null }, 'dob', 'missing/claim-missing'],
    // sex
    ['sex as written Nam', 0, { sex: 'Nam' }, 'sex', 'exact/as-written'],
    ['sex as written M', 4, { sex: 'M' }, 'sex', 'exact/as-written'],
    ['sex as written 1', 7, { sex: '1' }, 'sex', 'exact/as-written'],
    ['sex numeric claim', 7, { sex: 1 }, 'sex', 'exact/as-written'],
    ['sex other label', 0, { sex: 'male' }, 'sex', 'equivalent/sex-format'],
    ['sex unrecognised', 0, { sex: 'X' }, 'sex', 'mismatch/unrecognised'],
    ['sex missing', 0, { sex: undefined }, 'sex', 'missing/claim-missing'],
    // id
    ['id as written', 0, {}, 'id', 'exact/as-written'],
    ['id with spaces and dots', 0, { id: '001.090.012 345' }, 'id', 'equivalent/id-format'],
    ['id one lost zero', 1, { id: '79185001234' }, 'id', 'equivalent/lost-leading-zero'],
    ['id two lost zeros (number)', 0, { id: 1090012345 }, 'id', 'equivalent/lost-leading-zero'],
    ['id earlier CMND', 0, { id: '012345678' }, 'id', 'equivalent/earlier-id'],
  ];
  it.each(cases)('%s', (_label, row, changes, field, expected) => {
    const v = reg.authenticate(claimOf(row, changes));
    expect(fieldOf(v, field)).toBe(expected);
    expect(v.status === 'VERIFIED').toBe(v.reason === undefined);
  });

  it('a record without a sex gives missing/record-missing (default policy allows it)', async () => {
    const r = await build({}, [{ ...ROWS[0], sex: '' }]);
    const v = r.authenticate(claimOf(0));
    expect(fieldOf(v, 'sex')).toBe('missing/record-missing');
    expect(v.status).toBe('VERIFIED');
  });

  it('earlier ID: resolves to the person with matchedBy earlierId', () => {
    const v = reg.authenticate(claimOf(0, { id: '012345678' }));
    expect(v).toMatchObject({ status: 'VERIFIED', recordId: 'P1', matchedBy: 'earlierId' });
  });

  it('claims may use field names when the column is absent', async () => {
    const r = await Register.build({ id: { kind: 'nationalId', column: 'SoCCCD' }, name: { kind: 'personName', column: 'HoTen' } }, [
      { SoCCCD: '001090012345', HoTen: 'Nguyễn Văn An' },
    ]);
    expect(r.authenticate({ SoCCCD: '001090012345', HoTen: 'Nguyễn Văn An' }).status).toBe('VERIFIED');
    expect(r.authenticate({ id: '001090012345', name: 'Nguyễn Văn An' }).status).toBe('VERIFIED');
  });

  it('other kinds: category stored as a code, text folded', async () => {
    const schema = { ...SCHEMA, province: { kind: 'category' }, address: { kind: 'text' }, code: { kind: 'identifier' } } as const;
    const r = await Register.build(schema, [{ ...ROWS[0], province: 'Hà Nội', address: '12 Phố Huế', code: 'AB 12' }]);
    const f = (changes: Record<string, unknown>) => r.authenticate({ ...claimOf(0), ...changes }).fields;
    expect(f({ province: 'ha noi' }).province).toEqual({ result: 'exact', reason: 'as-written' });
    expect(f({ province: 'Hà Nội' }).province).toEqual({ result: 'equivalent', reason: 'folded' });
    expect(f({ province: 'Ha Noj' }).province).toEqual({ result: 'close', reason: 'typo' });
    expect(f({ province: 'Huế' }).province).toEqual({ result: 'mismatch', reason: 'differs' });
    expect(f({ address: '12 pho hue' }).address).toEqual({ result: 'exact', reason: 'as-written' });
    expect(f({ code: 'ab12' }).code).toEqual({ result: 'exact', reason: 'as-written' });
    expect(f({ code: 'AB-12' }).code).toEqual({ result: 'equivalent', reason: 'folded' });
    expect(f({}).province).toEqual({ result: 'missing', reason: 'claim-missing' });
  });
});

describe('authenticate: weight and explanation', () => {
  it('weight = FS prior + Σ field level weights, as FellegiSunterModel.explain computes it', () => {
    const model = defaultRegisterModel(registerLayout(defineSchema(SCHEMA), true));
    const levelOf: Record<string, number> = { exact: 1, equivalent: 2 };
    for (const c of [claimOf(0), claimOf(0, { name: 'Nguyen Van An', dob: '1990-05-01' })]) {
      const v = reg.authenticate(c);
      const levels = Object.values(v.fields).map((f) => levelOf[f.result]!);
      expect(v.weight).toBe(model.explain(levels).total);
      expect(v.explanation!.map((e) => e.weight)).toEqual(model.explain(levels).fields.map((f) => f.weight));
    }
  });

  it('weights order the evidence: exact > equivalent > close > mismatch', () => {
    const w = (changes: Record<string, unknown>) => reg.authenticate(claimOf(0, changes)).weight;
    const exact = w({});
    const equivalent = w({ name: 'Nguyen Van An' });
    const close = w({ name: 'Nguyễn An' });
    const mismatch = w({ name: 'Trần Văn Bình' });
    expect(exact).toBeGreaterThan(equivalent);
    expect(equivalent).toBeGreaterThan(close);
    expect(close).toBeGreaterThan(mismatch);
  });
});

describe('authenticate: policy', () => {
  it('a custom policy changes the status', async () => {
    const claim = claimOf(1, { name: 'Trần Thu Hòa', dob: '16/08/1985' }); // name close (middle name missing), date close (one day)
    expect(reg.authenticate(claim).status).toBe('MISMATCH');
    // A policy is applied over the default: accepting close names alone still requires the date.
    const closeNames = await build({ policy: { require: { id: ['exact', 'equivalent'], name: ['exact', 'equivalent', 'close'] } } });
    expect(closeNames.authenticate(claim).status).toBe('MISMATCH');
    expect(closeNames.authenticate(claimOf(1, { name: 'Trần Thu Hòa' })).status).toBe('VERIFIED');
    const lenient = await build({ policy: { require: { name: ['exact', 'equivalent', 'close'], date: ['exact', 'equivalent', 'close'] } } });
    expect(lenient.authenticate(claim).status).toBe('VERIFIED');
    const strict = await build({ policy: { require: { nationalId: ['exact'], name: ['exact'], sex: ['exact'] } } });
    expect(strict.authenticate(claimOf(0, { name: 'Nguyen Van An' })).status).toBe('MISMATCH');
    expect(strict.authenticate(claimOf(0, { sex: undefined })).status).toBe('MISMATCH');
    expect(strict.authenticate(claimOf(0)).status).toBe('VERIFIED');
    expect(strict.policy).toEqual({ require: { nationalId: ['exact'], name: ['exact'], sex: ['exact'] } });
  });

  it('a claimed 01/01 (the stand-in for an unknown birthday) is close to a January birthday as to any other of that year', async () => {
    const schema = defineSchema({ id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' } });
    const r = await Register.build(schema, [
      { recordId: 'jan', id: '001090000001', name: 'Nguyễn Văn An', dob: '20/01/1990' },
      { recordId: 'aug', id: '001090000002', name: 'Nguyễn Văn Bình', dob: '20/08/1990' },
      { recordId: 'st1', id: '001090000003', name: 'Nguyễn Văn Cường', dob: '01/01/1990' },
    ], { idField: 'recordId', policy: { require: { date: ['exact', 'equivalent', 'close'] } } });
    const claims = [
      { id: '001090000001', name: 'Nguyễn Văn An', dob: '01/01/1990' },
      { id: '001090000002', name: 'Nguyễn Văn Bình', dob: '01/01/1990' },
      { id: '001090000003', name: 'Nguyễn Văn Cường', dob: '20/01/1990' },
      { id: '001090000003', name: 'Nguyễn Văn Cường', dob: '20/08/1990' },
    ];
    const verdicts = claims.map((c) => r.authenticate(c));
    for (const v of verdicts) {
      expect(v.status).toBe('VERIFIED');
      expect(fieldOf(v, 'dob')).toBe('close/january-first');
    }
    expect(new Set(verdicts.map((v) => v.weight)).size).toBe(1);
  });

  it('kind keys apply to the primary field, field names win over kinds', async () => {
    const r = await build({ policy: { require: { date: ['exact', 'equivalent', 'close'], dob: ['exact'] } } });
    expect(r.authenticate(claimOf(0, { dob: '1990-05-01' })).status).toBe('MISMATCH');
  });
});

describe('authenticate: did you mean', () => {
  it('returns the best records sharing phonetic name + date of birth, the one-digit slip first', () => {
    const v = reg.authenticate(claimOf(0, { id: '001090012346' }));
    expect(v.candidates![0]!.recordId).toBe('P1');
    expect(v.candidates![0]!.fields!.id).toEqual({ result: 'close', reason: 'one-digit' });
    const t = reg.authenticate(claimOf(0, { id: '001090021345' }));
    expect(t.candidates![0]!.fields!.id).toEqual({ result: 'close', reason: 'transposition' });
    // Dialect spelling and no diacritics share the phonetic key.
    const d = reg.authenticate({ id: '036300004322', name: 'Nguyen Thi Cham', dob: '29/02/2000', sex: 'Nữ' });
    expect(d.candidates!.map((c) => c.recordId)).toEqual(['P3']);
    // An invalid ID searches too; an absent name or date finds nothing.
    expect(reg.authenticate(claimOf(0, { id: 'abc' })).candidates!.map((c) => c.recordId)).toEqual(['P1']);
    expect(reg.authenticate(claimOf(0, { id: 'abc', dob: undefined })).candidates).toEqual([]);
  });

  it('candidates: 0 disables, and a register without candidate search refuses k > 0', async () => {
    expect(reg.authenticate(claimOf(0, { id: '001090012346' }), { candidates: 0 }).candidates).toBeUndefined();
    const off = await build({ candidateSearch: false });
    expect(off.authenticate(claimOf(0, { id: '001090012346' })).candidates).toBeUndefined();
    expect(() => off.authenticate(claimOf(0), { candidates: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => reg.authenticate(claimOf(0), { candidates: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(off.stats().bytes.candidateIndex).toBe(0);
  });

  it('ranks by weight and returns at most k', async () => {
    const rows = [0, 1, 2, 3, 4].map((k) => ({ rid: `N${k}`, id: `00109001234${k}`, name: 'Nguyễn Văn An', dob: '01/05/1990', sex: k % 2 === 0 ? 'Nam' : 'Nữ' }));
    rows[1]!.id = '001190012341';
    rows[3]!.id = '001190012343';
    const r = await Register.build(SCHEMA, rows, { idField: 'rid' });
    const v = r.authenticate({ id: '001090012349', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' }, { candidates: 2 });
    expect(v.candidates).toHaveLength(2);
    expect(v.candidates![0]!.weight).toBeGreaterThanOrEqual(v.candidates![1]!.weight);
    expect(v.candidates!.every((c) => r.authenticate({ id: rows.find((x) => x.rid === c.recordId)!.id, name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam' }).status === 'VERIFIED')).toBe(true);
  });
});

describe('no personal data in reasons', () => {
  it('no verdict reason, field reason or error message contains a claimed value', async () => {
    const claims = [
      claimOf(0, { name: 'Xuyến Kiềuoanh', dob: '17/03/1990' }),
      claimOf(0, { id: '001090987654' }),
      claimOf(0, { id: '00109098765Q' }),
      claimOf(0, { sex: 'Nữ' }),
      claimOf(1, { name: 'Trần Thu Hòa', dob: '1985' }),
    ];
    for (const c of claims) {
      const v = reg.authenticate(c);
      const texts = [v.reason ?? '', ...Object.values(v.fields).map((f) => f.reason), ...(v.candidates ?? []).flatMap((x) => Object.values(x.fields ?? {}).map((f) => f.reason))];
      const values = Object.values(c).filter((x): x is string => typeof x === 'string');
      for (const t of texts) {
        for (const value of values) {
          for (const token of value.split(/[\s/.-]+/)) if (token.length >= 3) expect(t).not.toContain(token);
        }
      }
    }
    const e = (() => {
      try {
        reg.update('P1', { rid: 'P1', id: 'SECRET-1234', name: 'Secret Name' });
      } catch (x) {
        return x as Error;
      }
      return null;
    })();
    expect(isKhopError(e, 'INVALID_ROW')).toBe(true);
    expect(e!.message).not.toMatch(/SECRET|Secret/);
  });
});

describe('stats', () => {
  it('counts records and bytes', () => {
    const s = reg.stats();
    expect(s.records).toBe(ROWS.length);
    expect(s.deleted).toBe(0);
    expect(s.delta).toBe(0);
    expect(s.bytes.total).toBe(s.bytes.store + s.bytes.idIndex + s.bytes.earlierIdIndex + s.bytes.candidateIndex + s.bytes.delta + s.bytes.tombstones + s.bytes.recordIdIndex);
    expect(s.bytesPerRecord).toBeCloseTo(s.bytes.total / s.records);
    expect(s.bytes.idIndex).toBeGreaterThan(0);
  });

  it('refuses claims that are not objects', () => {
    expect(() => reg.authenticate(null as unknown as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => reg.authenticate('001090012345' as unknown as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('a category, text or identifier value written exactly as registered', () => {
  it('is exact also when its stored form codes letters of another script or an address\'s `_`; another case or spelling is equivalent', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' }, email: { kind: 'identifier' }, city: { kind: 'category' }, note: { kind: 'text' } } as const;
    const cases: Array<[Record<string, string>, Record<string, string>, Record<string, string>]> = [
      // [registered values, claim values, expected results]
      [{ email: 'иван_1@почта.рф', city: 'москва', note: 'ул ленина 5' }, { email: 'иван_1@почта.рф', city: 'москва', note: 'ул ленина 5' }, { email: 'exact', city: 'exact', note: 'exact' }],
      [{ email: 'an_nguyen@mail.vn', city: 'hanoi', note: 'so 5' }, { email: 'an_nguyen@mail.vn', city: 'hanoi', note: 'so 5' }, { email: 'exact', city: 'exact', note: 'exact' }],
      [{ email: 'иван_1@почта.рф', city: 'Москва', note: 'УЛ Ленина 5' }, { email: 'ИВАН_1@почта.рф', city: 'Москва', note: 'УЛ Ленина 5' }, { email: 'equivalent', city: 'equivalent', note: 'equivalent' }],
    ];
    for (const [stored, claimed, expected] of cases) {
      const base = { id: '001090012345', name: 'Nguyen Van An', dob: '1990-05-01' };
      const r = await Register.build(schema, [{ ...base, ...stored }], {});
      const v = r.authenticate({ ...base, ...claimed });
      for (const f of Object.keys(expected)) expect(v.fields[f]?.result, `${f} ${claimed[f]}`).toBe(expected[f]);
    }
  });
});

describe('every name and date field keeps its written form (written-form.ts)', () => {
  // Split name: ho is the first name field (slot 0), ten the second (slot 1); dob2 a second date;
  // n2, n3 fill the form byte's last slot and go past it (n3's style is kept in its cell).
  const SPLIT = {
    id: { kind: 'nationalId' },
    ho: { kind: 'familyName' },
    ten: { kind: 'givenName' },
    dob: { kind: 'date' },
    dob2: { kind: 'date' },
    n2: { kind: 'givenName' },
    n3: { kind: 'givenName' },
  } as const;
  const EXACT_ONLY = { require: { ho: ['exact'], ten: ['exact'], dob: ['exact'], dob2: ['exact'], n2: ['exact'], n3: ['exact'] } } as const;
  const base = { recordId: 'r1', id: '001090012345', ho: 'Nguyễn Văn', ten: 'Hòa', dob: '05/01/1990', dob2: '1990-01-05', n2: 'An', n3: 'Bình' };

  async function check(stored: Record<string, string>, claimed: Record<string, string>, expected: Record<string, string>, schema: Record<string, unknown> = SPLIT): Promise<void> {
    const row = { ...base, ...stored };
    const r = await Register.build(schema as typeof SPLIT, [row], { idField: 'recordId', policy: EXACT_ONLY, candidateSearch: false });
    const { recordId: _rid, ...claim } = { ...row, ...claimed };
    const v = r.authenticate(claim);
    for (const [f, want] of Object.entries(expected)) expect(fieldOf(v, f), `${f}: stored ${JSON.stringify(row[f as keyof typeof row])}, claimed ${JSON.stringify(claim[f as keyof typeof claim])}`).toBe(want);
  }

  it('a claim identical to the stored value is exact in every name field, whatever its case, Unicode form or spacing, and VERIFIED under an exact-only policy', async () => {
    for (const ten of ['Hòa', 'An', 'HOA', 'Mai Anh', 'hòa', 'Hòa'.normalize('NFD'), 'Mai  Anh', 'mAI Anh', 'Hoà']) {
      for (const field of ['ho', 'ten', 'n2', 'n3']) {
        const row = { ...base, [field]: ten };
        const r = await Register.build(SPLIT, [row], { idField: 'recordId', policy: EXACT_ONLY });
        const { recordId: _rid, ...claim } = row;
        const v = r.authenticate(claim);
        expect(fieldOf(v, field), `${field} = ${JSON.stringify(ten)}`).toBe('exact/as-written');
        expect(v.status, `${field} = ${JSON.stringify(ten)}`).toBe('VERIFIED');
      }
    }
  });

  it('another writing of the same name is equivalent with its reason, in a field with a form-byte slot and in one without', async () => {
    for (const field of ['ten', 'n3']) {
      await check({ [field]: 'Hòa' }, { [field]: 'hòa' }, { [field]: 'equivalent/letter-case' });
      await check({ [field]: 'Hòa' }, { [field]: 'HÒA' }, { [field]: 'equivalent/letter-case' });
      await check({ [field]: 'HÒA' }, { [field]: 'Hòa' }, { [field]: 'equivalent/letter-case' });
      await check({ [field]: 'Hòa' }, { [field]: 'Hoà' }, { [field]: 'equivalent/tone-placement' });
      // The register wrote the new style: the old style differs from its writing by the tone's
      // place (was register-form), its own placement in capitals by case (was tone-placement).
      await check({ [field]: 'Hoà' }, { [field]: 'Hòa' }, { [field]: 'equivalent/tone-placement' });
      await check({ [field]: 'Thuý' }, { [field]: 'THÚY' }, { [field]: 'equivalent/tone-placement' });
      await check({ [field]: 'Hoà' }, { [field]: 'HOÀ' }, { [field]: 'equivalent/letter-case' });
      await check({ [field]: 'Hòa' }, { [field]: 'Hòa'.normalize('NFD') }, { [field]: 'equivalent/unicode-form' });
      await check({ [field]: 'Hòa' }, { [field]: 'Hoa' }, { [field]: 'equivalent/diacritics' });
      // A register value written irregularly: a claim of its canonical form differs on the register's side.
      await check({ [field]: 'Hòa'.normalize('NFD') }, { [field]: 'Hòa' }, { [field]: 'equivalent/register-form' });
      await check({ [field]: 'Mai  Anh' }, { [field]: 'Mai Anh' }, { [field]: 'equivalent/register-form' });
      await check({ [field]: 'Hòa' }, { [field]: 'Hóa' }, { [field]: 'close/diacritics-differ' });
    }
  });

  it('a full name stored in NFD or with odd spacing is exact when claimed identically, equivalent otherwise', async () => {
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, dob: { kind: 'date' } } as const;
    for (const name of ['Nguyễn Văn Hòa'.normalize('NFD'), 'Nguyễn  Văn   Hòa', 'NGUYỄN Văn hòa', 'Nguyễn-Văn-Hòa']) {
      const r = await Register.build(schema, [{ id: '001090012345', name, dob: '05/01/1990' }], { policy: { require: { name: ['exact'] } } });
      const same = r.authenticate({ id: '001090012345', name, dob: '05/01/1990' });
      expect(fieldOf(same, 'name'), JSON.stringify(name)).toBe('exact/as-written');
      expect(same.status).toBe('VERIFIED');
      expect(r.authenticate({ id: '001090012345', name: 'Nguyễn Văn Hòa', dob: '05/01/1990' }).fields['name']!.result, JSON.stringify(name)).toBe('equivalent');
    }
  });

  it('a date claimed as the register wrote it is exact in every date field, under either day/month order; another format is equivalent', async () => {
    await check({ dob2: '05/01/1990' }, {}, { dob: 'exact/as-written', dob2: 'exact/as-written' });
    await check({ dob2: '05/01/1990' }, { dob2: '1990-01-05' }, { dob2: 'equivalent/date-format' });
    await check({ dob: '1990-01-05 00:00:00', dob2: '5.1.1990' }, {}, { dob: 'exact/as-written', dob2: 'exact/as-written' });
    await check({ dob: '1990-01-05 00:00:00', dob2: '5.1.1990' }, { dob: '1990-01-05', dob2: '05.01.1990' }, { dob: 'equivalent/date-format', dob2: 'equivalent/date-format' });
    // A writing no format renders (mixed widths) keeps the date only: at most equivalent, as documented.
    await check({ dob2: '05/1/1990' }, {}, { dob2: 'equivalent/date-format' });
    const mdy = { ...SPLIT, dob: { kind: 'date', order: 'mdy' }, dob2: { kind: 'date', order: 'mdy' } };
    await check({ dob: '01/05/1990', dob2: '1/5/1990' }, {}, { dob: 'exact/as-written', dob2: 'exact/as-written' }, mdy);
    await check({ dob: '01/05/1990', dob2: '1/5/1990' }, { dob: '1990-01-05', dob2: '01/05/1990' }, { dob: 'equivalent/date-format', dob2: 'equivalent/date-format' }, mdy);
  });

  it('the written forms survive save / load, compaction and add / update, and "did you mean" candidates report them', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const schema = { id: { kind: 'nationalId' }, name: { kind: 'personName' }, ten: { kind: 'givenName' }, dob: { kind: 'date' }, dob2: { kind: 'date' } } as const;
    const rows = [
      { rid: 'a', id: '001090012345', name: 'Nguyễn Văn Hòa'.normalize('NFD'), ten: 'Hòa', dob: '05/01/1990', dob2: '5.1.1990' },
      { rid: 'b', id: '001090054321', name: 'Trần  Thị Mai', ten: 'MAI', dob: '1990-03-02', dob2: '02-03-1990' },
    ];
    const r = await Register.build(schema, rows, { idField: 'rid' });
    r.add([{ rid: 'c', id: '001090099999', name: 'Lê Văn Tám'.normalize('NFD'), ten: 'Tám', dob: '1990', dob2: '1990.06.07' }]);
    r.update('b', { ...rows[1]!, ten: 'Mai' });
    const claims = [
      { ...rows[0]! },
      { ...rows[1]!, ten: 'Mai' },
      { rid: 'c', id: '001090099999', name: 'Lê Văn Tám'.normalize('NFD'), ten: 'Tám', dob: '1990', dob2: '1990.06.07' },
    ].map(({ rid: _rid, ...c }) => c);
    const allExact = (v: Verdict): string[] => Object.values(v.fields).map((f) => f.result);
    for (const c of claims) expect(allExact(r.authenticate(c))).toEqual(['exact', 'exact', 'exact', 'exact', 'exact']);
    const dir = await mkdtemp(join(tmpdir(), 'khop-forms-'));
    try {
      await r.save(join(dir, 'r.khop'));
      const back = await Register.load(join(dir, 'r.khop'));
      back.compact();
      for (const c of claims) expect(allExact(back.authenticate(c))).toEqual(['exact', 'exact', 'exact', 'exact', 'exact']);
      // Found by name + date of birth: the candidate's fields as the record's.
      const v = back.authenticate({ ...claims[0]!, id: '001090011111' });
      expect(v.status).toBe('NOT_FOUND');
      expect(v.candidates?.[0]?.recordId).toBe('a');
      expect(Object.entries(v.candidates![0]!.fields!).filter(([f]) => f !== 'id').map(([, x]) => x.result)).toEqual(['exact', 'exact', 'exact', 'exact']);
      const t = await back.authenticateAll(claims);
      for (let i = 0; i < claims.length; i++) expect(t.verdict(i)).toEqual(back.authenticate(claims[i]!));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a re-issued number: the current ID of one row and an earlier ID of another', () => {
  // P1 held the CMND 012345678 before its CCCD; the number now belongs to C1. Before the fix
  // the earlier-ID index was read only when no row held the number as its ID, so C1 hid P1:
  // P1's own claim with that number came back MISMATCH against C1.
  const holder = { rid: 'C1', id: '012345678', name: 'Đỗ Thị Hạnh', dob: '02/02/1960', sex: 'Nữ', old: '' };
  // The same with a CCCD: re-issued to a man born in 1990 like P1 (the ID's encoded year and sex
  // fit both, so no INCONSISTENT_ID before the lookup). R1 held it earlier, P1 holds it now.
  const earlierHolder = { rid: 'R1', id: '001090055555', name: 'Bùi Văn Hùng', dob: '07/07/1990', sex: 'Nam', old: '001090012345' };
  const fitsP1 = claimOf(0, { id: '012345678' });
  const fitsC1 = { id: holder.id, name: holder.name, dob: holder.dob, sex: holder.sex };
  const fitsR1 = { id: ROWS[0].id, name: earlierHolder.name, dob: earlierHolder.dob, sex: earlierHolder.sex };
  let r: Register;
  beforeAll(async () => {
    r = await build({}, [...ROWS, holder, earlierHolder]);
  });

  it('a claim fitting the earlier holder matches them, by the earlier ID', () => {
    const v = r.authenticate(fitsP1);
    expect(v).toMatchObject({ status: 'VERIFIED', recordId: 'P1', matchedBy: 'earlierId' });
    expect(fieldOf(v, 'id')).toBe('equivalent/earlier-id');
    expect(fieldOf(v, 'name')).toBe('exact/as-written');
    const w = r.authenticate(fitsR1);
    expect(w).toMatchObject({ status: 'VERIFIED', recordId: 'R1', matchedBy: 'earlierId' });
    expect(fieldOf(w, 'id')).toBe('equivalent/earlier-id');
  });

  it('a claim fitting the current holder still matches the current holder', () => {
    const v = r.authenticate(fitsC1);
    expect(v).toMatchObject({ status: 'VERIFIED', recordId: 'C1', matchedBy: 'id' });
    expect(fieldOf(v, 'id')).toBe('exact/as-written');
    expect(r.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: 'P1', matchedBy: 'id' });
  });

  it('neither fits: the better-agreeing holder is the MISMATCH target; a tie goes to the current holder', () => {
    // The name agrees with the earlier holder, the date with nobody.
    expect(r.authenticate({ ...fitsP1, dob: '09/09/1999' })).toMatchObject({ status: 'MISMATCH', recordId: 'P1', matchedBy: 'earlierId' });
    expect(r.authenticate({ ...fitsC1, dob: '09/09/1999' })).toMatchObject({ status: 'MISMATCH', recordId: 'C1', matchedBy: 'id' });
    // Nothing but the number: the other fields cannot place the claim.
    const idOnly = r.authenticate({ id: '012345678' });
    expect(idOnly).toMatchObject({ recordId: 'C1', matchedBy: 'id' });
    expect(r.authenticate({ id: ROWS[0].id })).toMatchObject({ recordId: 'P1', matchedBy: 'id' });
  });

  it('both satisfy the policy equally: the current holder', async () => {
    const twin = { ...ROWS[0], rid: 'T1', id: '001090066666', old: ROWS[0].id };
    const t = await build({}, [...ROWS, twin]);
    expect(t.authenticate(claimOf(0))).toMatchObject({ status: 'VERIFIED', recordId: 'P1', matchedBy: 'id' });
  });

  it('the same verdicts in batches and for a holder added after the build (delta index)', async () => {
    const claims = [fitsP1, fitsC1, fitsR1, { ...fitsP1, dob: '09/09/1999' }, { id: '012345678' }];
    const single = claims.map((c) => r.authenticate(c));
    const batched: Verdict[] = [];
    for await (const v of r.authenticateMany(claims, { batchSize: 2, threads: 1 })) batched.push(v);
    expect(batched).toEqual(single);
    // On a worker pool (a verdict crossing threads is a structured clone: compared as data).
    const pooled: Verdict[] = [];
    for await (const v of r.authenticateMany(claims, { batchSize: 2, threads: 2 })) pooled.push(v);
    expect(JSON.parse(JSON.stringify(pooled))).toEqual(JSON.parse(JSON.stringify(single)));
    const added = await build({}, ROWS);
    added.add([holder, earlierHolder]);
    expect(claims.map((c) => added.authenticate(c))).toEqual(single);
  });
});

describe('claims given as class instances (fields read through prototype getters)', () => {
  class Claim {
    constructor(private readonly row: Record<string, unknown>) {}
    get id(): unknown {
      return this.row.id;
    }
    get name(): unknown {
      return this.row.name;
    }
    get dob(): unknown {
      return this.row.dob;
    }
    get sex(): unknown {
      return this.row.sex;
    }
  }
  class Sub extends Claim {}

  it('a getter is read like an own property (bad-input.md D01c)', () => {
    const plain = reg.authenticate(claimOf(1));
    expect(plain.status).toBe('VERIFIED');
    for (const c of [new Claim(claimOf(1)), new Sub(claimOf(1))]) {
      const v = reg.authenticate(c);
      expect(v).toEqual(plain);
    }
    // The getters' values are compared, not just found: a wrong date through a getter mismatches.
    expect(reg.authenticate(new Claim(claimOf(1, { dob: '16/08/1985' })))).toMatchObject({ status: 'MISMATCH', recordId: 'P2' });
  });

  it('the same in batches and on a pool', async () => {
    const claims = [new Claim(claimOf(0)), new Claim(claimOf(2, { name: 'Nguyen Thi Tram' })), new Sub(claimOf(3))];
    const single = claims.map((c) => reg.authenticate(c));
    expect(single.map((v) => v.status)).toEqual(['VERIFIED', 'VERIFIED', 'VERIFIED']);
    for (const threads of [1, 2]) {
      const out: Verdict[] = [];
      for await (const v of reg.authenticateMany(claims, { batchSize: 2, threads })) out.push(v);
      expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(single)));
    }
  });

  it('an inherited Object.prototype member or a method is no field value', async () => {
    // Fields whose names are Object.prototype members: absent from the claim, they are missing,
    // not a function read from Object.prototype (which would be a bad value: mismatch).
    // Built as a Map: an object literal's `toString` / `valueOf` keys clash with Object's in TypeScript.
    const schema: Record<string, FieldSpec> = Object.fromEntries(
      new Map<string, FieldSpec>([
        ['id', { kind: 'nationalId' }],
        ['toString', { kind: 'text' }],
        ['valueOf', { kind: 'category' }],
        ['name', { kind: 'personName' }],
      ]),
    );
    const r = await Register.build(schema, [
      { id: ROWS[0].id, toString: 'a', valueOf: 'b', name: ROWS[0].name },
    ]);
    class Bare {
      get id(): string {
        return ROWS[0].id;
      }
      // A method named like a field: behaviour, not a value.
      name(): string {
        return 'x';
      }
    }
    for (const c of [{ id: ROWS[0].id }, new Bare(), Object.assign(Object.create(null) as object, { id: ROWS[0].id })]) {
      const v = r.authenticate(c);
      expect(v.recordId).toBe(0);
      expect(v.fields.toString).toMatchObject({ result: 'missing', reason: 'claim-missing' });
      expect(v.fields.valueOf).toMatchObject({ result: 'missing', reason: 'claim-missing' });
      expect(v.fields.name).toMatchObject({ result: 'missing', reason: 'claim-missing' });
    }
    // An Error as a claim: Error.prototype.name ("Error") is not a person's name.
    const e = Object.assign(new Error('x'), { id: ROWS[0].id });
    expect(r.authenticate(e).fields.name).toMatchObject({ result: 'missing', reason: 'claim-missing' });
    // Nor a DOMException's (an AbortSignal's reason): its name is a getter on its own prototype.
    const d = Object.assign(new DOMException('x', 'AbortError'), { id: ROWS[0].id });
    expect(r.authenticate(d).fields.name).toMatchObject({ result: 'missing', reason: 'claim-missing' });
  });
});
