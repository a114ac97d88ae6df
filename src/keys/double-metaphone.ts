/**
 * Double Metaphone (Lawrence Philips, 2000): two phonetic codes per name — a primary code
 * and an alternate code for names whose pronunciation depends on their origin (Slavic,
 * Germanic, Italian, Spanish, French, Greek, Chinese pinyin…). E.g. Smith → SM0 / XMT,
 * Schmidt → XMT / SMT (so the two names meet on XMT), Jankelowicz → JNKL / ANKL.
 *
 * Code alphabet: A (a vowel at the start of the word), P F H J K L M N R S T, X for the "sh"
 * sound and 0 (zero) for "th"; at most `maxLength` characters each (Philips: 4).
 *
 * This is a transcription of the rules of Philips' reference C++ implementation ("The Double
 * Metaphone Search Algorithm", C/C++ Users Journal, June 2000), rule for rule, in its order;
 * the comments name the examples Philips gave for each rule. As in the reference, the word is
 * padded with spaces, so rules looking past the end see ' ' (e.g. "-IER " in "Rogier"), and
 * spaces between words take part in the rules ("VAN ", "SAN ", "MAC CAFFREY").
 *
 * Input is folded with `foldToAscii` first (diacritics removed, lower-cased, words separated
 * by single spaces); characters other than letters and spaces are ignored. Input without any
 * letter gives `{ primary: '', alternate: '' }`. When no rule offers an alternative, the
 * alternate equals the primary.
 *
 * Trade-off: the original's hand-written rules for English and the languages of American
 * surnames — no claim to handle Vietnamese (use vietnamesePhoneticKey) — in exchange for the
 * exact codes every other Double Metaphone port produces, verified against the surname table
 * of S. Woodbridge's port and against PostgreSQL's fuzzystrmatch `dmetaphone`. Readability of
 * the rule list wins over raw speed: a call allocates a few short strings (it runs once per
 * record when keys are built, never per pair).
 *
 * References: L. Philips, "The Double Metaphone Search Algorithm", C/C++ Users Journal 18(6),
 * June 2000; test data: S. Woodbridge, DoubleMetaPhone surnames.txt (as used by Apache Commons
 * Codec's DoubleMetaphone2Test).
 */
import { KhopError } from '../errors.js';
import { foldToAscii } from '../text/fold.js';

/** Options of {@link doubleMetaphone}. */
export interface DoubleMetaphoneOptions {
  /**
   * Longest code returned, in characters, for each of primary and alternate: a positive
   * integer, or `Infinity`. Default {@link DEFAULT_DOUBLE_METAPHONE_MAX_LENGTH} (4, Philips).
   */
  maxLength?: number;
}

/** Philips' code length. */
export const DEFAULT_DOUBLE_METAPHONE_MAX_LENGTH = 4;

/** The two codes of a name. */
export interface DoubleMetaphoneCodes {
  /** The code of the most likely (usually English) pronunciation. */
  readonly primary: string;
  /** The code of the alternative pronunciation; equals `primary` when there is none. */
  readonly alternate: string;
}

const EMPTY: DoubleMetaphoneCodes = Object.freeze({ primary: '', alternate: '' });

/**
 * The encoder's state for one word: the upper-cased, space-padded input and the two codes
 * being built. One object per call (the codes are strings that grow by concatenation; they are
 * a handful of characters long).
 */
class Encoder {
  /** The input, upper-case, followed by 5 spaces (as in the reference). */
  private readonly w: string;
  /** Number of characters of the input (without the padding). */
  private readonly length: number;
  /** Index of the last input character. */
  private readonly last: number;
  private readonly slavoGermanic: boolean;
  private readonly max: number;
  primary = '';
  alternate = '';

  constructor(word: string, max: number) {
    this.length = word.length;
    this.last = word.length - 1;
    this.w = word + '     ';
    this.max = max;
    // Slavo-Germanic: W, K, CZ or WITZ anywhere (the reference's four tests, kept verbatim).
    this.slavoGermanic =
      word.indexOf('W') >= 0 || word.indexOf('K') >= 0 || word.indexOf('CZ') >= 0 || word.indexOf('WITZ') >= 0;
  }

  /** Character at `i` (' ' past the end or before the start). */
  private at(i: number): string {
    return i < 0 ? ' ' : this.w.charAt(i);
  }

  /** True when one of `subs` occurs at `i` (false for a negative `i`, as in the reference). */
  private is(i: number, ...subs: string[]): boolean {
    if (i < 0) return false;
    for (const s of subs) if (this.w.startsWith(s, i)) return true;
    return false;
  }

  /** A vowel (A E I O U Y) at `i`, inside the word. */
  private vowel(i: number): boolean {
    if (i < 0 || i >= this.length) return false;
    const c = this.w.charCodeAt(i);
    return c === 0x41 || c === 0x45 || c === 0x49 || c === 0x4f || c === 0x55 || c === 0x59;
  }

  /** Append `main` to both codes. */
  private add(main: string): void {
    this.primary += main;
    this.alternate += main;
  }

  /** Append `main` to the primary and `alt` to the alternate (' ' = nothing, as in the reference). */
  private add2(main: string, alt: string): void {
    if (main !== ' ') this.primary += main;
    if (alt !== ' ') this.alternate += alt;
  }

  run(): void {
    const max = this.max;
    let cur = 0;
    // Skip these when at the start of the word.
    if (this.is(0, 'GN', 'KN', 'PN', 'WR', 'PS')) cur = 1;
    // Initial X is pronounced Z (Xavier) → S.
    if (this.at(0) === 'X') {
      this.add('S');
      cur = 1;
    }
    while (this.primary.length < max || this.alternate.length < max) {
      if (cur >= this.length) break;
      switch (this.at(cur)) {
        case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
          if (cur === 0) this.add('A'); // every initial vowel maps to A
          cur += 1;
          break;
        case 'B':
          this.add('P'); // "-mb", e.g. "dumb", is handled under M
          cur += this.at(cur + 1) === 'B' ? 2 : 1;
          break;
        case 'C':
          cur = this.c(cur);
          break;
        case 'D':
          if (this.is(cur, 'DG')) {
            if (this.is(cur + 2, 'I', 'E', 'Y')) {
              this.add('J'); // edge
              cur += 3;
            } else {
              this.add('TK'); // edgar
              cur += 2;
            }
            break;
          }
          this.add('T');
          cur += this.is(cur, 'DT', 'DD') ? 2 : 1;
          break;
        case 'F':
          cur += this.at(cur + 1) === 'F' ? 2 : 1;
          this.add('F');
          break;
        case 'G':
          cur = this.g(cur);
          break;
        case 'H':
          // Only kept when first or after a vowel, and before a vowel.
          if ((cur === 0 || this.vowel(cur - 1)) && this.vowel(cur + 1)) {
            this.add('H');
            cur += 2;
          } else cur += 1; // also takes care of HH
          break;
        case 'J':
          cur = this.j(cur);
          break;
        case 'K':
          cur += this.at(cur + 1) === 'K' ? 2 : 1;
          this.add('K');
          break;
        case 'L':
          if (this.at(cur + 1) === 'L') {
            // Spanish, e.g. cabrillo, gallegos
            if (
              (cur === this.length - 3 && this.is(cur - 1, 'ILLO', 'ILLA', 'ALLE')) ||
              ((this.is(this.last - 1, 'AS', 'OS') || this.is(this.last, 'A', 'O')) && this.is(cur - 1, 'ALLE'))
            ) {
              this.add2('L', ' ');
              cur += 2;
              break;
            }
            cur += 2;
          } else cur += 1;
          this.add('L');
          break;
        case 'M':
          // dumb, thumb; also "-mber" (plumber)
          if (
            (this.is(cur - 1, 'UMB') && (cur + 1 === this.last || this.is(cur + 2, 'ER'))) ||
            this.at(cur + 1) === 'M'
          ) {
            cur += 2;
          } else cur += 1;
          this.add('M');
          break;
        case 'N':
          cur += this.at(cur + 1) === 'N' ? 2 : 1;
          this.add('N');
          break;
        case 'P':
          if (this.at(cur + 1) === 'H') {
            this.add('F');
            cur += 2;
            break;
          }
          // campbell, raspberry
          cur += this.is(cur + 1, 'P', 'B') ? 2 : 1;
          this.add('P');
          break;
        case 'Q':
          cur += this.at(cur + 1) === 'Q' ? 2 : 1;
          this.add('K');
          break;
        case 'R':
          // French, e.g. rogier, but not hochmeier
          if (cur === this.last && !this.slavoGermanic && this.is(cur - 2, 'IE') && !this.is(cur - 4, 'ME', 'MA')) {
            this.add2(' ', 'R');
          } else this.add('R');
          cur += this.at(cur + 1) === 'R' ? 2 : 1;
          break;
        case 'S':
          cur = this.s(cur);
          break;
        case 'T':
          cur = this.t(cur);
          break;
        case 'V':
          cur += this.at(cur + 1) === 'V' ? 2 : 1;
          this.add('F');
          break;
        case 'W':
          cur = this.wRule(cur);
          break;
        case 'X':
          // French, e.g. breaux
          if (!(cur === this.last && (this.is(cur - 3, 'IAU', 'EAU') || this.is(cur - 2, 'AU', 'OU')))) this.add('KS');
          cur += this.is(cur + 1, 'C', 'X') ? 2 : 1;
          break;
        case 'Z':
          // Chinese pinyin, e.g. zhao
          if (this.at(cur + 1) === 'H') {
            this.add('J');
            cur += 2;
            break;
          }
          if (this.is(cur + 1, 'ZO', 'ZI', 'ZA') || (this.slavoGermanic && cur > 0 && this.at(cur - 1) !== 'T')) {
            this.add2('S', 'TS');
          } else this.add('S');
          cur += this.at(cur + 1) === 'Z' ? 2 : 1;
          break;
        default:
          cur += 1; // spaces
      }
    }
  }

  private c(cur: number): number {
    // Various Germanic: "-ACH-" not followed by I or E, except BACHER / MACHER
    if (
      cur > 1 &&
      !this.vowel(cur - 2) &&
      this.is(cur - 1, 'ACH') &&
      this.at(cur + 2) !== 'I' &&
      (this.at(cur + 2) !== 'E' || this.is(cur - 2, 'BACHER', 'MACHER'))
    ) {
      this.add('K');
      return cur + 2;
    }
    // caesar
    if (cur === 0 && this.is(cur, 'CAESAR')) {
      this.add('S');
      return cur + 2;
    }
    // Italian chianti
    if (this.is(cur, 'CHIA')) {
      this.add('K');
      return cur + 2;
    }
    if (this.is(cur, 'CH')) {
      // michael
      if (cur > 0 && this.is(cur, 'CHAE')) {
        this.add2('K', 'X');
        return cur + 2;
      }
      // Greek roots, e.g. chemistry, chorus
      if (
        cur === 0 &&
        (this.is(cur + 1, 'HARAC', 'HARIS') || this.is(cur + 1, 'HOR', 'HYM', 'HIA', 'HEM')) &&
        !this.is(0, 'CHORE')
      ) {
        this.add('K');
        return cur + 2;
      }
      // Germanic, Greek, or otherwise CH for the KH sound
      if (
        this.is(0, 'VAN ', 'VON ') ||
        this.is(0, 'SCH') ||
        // architect but not arch, orchestra, orchid
        this.is(cur - 2, 'ORCHES', 'ARCHIT', 'ORCHID') ||
        this.is(cur + 2, 'T', 'S') ||
        // e.g. wachtler, wechsler, but not tichner
        ((this.is(cur - 1, 'A', 'O', 'U', 'E') || cur === 0) &&
          this.is(cur + 2, 'L', 'R', 'N', 'M', 'B', 'H', 'F', 'V', 'W', ' '))
      ) {
        this.add('K');
      } else if (cur > 0) {
        if (this.is(0, 'MC')) this.add('K'); // McHugh
        else this.add2('X', 'K');
      } else this.add('X');
      return cur + 2;
    }
    // czerny
    if (this.is(cur, 'CZ') && !this.is(cur - 2, 'WICZ')) {
      this.add2('S', 'X');
      return cur + 2;
    }
    // focaccia
    if (this.is(cur + 1, 'CIA')) {
      this.add('X');
      return cur + 3;
    }
    // double C, but not McClellan
    if (this.is(cur, 'CC') && !(cur === 1 && this.at(0) === 'M')) {
      // bellocchio but not bacchus
      if (this.is(cur + 2, 'I', 'E', 'H') && !this.is(cur + 2, 'HU')) {
        // accident, accede, succeed
        if ((cur === 1 && this.at(cur - 1) === 'A') || this.is(cur - 1, 'UCCEE', 'UCCES')) this.add('KS');
        else this.add('X'); // bacci, bertucci, other Italian
        return cur + 3;
      }
      // Pierce's rule
      this.add('K');
      return cur + 2;
    }
    if (this.is(cur, 'CK', 'CG', 'CQ')) {
      this.add('K');
      return cur + 2;
    }
    if (this.is(cur, 'CI', 'CE', 'CY')) {
      // Italian vs. English
      if (this.is(cur, 'CIO', 'CIE', 'CIA')) this.add2('S', 'X');
      else this.add('S');
      return cur + 2;
    }
    this.add('K');
    // mac caffrey, mac gregor
    if (this.is(cur + 1, ' C', ' Q', ' G')) return cur + 3;
    if (this.is(cur + 1, 'C', 'K', 'Q') && !this.is(cur + 1, 'CE', 'CI')) return cur + 2;
    return cur + 1;
  }

  private g(cur: number): number {
    if (this.at(cur + 1) === 'H') {
      if (cur > 0 && !this.vowel(cur - 1)) {
        this.add('K');
        return cur + 2;
      }
      // ghislane, ghiradelli
      if (cur === 0) {
        this.add(this.at(cur + 2) === 'I' ? 'J' : 'K');
        return cur + 2;
      }
      // Parker's rule (with refinements): hugh, bough, broughton
      if (
        (cur > 1 && this.is(cur - 2, 'B', 'H', 'D')) ||
        (cur > 2 && this.is(cur - 3, 'B', 'H', 'D')) ||
        (cur > 3 && this.is(cur - 4, 'B', 'H'))
      ) {
        return cur + 2;
      }
      // laugh, McLaughlin, cough, gough, rough, tough
      if (cur > 2 && this.at(cur - 1) === 'U' && this.is(cur - 3, 'C', 'G', 'L', 'R', 'T')) this.add('F');
      else if (cur > 0 && this.at(cur - 1) !== 'I') this.add('K');
      return cur + 2;
    }
    if (this.at(cur + 1) === 'N') {
      if (cur === 1 && this.vowel(0) && !this.slavoGermanic) this.add2('KN', 'N');
      // not e.g. cagney
      else if (!this.is(cur + 2, 'EY') && this.at(cur + 1) !== 'Y' && !this.slavoGermanic) this.add2('N', 'KN');
      else this.add('KN');
      return cur + 2;
    }
    // tagliaro
    if (this.is(cur + 1, 'LI') && !this.slavoGermanic) {
      this.add2('KL', 'L');
      return cur + 2;
    }
    // -ges-, -gep-, -gel-, -gie- at the beginning
    if (
      cur === 0 &&
      (this.at(cur + 1) === 'Y' || this.is(cur + 1, 'ES', 'EP', 'EB', 'EL', 'EY', 'IB', 'IL', 'IN', 'IE', 'EI', 'ER'))
    ) {
      this.add2('K', 'J');
      return cur + 2;
    }
    // -ger-, -gy-
    if (
      (this.is(cur + 1, 'ER') || this.at(cur + 1) === 'Y') &&
      !this.is(0, 'DANGER', 'RANGER', 'MANGER') &&
      !this.is(cur - 1, 'E', 'I') &&
      !this.is(cur - 1, 'RGY', 'OGY')
    ) {
      this.add2('K', 'J');
      return cur + 2;
    }
    // Italian, e.g. biaggi
    if (this.is(cur + 1, 'E', 'I', 'Y') || this.is(cur - 1, 'AGGI', 'OGGI')) {
      // obviously Germanic
      if (this.is(0, 'VAN ', 'VON ') || this.is(0, 'SCH') || this.is(cur + 1, 'ET')) this.add('K');
      // always soft with a French ending
      else if (this.is(cur + 1, 'IER ')) this.add('J');
      else this.add2('J', 'K');
      return cur + 2;
    }
    this.add('K');
    return cur + (this.at(cur + 1) === 'G' ? 2 : 1);
  }

  private j(cur: number): number {
    // Obviously Spanish: jose, san jacinto
    if (this.is(cur, 'JOSE') || this.is(0, 'SAN ')) {
      if ((cur === 0 && this.at(cur + 4) === ' ') || this.is(0, 'SAN ')) this.add('H');
      else this.add2('J', 'H');
      return cur + 1;
    }
    if (cur === 0 && !this.is(cur, 'JOSE')) {
      this.add2('J', 'A'); // Yankelovich / Jankelowicz
    } else if (this.vowel(cur - 1) && !this.slavoGermanic && (this.at(cur + 1) === 'A' || this.at(cur + 1) === 'O')) {
      this.add2('J', 'H'); // Spanish pronunciation of e.g. bajador
    } else if (cur === this.last) {
      this.add2('J', ' ');
    } else if (!this.is(cur + 1, 'L', 'T', 'K', 'S', 'N', 'M', 'B', 'Z') && !this.is(cur - 1, 'S', 'K', 'L')) {
      this.add('J');
    }
    return cur + (this.at(cur + 1) === 'J' ? 2 : 1);
  }

  private s(cur: number): number {
    // island, isle, carlisle, carlysle
    if (this.is(cur - 1, 'ISL', 'YSL')) return cur + 1;
    // sugar-
    if (cur === 0 && this.is(cur, 'SUGAR')) {
      this.add2('X', 'S');
      return cur + 1;
    }
    if (this.is(cur, 'SH')) {
      // Germanic
      if (this.is(cur + 1, 'HEIM', 'HOEK', 'HOLM', 'HOLZ')) this.add('S');
      else this.add('X');
      return cur + 2;
    }
    // Italian and Armenian
    if (this.is(cur, 'SIO', 'SIA') || this.is(cur, 'SIAN')) {
      if (!this.slavoGermanic) this.add2('S', 'X');
      else this.add('S');
      return cur + 3;
    }
    // German and anglicisations, e.g. smith ~ schmidt, snider ~ schneider; also -sz- (Slavic)
    if ((cur === 0 && this.is(cur + 1, 'M', 'N', 'L', 'W')) || this.is(cur + 1, 'Z')) {
      this.add2('S', 'X');
      return cur + (this.is(cur + 1, 'Z') ? 2 : 1);
    }
    if (this.is(cur, 'SC')) {
      // Schlesinger's rule
      if (this.at(cur + 2) === 'H') {
        // Dutch origin, e.g. school, schooner
        if (this.is(cur + 3, 'OO', 'ER', 'EN', 'UY', 'ED', 'EM')) {
          // schermerhorn, schenker
          if (this.is(cur + 3, 'ER', 'EN')) this.add2('X', 'SK');
          else this.add('SK');
          return cur + 3;
        }
        if (cur === 0 && !this.vowel(3) && this.at(3) !== 'W') this.add2('X', 'S');
        else this.add('X');
        return cur + 3;
      }
      if (this.is(cur + 2, 'I', 'E', 'Y')) {
        this.add('S');
        return cur + 3;
      }
      this.add('SK');
      return cur + 3;
    }
    // French, e.g. resnais, artois
    if (cur === this.last && this.is(cur - 2, 'AI', 'OI')) this.add2(' ', 'S');
    else this.add('S');
    return cur + (this.is(cur + 1, 'S', 'Z') ? 2 : 1);
  }

  private t(cur: number): number {
    if (this.is(cur, 'TION')) {
      this.add('X');
      return cur + 3;
    }
    if (this.is(cur, 'TIA', 'TCH')) {
      this.add('X');
      return cur + 3;
    }
    if (this.is(cur, 'TH') || this.is(cur, 'TTH')) {
      // thomas, thames, or Germanic
      if (this.is(cur + 2, 'OM', 'AM') || this.is(0, 'VAN ', 'VON ') || this.is(0, 'SCH')) this.add('T');
      else this.add2('0', 'T');
      return cur + 2;
    }
    this.add('T');
    return cur + (this.is(cur + 1, 'T', 'D') ? 2 : 1);
  }

  private wRule(cur: number): number {
    // W can also be in the middle of a word
    if (this.is(cur, 'WR')) {
      this.add('R');
      return cur + 2;
    }
    if (cur === 0 && (this.vowel(cur + 1) || this.is(cur, 'WH'))) {
      // Wasserman should match Vasserman; Uomo should match Womo
      if (this.vowel(cur + 1)) this.add2('A', 'F');
      else this.add('A');
    }
    // Arnow should match Arnoff
    if (
      (cur === this.last && this.vowel(cur - 1)) ||
      this.is(cur - 1, 'EWSKI', 'EWSKY', 'OWSKI', 'OWSKY') ||
      this.is(0, 'SCH')
    ) {
      this.add2(' ', 'F');
      return cur + 1;
    }
    // Polish, e.g. filipowicz
    if (this.is(cur, 'WICZ', 'WITZ')) {
      this.add2('TS', 'FX');
      return cur + 4;
    }
    return cur + 1; // else skip it
  }
}

/**
 * Primary and alternate Double Metaphone codes of `name`, each at most `options.maxLength`
 * (default 4) characters. Empty codes when `name` has no letter.
 *
 * @throws KhopError INVALID_OPTION when `maxLength` is not a positive integer or `Infinity`.
 */
export function doubleMetaphone(name: string, options?: DoubleMetaphoneOptions): DoubleMetaphoneCodes {
  const max = options?.maxLength ?? DEFAULT_DOUBLE_METAPHONE_MAX_LENGTH;
  if (!(max === Infinity || (Number.isInteger(max) && max >= 1))) {
    throw new KhopError('INVALID_OPTION', 'doubleMetaphone: options.maxLength must be a positive integer or Infinity', {
      details: { option: 'maxLength' },
    });
  }
  const word = lettersAndSpaces(foldToAscii(name));
  if (word.length === 0) return EMPTY;
  const e = new Encoder(word.toUpperCase(), max);
  e.run();
  const p = e.primary.length > max ? e.primary.slice(0, max) : e.primary;
  const a = e.alternate.length > max ? e.alternate.slice(0, max) : e.alternate;
  return { primary: p, alternate: a };
}

/**
 * The folded string with everything but a–z removed, words separated by single spaces, no
 * leading or trailing space. Returns `folded` itself when it is already in that form.
 */
function lettersAndSpaces(folded: string): string {
  const n = folded.length;
  let clean = true;
  for (let i = 0; i < n; i++) {
    const c = folded.charCodeAt(i);
    const letter = c >= 0x61 && c <= 0x7a;
    const space = c === 0x20 && i > 0 && i < n - 1 && folded.charCodeAt(i - 1) !== 0x20;
    if (!letter && !space) {
      clean = false;
      break;
    }
  }
  if (clean) return folded;
  let s = '';
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const c = folded.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) {
      if (pendingSpace && s.length > 0) s += ' ';
      pendingSpace = false;
      s += folded[i];
    } else if (c === 0x20) pendingSpace = true;
  }
  return s;
}
