/**
 * CsvBoundaryScanner (src/io/csv-boundaries.ts) against the parser it mirrors: seeded random
 * CSV bytes (quotes, doubled quotes, quoted line breaks, CR / LF / CRLF, blank lines, multi-byte
 * and invalid UTF-8, ragged rows, text after a closing quote, an unterminated quote, no final
 * line end), scanned in random blocks and cut at random targets. Each piece parsed by a FRESH
 * parser must give the records, rejections and blank lines — line numbers shifted by the lines
 * the scanner counted before it — of one parser over the whole input, and the scanner's row,
 * line and blank counts per piece must be the parser's.
 */
import { describe, expect, it } from 'vitest';
import { CsvBoundaryScanner } from '../../src/io/csv-boundaries.js';
import { CsvParser, type CsvSink } from '../../src/io/csv-parser.js';
import { Rng } from '../../src/util/rng.js';
import { concatBytes } from './io-test-helpers.js';

const COLUMNS = 3;

type Event = string;

class Collect implements CsvSink {
  readonly events: Event[] = [];
  constructor(private readonly lineOffset: number) {}
  record(fields: readonly string[], fieldCount: number, line: number): void {
    this.events.push(`R ${line + this.lineOffset} ${JSON.stringify(fields.slice(0, fieldCount))}`);
  }
  rejected(code: string, column: number, fieldCount: number, line: number): void {
    this.events.push(`X ${line + this.lineOffset} ${code} ${column} ${fieldCount}`);
  }
  blankLine(line: number): void {
    this.events.push(`B ${line + this.lineOffset}`);
  }
}

const decode = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(b);

function parse(bytes: Uint8Array, lineOffset: number, last: boolean, delimiter: number): Event[] {
  const sink = new Collect(lineOffset);
  const p = new CsvParser(sink, { delimiter, maxFieldLength: 40, maxColumns: 64, keepRaw: false });
  p.setExpectedColumns(COLUMNS);
  p.push(decode(bytes));
  if (last) p.finish();
  return sink.events;
}

/** Seeded random CSV bytes exercising every transition of the automaton. */
function randomCsv(rng: Rng, delim: string): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const eol = () => ['\n', '\r\n', '\r', '\n', '\n'][rng.int(5)]!;
  const plain = () => ['a', 'bc', 'Nguyễn', '€', ' ', '', 'x"y', 'zz', '5"'][rng.int(9)]!;
  const quoted = () => `"${['q', `a${delim}b`, 'li\nne', 'cr\rlf\r\n', 'd""q', '', 'Đặng'][rng.int(7)]}"`;
  const lines = 5 + rng.int(40);
  for (let l = 0; l < lines; l++) {
    const u = rng.next();
    if (u < 0.08) {
      parts.push(enc.encode(eol())); // blank line
      continue;
    }
    const n = u < 0.15 ? 1 + rng.int(5) : COLUMNS; // ragged now and then
    const fields: string[] = [];
    for (let f = 0; f < n; f++) {
      const v = rng.next();
      fields.push(v < 0.35 ? quoted() : v < 0.4 ? `${quoted()}tail` : plain());
    }
    parts.push(enc.encode(fields.join(delim)));
    if (rng.chance(0.05)) parts.push(Uint8Array.of(0xff, 0xc3)); // invalid UTF-8
    if (l < lines - 1 || rng.chance(0.5)) parts.push(enc.encode(eol()));
  }
  if (rng.chance(0.1)) parts.push(enc.encode('"open to the end'));
  return concatBytes(...parts);
}

describe('CsvBoundaryScanner', () => {
  it('cuts where a fresh parser reads what one parser reads (2,000 seeded inputs, random blocks and cuts)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rng = new Rng(seed);
      const delimChar = [',', ';', '\t'][seed % 3]!;
      const delim = delimChar.charCodeAt(0);
      const bytes = randomCsv(rng, delimChar);
      const whole = parse(bytes, 0, true, delim);

      const scanner = new CsvBoundaryScanner(delim);
      const got: Event[] = [];
      let pieceStart = 0;
      let line = 1;
      let rows = 0;
      let blank = 0;
      const cutPiece = (end: number, last: boolean): void => {
        const c = scanner.take();
        const events = parse(bytes.subarray(pieceStart, end), line - 1, last, delim);
        // The scanner's counts are the parser's on the piece.
        expect(events.filter((e) => e[0] !== 'B').length, `seed ${seed}`).toBe(c.rows);
        expect(events.filter((e) => e[0] === 'B').length, `seed ${seed}`).toBe(c.blank);
        got.push(...events);
        rows += c.rows;
        blank += c.blank;
        line += c.lines;
        pieceStart = end;
      };
      // Blocks of random sizes; cut targets at random distances (1 = every line).
      let at = 0;
      while (at < bytes.length) {
        const n = Math.min(bytes.length - at, 1 + rng.int(64));
        const block = bytes.subarray(at, at + n);
        let from = 0;
        for (;;) {
          const target = pieceStart + 1 + rng.int(48);
          const r = scanner.scan(block, from, n, target - at);
          if (r < 0) break;
          expect(block[r - 1], `seed ${seed}: a cut follows an LF`).toBe(0x0a);
          cutPiece(at + r, false);
          from = r;
        }
        at += n;
      }
      scanner.finish();
      cutPiece(bytes.length, true);
      expect(got, `seed ${seed}`).toEqual(whole);
      expect(rows).toBe(whole.filter((e) => e[0] !== 'B').length);
      expect(blank).toBe(whole.filter((e) => e[0] === 'B').length);
    }
  });

  it('with recordEnd stops after the first record (blank lines before it skipped), its terminator consumed', () => {
    const enc = new TextEncoder();
    for (const [text, end, afterCR] of [
      ['a,b\nc', 4, false],
      ['\n\r\n"x\ny",b\r\nc', 11, true],
      ['a\rb', 2, true],
      ['"un\nterminated', -1, false],
    ] as const) {
      const s = new CsvBoundaryScanner(0x2c);
      const bytes = enc.encode(text);
      expect(s.scan(bytes, 0, bytes.length, 0, true), text).toBe(end);
      if (end >= 0) {
        expect(s.afterCR, text).toBe(afterCR);
        expect(s.take().rows).toBe(1);
      }
    }
  });

  it('finds no cut in a file of lone-CR line ends (one piece)', () => {
    const bytes = new TextEncoder().encode('a,b\rc,d\re,f\r');
    const s = new CsvBoundaryScanner(0x2c);
    expect(s.scan(bytes, 0, bytes.length, 0)).toBe(-1);
    expect(s.take()).toEqual({ rows: 3, lines: 3, blank: 0 });
  });
});
