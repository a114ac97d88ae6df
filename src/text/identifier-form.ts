/**
 * identifierForm: the comparable form of an `identifier` value (an e-mail, a phone, passport,
 * insurance or customer number) — what dedupe / link store, block on and compare, and what a
 * register stores and compares a claim with.
 *
 *   'J.Smith@Acme-Corp.com '   → 'j.smith@acme-corp.com'    an address: punctuation kept
 *   'jsmith@acmecorp.com'      → 'jsmith@acmecorp.com'      (another address: not equal)
 *   'ａｎｎ＠ａｂｃ．ｃｏｍ'        → 'ann@abc.com'              full width read as ASCII (NFKC)
 *   '090-123-4567', '090 123 4567', '0901234567' → '0901234567'   a number: separators dropped
 *   'B 1234.567'               → 'b1234567'
 *
 * The rule: a value holding an `@` (after NFKC, so `＠` and `﹫` count) is an address — an
 * e-mail, or a handle — and its ASCII punctuation is part of it: `. - _ + ' @` and the rest are
 * kept as written, so `j.smith@acme-corp.com` and `jsmith@acmecorp.com`, or `ann@abc.com` and
 * `anna@bc.com`, are two values (different mailboxes: dots, dashes and the `@` position all name
 * another one). Only whitespace (anywhere: a pasted address often carries spaces), letter case,
 * the Unicode form (NFC / NFD) and width (NFKC) are normalised; letters are folded as
 * foldKeepingScripts folds them (accents off, other scripts kept losslessly). A value without an
 * `@` is a number or a code, whose punctuation is formatting that differs from one system to
 * the next (`090-123-4567`, `090.123.4567`, `(090) 123 4567`): it is folded and every separator
 * (space, punctuation) removed, as identifiers always were — the characters are the identity.
 *
 * Why this rule and not "keep punctuation everywhere and let the typo levels absorb it": a phone
 * written with two dashes and without would then be two typos apart, a weak level, on every such
 * pair — and numbers are where the formatting varies most. Why not "drop punctuation
 * everywhere" (the form before): different people's addresses became equal ("exact", +17 bits
 * on a 600-person population) and merged. An address that differs only by a dot is now one or
 * two typos apart: still evidence, with the weight the data gives it. Measured
 * (bench/quality/run.ts, defaults): F1 fake_1000 0.9526 → 0.9546, fake_20000 0.9142 → 0.9129
 * (link 0.8572 → 0.8538) — that generator's typos insert and drop dots and `@`s, so 597 of its
 * true pairs were "exact" only without their punctuation (and 3 addresses of different people
 * were one value); RLdata and the synthetic population have no identifier: unchanged.
 *
 * `_` in an address is written `_002n` — its code point as foldKeepingScripts writes a letter of
 * another script (`_` + four base-36 digits) — because every ascii column reads a `_` as the
 * start of such a 5-byte code (the first / last blocking transforms, blocking-keys.ts). Lossless
 * (no letter of another script has that code point); the cost: an edit of a `_` counts as
 * several in the typo levels, so `j_smith@x.com` against `jsmith@x.com` is "else", not one typo.
 * A value whose form holds no letter or digit (`@`, `--`) is '' (the caller counts it "no letters
 * or digits").
 *
 * A register saved before this form holds its addresses without their punctuation: loading one
 * with an identifier field is refused SNAPSHOT_VERSION (register-snapshot.ts,
 * IDENTIFIER_FORM_VERSION) — rebuild it from its rows.
 */
import { KhopError } from '../errors.js';
import { foldKeepingScripts } from './fold.js';

/** `_` in an address: its code point as foldKeepingScripts writes one (see the file header). */
const UNDERSCORE_CODE = '_002n';

/** Printable ASCII that is not a letter, digit or space: kept in an address as written. */
function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function withoutSpaces(s: string): string {
  return s.indexOf(' ') < 0 ? s : s.split(' ').join('');
}

/**
 * The comparable form of an identifier (see the file header): ASCII, no spaces; '' when it has
 * no letter or digit.
 *
 * @throws KhopError INVALID_ARGUMENT when `raw` is not a string (a programmer error).
 */
export function identifierForm(raw: string): string {
  if (typeof raw !== 'string') throw new KhopError('INVALID_ARGUMENT', 'identifierForm expects a string');
  const s = isAscii(raw) ? raw : raw.normalize('NFKC');
  if (s.indexOf('@') < 0) return withoutSpaces(foldKeepingScripts(raw));
  // An address: the runs between punctuation folded (spaces out), the punctuation as written.
  let out = '';
  let hasText = false;
  let from = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : -1;
    if (c >= 0 && !isAsciiPunctuation(c)) continue;
    if (i > from) {
      const f = withoutSpaces(foldKeepingScripts(s.slice(from, i)));
      if (f !== '') {
        out += f;
        hasText = true;
      }
    }
    if (c >= 0) out += c === 0x5f ? UNDERSCORE_CODE : String.fromCharCode(c);
    from = i + 1;
  }
  return hasText ? out : '';
}
