import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_NAME_KINDS, joinedHeaderDelimiter, loadSchema, looksLikeNationalIds, type SchemaRequest } from '../../src/cli/schema-loading.js';
import { Rng } from '../../src/util/rng.js';
import { suggestColumnMapping } from '../../src/io/column-mapping.js';
import { FIELD_KINDS } from '../../src/schema.js';
import { isKhopError } from '../../src/errors.js';
import { cli, tempDir } from './cli-helpers.js';
import { generatePopulation } from '../../src/synth/population.js';
import { parseDate } from '../../src/text/date.js';
import { parseNationalId } from '../../src/text/national-id.js';

const t = tempDir();
afterAll(() => t.remove());

const HEADERS = ['STT', 'Số CCCD', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Tỉnh', 'Ghi chú'];
const req = (extra: Partial<SchemaRequest>): SchemaRequest => ({ headers: HEADERS, inputLabel: 'x.csv', strictColumns: true, ...extra });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isKhopError(e) ? e.code : 'other';
  }
}

describe('loadSchema', () => {
  it('guesses from a Vietnamese header with diacritics; the record-id column becomes the id field', async () => {
    const c = await loadSchema(req({}));
    expect(c.schema.toJSON()).toEqual({
      id: { kind: 'nationalId', column: 'Số CCCD' },
      name: { kind: 'personName', column: 'Họ và tên' },
      dob: { kind: 'date', column: 'Ngày sinh' },
      sex: { kind: 'sex', column: 'Giới tính' },
      province: { kind: 'category', column: 'Tỉnh' },
    });
    expect(c.idField).toBe('STT');
    expect(c.notes.join('\n')).toMatch(/Ghi chú\s+→ not used/);
  });

  it('an explicit --id-field wins over the recognised record-id column, which is then not used', async () => {
    const c = await loadSchema(req({ idField: 'Ghi chú' }));
    expect(c.idField).toBe('Ghi chú');
    expect(c.schema.fields.some((f) => f.column === 'STT' || f.column === 'Ghi chú')).toBe(false);
    expect(c.notes.join('\n')).toMatch(/STT\s+→ not used \(a record id/);
  });

  it('a second record-id look-alike (`id` beside `recordId`) is not compared, and the note says how to use it', async () => {
    const c = await loadSchema(req({ headers: ['recordId', 'id', 'fullName', 'dob'] }));
    expect(c.idField).toBe('recordId');
    expect(c.schema.fields.map((f) => f.column)).toEqual(['fullName', 'dob']);
    expect(c.notes.join('\n')).toMatch(/ id\s+→ not used \(a record id like column 1; if it holds ID numbers, name it in --map or --schema\)/);
    // any other look-alike keeps the plain note
    const d = await loadSchema(req({ headers: ['ho_ten', 'full_name', 'dob'] }));
    expect(d.notes.join('\n')).toMatch(/full_name\s+→ not used \(same field as column 1\)/);
  });

  it('a guessed record-id column whose values are national ID numbers is the ID field, when no other column is one', async () => {
    const people = [...generatePopulation({ size: 300, seed: 12, duplicateRate: 0.2 })];
    const ids = people.map((p) => p.id);
    const asked: string[] = [];
    const sample = (values: readonly unknown[]) => async (column: string) => {
      asked.push(column);
      return values;
    };
    const header = ['id', 'ho_ten', 'ngay_sinh'];
    const c = await loadSchema({ headers: header, inputLabel: 'x.csv', strictColumns: true, sampleColumn: sample(ids) });
    expect(c.schema.fields.map((f) => [f.name, f.kind, f.column])).toEqual([
      ['id', 'nationalId', 'id'],
      ['name', 'personName', 'ho_ten'],
      ['dob', 'date', 'ngay_sinh'],
    ]);
    expect(c.idField).toBeUndefined();
    expect(c.notes.join('\n')).toContain('id                 → id (nationalId) (its values are ID numbers, not record ids)');
    // The record-id look-alike is sampled for ID numbers, the date column for its date order.
    expect(asked).toEqual(['id', 'ngay_sinh']);
    // A surrogate key (1, 2, 3…, or codes) stays the record id; so does any column when another is the ID.
    const serial = await loadSchema({ headers: header, inputLabel: 'x.csv', strictColumns: true, sampleColumn: sample(people.map((_, i) => String(i + 1))) });
    expect([serial.idField, serial.schema.fields.some((f) => f.kind === 'nationalId')]).toEqual(['id', false]);
    asked.length = 0;
    const other = await loadSchema({ headers: ['id', 'so_cccd', 'ho_ten'], inputLabel: 'x.csv', strictColumns: true, sampleColumn: sample(ids) });
    expect([other.idField, asked]).toEqual(['id', []]);
    // --id-field names it: the user's word wins.
    const named = await loadSchema({ headers: header, inputLabel: 'x.csv', strictColumns: true, idField: 'id', sampleColumn: sample(ids) });
    expect([named.idField, named.schema.fields.some((f) => f.kind === 'nationalId')]).toEqual(['id', false]);
    // Beside another record-id look-alike, in either order: the one holding ID numbers is the
    // ID field, the other the record id.
    const bySample = async (column: string) => (column === 'id' ? ids : people.map((_, i) => String(i + 1)));
    for (const headers of [['id', 'stt', 'ho_ten'], ['stt', 'id', 'ho_ten']]) {
      const two = await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true, sampleColumn: bySample });
      expect([two.idField, two.schema.fields.map((f) => `${f.name}:${f.column}`)]).toEqual(['stt', ['id:id', 'name:ho_ten']]);
    }
    // A keyed register guesses no record id: such a column is its ID field, not unused.
    const keyed = await loadSchema({ headers: header, inputLabel: 'x.csv', strictColumns: true, noGuessedId: 'keyed', sampleColumn: sample(ids) });
    expect(keyed.schema.fields[0]!.kind).toBe('nationalId');
  });

  it('looksLikeNationalIds: nine in ten non-empty values IDs, half of them 12-digit; seeded mixes', () => {
    const people = [...generatePopulation({ size: 400, seed: 3, duplicateRate: 0 })];
    const cccd = people.map((p) => p.id).filter((id) => {
      const p = parseNationalId(id);
      return p.ok && p.kind === 'cccd';
    });
    expect(cccd.length).toBeGreaterThan(300);
    const rng = new Rng(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 20 + rng.int(100);
      const bad = rng.int(n);
      const empty = rng.int(20);
      const values: unknown[] = [];
      for (let i = 0; i < n; i++) values.push(i < bad ? `R${i}` : cccd[rng.int(cccd.length)]);
      for (let i = 0; i < empty; i++) values.push(rng.next() < 0.5 ? '' : null);
      expect(looksLikeNationalIds(values)).toBe(n - bad >= 0.9 * n);
    }
    expect(looksLikeNationalIds([])).toBe(false);
    expect(looksLikeNationalIds(['', null, undefined])).toBe(false);
    expect(looksLikeNationalIds(['123456789', '234567890', '345678901'])).toBe(false); // 9-digit only: a serial number as likely as a CMND
  });

  it('--map: kinds from known field names, else from the column header, else from the field name', async () => {
    const c = await loadSchema(req({ map: 'id=Số CCCD,hoTen=Họ và tên,ngay_sinh=Ngày sinh,tinhThanh=Tỉnh' }));
    expect(c.schema.toJSON()).toEqual({
      id: { kind: 'nationalId', column: 'Số CCCD' },
      hoTen: { kind: 'personName', column: 'Họ và tên' }, // from the header
      ngay_sinh: { kind: 'date', column: 'Ngày sinh' },
      tinhThanh: { kind: 'category', column: 'Tỉnh' },
    });
    // `id` is the national ID even on a column the guesser would call a record id
    const d = await loadSchema(req({ map: 'id=STT' }));
    expect(d.schema.fields[0]!.kind).toBe('nationalId');
  });

  it('--map: an unknown kind, an unknown column, or both --map and --schema are usage errors', async () => {
    expect(await code(loadSchema(req({ map: 'foo=Ghi chú' })))).toBe('INVALID_ARGUMENT');
    expect(await code(loadSchema(req({ map: 'name=Ho va ten' })))).toBe('INVALID_ARGUMENT');
    expect(await code(loadSchema(req({ map: 'name=Họ và tên', schemaPath: '/x.json' })))).toBe('INVALID_ARGUMENT');
    expect(await code(loadSchema(req({ idField: 'nope' })))).toBe('INVALID_ARGUMENT');
  });

  it('--map: a field named like an Object.prototype member is an ordinary name, __proto__ refused (fixed: dropped unseen)', async () => {
    // `__proto__=Giới tính` replaced the definition's prototype: the sex field vanished from the
    // schema, the mapping line said "__proto__ ([object Object])" and the run went on (exit 0).
    const proto = await loadSchema(req({ map: 'id=Số CCCD,name=Họ và tên,__proto__=Giới tính' })).catch((e: unknown) => e);
    expect(isKhopError(proto) && proto.code).toBe('INVALID_SCHEMA');
    expect(String((proto as Error).message)).toContain('field name "__proto__" is not allowed');
    // `toString` took Object.prototype.toString as its kind ("unknown kind undefined"): its kind comes from the column.
    const c = await loadSchema(req({ map: 'id=Số CCCD,name=Họ và tên,toString=Giới tính,valueOf=Tỉnh' }));
    expect(c.schema.toJSON()).toEqual({
      id: { kind: 'nationalId', column: 'Số CCCD' },
      name: { kind: 'personName', column: 'Họ và tên' },
      toString: { kind: 'sex', column: 'Giới tính' },
      valueOf: { kind: 'category', column: 'Tỉnh' },
    });
    expect(FIELD_NAME_KINDS['toString']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'kind')).toBe(false);
  });

  it('--id-field, --id-field-right, --earlier-ids naming __proto__ / constructor / prototype: refused before any work, saying why, as --map (V14b)', async () => {
    // A header that has such columns: the refusal is about the name, not a missing column.
    writeFileSync(join(t.dir, 'proto.csv'), 'so_cccd,ho_ten,__proto__,constructor,prototype\n001090012345,Nguyễn Văn An,r1,r2,r3\n');
    const runs: Array<[string[], string, string]> = [
      [['dedupe', 'proto.csv', '--id-field', '__proto__', '-o', 'o.csv'], '--id-field', '__proto__'],
      [['dedupe', 'proto.csv', '--id-field', 'constructor', '-o', 'o.csv'], '--id-field', 'constructor'],
      [['analyze-blocking', 'proto.csv', '--id-field', 'prototype'], '--id-field', 'prototype'],
      [['link', 'proto.csv', 'proto.csv', '--id-field', '__proto__', '-o', 'o.csv'], '--id-field', '__proto__'],
      [['link', 'proto.csv', 'proto.csv', '--id-field-right', 'constructor', '-o', 'o.csv'], '--id-field-right', 'constructor'],
      [['register', 'build', 'proto.csv', '--id-field', '__proto__', '-o', 'r.khop'], '--id-field', '__proto__'],
      [['register', 'build', 'proto.csv', '--earlier-ids', 'constructor', '-o', 'r.khop'], '--earlier-ids', 'constructor'],
    ];
    for (const [argv, option, name] of runs) {
      const r = await cli(argv, t.dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe(`khop: error: ${option}: column "${name}" is not allowed: it cannot be a field or column name because in JavaScript "${name}" is ${
        name === '__proto__' ? "an object's prototype: setting it replaces the prototype instead of storing a value" : name === 'constructor' ? 'a member every object inherits (the function that made it), read as a value where the column is absent' : "the member holding a function's prototype object"
      }; rename the column in the file\n`);
    }
    // --map gives the same reason
    const map = await cli(['dedupe', 'proto.csv', '--map', 'id=so_cccd,__proto__=ho_ten', '-o', 'o.csv'], t.dir);
    expect(map.code).toBe(2);
    expect(map.stderr).toContain('field name "__proto__" is not allowed: it cannot be a field or column name because in JavaScript "__proto__" is an object\'s prototype');
  });

  it('--schema: columns must be in a complete header; NDJSON only gets a note', async () => {
    const path = join(t.dir, 's.json');
    writeFileSync(path, '\uFEFF' + JSON.stringify({ 'Số CCCD': { kind: 'nationalId' }, hoten: { kind: 'personName', column: 'Ho ten' } }));
    expect(await code(loadSchema(req({ schemaPath: path })))).toBe('INVALID_SCHEMA');
    const c = await loadSchema(req({ schemaPath: path, strictColumns: false }));
    expect(c.schema.fields.map((f) => f.column)).toEqual(['Số CCCD', 'Ho ten']);
    expect(c.notes.join('\n')).toContain('"Ho ten"');
    expect(await code(loadSchema(req({ schemaPath: join(t.dir, 'missing.json') })))).toBe('IO_ERROR');
  });

  it('--schema: a key given twice is refused naming it, wherever it is (F45; fixed: JSON.parse kept the last value unseen)', async () => {
    const refused = async (text: string): Promise<string> => {
      const path = join(t.dir, 'dup.json');
      writeFileSync(path, text);
      const e = await loadSchema(req({ schemaPath: path })).catch((x: unknown) => x);
      expect(isKhopError(e) && e.code, text).toBe('INVALID_SCHEMA');
      return (e as Error).message;
    };
    // a field defined twice: the first definition was lost
    expect(await refused('{"Số CCCD":{"kind":"nationalId"},"Họ và tên":{"kind":"personName"},"Số CCCD":{"kind":"text"}}')).toMatch(
      /dup\.json has the key "Số CCCD" twice at the top level: JSON would keep only the last value/,
    );
    // `kind` twice in one field: the name was read as free text
    expect(await refused('{"Số CCCD":{"kind":"nationalId"},"Họ và tên":{"kind":"personName","column":"Họ và tên","kind":"text"}}')).toContain('the key "kind" twice in "Họ và tên"');
    // compared after unescaping, as JSON.parse reads it (a BOM before it is allowed)
    expect(await refused('\uFEFF{"Số CCCD":{"kind":"nationalId","\\u006bind":"text"}}')).toContain('the key "kind" twice in "Số CCCD"');
    // the same key in two objects is fine
    const path = join(t.dir, 'ok.json');
    writeFileSync(path, '{"Số CCCD":{"kind":"nationalId"},"Họ và tên":{"kind":"personName"}}');
    expect((await loadSchema(req({ schemaPath: path }))).schema.fields.map((f) => f.kind)).toEqual(['nationalId', 'personName']);
  });

  it('khop dedupe --schema with a repeated key: exit 2, the key named, its control characters escaped (F45)', async () => {
    writeFileSync(join(t.dir, 'in.csv'), 'Số CCCD,Họ và tên\n001090012345,Nguyễn Văn An\n');
    writeFileSync(join(t.dir, 'esc.json'), '{"Số CCCD":{"kind":"nationalId"},"a\\u001bb":{"kind":"text"},"a\\u001bb":{"kind":"text"}}');
    const r = await cli(['dedupe', 'in.csv', '--schema', 'esc.json', '-o', 'out.csv'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('esc.json has the key "a\\u001bb" twice at the top level');
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('Nguyễn');
    // the rules file is read the same way
    writeFileSync(join(t.dir, 'rules.json'), '[{"name":"id","parts":[{"column":"id"}],"parts":[]}]');
    const rules = await cli(['dedupe', 'in.csv', '--rules', 'rules.json', '-o', 'out.csv'], t.dir);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain('rules.json has the key "parts" twice in [0]');
  });

  it('no recognisable column is a schema error; no column at all is an input error', async () => {
    expect(await code(loadSchema({ headers: ['a', 'b'], inputLabel: 'x', strictColumns: true }))).toBe('INVALID_SCHEMA');
    expect(await code(loadSchema({ headers: [], inputLabel: 'x', strictColumns: true }))).toBe('INVALID_INPUT');
  });

  it('a header that is a record (a file without a header line) is refused INVALID_INPUT naming positions, never values', async () => {
    // seeded: the first record of synthetic files, as the guesser would have read it
    let refused = 0;
    let rows = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const p of generatePopulation({ size: 200, seed, duplicateRate: 0.2 })) {
        rows++;
        const headers = [p.recordId, p.id, p.fullName, p.dob, p.sex, p.province, p.address];
        let err: unknown = null;
        try {
          await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true });
        } catch (e) {
          err = e;
        }
        const hasValue = parseNationalId(p.id).ok || (parseDate(p.dob).ok && (parseDate(p.dob) as { precision: string }).precision !== 'year');
        if (hasValue) {
          expect(isKhopError(err) && err.code).toBe('INVALID_INPUT');
        }
        if (isKhopError(err) && err.code === 'INVALID_INPUT') {
          refused++;
          expect(err.message).toMatch(/is the header line missing\?/);
          for (const v of headers.slice(1)) if (v.trim().length >= 3) expect(err.message).not.toContain(v.trim());
        }
      }
    }
    expect(refused / rows).toBeGreaterThan(0.95);
    // with --map the header is neither guessed from nor echoed
    const c = await loadSchema(req({ headers: ['0', '079216667865', 'ho_ten', 'ngay_sinh'], map: 'name=ho_ten,dob=ngay_sinh' }));
    expect(c.schema.fields.map((f) => f.name)).toEqual(['name', 'dob']);
  });

  it('FIELD_NAME_KINDS agrees with the guesser: every field it assigns has that kind', () => {
    expect(Object.values(FIELD_NAME_KINDS).every((k) => FIELD_KINDS.includes(k))).toBe(true);
    const headers = ['cccd', 'cmnd', 'ho_ten', 'ho', 'ten', 'ten_dem', 'ngay_sinh', 'gioi_tinh', 'tinh', 'thanh_pho', 'huyen', 'xa', 'que_quan', 'noi_sinh', 'dia_chi', 'dan_toc', 'quoc_tich', 'email', 'so_dien_thoai', 'so_bhxh', 'so_the_bhyt', 'ma_so_thue'];
    for (const s of suggestColumnMapping(headers)) {
      if (s.field === null) continue;
      expect(FIELD_NAME_KINDS[s.field], s.header).toBe(s.kind);
    }
  });

  it('reads a guessed or --map date column month first when its first values can only be month first, and says so', async () => {
    const us = ['12/31/1990', '01/13/1985', '05/06/1990', '', '1990-02-03'];
    const vn = ['31/12/1990', '13/01/1985', '05/06/1990'];
    const sample = (byColumn: Record<string, readonly unknown[]>) => async (column: string) => byColumn[column] ?? [];
    const headers = ['first_name', 'surname', 'dob', 'city'];
    const guessed = await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true, sampleColumn: sample({ dob: us }) });
    expect(guessed.schema.fields.find((f) => f.name === 'dob')!.spec).toEqual({ kind: 'date', column: 'dob', order: 'mdy' });
    expect(guessed.notes.join('\n')).toContain('note: dates in "dob" are read month first (2 of its first values can only be month first, none only day first)');
    const mapped = await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true, map: 'givenName=first_name,dob=dob', sampleColumn: sample({ dob: us }) });
    expect(mapped.schema.fields.find((f) => f.name === 'dob')!.spec.order).toBe('mdy');
    // Day first, no evidence, or no sampler: the default (day first), no note.
    for (const sampleColumn of [sample({ dob: vn }), sample({ dob: ['05/06/1990', '1990-12-31'] }), undefined]) {
      const c = await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true, ...(sampleColumn ? { sampleColumn } : {}) });
      expect(c.schema.fields.find((f) => f.name === 'dob')!.spec.order).toBeUndefined();
      expect(c.notes.join('\n')).not.toContain('month first');
    }
    // Both kinds: day first, and the note names the counts and how to choose — never a value.
    const mixed = await loadSchema({ headers, inputLabel: 'x.csv', strictColumns: true, sampleColumn: sample({ dob: [...us, ...vn] }) });
    expect(mixed.schema.fields.find((f) => f.name === 'dob')!.spec.order).toBeUndefined();
    const note = mixed.notes.join('\n');
    expect(note).toContain('"dob" has dates written day first (2) and month first (2) in its first values: read day first');
    for (const v of [...us, ...vn].filter((x) => x.length > 0)) expect(note).not.toContain(v);
  });

  it('joinedHeaderDelimiter: the character that cuts a one-column header into known names, else null', async () => {
    expect(joinedHeaderDelimiter('so_cccd:ho_ten:ngay_sinh:gioi_tinh')).toBe(':');
    expect(joinedHeaderDelimiter('id^full_name^dob')).toBe('^');
    expect(joinedHeaderDelimiter('Họ và tên # Ngày sinh')).toBe('#');
    for (const one of ['ho_ten', 'Họ và tên', 'ngay_sinh (dd/mm/yyyy)', 'so_cccd:', 'ghi_chu:x', 'full-name', "o'neil.name"]) expect(joinedHeaderDelimiter(one), one).toBeNull();
    // Only for a CSV read as one column; the message names the character, never a value.
    const e = await loadSchema({ headers: ['so_cccd:ho_ten:ngay_sinh'], inputLabel: 'x.csv', strictColumns: true, inputFormat: 'csv' }).catch((x: unknown) => x);
    expect(isKhopError(e) && e.code === 'INVALID_INPUT' && e.message.includes(`give --delimiter ':'`)).toBe(true);
    expect(await code(loadSchema({ headers: ['ho_ten'], inputLabel: 'x.csv', strictColumns: true, inputFormat: 'csv' }))).toBe('ok');
    expect(await code(loadSchema({ headers: ['so_cccd:ho_ten'], inputLabel: 'x.ndjson', strictColumns: false, inputFormat: 'ndjson', map: 'name=so_cccd:ho_ten' }))).toBe('ok');
    // Names the guesser does not know, joined: no column recognised, and the message asks about the delimiter.
    const unknown = await loadSchema({ headers: ['col_a^col_b^col_c'], inputLabel: 'x.csv', strictColumns: true, inputFormat: 'csv' }).catch((x: unknown) => x);
    expect(isKhopError(unknown) && unknown.code === 'INVALID_SCHEMA' && unknown.message.endsWith(`give --map or --schema (it was read as one column: if its delimiter is "^", give --delimiter '^')`)).toBe(true);
    for (const [headers, format] of [[['col a b'], 'csv'], [['col_a^col_b'], 'ndjson'], [['col_a', 'col_b'], 'csv'], [['col_a^'], 'csv']] as const) {
      const e = await loadSchema({ headers: [...headers], inputLabel: 'x', strictColumns: true, inputFormat: format }).catch((x: unknown) => x);
      expect(isKhopError(e) && e.code === 'INVALID_SCHEMA' && !e.message.includes('--delimiter')).toBe(true);
    }
  });
});
