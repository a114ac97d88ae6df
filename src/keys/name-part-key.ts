/**
 * Phonetic keys of person-name parts, as blocking and comparison use them.
 *
 * nameKey(folded, locale): the key of a FOLDED part (foldToAscii output) — one Vietnamese
 * syllable key per word (vietnamese-phonetic.ts) for 'vi', the primary Double Metaphone code
 * per word, joined by single spaces, for 'generic' (Philips 2000, double-metaphone.ts).
 *
 * namePartForms(part, locale): a NORMALISED part's folded form and that form's key — what the
 * dedupe's prepare phase stores for the family, middle and given parts of every record and what
 * the register's "did you mean" key is made of.
 *
 * Trade-off: namePartForms is memoised per locale, keyed by the part's text, in a module-level
 * Map holding at most MAX_MEMO_PARTS entries and emptied when full. Name parts are Zipfian (a
 * few hundred family names and a few thousand middle and given names make up nearly every
 * Vietnamese name; English given and family names are similar), so almost every part is a hit
 * — a Map lookup instead of a fold and a key (~0.3 µs), three times a record. The answer is a
 * pure function of (part, locale), so the memo changes time, never a result. Each worker
 * thread has its own module instance, hence its own memo.
 */
import { foldToAscii } from '../text/fold.js';
import { vietnamesePhoneticKey } from './vietnamese-phonetic.js';
import { doubleMetaphone } from './double-metaphone.js';

/** Locale of a name's phonetic key ('auto' decided before). */
export type NameKeyLocale = 'vi' | 'generic';

/** Phonetic key of a FOLDED name part ('' for ''). */
export function nameKey(folded: string, locale: NameKeyLocale): string {
  if (folded === '') return '';
  if (locale === 'vi') return vietnamesePhoneticKey(folded);
  let out = '';
  let start = 0;
  for (let i = 0; i <= folded.length; i++) {
    if (i === folded.length || folded.charCodeAt(i) === 0x20) {
      if (i > start) {
        const code = doubleMetaphone(folded.slice(start, i)).primary;
        out = out === '' ? code : out + ' ' + code;
      }
      start = i + 1;
    }
  }
  return out;
}

/** A normalised name part's folded form and its phonetic key. */
export interface NamePartForms {
  /** foldToAscii(part). */
  readonly folded: string;
  /** nameKey(folded, locale). */
  readonly key: string;
}

/** Most entries a locale's memo holds before it is emptied. */
export const MAX_MEMO_PARTS = 16384;

const EMPTY: NamePartForms = Object.freeze({ folded: '', key: '' });
const memos: Record<NameKeyLocale, Map<string, NamePartForms>> = { vi: new Map(), generic: new Map() };

/** foldToAscii(part) and its nameKey, memoised (see the file header). */
export function namePartForms(part: string, locale: NameKeyLocale): NamePartForms {
  if (part === '') return EMPTY;
  const memo = memos[locale];
  let forms = memo.get(part);
  if (forms === undefined) {
    const folded = foldToAscii(part);
    forms = { folded, key: nameKey(folded, locale) };
    if (memo.size >= MAX_MEMO_PARTS) memo.clear();
    memo.set(part, forms);
  }
  return forms;
}
