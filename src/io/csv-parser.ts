/**
 * Streaming CSV parser (RFC 4180, with the leniencies real exports need): text chunks in,
 * records out through a sink, state carried across chunk boundaries.
 *
 *   push(chunk) ─► FIELD_START ─"─► QUOTED ─"─► QUOTE_SEEN ─"─► QUOTED   ("" = one quote)
 *                      │                            └─ , CR LF ─► field ends
 *                      │                            └─ other ───► AFTER_QUOTE_TEXT (row rejected)
 *                      └─other─► UNQUOTED ─ , CR LF ─► field ends
 *
 * - Fields quoted with `"`, a quote inside written `""`; quoted fields may hold delimiters and
 *   line breaks. A `"` inside an UNQUOTED field is kept literally (`5"` stays `5"`), as Python's
 *   csv module and Excel do: the value is unambiguous, rejecting it would lose real rows.
 * - Line ends: CRLF, LF, lone CR (old Mac exports). A line with no character at all is a blank
 *   line, skipped and counted, not a row. Line numbers count physical lines, including line
 *   breaks inside quoted fields.
 * - Problems never stop the parse: the record is reported to `sink.rejected` with a code and
 *   the 1-based column, parsing resumes at the next delimiter / line end. So every record the
 *   parser recognises reaches the sink exactly once (the accounting invariant).
 *
 * Memory is bounded: the current chunk plus the current record. A field longer than
 * `maxFieldLength` stops being buffered the moment it crosses the limit (its row is rejected
 * with FIELD_TOO_LONG when it ends); fields past the expected column count are counted, not
 * stored; raw text kept for a rejected row is cut at RAW_TEXT_LIMIT.
 *
 * Speed: one `charCodeAt` loop per field with no allocation; a field's value is one `slice` of
 * the chunk (plus concatenation only when it straddles chunks or holds `""`). The U+FFFD check
 * (invalid encoding) runs only on records that overlap a chunk that contains U+FFFD at all.
 *
 * Reference: RFC 4180, "Common Format and MIME Type for CSV Files" (2005).
 */
import type { RejectCode } from './record-types.js';
import { RAW_TEXT_LIMIT } from './record-types.js';

const QUOTE = 0x22; // "
const LF = 0x0a;
const CR = 0x0d;
const REPLACEMENT = '\uFFFD';

// Parser states (between two characters).
const FIELD_START = 0; // before the first character of a field
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // a chunk ended right after a quote inside a quoted field: "" or the close?
const AFTER_CLOSE = 4; // right after a closing quote: expect delimiter / line end / EOF
const AFTER_QUOTE_TEXT = 5; // text after a closing quote: skipping to the delimiter / line end

/** Receives the parser's output. `fields` is reused after the call returns: copy what you keep. */
export interface CsvSink {
  /** A well-formed record of `fieldCount` fields (== expected columns when that is set). */
  record(fields: readonly string[], fieldCount: number, line: number): void;
  /**
   * A record that cannot be accepted. `column` is the 1-based column of the problem, 0 when it
   * concerns the whole row (column count). `raw` is the record's text when `keepRaw`.
   */
  rejected(code: RejectCode, column: number, fieldCount: number, line: number, raw: string | undefined, rawTruncated: boolean): void;
  /** An empty physical line between records (not a record). */
  blankLine(line: number): void;
}

export interface CsvParserOptions {
  /** Delimiter character code (not `"`, CR or LF). */
  delimiter: number;
  /** Longest field kept, in UTF-16 code units. */
  maxFieldLength: number;
  /** Records with more fields are rejected while no expected column count is set (header). */
  maxColumns: number;
  /** Keep the raw text of rejected records. */
  keepRaw: boolean;
}

/** Push-based CSV state machine. Not re-entrant: one parser per input. */
export class CsvParser {
  private readonly sink: CsvSink;
  private readonly delim: number;
  private readonly maxField: number;
  private readonly maxColumns: number;
  private readonly keepRaw: boolean;

  /** Expected fields per record; 0 = not known yet (header), then `maxColumns` bounds it. */
  private expected = 0;
  private state = FIELD_START;
  private atRecordStart = true;
  private readonly fields: string[] = [];
  private nFields = 0;
  /** Text of the current field gathered from earlier chunks / before a `""`. */
  private part = '';
  /** Length of the current field so far, stored or not. */
  private fieldLen = 0;
  private overflow = false;
  private problem: RejectCode | null = null;
  private problemColumn = 0;
  private line = 1;
  private recLine = 1;
  private prevEndedCR = false;
  private endedOnLineBreak = false;
  private chunkHasReplacement = false;
  private recordMayHaveReplacement = false;
  private raw = '';
  private rawTruncated = false;
  private rawFrom = 0;
  private finished = false;

  constructor(sink: CsvSink, options: CsvParserOptions) {
    this.sink = sink;
    this.delim = options.delimiter;
    this.maxField = options.maxFieldLength;
    this.maxColumns = options.maxColumns;
    this.keepRaw = options.keepRaw;
  }

  /** Set the column count every following record must have (after reading the header). */
  setExpectedColumns(n: number): void {
    this.expected = n;
  }

  /** The physical line the parser is on (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** The last line that holds a character of the text pushed so far (1-based). */
  get lastLine(): number {
    return this.endedOnLineBreak ? this.line - 1 : this.line;
  }

  /** Parse one chunk of text. Records completed by it are sent to the sink before it returns. */
  push(text: string): void {
    const n = text.length;
    if (n === 0) return;
    const delim = this.delim;
    this.chunkHasReplacement = text.indexOf(REPLACEMENT) !== -1;
    if (this.chunkHasReplacement && !this.atRecordStart) this.recordMayHaveReplacement = true;
    this.rawFrom = 0;
    let state = this.state;
    let i = 0;
    let segStart = 0; // start of the not-yet-copied part of the current field in `text`

    outer: while (i < n) {
      switch (state) {
        case FIELD_START: {
          const c = text.charCodeAt(i);
          if (this.atRecordStart) {
            if (c === LF && (i > 0 ? text.charCodeAt(i - 1) === CR : this.prevEndedCR)) {
              i++; // second half of a CRLF whose CR already ended a line
              continue;
            }
            this.atRecordStart = false;
            this.recLine = this.line;
            this.rawFrom = i;
            this.raw = '';
            this.rawTruncated = false;
            this.recordMayHaveReplacement = this.chunkHasReplacement;
            if (c === LF || c === CR) {
              this.line++;
              this.atRecordStart = true;
              this.sink.blankLine(this.recLine);
              i++;
              continue;
            }
          }
          if (c === QUOTE) {
            state = QUOTED;
            i++;
            segStart = i;
          } else if (c === delim) {
            this.endField(text, i, i);
            i++;
          } else if (c === LF || c === CR) {
            // a delimiter was just read: the record's last field is empty
            this.endField(text, i, i);
            this.endRecord(text, i);
            i++;
          } else {
            state = UNQUOTED;
            segStart = i;
          }
          continue;
        }

        case UNQUOTED: {
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          if (i === n) {
            this.appendPart(text, segStart, n);
            break outer;
          }
          this.endField(text, segStart, i);
          state = FIELD_START;
          if (c !== delim) this.endRecord(text, i);
          i++;
          continue;
        }

        case QUOTED: {
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === QUOTE) break;
            if (c === LF) {
              // a line break inside the field: count it (once for CRLF, counted at the CR)
              if (!(i > 0 ? text.charCodeAt(i - 1) === CR : this.prevEndedCR)) this.line++;
            } else if (c === CR) {
              this.line++;
            }
            i++;
          }
          if (i === n) {
            this.appendPart(text, segStart, n);
            break outer;
          }
          // text[i] is a quote: doubled (an escaped quote) or the closing one?
          if (i + 1 === n) {
            this.appendPart(text, segStart, i);
            state = QUOTE_SEEN; // the next chunk decides
            i++;
            break outer;
          }
          if (text.charCodeAt(i + 1) === QUOTE) {
            this.appendPart(text, segStart, i + 1); // keep one quote
            i += 2;
            segStart = i;
            continue;
          }
          this.endField(text, segStart, i);
          state = AFTER_CLOSE;
          i++;
          continue;
        }

        case QUOTE_SEEN: {
          // previous chunk ended on a quote inside a quoted field
          if (text.charCodeAt(i) === QUOTE) {
            this.appendPart('"', 0, 1);
            i++;
            segStart = i;
            state = QUOTED;
          } else {
            this.endField(text, i, i);
            state = AFTER_CLOSE;
          }
          continue;
        }

        case AFTER_CLOSE: {
          const c = text.charCodeAt(i);
          if (c === delim) {
            state = FIELD_START;
            i++;
          } else if (c === LF || c === CR) {
            this.endRecord(text, i);
            state = FIELD_START;
            i++;
          } else {
            this.setProblem('TEXT_AFTER_QUOTE', this.nFields);
            state = AFTER_QUOTE_TEXT;
          }
          continue;
        }

        case AFTER_QUOTE_TEXT: {
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          if (i === n) break outer;
          state = FIELD_START;
          if (c !== delim) this.endRecord(text, i);
          i++;
          continue;
        }
      }
    }

    this.state = state;
    this.prevEndedCR = text.charCodeAt(n - 1) === CR;
    this.endedOnLineBreak = this.prevEndedCR || text.charCodeAt(n - 1) === LF;
    if (!this.atRecordStart && this.keepRaw) this.appendRaw(text, this.rawFrom, n);
  }

  /** End of input: complete (or reject) the last record. Call once. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    switch (this.state) {
      case QUOTED:
        this.setProblem('UNTERMINATED_QUOTE', this.nFields + 1, true);
        this.endField('', 0, 0);
        this.endRecord('', 0);
        break;
      case QUOTE_SEEN:
      case UNQUOTED:
        this.endField('', 0, 0);
        this.endRecord('', 0);
        break;
      case AFTER_CLOSE:
      case AFTER_QUOTE_TEXT:
        this.endRecord('', 0);
        break;
      case FIELD_START:
        if (!this.atRecordStart) {
          // input ended right after a delimiter: one more (empty) field
          this.endField('', 0, 0);
          this.endRecord('', 0);
        }
        break;
    }
    this.state = FIELD_START;
  }

  private setProblem(code: RejectCode, column: number, override = false): void {
    if (this.problem === null || override) {
      this.problem = code;
      this.problemColumn = column;
    }
  }

  /** Columns stored for the current record: the expected count, or maxColumns for a header. */
  private get storeLimit(): number {
    return this.expected > 0 ? this.expected : this.maxColumns;
  }

  /** Add text[from, to) to the current field (it continues in a later chunk or after a `""`). */
  private appendPart(text: string, from: number, to: number): void {
    this.fieldLen += to - from;
    if (this.overflow) return;
    if (this.fieldLen > this.maxField) {
      this.overflow = true; // stop buffering: the row is rejected when the field ends
      this.part = '';
      return;
    }
    if (this.problem !== null || this.nFields >= this.storeLimit) return; // not stored anyway
    this.part += from === 0 && to === text.length ? text : text.slice(from, to);
  }

  /** The current field ends with text[from, to). */
  private endField(text: string, from: number, to: number): void {
    const col = this.nFields++;
    this.fieldLen += to - from;
    if (this.overflow || this.fieldLen > this.maxField) {
      this.setProblem('FIELD_TOO_LONG', col + 1);
    } else if (this.problem === null && col < this.storeLimit) {
      this.fields[col] = this.part === '' ? text.slice(from, to) : this.part + text.slice(from, to);
    } else if (this.expected === 0 && col >= this.maxColumns) {
      this.setProblem('TOO_MANY_COLUMNS', 0);
    }
    this.part = '';
    this.fieldLen = 0;
    this.overflow = false;
  }

  /** The current record ends before text[end] (a line break, or the end of input). */
  private endRecord(text: string, end: number): void {
    const nf = this.nFields;
    let code = this.problem;
    let column = this.problemColumn;
    const expected = this.expected;
    if (code === null && expected > 0 && nf !== expected) {
      code = nf > expected ? 'TOO_MANY_COLUMNS' : 'TOO_FEW_COLUMNS';
      column = 0;
    }
    if (code === null && this.recordMayHaveReplacement) {
      const fields = this.fields;
      for (let j = 0; j < nf; j++) {
        if (fields[j]!.indexOf(REPLACEMENT) !== -1) {
          code = 'INVALID_ENCODING';
          column = j + 1;
          break;
        }
      }
    }
    if (end < text.length && (text.charCodeAt(end) === LF || text.charCodeAt(end) === CR)) this.line++;
    this.nFields = 0;
    this.problem = null;
    this.problemColumn = 0;
    this.atRecordStart = true;
    if (code === null) {
      this.sink.record(this.fields, nf, this.recLine);
    } else {
      let raw: string | undefined;
      if (this.keepRaw) {
        this.appendRaw(text, this.rawFrom, end);
        raw = this.raw;
      }
      this.sink.rejected(code, column, nf, this.recLine, raw, this.rawTruncated);
    }
    this.raw = '';
    this.rawTruncated = false;
  }

  /** Keep text[from, to) as raw text of the current record, up to RAW_TEXT_LIMIT. */
  private appendRaw(text: string, from: number, to: number): void {
    if (to <= from) return;
    const room = RAW_TEXT_LIMIT - this.raw.length;
    if (to - from > room) {
      this.rawTruncated = true;
      to = from + room;
    }
    if (to > from) this.raw += text.slice(from, to);
  }
}
