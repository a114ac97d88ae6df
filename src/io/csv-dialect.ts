/**
 * CSV delimiter detection from the first lines of a file: comma, semicolon, tab or pipe.
 *
 * Method (a simplified form of the "consistent field count" test of Python's csv.Sniffer and
 * Papa Parse's guessDelimiter): for each candidate, count its occurrences OUTSIDE quotes on
 * each of the first {@link SNIFF_MAX_LINES} non-empty lines. A candidate is eligible when it
 * occurs on the first (header) line. Its score is the number of following lines that have
 * exactly the header's count. Highest score wins; then the higher header count (more columns
 * with equal consistency); an exact tie goes to comma, then semicolon, then tab, then pipe.
 * (Pipe-separated exports are common from government and mainframe systems; a `|` is not a
 * character of names, dates, IDs or addresses, so a header line holding one is rarely anything
 * else.)
 *
 * Why not "most frequent character": Vietnamese addresses are full of commas ("12 Lê Lợi,
 * P. Vĩnh Ninh, TP. Huế") inside semicolon-separated files; they break the consistency of
 * the comma count, not of the semicolon count. A header-only sample scores 0 for everyone and
 * falls back to the header count. No candidate on the header line → comma (one column).
 */

export type DetectableDelimiter = ',' | ';' | '\t' | '|';

/** Lines examined (header included). */
export const SNIFF_MAX_LINES = 20;
/** Text examined at most, in UTF-16 code units (64 Ki). */
export const SNIFF_MAX_CHARS = 65536;

const CANDIDATES: readonly DetectableDelimiter[] = [',', ';', '\t', '|'];
/** Entries of `counts` per line: one per candidate. */
const K = CANDIDATES.length;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const TAB = 0x09;
const PIPE = 0x7c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * True once `sample` holds enough text to decide: SNIFF_MAX_LINES line breaks (outside quotes
 * or not — a cheap upper bound) or SNIFF_MAX_CHARS code units.
 */
export function sampleIsEnough(sample: string): boolean {
  if (sample.length >= SNIFF_MAX_CHARS) return true;
  let lines = 0;
  for (let p = sample.indexOf('\n'); p !== -1; p = sample.indexOf('\n', p + 1)) {
    if (++lines >= SNIFF_MAX_LINES + 1) return true;
  }
  return false;
}

/**
 * Choose the delimiter of a CSV sample (the file's first characters).
 * @param sample leading text of the file (BOM removed)
 * @param complete true when `sample` is the whole file (its last line is then complete too)
 */
export function detectCsvDelimiter(sample: string, complete: boolean): DetectableDelimiter {
  const n = Math.min(sample.length, SNIFF_MAX_CHARS);
  // counts[line * K + k] for the candidates k = comma, semicolon, tab, pipe
  const counts: number[] = [];
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let lines = 0;
  let inQuotes = false;
  let lineHasChars = false;
  let i = 0;
  for (; i < n && lines < SNIFF_MAX_LINES; i++) {
    const c = sample.charCodeAt(i);
    if (c === QUOTE) {
      inQuotes = !inQuotes; // "" toggles twice: still inside
      lineHasChars = true;
    } else if (inQuotes) {
      continue;
    } else if (c === LF || c === CR) {
      if (lineHasChars) {
        counts.push(c0, c1, c2, c3);
        lines++;
      }
      c0 = c1 = c2 = c3 = 0;
      lineHasChars = false;
    } else {
      lineHasChars = true;
      if (c === COMMA) c0++;
      else if (c === SEMICOLON) c1++;
      else if (c === TAB) c2++;
      else if (c === PIPE) c3++;
    }
  }
  // The last line counts only if it is known to be complete.
  if (lineHasChars && lines < SNIFF_MAX_LINES && complete && n === sample.length && !inQuotes) {
    counts.push(c0, c1, c2, c3);
    lines++;
  }
  if (lines === 0) return ',';

  let best: DetectableDelimiter = ',';
  let bestScore = -1;
  let bestHeader = 0;
  for (let k = 0; k < CANDIDATES.length; k++) {
    const header = counts[k]!;
    if (header === 0) continue;
    let score = 0;
    for (let l = 1; l < lines; l++) if (counts[l * K + k] === header) score++;
    // strictly better only: ties keep the earlier candidate (comma, then semicolon)
    if (score > bestScore || (score === bestScore && header > bestHeader)) {
      best = CANDIDATES[k]!;
      bestScore = score;
      bestHeader = header;
    }
  }
  return best;
}

/**
 * Excel's delimiter line: a first line `sep=;` (or `sep=,`, `sep=<tab>`, any one character but
 * a quote, CR or LF), written by Excel's "CSV" exports for locales whose list separator is not
 * the comma, and read by Excel as an instruction, not as data. Also taken: the line as a CSV
 * writer makes it when the line is a row of its own table — quoted (`"sep=;"`: its cell holds
 * the delimiter) and/or padded with the delimiter to the table's width (`sep=;;;;`).
 */
const SEP = 'sep=';
const QUOTED_SEP = '"sep=';
/** The longest first line looked at for a sep line (a padded one is its table's width). */
const SEP_LINE_MAX_CHARS = 4096;

/**
 * Where the sep line's padding starts, its delimiter, or null when `text` (from the file's first
 * character, BOM removed) cannot start a sep line; `undefined` while it is too short to tell.
 */
function sepLineStart(text: string): { delimiter: string; at: number } | null | undefined {
  const quoted = text.startsWith('"');
  const prefix = quoted ? QUOTED_SEP : SEP;
  if (text.length <= prefix.length) return prefix.startsWith(text) ? undefined : null;
  if (!text.startsWith(prefix)) return null;
  const c = text[prefix.length]!;
  if (c === '"' || c === '\r' || c === '\n') return null;
  if (!quoted) return { delimiter: c, at: prefix.length + 1 };
  if (text.length === prefix.length + 1) return undefined;
  return text[prefix.length + 1] === '"' ? { delimiter: c, at: prefix.length + 2 } : null;
}

/**
 * More text is needed to tell whether `text` starts with a sep line: it is a sep line's start,
 * possibly padded, with no line break yet (at most SEP_LINE_MAX_CHARS are looked at).
 */
export function sepLineUndecided(text: string): boolean {
  if (text.length >= SEP_LINE_MAX_CHARS) return false;
  const start = sepLineStart(text);
  if (start === undefined) return true;
  if (start === null) return false;
  for (let i = start.at; i < text.length; i++) if (text[i] !== start.delimiter) return false;
  return true;
}

/**
 * The delimiter a first line `sep=X` names (quoted or padded, see above), or null when the text
 * (from the file's first character, BOM removed) does not start with one. `complete`: the text
 * is the whole file (a sep line without a line break after it is then the whole line).
 */
export function sepLineDelimiter(text: string, complete: boolean): string | null {
  const start = sepLineStart(text);
  if (start === undefined || start === null) return null;
  // One UTF-16 unit; a delimiter above U+FFFF is not a delimiter the reader takes.
  let i = start.at;
  while (i < text.length && i < SEP_LINE_MAX_CHARS && text[i] === start.delimiter) i++;
  if (i === text.length) return complete ? start.delimiter : null;
  return text[i] === '\r' || text[i] === '\n' ? start.delimiter : null;
}
