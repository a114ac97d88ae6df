// Shared helpers for the command-line tests (not a test file itself): run the CLI in-process,
// temp directories, and a Vietnamese-headed CSV fixture with known truth and known bad rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { generateClaims } from '../../src/synth/claims.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `khop <argv>` in-process with `cwd` as the working directory; `stdin` (given) is what an
 * input `-` reads, in chunks of `chunk` bytes.
 */
export async function cli(argv: string[], cwd: string, stdin?: Uint8Array | string, chunk = 1000): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const bytes = typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin;
  const code = await runCli(argv, {
    stdout: { write: (s: string) => void (stdout += s) },
    stderr: { write: (s: string) => void (stderr += s) },
    cwd,
    ...(bytes === undefined ? {} : { stdin: chunks(bytes, chunk) }),
  });
  return { code, stdout, stderr };
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A fresh temp directory and its remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'khop-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parse simple CSV output (khop's own: LF lines, RFC 4180 quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, j) => [h, r[j] ?? ''])));
}

export const VN_HEADER = ['stt', 'so_cccd', 'ho_ten', 'ngay_sinh', 'gioi_tinh', 'tinh', 'ghi_chu'];

/** The fixture: what was written and the truth per data-row number. */
export interface PeopleFixture {
  path: string;
  /** Data rows in the file (good + bad). */
  dataRows: number;
  /** Row number → true person id, for the good rows. */
  personByRow: Map<number, number>;
  /** Row number → the ID as written. */
  idByRow: Map<number, string>;
  /** Row numbers the reader must reject. */
  unreadableRows: number[];
  /** Row numbers with no usable field (the pipeline must reject). */
  emptyRows: number[];
  /** Record values (names, IDs, dates) that must never appear on stderr. */
  values: string[];
  population: PopulationRow[];
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A CSV with a UTF-8 BOM, CRLF line ends, Vietnamese headers, a multi-line quoted note every
 * 7th row, `size` synthetic records (with duplicates), two rows the reader rejects (too few /
 * too many fields) and one row with no usable value.
 */
export function writePeopleCsv(dir: string, name: string, size: number, seed: number): PeopleFixture {
  const population = [...generatePopulation({ size, seed, duplicateRate: 0.15 })];
  const lines: string[] = [VN_HEADER.join(',')];
  const personByRow = new Map<number, number>();
  const idByRow = new Map<number, string>();
  const unreadableRows: number[] = [];
  const emptyRows: number[] = [];
  const values: string[] = [];
  let rowNumber = 0;
  population.forEach((p, i) => {
    if (i === 5) {
      lines.push('x,"only",three');
      unreadableRows.push(++rowNumber);
    }
    if (i === 11) {
      lines.push(',,,,,,');
      emptyRows.push(++rowNumber);
    }
    if (i === 17) {
      lines.push('1,2,3,4,5,6,7,8');
      unreadableRows.push(++rowNumber);
    }
    const note = i % 7 === 0 ? 'Ghi chú:\r\nđã xác minh, "OK"' : '';
    lines.push([String(1000 + i), p.id, p.fullName, p.dob, p.sex, p.province, note].map(quote).join(','));
    personByRow.set(++rowNumber, p.personId);
    idByRow.set(rowNumber, p.id);
    if (p.fullName.trim().length >= 6) values.push(p.fullName.trim());
    if (p.id.length >= 6) values.push(p.id);
    if (p.dob.length >= 6) values.push(p.dob);
  });
  const path = join(dir, name);
  writeFileSync(path, '\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
  return { path, dataRows: rowNumber, personByRow, idByRow, unreadableRows, emptyRows, values, population };
}

/** Values of `values` found in `text` (should be none). */
export function leakedValues(text: string, values: readonly string[]): string[] {
  return values.filter((v) => text.includes(v));
}

/**
 * A small register file and claims against it, in `dir`: reg.csv (300 synthetic people, seed 6,
 * no duplicates) and claims.csv (200 claims, seed 7), both headed so_cccd,ho_ten,ngay_sinh,gioi_tinh.
 * @returns the number of claims written
 */
export function writeRegisterAndClaims(dir: string): { claims: number } {
  const pop = { size: 300, seed: 6, duplicateRate: 0 };
  const people = [...generatePopulation(pop)];
  writeFileSync(join(dir, 'reg.csv'), ['so_cccd,ho_ten,ngay_sinh,gioi_tinh', ...people.map((p) => [p.id, `"${p.fullName}"`, p.dob, p.sex].join(','))].join('\n') + '\n');
  const claims = [...generateClaims({ register: pop, count: 200, seed: 7 })];
  writeFileSync(join(dir, 'claims.csv'), ['so_cccd,ho_ten,ngay_sinh,gioi_tinh', ...claims.map((c) => [c.id, `"${c.fullName}"`, c.dob, c.sex].join(','))].join('\n') + '\n');
  return { claims: claims.length };
}
