// Builds NameColumns for tests from written names: normalised (NFC, Ð→đ, lower case, single
// spaces) and folded with the small test fold; parts taken in written order (first token =
// family, last = given, the rest = middle) unless given explicitly. Test-only.
import type { CodeUnits, TextColumnReader } from '../../src/block/text-column.js';
import { StringColumn } from '../../src/block/text-column.js';
import type { NameColumns } from '../../src/compare/person-name.js';
import { testFold } from './oracles.js';

export interface NameSpec {
  /** The name as written; null = no full name stored. */
  readonly name: string | null;
  /** Folded parts [family, middle, given] when not the written order. */
  readonly parts?: readonly [string, string, string];
  /** Phonetic keys [family, middle, given]; '' when absent (default). */
  readonly keys?: readonly [string, string, string];
}

export function testNormalize(s: string): string {
  return s.normalize('NFC').replace(/Ð/g, 'Đ').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A TextColumnReader over UTF-8 bytes (how stores hold text). */
export class ByteColumn implements TextColumnReader {
  private readonly pool: Uint8Array;
  private readonly offsets: Uint32Array;
  private readonly nulls: Uint8Array;
  constructor(values: ReadonlyArray<string | null>) {
    const enc = new TextEncoder();
    const parts = values.map((v) => (v === null ? new Uint8Array(0) : enc.encode(v)));
    this.pool = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + 3);
    this.offsets = new Uint32Array(values.length + 1);
    this.nulls = new Uint8Array(values.length);
    let at = 3; // start at an offset so span starts are never 0
    parts.forEach((p, i) => {
      this.offsets[i] = at;
      this.pool.set(p, at);
      at += p.length;
      if (values[i] === null) this.nulls[i] = 1;
    });
    this.offsets[values.length] = at;
  }
  units(): CodeUnits {
    return this.pool;
  }
  start(row: number): number {
    return this.offsets[row]!;
  }
  end(row: number): number {
    return this.offsets[row + 1]!;
  }
  isNull(row: number): boolean {
    return this.nulls[row] === 1;
  }
}

export function nameColumns(specs: readonly NameSpec[], encoding: 'utf16' | 'utf8' = 'utf16'): NameColumns {
  const col = (values: Array<string | null>): TextColumnReader =>
    (encoding === 'utf16' ? new StringColumn(values) : new ByteColumn(values));
  const norm: Array<string | null> = [];
  const fold: Array<string | null> = [];
  const fam: string[] = [];
  const mid: string[] = [];
  const giv: string[] = [];
  const keys: [string[], string[], string[]] = [[], [], []];
  for (const s of specs) {
    norm.push(s.name === null ? null : testNormalize(s.name));
    const f = s.name === null ? '' : testFold(s.name);
    fold.push(s.name === null ? null : f);
    let parts = s.parts;
    if (parts === undefined) {
      const t = f.split(' ').filter(Boolean);
      parts = [t[0] ?? '', t.slice(1, -1).join(' '), t.length > 1 ? t[t.length - 1]! : ''];
    }
    fam.push(parts[0]);
    mid.push(parts[1]);
    giv.push(parts[2]);
    const k = s.keys ?? ['', '', ''];
    keys[0].push(k[0]);
    keys[1].push(k[1]);
    keys[2].push(k[2]);
  }
  return {
    norm: col(norm), fold: col(fold), family: col(fam), middle: col(mid), given: col(giv),
    familyKey: col(keys[0]), middleKey: col(keys[1]), givenKey: col(keys[2]),
  };
}
