/**
 * CSV files of synthetic people in every shape a piece reader must read as one parser does
 * (BOM, CRLF / mixed / lone-CR line ends, blank lines, broken rows, quoted line breaks, an
 * unterminated quote, no header line, the header repeated inside the data): shared by the
 * tests of Register.build's and dedupe's piece-parsed reads.
 */
import { generatePopulation } from '../../src/synth/population.js';
import { Rng } from '../../src/util/rng.js';

export const COLUMNS = ['recordId', 'id', 'fullName', 'dob', 'sex', 'province', 'address', 'old'];

export interface Variant {
  name: string;
  bom?: boolean;
  eol: 'lf' | 'crlf' | 'mixed' | 'cr';
  delimiter?: string;
  blank?: boolean;
  broken?: boolean;
  noFinalEol?: boolean;
  openQuoteAtEnd?: boolean;
  noHeader?: boolean;
  openQuoteEarly?: boolean;
  /** Build with a small csvMaxPieceBytes. */
  maxPiece?: boolean;
  /** The header line again inside the data (exports concatenated), quoted or not. */
  repeatHeader?: boolean;
}

export const VARIANTS: Variant[] = [
  { name: 'plain LF', eol: 'lf' },
  { name: 'BOM, CRLF, blank lines, broken rows', bom: true, eol: 'crlf', blank: true, broken: true },
  { name: 'mixed line ends, quoted line breaks, no final line end', eol: 'mixed', broken: true, noFinalEol: true },
  { name: 'semicolons, blank lines, an unterminated quote at the end', eol: 'lf', delimiter: ';', blank: true, openQuoteAtEnd: true },
  { name: 'no header line (header option), CRLF', eol: 'crlf', noHeader: true, broken: true },
  { name: 'the header line repeated inside the data (exports concatenated)', eol: 'crlf', repeatHeader: true, broken: true },
  // No cut anywhere (every line ends in a lone CR), or none after an early open quote: past
  // csvMaxPieceBytes the rest is parsed as it streams.
  { name: 'lone-CR line ends (no cut: streamed)', eol: 'cr', broken: true, maxPiece: true },
  { name: 'a quote left open early (no cut after it: streamed)', eol: 'lf', openQuoteEarly: true, maxPiece: true },
];

export function csvText(v: Variant, size: number, seed: number): string {
  const rng = new Rng(seed);
  const d = v.delimiter ?? ',';
  const eol = () => (v.eol === 'lf' ? '\n' : v.eol === 'crlf' ? '\r\n' : v.eol === 'cr' ? '\r' : ['\n', '\r\n'][rng.int(2)]!);
  const q = (x: unknown) => (x === null || x === undefined ? '' : `"${String(x).replace(/"/g, '""')}"`);
  let out = v.bom === true ? '\uFEFF' : '';
  if (v.blank === true) out += eol() + eol();
  if (v.noHeader !== true) out += COLUMNS.join(d) + eol();
  const pop = [...generatePopulation({ size, seed, duplicateRate: 0.2 })] as unknown as Array<Record<string, unknown>>;
  pop.forEach((r, i) => {
    const row: Record<string, unknown> = { ...r, old: rng.chance(0.05) ? pop[rng.int(pop.length)]!['id'] : null };
    if (v.eol === 'mixed' && rng.chance(0.05)) row['address'] = `${String(row['address'] ?? '')}\nline two`;
    if (v.broken === true && rng.chance(0.02)) out += (rng.chance(0.5) ? `${q(row['recordId'])}${d}"x"y` : q(row['recordId'])) + eol();
    if (v.blank === true && rng.chance(0.02)) out += eol();
    if (v.openQuoteEarly === true && i === 300) out += `"r-open${d}` ;
    if (v.repeatHeader === true && i % 400 === 199) out += (i % 800 === 199 ? COLUMNS.join(d) : COLUMNS.map(q).join(d)) + eol();
    out += COLUMNS.map((c) => q(row[c])).join(d);
    if (i < pop.length - 1 || v.noFinalEol !== true) out += eol();
  });
  if (v.openQuoteAtEnd === true) out += `"r-open${d}"001090012345${d}unterminated`;
  return out;
}
