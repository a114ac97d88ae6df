import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairwiseMetrics } from '../../src/eval/pairwise.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { cli, csvObjects, leakedValues, tempDir, writePeopleCsv, type CliRun, type PeopleFixture } from './cli-helpers.js';

const tmp = tempDir();
let fx: PeopleFixture;
let run: CliRun;

beforeAll(async () => {
  fx = writePeopleCsv(tmp.dir, 'dan_cu.csv', 300, 11);
  run = await cli(['dedupe', 'dan_cu.csv', '-o', 'clusters.csv', '--pairs', 'pairs.csv', '--report', 'report.html'], tmp.dir);
});
afterAll(() => tmp.remove());

describe('khop dedupe on a Vietnamese CSV (BOM, CRLF, quoted newlines, bad rows)', () => {
  it('finishes with exit code 1 because rows were rejected', () => {
    expect(run.stderr).not.toContain('khop: error');
    expect(run.code).toBe(1);
  });

  it('guesses the column mapping from the Vietnamese header and prints it', () => {
    expect(run.stderr).toMatch(/so_cccd\s+→ id \(nationalId\)/);
    expect(run.stderr).toMatch(/ho_ten\s+→ name \(personName\)/);
    expect(run.stderr).toMatch(/ngay_sinh\s+→ dob \(date\)/);
    expect(run.stderr).toMatch(/gioi_tinh\s+→ sex \(sex\)/);
    expect(run.stderr).toMatch(/stt\s+→ record id/);
    expect(run.stderr).toMatch(/ghi_chu\s+→ not used/);
    // One line for reading and preparing the rows (they are prepared as they are read), then the phases after.
    expect(run.stderr).toMatch(/^read \+ prepare: [\d,]+ bytes in /m);
    expect(run.stderr).not.toMatch(/^prepare:/m);
    expect(run.stderr).toMatch(/^index: [\d,]+ rows in /m);
  });

  it('accounts for every row: input = accepted + rejected, in the summary and the files', () => {
    const rejected = fx.unreadableRows.length + fx.emptyRows.length;
    const accepted = fx.dataRows - rejected;
    expect(run.stderr).toContain(`input rows:      ${fx.dataRows} = ${accepted} accepted + ${rejected} rejected (2 unreadable, 1 unusable)`);
    const clusters = csvObjects(readFileSync(join(tmp.dir, 'clusters.csv'), 'utf8'));
    expect(clusters.length).toBe(accepted);
    expect(clusters.map((c) => Number(c.row_number))).toEqual([...fx.personByRow.keys()]);
    const rej = csvObjects(readFileSync(join(tmp.dir, 'clusters.csv.rejected.csv'), 'utf8'));
    expect(rej.map((r) => [Number(r.row_number), r.stage])).toEqual(
      [...fx.unreadableRows.map((n) => [n, 'read']), ...fx.emptyRows.map((n) => [n, 'prepare'])].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(rej.find((r) => r.code === 'TOO_FEW_COLUMNS')?.raw).toBe('x,"only",three');
    expect(rej.find((r) => r.code === 'TOO_MANY_COLUMNS')).toBeDefined();
    expect(rej.find((r) => r.stage === 'prepare')?.code).toBe('NO_VALUES');
  });

  it('writes record ids from the recognised id column and clusters that match the truth', () => {
    const clusters = csvObjects(readFileSync(join(tmp.dir, 'clusters.csv'), 'utf8'));
    // stt = 1000 + position in the population; the population has no bad rows
    const popIndexByRow = new Map([...fx.personByRow.keys()].map((row, i) => [row, i]));
    for (const c of clusters) expect(c.record_id).toBe(String(1000 + popIndexByRow.get(Number(c.row_number))!));
    const truth = clusters.map((c) => fx.personByRow.get(Number(c.row_number))!);
    const predicted = clusters.map((c) => Number(c.cluster_id));
    const m = pairwiseMetrics({ truth, predictedClusters: predicted });
    expect(m.truthPairs).toBeGreaterThan(20);
    expect(m.f1).toBeGreaterThan(0.8);
    // A cluster id is the smallest record id of its cluster.
    const smallest = new Map<string, string>();
    for (const c of clusters) if (!smallest.has(c.cluster_id!) || c.record_id! < smallest.get(c.cluster_id!)!) smallest.set(c.cluster_id!, c.record_id!);
    for (const [cid, min] of smallest) expect(cid).toBe(min);
  });

  it('writes matched pairs whose rows share a cluster (unless two different 12-digit IDs keep them apart), with probability ≥ the threshold', () => {
    const clusters = new Map(csvObjects(readFileSync(join(tmp.dir, 'clusters.csv'), 'utf8')).map((c) => [c.row_number!, c.cluster_id!]));
    const pairs = csvObjects(readFileSync(join(tmp.dir, 'pairs.csv'), 'utf8'));
    expect(pairs.length).toBeGreaterThan(0);
    expect(run.stderr).toContain(`matched pairs:   ${pairs.length}`);
    const id12 = (row: string) => (fx.idByRow.get(Number(row)) ?? '').replace(/\D/g, '').padStart(12, '0');
    for (const p of pairs) {
      if (clusters.get(p.left_row!) !== clusters.get(p.right_row!)) {
        // kept apart by the cannot-link rule: both sides hold (different) well-formed IDs
        expect(fx.idByRow.get(Number(p.left_row))).toMatch(/\d{10,12}/);
        expect(fx.idByRow.get(Number(p.right_row))).toMatch(/\d{10,12}/);
        expect(id12(p.left_row!)).not.toBe(id12(p.right_row!));
        continue;
      }
      expect(clusters.get(p.left_row!)).toBe(clusters.get(p.right_row!));
      expect(Number(p.probability)).toBeGreaterThanOrEqual(0.5);
      expect(Number.isFinite(Number(p.weight))).toBe(true);
    }
  });

  it('writes a self-contained HTML report without record values', () => {
    const html = readFileSync(join(tmp.dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('khop dedupe — dan_cu.csv');
    expect(html).toMatch(/row \d+/);
    expect(leakedValues(html, fx.values)).toEqual([]);
  });

  it('prints no record value on stderr', () => {
    expect(leakedValues(run.stderr, fx.values)).toEqual([]);
  });
});

describe('khop dedupe: formats, mappings and exit codes', () => {
  const t = tempDir();
  afterAll(() => t.remove());

  it('exits 0 on a clean NDJSON file with --map, writing NDJSON clusters to stdout', async () => {
    const lines = [
      { cccd: '001090012345', ten: 'Nguyễn Văn An', sinh: '01/05/1990' },
      { cccd: '001090012345', ten: 'Nguyen Van An', sinh: '1990-05-01' },
      { cccd: '079185000111', ten: 'Trần Thị Bích', sinh: '12/12/1985' },
    ];
    writeFileSync(join(t.dir, 'a.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await cli(['dedupe', 'a.ndjson', '--map', 'id=cccd,name=ten,dob=sinh', '--format', 'ndjson', '-q'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { row_number: number; record_id: number; cluster_id: number });
    expect(rows.map((x) => x.row_number)).toEqual([1, 2, 3]);
    expect(rows.map((x) => x.record_id)).toEqual([1, 2, 3]);
    expect(existsSync(join(t.dir, 'a.ndjson.rejected.csv'))).toBe(false);
  });

  it('a column named id that holds the CCCD numbers is compared as the ID, not taken as record ids (nor by register build)', async () => {
    const people = [...generatePopulation({ size: 150, seed: 19, duplicateRate: 0.3 })].filter((p) => /^\d{12}$/.test(p.id));
    const csv = ['id,ho_ten,ngay_sinh,gioi_tinh', ...people.map((p) => [p.id, `"${p.fullName}"`, p.dob, p.sex].join(','))].join('\n') + '\n';
    writeFileSync(join(t.dir, 'ids.csv'), csv);
    const r = await cli(['dedupe', 'ids.csv', '-o', 'ids-clusters.csv'], t.dir);
    expect(r.stderr).toContain('id                 → id (nationalId) (its values are ID numbers, not record ids)');
    expect(r.code).toBe(0); // no second record of a person rejected DUPLICATE_ID
    const out = csvObjects(readFileSync(join(t.dir, 'ids-clusters.csv'), 'utf8'));
    expect(out.map((x) => x.record_id)).toEqual(people.map((_, i) => String(i + 1)));
    const ids = new Set(people.map((p) => p.id));
    expect(out.filter((x) => ids.has(x.record_id!) || ids.has(x.cluster_id!))).toEqual([]);
    // Records of one person (the same ID) share a cluster.
    const byId = new Map<string, Set<string>>();
    people.forEach((p, i) => byId.set(p.id, (byId.get(p.id) ?? new Set()).add(out[i]!.cluster_id!)));
    expect([...byId.values()].filter((s) => s.size > 1).length).toBeLessThanOrEqual(2);
    expect(people.length - new Set(people.map((p) => p.id)).size).toBeGreaterThan(10);
    const built = await cli(['register', 'build', 'ids.csv', '-o', 'ids.khop', '-q'], t.dir);
    expect([built.code, built.stderr]).toEqual([0, '']);
  });

  it('NDJSON ids that are JSON numbers: record_id, cluster_id and a register\'s verdict record_id are one type (text), so they join', async () => {
    const lines = [
      { rid: 17, cccd: '001090012345', ten: 'Nguyễn Văn An', sinh: '01/05/1990' },
      { rid: 4, cccd: '001090012346', ten: 'Nguyen Van An', sinh: '1990-05-01' },
      { rid: 9, cccd: '079185000111', ten: 'Trần Thị Bích', sinh: '12/12/1985' },
    ];
    writeFileSync(join(t.dir, 'num.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const map = ['--map', 'id=cccd,name=ten,dob=sinh', '--id-field', 'rid'];
    const r = await cli(['dedupe', 'num.ndjson', ...map, '--format', 'ndjson', '-q'], t.dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { record_id: unknown; cluster_id: unknown });
    expect(rows.map((x) => x.record_id)).toEqual(['17', '4', '9']);
    // (three rows do not train a model that merges: each is its own cluster, named by its id)
    expect(rows.map((x) => x.cluster_id)).toEqual(['17', '4', '9']);
    const b = await cli(['register', 'build', 'num.ndjson', ...map, '-o', 'num.khop', '-q'], t.dir);
    expect(b.code).toBe(0);
    const a = await cli(['authenticate', '--register', 'num.khop', 'num.ndjson', '--map', 'id=cccd,name=ten,dob=sinh', '--format', 'ndjson', '-q'], t.dir);
    const verdicts = a.stdout.trim().split('\n').map((l) => JSON.parse(l) as { record_id: unknown });
    expect(verdicts.map((v) => v.record_id)).toEqual(['17', '4', '9']);
  });

  it("a clean run replaces an earlier run's default rejected-rows file, which then holds none", async () => {
    writeFileSync(join(t.dir, 's.ndjson'), '{"cccd":"001090012345","ten":"Lê Văn Tám"}\n{"cccd": oops}\n{"cccd":"001090099999","ten":"Phạm Thị Hoa"}\n');
    const first = await cli(['dedupe', 's.ndjson', '--map', 'id=cccd,name=ten', '-o', 's.csv'], t.dir);
    expect(first.code).toBe(1);
    expect(csvObjects(readFileSync(join(t.dir, 's.csv.rejected.csv'), 'utf8'))).toHaveLength(1);
    writeFileSync(join(t.dir, 's.ndjson'), '{"cccd":"001090012345","ten":"Lê Văn Tám"}\n{"cccd":"001090099999","ten":"Phạm Thị Hoa"}\n');
    const second = await cli(['dedupe', 's.ndjson', '--map', 'id=cccd,name=ten', '-o', 's.csv'], t.dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`no rejected rows (${join(t.dir, 's.csv.rejected.csv')} written with none)`);
    const text = readFileSync(join(t.dir, 's.csv.rejected.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('row_number,line,stage,code,reason,raw,raw_truncated');
    expect(csvObjects(text)).toHaveLength(0);
  });

  it('rejects an invalid JSON line with exit code 1 and writes it to --rejected', async () => {
    writeFileSync(join(t.dir, 'b.ndjson'), '{"cccd":"001090012345","ten":"Lê Văn Tám"}\n{"cccd": oops}\n{"cccd":"001090099999","ten":"Phạm Thị Hoa"}\n');
    const r = await cli(['dedupe', 'b.ndjson', '--map', 'id=cccd,name=ten', '-o', 'b.csv', '--rejected', 'bad.csv'], t.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('3 = 2 accepted + 1 rejected');
    const rej = csvObjects(readFileSync(join(t.dir, 'bad.csv'), 'utf8'));
    expect(rej).toHaveLength(1);
    expect(rej[0]!.row_number).toBe('2');
    expect(rej[0]!.code).toBe('INVALID_JSON');
    expect(r.stderr).not.toContain('Lê Văn Tám');
  });

  it('NDJSON from an exporter that omits null keys: the guessed schema has every field the first records use', async () => {
    const people = [...generatePopulation({ size: 60, seed: 9, duplicateRate: 0.3 })];
    // the first record has no date (its key omitted), the second no ID
    const lines = people.map((p, i) => JSON.stringify(i === 0 ? { so_cccd: p.id, ho_ten: p.fullName } : i === 1 ? { ho_ten: p.fullName, ngay_sinh: p.dob } : { so_cccd: p.id, ho_ten: p.fullName, ngay_sinh: p.dob }));
    writeFileSync(join(t.dir, 'omit.ndjson'), lines.join('\n') + '\n');
    const r = await cli(['dedupe', 'omit.ndjson', '-o', 'omit.csv'], t.dir);
    expect(r.stderr).toMatch(/so_cccd\s+→ id \(nationalId\)/);
    expect(r.stderr).toMatch(/ngay_sinh\s+→ dob \(date\)/);
    expect(r.code).toBe(0);
  });

  it('exits 2 with one line naming the column for an unknown column in --map', async () => {
    const r = await cli(['dedupe', 'b.ndjson', '--map', 'id=cccd,name=ho_tenn'], t.dir);
    // NDJSON headers are the keys of its first records: the unknown column is still caught
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^khop: error: .*ho_tenn/);
  });

  it('a CSV without a header line exits 2 naming column positions only, and writes nothing (and no "did you mean" of a mistyped --map echoes the record)', async () => {
    const people = [...generatePopulation({ size: 40, seed: 5 })];
    const cells = (p: PopulationRow): string[] => [p.recordId, p.id, p.fullName, '29/05/2016', p.sex, p.province, p.address];
    writeFileSync(join(t.dir, 'noheader.csv'), people.map((p) => cells(p).map((c) => `"${c}"`).join(',')).join('\n') + '\n');
    const first = cells(people[0]!);
    for (const argv of [
      ['dedupe', 'noheader.csv', '-o', 'nh.csv'],
      ['dedupe', 'noheader.csv', '-o', 'nh.csv', '--map', `name=${first[2]!.slice(0, -1)},dob=29/05/2015`],
    ]) {
      const r = await cli(argv, t.dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/column.* 4 look.* like a data value .*is the header line missing\?/);
      expect(r.stderr).not.toContain('did you mean');
      expect(leakedValues(r.stderr, first.slice(1).filter((v) => v.length >= 3))).toEqual([]);
      expect(existsSync(join(t.dir, 'nh.csv'))).toBe(false);
    }
  });

  it('exits 2 for a --schema file with a bad kind or bad JSON, and for a missing input file', async () => {
    writeFileSync(join(t.dir, 's.json'), JSON.stringify({ cccd: { kind: 'nationalID' } }));
    writeFileSync(join(t.dir, 'bad.json'), '{"cccd": ');
    for (const argv of [
      ['dedupe', 'b.ndjson', '--schema', 's.json'],
      ['dedupe', 'b.ndjson', '--schema', 'bad.json'],
      ['dedupe', 'nope.csv'],
      ['dedupe', 'b.ndjson', '--schema', 's.json', '--map', 'id=cccd'],
      ['dedupe', 'b.ndjson', '--threshold', '1.5'],
      ['dedupe', 'b.ndjson', '--format', 'xml'],
    ]) {
      const r = await cli(argv, t.dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^khop: error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('uses a --schema file keyed by column name', async () => {
    writeFileSync(join(t.dir, 'ok.json'), JSON.stringify({ cccd: { kind: 'nationalId' }, ten: { kind: 'personName', locale: 'vi' } }));
    const r = await cli(['dedupe', 'b.ndjson', '--schema', 'ok.json', '-o', 'c.csv', '-q'], t.dir);
    expect(r.code).toBe(1);
    expect(csvObjects(readFileSync(join(t.dir, 'c.csv'), 'utf8')).map((c) => c.row_number)).toEqual(['1', '3']);
  });
});

describe('khop dedupe --save-model / --model', () => {
  it('a saved model scores the same file to the same clusters and pairs, without training', async () => {
    const first = await cli(['dedupe', 'dan_cu.csv', '-o', 'c1.csv', '--pairs', 'p1.csv', '--save-model', 'model.json', '-q'], tmp.dir);
    expect(first.code).toBe(1); // rows rejected, as above
    expect(first.stderr).not.toContain('khop: error');
    const model = JSON.parse(readFileSync(join(tmp.dir, 'model.json'), 'utf8')) as { format: string; comparisons: unknown[] };
    expect(model.comparisons.length).toBeGreaterThan(2);
    // The model holds statistics only: no value of the file.
    expect(leakedValues(readFileSync(join(tmp.dir, 'model.json'), 'utf8'), fx.values)).toEqual([]);
    const second = await cli(['dedupe', 'dan_cu.csv', '-o', 'c2.csv', '--pairs', 'p2.csv', '--model', 'model.json', '-q'], tmp.dir);
    expect(second.code).toBe(1);
    expect(readFileSync(join(tmp.dir, 'c2.csv'), 'utf8')).toBe(readFileSync(join(tmp.dir, 'c1.csv'), 'utf8'));
    expect(readFileSync(join(tmp.dir, 'p2.csv'), 'utf8')).toBe(readFileSync(join(tmp.dir, 'p1.csv'), 'utf8'));
    // The same model saved by an editor that writes a byte-order mark (as --rules and --schema files may have)
    writeFileSync(join(tmp.dir, 'model-bom.json'), '\uFEFF' + readFileSync(join(tmp.dir, 'model.json'), 'utf8'));
    const third = await cli(['dedupe', 'dan_cu.csv', '-o', 'c3.csv', '--model', 'model-bom.json', '-q'], tmp.dir);
    expect(third.stderr).not.toContain('khop: error');
    expect(readFileSync(join(tmp.dir, 'c3.csv'), 'utf8')).toBe(readFileSync(join(tmp.dir, 'c1.csv'), 'utf8'));
  });

  it('--save-model refuses when no two records were paired (no model was trained), and writes no file', async () => {
    writeFileSync(join(tmp.dir, 'three.csv'), 'ho_ten,ngay_sinh,so_cccd\nNguyễn Văn An,01/01/1990,001090012345\nTrần Thị Bình,02/02/1991,001191012346\nLê Văn Cường,03/03/1992,001092012347\n');
    const r = await cli(['dedupe', 'three.csv', '-o', 'three-c.csv', '--save-model', 'tiny.json'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no two records were paired by the blocking rules, so no model was trained/);
    expect(existsSync(join(tmp.dir, 'tiny.json'))).toBe(false);
  });

  it('--rules and --max-block-size block as written (the rules analyze-blocking takes); -o - writes the clusters to stdout', async () => {
    const candidates = (r: CliRun) => Number(/candidate pairs:\s+([\d,]+)/.exec(r.stderr)?.[1]?.replace(/,/g, '') ?? Number.NaN);
    // By date of birth, and by sex (two blocks of ~150 rows: thousands of pairs, under the default cap).
    writeFileSync(join(tmp.dir, 'rules.json'), JSON.stringify([{ name: 'by-dob', parts: [{ column: 'dob' }] }, { name: 'by-sex', parts: [{ column: 'sex' }] }]));
    writeFileSync(join(tmp.dir, 'bad-rules.json'), JSON.stringify([{ name: 'x', parts: [{ column: 'nope' }] }]));
    const byDob = await cli(['dedupe', 'dan_cu.csv', '-o', 'by-dob.csv', '--rules', 'rules.json'], tmp.dir);
    const capped = await cli(['dedupe', 'dan_cu.csv', '-o', 'capped.csv', '--rules', 'rules.json', '--max-block-size', '100'], tmp.dir);
    expect(byDob.code).toBe(1);
    expect(capped.code).toBe(1);
    // The rules instead of the defaults: the sex blocks pair thousands; capped at 100 rows a block
    // they are skipped and the date's pairs are left.
    expect(candidates(byDob)).toBeGreaterThan(10 * candidates(run));
    expect(candidates(capped)).toBeLessThan(candidates(byDob) / 10);
    expect(candidates(capped)).toBeGreaterThan(0);
    const bad = await cli(['dedupe', 'dan_cu.csv', '--rules', 'bad-rules.json'], tmp.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"nope" is not a store column; a part names a field \(id, dob, sex, province, name\) or one of the store's columns \(id\.id, .*name\.familyKey, /);
    const toStdout = await cli(['dedupe', 'dan_cu.csv', '-o', '-', '--rules', 'rules.json', '-q'], tmp.dir);
    expect(existsSync(join(tmp.dir, '-'))).toBe(false);
    expect(csvObjects(toStdout.stdout)).toEqual(csvObjects(readFileSync(join(tmp.dir, 'by-dob.csv'), 'utf8')));
  });

  it('a missing, non-JSON, key-repeating or foreign model file is a usage error naming the file, before the input is read', async () => {
    writeFileSync(join(tmp.dir, 'bad.json'), '{ not json');
    writeFileSync(join(tmp.dir, 'foreign.json'), JSON.stringify({ format: 'other', comparisons: [] }));
    writeFileSync(join(tmp.dir, 'twice.json'), '{"format": "khop.fellegi-sunter", "prior": 0.001, "comparisons": [], "prior": 0.5}');
    for (const [file, message] of [
      ['nope.json', /--model: cannot read .*nope\.json/],
      ['bad.json', /--model: .*bad\.json is not JSON/],
      // A hand-edited model with a key twice: JSON.parse would keep the last silently.
      ['twice.json', /--model: .*twice\.json has the key "prior" twice at the top level: JSON would keep only the last value/],
      ['foreign.json', /--model: .*foreign\.json is not a khop model/],
    ] as const) {
      const r = await cli(['dedupe', 'does-not-exist.csv', '--model', file], tmp.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    // A data file given as the model or the rules: not one of its values, even with --debug
    // (V8's JSON.parse message quotes the text; it was kept as the error's cause).
    writeFileSync(join(tmp.dir, 'data.csv'), 'Zyxwq Markername,079123456789\n');
    for (const option of ['--model', '--rules']) {
      const r = await cli(['dedupe', 'dan_cu.csv', option, 'data.csv', '-o', 'x.csv', '--debug'], tmp.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/Zyxwq|079123456789/);
    }
  });
});
