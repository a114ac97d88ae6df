import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvSink } from '../../src/io/csv-parser.js';
import type { RejectCode } from '../../src/io/record-types.js';

type Event =
  | { t: 'record'; fields: string[]; line: number }
  | { t: 'rejected'; code: RejectCode; column: number; nf: number; line: number; raw: string | undefined }
  | { t: 'blank'; line: number };

class CollectSink implements CsvSink {
  events: Event[] = [];
  record(fields: readonly string[], n: number, line: number): void {
    this.events.push({ t: 'record', fields: fields.slice(0, n), line });
  }
  rejected(code: RejectCode, column: number, nf: number, line: number, raw: string | undefined): void {
    this.events.push({ t: 'rejected', code, column, nf, line, raw });
  }
  blankLine(line: number): void {
    this.events.push({ t: 'blank', line });
  }
}

interface Opts {
  delim?: string;
  expected?: number;
  maxField?: number;
  maxColumns?: number;
}

/** Run the streaming parser over `chunks`. */
function parse(chunks: readonly string[], o: Opts = {}): Event[] {
  const sink = new CollectSink();
  const p = new CsvParser(sink, {
    delimiter: (o.delim ?? ',').charCodeAt(0),
    maxFieldLength: o.maxField ?? 1 << 20,
    maxColumns: o.maxColumns ?? 1000,
    keepRaw: true,
  });
  if (o.expected) p.setExpectedColumns(o.expected);
  for (const c of chunks) p.push(c);
  p.finish();
  return sink.events;
}

/**
 * Reference oracle: the same rules written the slow, obvious way over the whole text
 * (character by character, string concatenation, no state carried between chunks).
 */
function reference(text: string, o: Opts = {}): Event[] {
  const d = o.delim ?? ',';
  const expected = o.expected ?? 0;
  const maxField = o.maxField ?? 1 << 20;
  const maxColumns = o.maxColumns ?? 1000;
  const events: Event[] = [];
  const n = text.length;
  const isEnd = (c: string | undefined) => c === '\n' || c === '\r';
  let i = 0;
  let line = 1;
  while (i < n) {
    if (text[i] === '\n' && i > 0 && text[i - 1] === '\r') {
      i++;
      continue;
    }
    const recLine = line;
    const recStart = i;
    if (isEnd(text[i])) {
      events.push({ t: 'blank', line: recLine });
      line++;
      i++;
      continue;
    }
    const fields: string[] = [];
    let problem: RejectCode | null = null;
    let pcol = 0;
    const set = (c: RejectCode, col: number) => {
      if (problem === null) {
        problem = c;
        pcol = col;
      }
    };
    let recEnd = n;
    for (;;) {
      let value = '';
      const col = fields.length + 1;
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            closed = true;
            i++;
            break;
          }
          if (c === '\n') {
            if (text[i - 1] !== '\r') line++;
          } else if (c === '\r') line++;
          value += c;
          i++;
        }
        if (!closed) {
          problem = 'UNTERMINATED_QUOTE';
          pcol = col;
          fields.push(value);
          break;
        }
        if (value.length > maxField) set('FIELD_TOO_LONG', col);
        if (i < n && text[i] !== d && !isEnd(text[i])) {
          set('TEXT_AFTER_QUOTE', col);
          while (i < n && text[i] !== d && !isEnd(text[i])) i++;
        }
      } else {
        while (i < n && text[i] !== d && !isEnd(text[i])) value += text[i++];
        if (value.length > maxField) set('FIELD_TOO_LONG', col);
      }
      fields.push(value);
      if (expected === 0 && fields.length > maxColumns) set('TOO_MANY_COLUMNS', 0);
      if (i < n && text[i] === d) {
        i++;
        if (i === n) {
          fields.push('');
          if (expected === 0 && fields.length > maxColumns) set('TOO_MANY_COLUMNS', 0);
          break;
        }
        continue;
      }
      if (i < n) {
        recEnd = i;
        line++;
        i++;
      }
      break;
    }
    let code: RejectCode | null = problem;
    let column = pcol;
    if (code === null && expected > 0 && fields.length !== expected) {
      code = fields.length > expected ? 'TOO_MANY_COLUMNS' : 'TOO_FEW_COLUMNS';
      column = 0;
    }
    if (code === null) {
      const bad = fields.findIndex((f) => f.includes('\uFFFD'));
      if (bad >= 0) {
        code = 'INVALID_ENCODING';
        column = bad + 1;
      }
    }
    if (code === null) events.push({ t: 'record', fields, line: recLine });
    else events.push({ t: 'rejected', code, column, nf: fields.length, line: recLine, raw: text.slice(recStart, recEnd) });
  }
  return events;
}

/** Split a string at the given offsets. */
function split(s: string, cuts: number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c > prev && c < s.length) {
      out.push(s.slice(prev, c));
      prev = c;
    }
  }
  out.push(s.slice(prev));
  return out;
}

describe('CsvParser known answers', () => {
  it('parses quotes, doubled quotes, embedded delimiters and line breaks', () => {
    const ev = parse(['ho_ten,dia_chi\r\n"Trần ""Bé"" Ba","12 Lê Lợi,\nHuế"\r\n']);
    expect(ev).toEqual([
      { t: 'record', fields: ['ho_ten', 'dia_chi'], line: 1 },
      { t: 'record', fields: ['Trần "Bé" Ba', '12 Lê Lợi,\nHuế'], line: 2 },
    ]);
  });

  it('handles LF, CRLF and lone CR line ends and counts physical lines', () => {
    const ev = parse(['a\nb\r\nc\rd']);
    expect(ev.map((e) => (e.t === 'record' ? [e.fields[0], e.line] : e.t))).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
  });

  it('counts a line break inside a quoted field in the next record line number', () => {
    const ev = parse(['"x\r\ny",1\n2,3\n'], { expected: 2 });
    expect(ev).toEqual([
      { t: 'record', fields: ['x\r\ny', '1'], line: 1 },
      { t: 'record', fields: ['2', '3'], line: 3 },
    ]);
  });

  it('reports blank lines and does not make them records', () => {
    expect(parse(['a\n\n\r\n\rb\n'])).toEqual([
      { t: 'record', fields: ['a'], line: 1 },
      { t: 'blank', line: 2 },
      { t: 'blank', line: 3 },
      { t: 'blank', line: 4 },
      { t: 'record', fields: ['b'], line: 5 },
    ]);
  });

  it('a trailing delimiter makes an empty last field, also at end of input', () => {
    expect(parse(['a,\nb,'])).toEqual([
      { t: 'record', fields: ['a', ''], line: 1 },
      { t: 'record', fields: ['b', ''], line: 2 },
    ]);
    expect(parse(['""'])).toEqual([{ t: 'record', fields: [''], line: 1 }]);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(parse(['5" ống,x'])).toEqual([{ t: 'record', fields: ['5" ống', 'x'], line: 1 }]);
  });

  it('rejects text after a closing quote and resumes at the next line', () => {
    expect(parse(['"ab"c,d\ne,f'], { expected: 2 })).toEqual([
      { t: 'rejected', code: 'TEXT_AFTER_QUOTE', column: 1, nf: 2, line: 1, raw: '"ab"c,d' },
      { t: 'record', fields: ['e', 'f'], line: 2 },
    ]);
  });

  it('rejects an unterminated quote at end of input (one record swallowing the rest)', () => {
    expect(parse(['a,b\n1,"open\n3,4\n'], { expected: 2 })).toEqual([
      { t: 'record', fields: ['a', 'b'], line: 1 },
      { t: 'rejected', code: 'UNTERMINATED_QUOTE', column: 2, nf: 2, line: 2, raw: '1,"open\n3,4\n' },
    ]);
  });

  it('rejects wrong column counts with the field count', () => {
    expect(parse(['1,2,3\n1\n'], { expected: 2 })).toEqual([
      { t: 'rejected', code: 'TOO_MANY_COLUMNS', column: 0, nf: 3, line: 1, raw: '1,2,3' },
      { t: 'rejected', code: 'TOO_FEW_COLUMNS', column: 0, nf: 1, line: 2, raw: '1' },
    ]);
  });

  it('rejects a too-long field, quoted or not, and keeps parsing', () => {
    expect(parse(['abcdef,x\n"abc""def",y\nab,z'], { expected: 2, maxField: 5 })).toEqual([
      { t: 'rejected', code: 'FIELD_TOO_LONG', column: 1, nf: 2, line: 1, raw: 'abcdef,x' },
      { t: 'rejected', code: 'FIELD_TOO_LONG', column: 1, nf: 2, line: 2, raw: '"abc""def",y' },
      { t: 'record', fields: ['ab', 'z'], line: 3 },
    ]);
  });

  it('rejects a record holding U+FFFD, naming its column', () => {
    expect(parse(['a,b\u{FFFD}\nc,d'], { expected: 2 })).toEqual([
      { t: 'rejected', code: 'INVALID_ENCODING', column: 2, nf: 2, line: 1, raw: 'a,b\u{FFFD}' },
      { t: 'record', fields: ['c', 'd'], line: 2 },
    ]);
  });

  it('rejects a header-mode record wider than maxColumns', () => {
    const ev = parse(['a,b,c,d\n'], { maxColumns: 3 });
    expect(ev).toEqual([{ t: 'rejected', code: 'TOO_MANY_COLUMNS', column: 0, nf: 4, line: 1, raw: 'a,b,c,d' }]);
  });

  it('uses the configured delimiter (semicolon, tab)', () => {
    expect(parse(['a;"b;c"\n'], { delim: ';' })).toEqual([{ t: 'record', fields: ['a', 'b;c'], line: 1 }]);
    expect(parse(['a\tb,c\n'], { delim: '\t' })).toEqual([{ t: 'record', fields: ['a', 'b,c'], line: 1 }]);
  });

  it('gives the same result whatever the chunk boundaries (every split of a tricky input)', () => {
    const text = 'h1,h2\r\n"a""b","c\r\nd"\r\n\r\n"x"y,z\r"q",\n"u\u{FFFD}",v\n"end';
    const whole = parse([text], { expected: 2 });
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b += 3) {
        expect(parse(split(text, [a, b]), { expected: 2 })).toEqual(whole);
      }
    }
  });
});

describe('CsvParser against the reference oracle', () => {
  const alphabet = fc.constantFrom('a', 'b', 'ễ', ',', ';', '"', '"', '\n', '\r', '\r\n', ' ', '\u{FFFD}');
  const text = fc.array(alphabet, { maxLength: 60 }).map((a) => a.join(''));

  it('matches the oracle on random text, random chunking, expected columns 0..3', () => {
    fc.assert(
      fc.property(
        text,
        fc.array(fc.nat({ max: 70 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        (s, cuts, expected, maxField) => {
          const o = { expected, maxField, maxColumns: 4 };
          expect(parse(split(s, cuts), o)).toEqual(reference(s, o));
        },
      ),
      { numRuns: 3000, seed: 20250601 },
    );
  });
});
