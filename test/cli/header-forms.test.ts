// F40: the command line finds a column named in one Unicode form (--map, --schema, --id-field,
// --earlier-ids, a link's right header, a claims header) in a header written in the other —
// "Họ tên" composed (NFC) and decomposed (NFD, as macOS and some exporters write it).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, csvObjects, tempDir } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());

const nfc = (s: string) => s.normalize('NFC');
const nfd = (s: string) => s.normalize('NFD');
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em', 'Vũ Thị Phương'];

/** Rows with a record id "Mã số", an ID, a name and a date: 30 people, each twice with `rows` 60. */
function people(form: (s: string) => string, file: string, extra = false, count = 60): void {
  const rows = [[form('Mã số'), 'so_cccd', form('Họ tên'), form('Ngày sinh'), ...(extra ? [form('Số CMND cũ')] : [])].join(',')];
  for (let i = 0; i < count; i++) {
    const p = i % 30;
    rows.push([`M${i}`, `0010900${10000 + p}`, `${NAMES[p % 6]} ${p}`, `${String(1 + (p % 28)).padStart(2, '0')}/0${1 + (p % 9)}/1990`, ...(extra ? [''] : [])].join(','));
  }
  writeFileSync(join(t.dir, file), rows.join('\n') + '\n');
}

describe('column names in another Unicode form than the header', () => {
  people(nfd, 'nfd.csv');
  people(nfc, 'nfc.csv');

  it('dedupe: --map, --id-field and --schema written composed find a decomposed header, and the reverse', async () => {
    writeFileSync(join(t.dir, 'schema-nfc.json'), JSON.stringify({ id: { kind: 'nationalId', column: 'so_cccd' }, name: { kind: 'personName', column: nfc('Họ tên') }, dob: { kind: 'date', column: nfc('Ngày sinh') } }));
    for (const [file, form] of [['nfd.csv', nfc], ['nfc.csv', nfd]] as const) {
      const map = await cli(['dedupe', file, '-o', `map-${file}`, '-q', '--map', `id=so_cccd,name=${form('Họ tên')},dob=${form('Ngày sinh')}`, '--id-field', form('Mã số')], t.dir);
      expect([map.code, map.stderr], file).toEqual([0, '']);
      const clusters = csvObjects(readFileSync(join(t.dir, `map-${file}`), 'utf8'));
      expect(clusters.map((c) => c['record_id'])).toEqual(Array.from({ length: 60 }, (_, i) => `M${i}`));
      // Each person's two rows are one cluster (the name and date were read: a column read as
      // missing everywhere is refused, INVALID_SCHEMA).
      for (let p = 0; p < 30; p++) expect(clusters[p]!['cluster_id'], `M${p}`).toBe(clusters[p + 30]!['cluster_id']);
    }
    const schema = await cli(['dedupe', 'nfd.csv', '-o', 'schema.csv', '-q', '--schema', 'schema-nfc.json'], t.dir);
    expect([schema.code, schema.stderr]).toEqual([0, '']);
  });

  it('link: a right file whose header is decomposed reads the left (composed) columns; --id-field-right too', async () => {
    const r = await cli(['link', 'nfc.csv', 'nfd.csv', '-o', 'links.csv', '-q', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', nfc('Mã số'), '--id-field-right', nfc('Mã số')], t.dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const links = csvObjects(readFileSync(join(t.dir, 'links.csv'), 'utf8'));
    // Each left row links to the right rows of the same person (2 each).
    expect(links.length).toBe(120);
  });

  it('register build --earlier-ids and authenticate: the claims header decomposed, the register composed', async () => {
    people(nfc, 'reg.csv', true, 30);
    const build = await cli(['register', 'build', 'reg.csv', '-o', 'reg.khop', '-q', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', nfd('Mã số'), '--earlier-ids', nfd('Số CMND cũ')], t.dir);
    expect([build.code, build.stderr]).toEqual([0, '']);
    const auth = await cli(['authenticate', '--register', 'reg.khop', 'nfd.csv', '-o', 'verdicts.csv'], t.dir);
    expect(auth.code).toBe(0);
    expect(auth.stderr).not.toContain('no column for the register');
    const verdicts = csvObjects(readFileSync(join(t.dir, 'verdicts.csv'), 'utf8'));
    expect(verdicts).toHaveLength(60);
    expect(new Set(verdicts.map((v) => `${v['status']} ${v['name']} ${v['dob']}`))).toEqual(new Set(['VERIFIED exact exact']));
  });
});

describe('column names in other letter case than the header (F53)', () => {
  const upper = (s: string) => s.toUpperCase();

  it('dedupe: --map and --id-field in other case read the header\'s columns, said in one note — header names only (F53; fixed: "not in the header")', async () => {
    people(nfc, 'lower.csv');
    const exact = await cli(['dedupe', 'lower.csv', '-o', 'exact.csv', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', nfc('Mã số')], t.dir);
    const r = await cli(['dedupe', 'lower.csv', '-o', 'upper.csv', '--map', `id=SO_CCCD,name=${upper('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', 'mã SỐ'], t.dir);
    expect([exact.code, r.code]).toEqual([0, 0]);
    expect(r.stderr).toContain(`note: lower.csv has no columns "mã SỐ", "SO_CCCD", "HỌ TÊN" as written: read from its columns "Mã số", "so_cccd", "Họ tên" (the same names in other letter case)`);
    expect(exact.stderr).not.toContain('letter case');
    // The same clusters as the run that named the columns as written: every value was read.
    expect(readFileSync(join(t.dir, 'upper.csv'), 'utf8')).toBe(readFileSync(join(t.dir, 'exact.csv'), 'utf8'));
    expect(r.stderr).not.toMatch(/Nguyễn|0010900/);
  });

  it('authenticate: a claims header in capitals reads the register\'s columns (F53; fixed: "no column for the register\'s ID field")', async () => {
    people(nfc, 'reg-case.csv', false, 30);
    const build = await cli(['register', 'build', 'reg-case.csv', '-o', 'reg-case.khop', '-q', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`], t.dir);
    expect(build.code).toBe(0);
    const claims = readFileSync(join(t.dir, 'reg-case.csv'), 'utf8').split('\n');
    writeFileSync(join(t.dir, 'claims-upper.csv'), [upper(claims[0]!), ...claims.slice(1)].join('\n'));
    const auth = await cli(['authenticate', '--register', 'reg-case.khop', 'claims-upper.csv', '-o', 'v-upper.csv'], t.dir);
    expect(auth.code).toBe(0);
    expect(auth.stderr).toContain(`note: claims-upper.csv has no columns "so_cccd", "Họ tên", "Ngày sinh" as written: read from its columns "SO_CCCD", "HỌ TÊN", "NGÀY SINH" (the same names in other letter case)`);
    const verdicts = csvObjects(readFileSync(join(t.dir, 'v-upper.csv'), 'utf8'));
    expect(verdicts).toHaveLength(30);
    expect(new Set(verdicts.map((v) => `${v['status']} ${v['name']} ${v['dob']}`))).toEqual(new Set(['VERIFIED exact exact']));
  });

  it('register build: --earlier-ids in other case reads the header\'s column, said in a note (F53; fixed: matched without one)', async () => {
    people(nfc, 'reg-earlier.csv', true, 30);
    const map = ['--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', nfc('Mã số')];
    // One person's earlier ID (an old 9-digit CMND) in the column.
    const lines = readFileSync(join(t.dir, 'reg-earlier.csv'), 'utf8').split('\n');
    lines[1] = lines[1]!.replace(/,$/, ',123456789');
    writeFileSync(join(t.dir, 'reg-earlier.csv'), lines.join('\n'));
    const exact = await cli(['register', 'build', 'reg-earlier.csv', '-o', 'earlier-exact.khop', ...map, '--earlier-ids', nfc('Số CMND cũ')], t.dir);
    const r = await cli(['register', 'build', 'reg-earlier.csv', '-o', 'earlier-upper.khop', ...map, '--earlier-ids', upper('Số CMND cũ')], t.dir);
    expect([exact.code, r.code]).toEqual([0, 0]);
    expect(r.stderr).toContain(`note: reg-earlier.csv has no column "${upper('Số CMND cũ')}" as written: read from its column "${nfc('Số CMND cũ')}" (the same name in other letter case)`);
    expect(exact.stderr).not.toContain('letter case');
    expect(r.stderr).not.toContain('123456789');
    // The earlier ID was read: a claim with it finds the person.
    const claim = lines[1]!.split(',');
    writeFileSync(join(t.dir, 'claim-earlier.csv'), `so_cccd,${nfc('Họ tên')},${nfc('Ngày sinh')}\n123456789,${claim[2]},${claim[3]}\n`);
    const auth = await cli(['authenticate', '--register', 'earlier-upper.khop', 'claim-earlier.csv', '-o', 'v-earlier.csv', '-q'], t.dir);
    expect(auth.code).toBe(0);
    expect(csvObjects(readFileSync(join(t.dir, 'v-earlier.csv'), 'utf8'))[0]!['status']).toBe('VERIFIED');
  });

  it('two columns equal but for case are refused naming both, unless the name is written as one of them (F53)', async () => {
    const rows = ['so_cccd,SO_CCCD,ho_ten,ngay_sinh', ...Array.from({ length: 20 }, (_, i) => `0010900${10000 + i},,${NAMES[i % 6]} ${i},01/01/1990`)];
    writeFileSync(join(t.dir, 'twice.csv'), rows.join('\n') + '\n');
    const r = await cli(['dedupe', 'twice.csv', '-o', 'twice-out.csv', '--map', 'id=So_Cccd,name=ho_ten,dob=ngay_sinh'], t.dir);
    expect([r.code, r.stderr.trim()]).toEqual([2, 'khop: error: invalid column mapping: entry 1: column "So_Cccd" is not in the header of twice.csv as written, and "so_cccd" and "SO_CCCD" differ from it in letter case only: name the column to read as the header writes it']);
    // The register's column in the claims twice by case: refused the same, naming the claims file.
    people(nfc, 'reg-twice.csv', false, 30);
    expect((await cli(['register', 'build', 'reg-twice.csv', '-o', 'reg-twice.khop', '-q', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`], t.dir)).code).toBe(0);
    writeFileSync(join(t.dir, 'claims-twice.csv'), ['So_Cccd,SO_CCCD,ho_ten,ngay_sinh', ...rows.slice(1)].join('\n') + '\n');
    const a = await cli(['authenticate', '--register', 'reg-twice.khop', 'claims-twice.csv', '-o', 'v-twice.csv', '--map', 'name=ho_ten,dob=ngay_sinh'], t.dir);
    expect([a.code, a.stderr.trim()]).toEqual([2, 'khop: error: column "so_cccd" is not in the header of claims-twice.csv as written, and "So_Cccd" and "SO_CCCD" differ from it in letter case only: name the column to read as the header writes it']);
    // --map naming one of them as written reads it.
    const mapped = await cli(['authenticate', '--register', 'reg-twice.khop', 'claims-twice.csv', '-o', 'v-twice.csv', '--map', 'id=So_Cccd,name=ho_ten,dob=ngay_sinh'], t.dir);
    expect(mapped.code).toBe(0);
    // Written as the header writes one of them: read, no note.
    const ok = await cli(['dedupe', 'twice.csv', '-o', 'twice-out.csv', '--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh'], t.dir);
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toContain('letter case');
  });

  it('link: --map-right and --id-field-right in other case find the right file\'s columns (F53; fixed: "not in the header")', async () => {
    people(nfc, 'right-lower.csv');
    const r = await cli(['link', 'nfc.csv', 'right-lower.csv', '-o', 'links-case.csv', '--map', `id=so_cccd,name=${nfc('Họ tên')},dob=${nfc('Ngày sinh')}`, '--id-field', nfc('Mã số'), '--map-right', 'id=SO_CCCD', '--id-field-right', 'MÃ SỐ'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: right-lower.csv has no columns "SO_CCCD", "MÃ SỐ" as written: read from its columns "so_cccd", "Mã số" (the same names in other letter case)');
    expect(csvObjects(readFileSync(join(t.dir, 'links-case.csv'), 'utf8')).length).toBe(120);
  });
});
