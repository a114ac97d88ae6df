/**
 * What the command line promises about its inputs, outputs and messages, each found broken by a
 * probe of the README and --help against the program:
 * - `register build -o -` and `-o /dev/null` are refused before the build (a snapshot is a file);
 * - a DUPLICATE_ID reason names the earlier row by its row number in the file;
 * - the --earlier-ids column is never guessed as a field;
 * - a model that does not fit the schema is refused before the input is read;
 * - --encoding, --delimiter and --rename-bad-columns reach the reader (the messages name them);
 * - authenticate says which register fields the claims have no column for;
 * - NDJSON verdicts hold null, not "", for absent values;
 * - `khop register --help` is register build's help;
 * - a full disk exits 3 (an exhausted resource), not 2;
 * - a column name's control characters (ESC, CR, a line break) are printed escaped on stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, csvObjects, tempDir, writePeopleCsv } from './cli-helpers.js';
import { windows1258 } from '../io/io-test-helpers.js';
import { generatePopulation } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';

const t = tempDir();
afterAll(() => t.remove());
const POP = { size: 300, seed: 21, duplicateRate: 0 };

beforeAll(() => {
  writePeopleCsv(t.dir, 'people.csv', 300, 5);
  const rows = [...generatePopulation(POP)];
  writeFileSync(join(t.dir, 'reg.csv'), ['so_cccd,ho_ten,ngay_sinh,gioi_tinh', ...rows.map((r) => [r.id, `"${r.fullName}"`, r.dob, r.sex].join(','))].join('\n') + '\n');
  const claims = [...generateClaims({ register: POP, count: 60, seed: 3 })];
  writeFileSync(join(t.dir, 'claims.csv'), ['cccd,hoten,ns,gt', ...claims.map((c) => [c.id, `"${c.fullName}"`, c.dob, c.sex].join(','))].join('\n') + '\n');
});

describe('register build -o', () => {
  it('refuses standard output and a device before reading the input (exit 2, no mapping printed)', async () => {
    for (const [out, message] of [
      ['-', /a register snapshot is written to a file, not to standard output/],
      ['/dev/null', /-o \/dev\/null: exists and is not a regular file/],
    ] as const) {
      const r = await cli(['register', 'build', 'reg.csv', '-o', out], t.dir);
      expect(r.code, out).toBe(2);
      expect(r.stderr, out).toMatch(message);
      expect(r.stderr, out).not.toContain('column mapping');
      expect(existsSync(join(t.dir, '-'))).toBe(false);
    }
  });
});

describe('DUPLICATE_ID names the earlier row by its row number in the file', () => {
  it('also when the reader rejected rows before it (dedupe and analyze-blocking)', async () => {
    // Data rows: 1 ok, 2–3 unreadable, 4 id "2", 5 ok, 6 id "2" again (its first is data row 4).
    writeFileSync(
      join(t.dir, 'dup.csv'),
      'ma,so_cccd,ho_ten,ngay_sinh,gioi_tinh\n1,001090012345,Nguyễn Văn An,01/05/1990,Nam\nbad\nbad2\n2,079185001234,Trần Thị Bình,12/03/1985,Nữ\n3,001092012346,Lê Văn Cường,05/06/1992,Nam\n2,001093012347,Phạm Văn Dũng,07/08/1993,Nam\n',
    );
    for (const argv of [
      ['analyze-blocking', 'dup.csv', '--id-field', 'ma', '--rejected', 'dup-a.csv', '-q'],
      ['dedupe', 'dup.csv', '--id-field', 'ma', '--rejected', 'dup-d.csv', '-o', 'dup-out.csv', '-q'],
    ]) {
      await cli(argv, t.dir);
      const rejected = csvObjects(readFileSync(join(t.dir, argv[argv.indexOf('--rejected') + 1]!), 'utf8'));
      const dup = rejected.find((r) => r.code === 'DUPLICATE_ID');
      expect(dup?.row_number, argv[0]).toBe('6');
      expect(dup?.reason, argv[0]).toBe('the record id (column "ma") is that of row 4');
    }
  });
});

describe('register build --earlier-ids', () => {
  it('keeps the earlier-IDs column out of the guessed schema; naming it as a field too is refused', async () => {
    writeFileSync(join(t.dir, 'eid.csv'), 'ma,so_cccd,ho_ten,ngay_sinh,gioi_tinh,cmnd_cu\na1,001090012345,Nguyễn Văn An,01/05/1990,Nam,123456780;123456781\na2,079185001234,Trần Thị Bình,12/03/1985,Nữ,223456789|223456780\n');
    const r = await cli(['register', 'build', 'eid.csv', '--id-field', 'ma', '--earlier-ids', 'cmnd_cu', '-o', 'eid.khop'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cmnd_cu +→ earlier IDs \(--earlier-ids\)/);
    expect(r.stderr).not.toContain('oldId');
    writeFileSync(join(t.dir, 'eid-claims.csv'), 'so_cccd,ho_ten,ngay_sinh,gioi_tinh\n123456781,Nguyễn Văn An,01/05/1990,Nam\n');
    const a = await cli(['authenticate', '--register', 'eid.khop', 'eid-claims.csv', '-q'], t.dir);
    const [v] = csvObjects(a.stdout);
    expect(Object.keys(v!)).not.toContain('oldId');
    expect(v!.matched_by).toBe('earlierId');
    const both = await cli(['register', 'build', 'eid.csv', '--id-field', 'ma', '--earlier-ids', 'cmnd_cu', '--map', 'id=so_cccd,name=ho_ten,oldId=cmnd_cu', '-o', 'eid2.khop'], t.dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--earlier-ids: column "cmnd_cu" is also the column of the field "oldId"');
  });
});

describe('dedupe --model that does not fit the schema', () => {
  it('is refused before the input is read (no progress of reading, exit 2)', async () => {
    const saved = await cli(['dedupe', 'people.csv', '-o', 'm-out.csv', '--save-model', 'model.json', '-q'], t.dir);
    expect(saved.code).toBeLessThanOrEqual(1);
    const r = await cli(['dedupe', 'people.csv', '--map', 'id=so_cccd,name=ho_ten', '--model', 'model.json', '-o', 'm2.csv'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model: its comparisons do not match this schema');
    expect(r.stderr).not.toMatch(/^(read|prepare):/m);
  });

  it('with a fitting model, progress shows no training phase', async () => {
    const r = await cli(['dedupe', 'people.csv', '--model', 'model.json', '-o', 'm3.csv'], t.dir);
    expect(r.code).toBeLessThanOrEqual(1);
    expect(r.stderr).toMatch(/^score:/m);
    expect(r.stderr).not.toMatch(/^train:/m);
  });
});

describe('--delimiter', () => {
  // A register extract with a delimiter no detection takes (a colon), and one with a pipe, which
  // detection takes: the same 80 people either way.
  const table = (d: string) => {
    const lines = readFileSync(join(t.dir, 'reg.csv'), 'utf8').trimEnd().split('\n').slice(0, 81);
    return lines.map((l) => l.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, d)).join('\n') + '\n';
  };
  it('reads a file in the delimiter it names (a character or a name), reaches the reader through the sampled schema, and refuses a bad one', async () => {
    writeFileSync(join(t.dir, 'colon.csv'), table(':'));
    writeFileSync(join(t.dir, 'pipe.csv'), table('|'));
    const guessedWrong = await cli(['register', 'build', 'colon.csv', '-o', 'colon.khop'], t.dir);
    // Read as one column (no detected delimiter): refused naming the flag, nothing written.
    expect(guessedWrong.code).toBe(2);
    expect(guessedWrong.stderr).toContain(`colon.csv was read as one column, whose name is several column names joined by ":": give --delimiter ':'`);
    expect(existsSync(join(t.dir, 'colon.khop'))).toBe(false);
    const colon = await cli(['register', 'build', 'colon.csv', '-o', 'colon.khop', '--delimiter', ':'], t.dir);
    expect(colon.code).toBe(0);
    expect(colon.stderr).toContain('input rows: 80 = 80 accepted + 0 rejected');
    expect(colon.stderr).toMatch(/ngay_sinh\s+→ dob \(date\)/);
    for (const args of [[], ['--delimiter', 'pipe'], ['--delimiter', '|']]) {
      const pipe = await cli(['register', 'build', 'pipe.csv', '-o', 'pipe.khop', ...args], t.dir);
      expect(pipe.code).toBe(0);
      expect(pipe.stderr).toContain('input rows: 80 = 80 accepted + 0 rejected');
    }
    for (const bad of ['::', '"', '', 'colon']) {
      const r = await cli(['register', 'build', 'pipe.csv', '-o', 'x.khop', '--delimiter', bad], t.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--delimiter: expected one character');
    }
    // Claims and a link's right file read as one column: refused the same way, naming the file.
    const claims = readFileSync(join(t.dir, 'claims.csv'), 'utf8').trimEnd().split('\n').slice(0, 21);
    writeFileSync(join(t.dir, 'claims-colon.csv'), claims.map((l) => l.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ':')).join('\n') + '\n');
    const auth = await cli(['authenticate', 'claims-colon.csv', '--register', 'pipe.khop', '-o', 'v.csv'], t.dir);
    expect(auth.code).toBe(2);
    expect(auth.stderr).toContain(`claims-colon.csv was read as one column, whose name is several column names joined by ":": give --delimiter ':'`);
    const authRead = await cli(['authenticate', 'claims-colon.csv', '--register', 'pipe.khop', '-o', 'v.csv', '--delimiter', ':', '--map', 'id=cccd,name=hoten,dob=ns,sex=gt'], t.dir);
    expect(authRead.code).toBe(0);
    expect(csvObjects(readFileSync(join(t.dir, 'v.csv'), 'utf8'))).toHaveLength(20);
    const linkRight = await cli(['link', 'pipe.csv', 'colon.csv', '-o', 'l.csv'], t.dir);
    expect(linkRight.code).toBe(2);
    expect(linkRight.stderr).toContain(`colon.csv was read as one column, whose name is several column names joined by ":"`);
    // The same delimiter for a tab-separated file, by name.
    writeFileSync(join(t.dir, 'tab.txt'), table('\t'));
    const tab = await cli(['register', 'build', 'tab.txt', '-o', 'tab.khop', '--delimiter', 'tab'], t.dir);
    expect([tab.code, tab.stderr.includes('input rows: 80 = 80 accepted + 0 rejected')]).toEqual([0, true]);
  });
});

describe('--encoding and --rename-bad-columns', () => {
  it('a UTF-16 file without a byte-order mark is refused naming --encoding, and read with it', async () => {
    const text = 'so_cccd,ho_ten,ngay_sinh,gioi_tinh\n' + readFileSync(join(t.dir, 'reg.csv'), 'utf8').split('\n').slice(1, 80).join('\n') + '\n';
    writeFileSync(join(t.dir, 'u16.csv'), Buffer.from(text, 'utf16le'));
    const refused = await cli(['register', 'build', 'u16.csv', '-o', 'u16.khop', '-q'], t.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--encoding utf-16le');
    const read = await cli(['register', 'build', 'u16.csv', '-o', 'u16.khop', '--encoding', 'utf-16le'], t.dir);
    expect(read.code).toBe(0);
    expect(read.stderr).toContain('input rows: 79 = 79 accepted + 0 rejected');
    const bad = await cli(['register', 'build', 'u16.csv', '-o', 'u16.khop', '--encoding', 'latin1'], t.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--encoding: expected utf-8, utf-16le, utf-16be or windows-1258');
  });

  it('a file in the Vietnamese Windows code page: read with --encoding windows-1258 (the same verdicts as its UTF-8 copy), its rows rejected naming it without', async () => {
    writeFileSync(join(t.dir, 'cp.csv'), windows1258(readFileSync(join(t.dir, 'reg.csv'), 'utf8')));
    const read = await cli(['register', 'build', 'cp.csv', '-o', 'cp.khop', '--encoding', 'cp1258'], t.dir);
    expect(read.code).toBe(0);
    expect(read.stderr).toMatch(/input rows: ([\d,]+) = \1 accepted \+ 0 rejected/);
    expect((await cli(['register', 'build', 'reg.csv', '-o', 'u8.khop', '-q'], t.dir)).code).toBe(0);
    const statuses = async (register: string): Promise<string[]> => {
      const r = await cli(['authenticate', '--register', register, 'claims.csv', '-o', `v-${register}.csv`, '--map', 'id=cccd,name=hoten,dob=ns,sex=gt', '-q'], t.dir);
      expect(r.code).toBe(0);
      return csvObjects(readFileSync(join(t.dir, `v-${register}.csv`), 'utf8')).map((v) => v['status']!);
    };
    const fromCodePage = await statuses('cp.khop');
    expect(fromCodePage.filter((s) => s === 'VERIFIED').length).toBeGreaterThan(0);
    expect(fromCodePage).toEqual(await statuses('u8.khop'));
    // Without --encoding the Vietnamese rows are not UTF-8: rejected, the reason naming the option.
    const refused = await cli(['register', 'build', 'cp.csv', '-o', 'cp2.khop', '--rejected', 'cp.rejected.csv'], t.dir);
    expect(refused.stderr).toContain('rejected');
    expect(readFileSync(join(t.dir, 'cp.rejected.csv'), 'utf8')).toContain('--encoding windows-1258');
  });

  it('an empty header cell (a pandas index column) is refused naming --rename-bad-columns, and renamed with it', async () => {
    const lines = readFileSync(join(t.dir, 'people.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(t.dir, 'pandas.csv'), lines.map((l, i) => `${i === 0 ? '' : i - 1},${l}`).join('\n') + '\n');
    const refused = await cli(['dedupe', 'pandas.csv', '-o', 'p.csv', '-q'], t.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--rename-bad-columns');
    const read = await cli(['dedupe', 'pandas.csv', '-o', 'p.csv', '--rename-bad-columns'], t.dir);
    expect(read.code).toBeLessThanOrEqual(1);
    expect(read.stderr).toMatch(/column_1 +→ not used/);
  });
});

describe('khop authenticate', () => {
  it('notes the register fields the claims have no column for, and --map silences it', async () => {
    const built = await cli(['register', 'build', 'reg.csv', '-o', 'reg.khop', '-q'], t.dir);
    expect(built.code).toBe(0);
    const partial = await cli(['authenticate', '--register', 'reg.khop', 'claims.csv', '--map', 'id=cccd,name=hoten', '-o', 'v1.csv'], t.dir);
    expect(partial.stderr).toContain('note: claims.csv has no column for the register\'s fields "dob" (column "ngay_sinh"), "sex" (column "gioi_tinh"): read as missing in every claim');
    const full = await cli(['authenticate', '--register', 'reg.khop', 'claims.csv', '--map', 'id=cccd,name=hoten,dob=ns,sex=gt', '-o', 'v2.csv'], t.dir);
    expect(full.stderr).not.toContain('has no column for');
  });

  it('for NDJSON claims, the note speaks of the first records\' keys (a later record may have them)', async () => {
    writeFileSync(join(t.dir, 'nokeys.ndjson'), '{"so_cccd":"012345678901","ho_ten":"Ai Đó"}\n');
    const r = await cli(['authenticate', '--register', 'reg.khop', 'nokeys.ndjson', '-o', 'v3.csv'], t.dir);
    expect(r.stderr).toContain('note: the first records of nokeys.ndjson have no key for the register\'s fields "dob" (column "ngay_sinh"), "sex" (column "gioi_tinh"): read as missing where a claim lacks them');
  });

  it('NDJSON verdicts hold null for absent values, as the CSV holds empty cells', async () => {
    writeFileSync(join(t.dir, 'nf.csv'), 'so_cccd,ho_ten,ngay_sinh,gioi_tinh\n012345678901,Ai Đó,01/01/1990,Nam\n');
    const r = await cli(['authenticate', '--register', 'reg.khop', 'nf.csv', '--format', 'ndjson', '-q'], t.dir);
    const v = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(v.status).not.toBe('VERIFIED');
    expect(v.record_id).toBeNull();
    expect(v.matched_by).toBeNull();
    const csv = await cli(['authenticate', '--register', 'reg.khop', 'nf.csv', '-q'], t.dir);
    expect(csvObjects(csv.stdout)[0]!.record_id).toBe('');
  });
});

describe('an output name too long to create', () => {
  it('is refused before the work, also when only the default rejected-rows name (<out>.rejected.csv) is too long', async () => {
    const name = `${'c'.repeat(245)}.csv`; // 249 bytes: itself fine, + ".rejected.csv" is 262
    const r = await cli(['dedupe', 'dup.csv', '--id-field', 'ma', '-o', name, '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('would have a name longer than 255 bytes; give --rejected FILE');
    expect(existsSync(join(t.dir, name))).toBe(false);
    const long = await cli(['dedupe', 'dup.csv', '-o', `${'d'.repeat(256)}.csv`, '-q'], t.dir);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('--out: the file name is longer than 255 bytes');
  });
});

describe('help and exit codes', () => {
  it('khop register --help prints register build\'s help', async () => {
    const r = await cli(['register', '--help'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: khop register build /);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk ends the run with exit 3 (an exhausted resource), not 2', async () => {
    const r = await cli(['dedupe', 'people.csv', '-o', '/dev/full', '-q'], t.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ENOSPC');
  });

  it('an NDJSON-named file with no JSON object says so rather than "an empty file?"', async () => {
    writeFileSync(join(t.dir, 'x.ndjson'), readFileSync(join(t.dir, 'reg.csv')));
    const r = await cli(['dedupe', 'x.ndjson', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('none of its first lines is a JSON object');
  });
});

describe('a directory given as an input (F28b)', () => {
  it('every command that reads an input file says it is a directory (EISDIR), exit 2 (fixed: "not a regular file")', async () => {
    mkdirSync(join(t.dir, 'exports'), { recursive: true });
    writeFileSync(join(t.dir, 'exports', 'people.csv'), readFileSync(join(t.dir, 'people.csv')));
    await cli(['register', 'build', 'reg.csv', '-o', 'dir-test.khop', '-q'], t.dir);
    for (const argv of [
      ['dedupe', 'exports/', '-o', 'o.csv'],
      ['dedupe', 'exports', '-o', 'o.csv'],
      ['link', 'exports', 'people.csv', '-o', 'o.csv'],
      ['link', 'people.csv', 'exports/', '-o', 'o.csv'],
      ['analyze-blocking', 'exports'],
      ['register', 'build', 'exports', '-o', 'r.khop'],
      ['authenticate', '--register', 'dir-test.khop', 'exports', '-o', 'v.csv'],
    ]) {
      const r = await cli(argv, t.dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe(`khop: error: input is a directory, not a file (EISDIR): ${join(t.dir, 'exports')}\n`);
    }
    // a directory named .parquet: the Parquet reader says the same
    mkdirSync(join(t.dir, 'data.parquet'), { recursive: true });
    expect((await cli(['dedupe', 'data.parquet', '-o', 'o.csv'], t.dir)).stderr).toBe(`khop: error: input is a directory, not a file (EISDIR): ${join(t.dir, 'data.parquet')}\n`);
  });
});

describe('column names with control characters', () => {
  it('are printed escaped on stderr, in the mapping lines and in an error (fixed: ESC, CR and line breaks reached the terminal raw)', async () => {
    // A header cell typed with Alt+Enter in Excel, one holding a CR, one an escape sequence that
    // would turn the terminal red and ring its bell.
    const lines = readFileSync(join(t.dir, 'reg.csv'), 'utf8').trimEnd().split('\n');
    const header = 'so_cccd,"ho\nten","ngay_sinh",gioi_tinh,"ghi\rchu","x\u001b[31mRED\u001b[0m\u0007\u009b2J"';
    writeFileSync(join(t.dir, 'ctl.csv'), [header, ...lines.slice(1, 80).map((l) => `${l},,`)].join('\n') + '\n');
    const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/; // all but the line ends of stderr's own lines
    const r = await cli(['dedupe', 'ctl.csv', '-o', 'ctl-out.csv'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(controls);
    expect(r.stderr).toContain('ho\\nten');
    expect(r.stderr).toContain('ghi\\rchu');
    expect(r.stderr).toContain('x\\u001b[31mRED\\u001b[0m\\u0007\\u009b2J');
    // every mapping line is one line: the name's line break does not start a new one
    expect(r.stderr.split('\n').filter((l) => l.startsWith('ten') || l.startsWith('chu'))).toEqual([]);
    // an error naming such a column (a schema whose column is spelt with another control character)
    writeFileSync(join(t.dir, 'ctl-schema.json'), JSON.stringify({ so_cccd: { kind: 'nationalId' }, name: { kind: 'personName', column: 'ho\u001bten' } }));
    const e = await cli(['dedupe', 'ctl.csv', '--schema', 'ctl-schema.json', '-o', 'ctl-out.csv'], t.dir);
    expect(e.code).toBe(2);
    expect(e.stderr).not.toMatch(controls);
    expect(e.stderr).toContain('"ho\\u001bten"');
  });
});
