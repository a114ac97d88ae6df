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
