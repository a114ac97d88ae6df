/**
 * Vietnamese spelling helpers for the synthetic generator: clean the vendored name lists,
 * and produce the realistic variants that the corruption model writes (diacritics dropped,
 * half-composed Unicode, old/new tone placement, Telex leftovers, dialect spellings).
 *
 * Representation: the edits work on the canonical decomposition (NFD), where a Vietnamese
 * letter is a base letter followed by at most one *shape* mark (circumflex U+0302, breve
 * U+0306, horn U+031B) and at most one *tone* mark (grave U+0300 huyền, acute U+0301 sắc,
 * tilde U+0303 ngã, hook above U+0309 hỏi, dot below U+0323 nặng). Onset and final consonants
 * never carry marks, so swapping an onset or a final is a plain prefix/suffix edit of the NFD
 * string, and the tone stays on its vowel.
 *
 * Trade-off: these functions allocate (normalize, string building) — they run once per
 * corrupted record in the generator, never in a matching hot loop, and favour being obviously
 * right over speed. The matching side has its own allocation-free normaliser (src/text).
 *
 * References: tone placement rules ("kiểu cũ" hòa/thủy vs "kiểu mới" hoà/thuỷ) as described
 * in Wikipedia, "Vietnamese alphabet — Tone marks"; Telex input method (Wikipedia, "Telex
 * (input method)"); vowel nuclei after Đoàn Thiện Thuật, "Ngữ âm tiếng Việt" (1977).
 */

/** Tone marks (NFD combining code points). */
export const TONE_GRAVE = 0x0300;
export const TONE_ACUTE = 0x0301;
export const TONE_TILDE = 0x0303;
export const TONE_HOOK = 0x0309;
export const TONE_DOT = 0x0323;
/** Shape marks (NFD combining code points). */
export const SHAPE_CIRCUMFLEX = 0x0302;
export const SHAPE_BREVE = 0x0306;
export const SHAPE_HORN = 0x031b;

/** Latin capital letter Đ (U+0110) and its look-alike Ð (U+00D0, Icelandic eth). */
export const D_STROKE_UPPER = 0x0110;
export const D_STROKE_LOWER = 0x0111;
export const ETH_UPPER = 0x00d0;
export const ETH_LOWER = 0x00f0;

export function isToneMark(c: number): boolean {
  return c === TONE_GRAVE || c === TONE_ACUTE || c === TONE_TILDE || c === TONE_HOOK || c === TONE_DOT;
}

export function isShapeMark(c: number): boolean {
  return c === SHAPE_CIRCUMFLEX || c === SHAPE_BREVE || c === SHAPE_HORN;
}

function isCombining(c: number): boolean {
  return c >= 0x0300 && c <= 0x036f;
}

function isLowerVowel(c: number): boolean {
  // a e i o u y
  return c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75 || c === 0x79;
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** True for any character outside 7-bit ASCII. */
export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * Drop every diacritic and map đ/Đ (and the look-alikes ð/Ð) to d/D, keeping case and
 * spacing: "Nguyễn Thị Đào" → "Nguyen Thi Dao". Any other non-ASCII letter passes through.
 */
export function stripDiacritics(s: string): string {
  const d = s.normalize('NFD');
  let out = '';
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (isCombining(c)) continue;
    if (c === D_STROKE_UPPER || c === ETH_UPPER) out += 'D';
    else if (c === D_STROKE_LOWER || c === ETH_LOWER) out += 'd';
    else out += d[i];
  }
  return out;
}

/**
 * "Half-composed" Unicode, as produced by some Windows Vietnamese keyboards and legacy
 * converters: the base letter with its shape mark precomposed (â ê ô ơ ư ă), the tone as a
 * combining mark after it. "Nguyễn" → "Nguyê" + U+0303 + "n". Differs from NFC whenever a
 * tone is present and from NFD whenever a shape mark is present.
 */
export function halfCompose(s: string): string {
  const d = s.normalize('NFD');
  let out = '';
  let cluster = '';
  let tones = '';
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (isToneMark(c)) {
      tones += d[i];
    } else if (isCombining(c)) {
      cluster += d[i];
    } else {
      out += cluster.normalize('NFC') + tones;
      cluster = d[i];
      tones = '';
    }
  }
  return out + cluster.normalize('NFC') + tones;
}

/** Replace Đ (U+0110) by the look-alike Ð (U+00D0), and đ by ð. */
export function toEth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === D_STROKE_UPPER) out += '\u00d0';
    else if (c === D_STROKE_LOWER) out += '\u00f0';
    else out += s[i];
  }
  return out;
}

/** One NFD syllable split into base letters and, per base letter, its marks. */
interface DecomposedSyllable {
  /** Base letters as code units (lower-cased ASCII for a–z, others as is). */
  readonly lower: number[];
  /** The original base characters (case kept). */
  readonly bases: string[];
  /** Shape mark per base letter (0 when none). */
  readonly shape: number[];
  /** Index of the base letter carrying the tone, −1 when the syllable has no tone mark. */
  toneAt: number;
  /** The tone mark code point, 0 when none. */
  tone: number;
}

function decompose(token: string): DecomposedSyllable {
  const d = token.normalize('NFD');
  const syl: DecomposedSyllable = { lower: [], bases: [], shape: [], toneAt: -1, tone: 0 };
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (isToneMark(c)) {
      syl.toneAt = syl.bases.length - 1;
      syl.tone = c;
    } else if (isShapeMark(c)) {
      syl.shape[syl.bases.length - 1] = c;
    } else {
      syl.bases.push(d[i]);
      syl.lower.push(lowerAscii(c));
      syl.shape.push(0);
    }
  }
  return syl;
}

function recompose(syl: DecomposedSyllable): string {
  let out = '';
  for (let i = 0; i < syl.bases.length; i++) {
    out += syl.bases[i];
    if (syl.shape[i] !== 0) out += String.fromCharCode(syl.shape[i]);
    if (i === syl.toneAt) out += String.fromCharCode(syl.tone);
  }
  return out.normalize('NFC');
}

/** Where the vowel nucleus of a syllable starts and ends (inclusive), after the qu/gi onsets. */
function nucleus(syl: DecomposedSyllable): { start: number; end: number } | null {
  const l = syl.lower;
  let start = 0;
  while (start < l.length && !isLowerVowel(l[start])) start++;
  if (start === l.length) return null;
  let end = start;
  while (end + 1 < l.length && isLowerVowel(l[end + 1])) end++;
  // "qu" + vowel: the u belongs to the onset; "gi" + vowel: the i belongs to the onset.
  if (start > 0 && end > start) {
    const prev = l[start - 1];
    if ((prev === 0x71 && l[start] === 0x75) || (prev === 0x67 && start === 1 && l[start] === 0x69 && syl.shape[start] === 0)) {
      start++;
    }
  }
  return { start, end };
}

/**
 * Move the tone between the two vowels of an open "oa", "oe" or "uy" syllable — the one place
 * where the old style (hòa, hòe, thủy) and the new style (hoà, hoè, thuỷ) differ. Returns the
 * token unchanged when it has no such syllable shape or no tone. "qu" + y (quý) is left alone:
 * its u is part of the onset.
 */
export function toggleTonePlacement(token: string): string {
  if (!hasNonAscii(token)) return token; // no tone mark possible
  const syl = decompose(token);
  if (syl.toneAt < 0) return token;
  const nu = nucleus(syl);
  if (nu === null || nu.end !== syl.lower.length - 1 || nu.end - nu.start !== 1) return token;
  const a = syl.lower[nu.start];
  const b = syl.lower[nu.end];
  const pair = (a === 0x6f && (b === 0x61 || b === 0x65)) || (a === 0x75 && b === 0x79);
  if (!pair || syl.shape[nu.start] !== 0 || syl.shape[nu.end] !== 0) return token;
  if (syl.toneAt === nu.start) syl.toneAt = nu.end;
  else if (syl.toneAt === nu.end) syl.toneAt = nu.start;
  else return token;
  return recompose(syl);
}

const TELEX_TONE: Record<number, string> = {
  [TONE_ACUTE]: 's',
  [TONE_GRAVE]: 'f',
  [TONE_HOOK]: 'r',
  [TONE_TILDE]: 'x',
  [TONE_DOT]: 'j',
};

/**
 * The keystrokes a Telex typist makes for one syllable, as left behind when the input method
 * was off: shape marks as doubled letters or w (â→aa, ê→ee, ô→oo, ă→aw, ơ→ow, ư→uw), đ→dd,
 * the tone letter at the end (s f r x j). "Nguyễn" → "Nguyeenx", "Đức" → "Dduwcs".
 */
export function telexSpell(token: string): string {
  const d = token.normalize('NFD');
  let out = '';
  let toneKey = '';
  let lastBase = '';
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (!isCombining(c)) lastBase = d[i];
    if (isToneMark(c)) {
      // NFD may put the dot below before the circumflex (combining class 220 < 230): the
      // tone key is typed at the end of the syllable either way.
      toneKey = TELEX_TONE[c];
    } else if (c === SHAPE_CIRCUMFLEX) {
      out += lastBase.toLowerCase();
    } else if (c === SHAPE_BREVE || c === SHAPE_HORN) {
      out += 'w';
    } else if (isCombining(c)) {
      // other marks are not part of Vietnamese: drop
    } else if (c === D_STROKE_UPPER) {
      out += 'Dd';
    } else if (c === D_STROKE_LOWER) {
      out += 'dd';
    } else {
      out += d[i];
    }
  }
  return out + toneKey;
}

/** Upper-case the first letter, lower-case the rest (NFC in, NFC out). */
export function titleCaseToken(token: string): string {
  if (token.length === 0) return token;
  const lower = token.toLowerCase();
  const cp = lower.codePointAt(0) as number;
  const first = String.fromCodePoint(cp);
  return first.toUpperCase() + lower.slice(first.length);
}

/**
 * Clean a vendored name string: NFC, the look-alike Ð/ð mapped to Đ/đ, single spaces, each
 * syllable title-cased. ("Ðức  anh" → "Đức Anh").
 */
export function cleanNameText(s: string): string {
  let t = '';
  const n = s.normalize('NFC');
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    t += c === ETH_UPPER ? '\u0110' : c === ETH_LOWER ? '\u0111' : n[i];
  }
  return t
    .split(' ')
    .filter((x) => x.length > 0)
    .map(titleCaseToken)
    .join(' ');
}

/** Vowel nuclei of Vietnamese written as base letters + shape marks, tones removed. */
const VOWEL_NUCLEI = new Set(
  (
    'a ă â e ê i o ô ơ u ư y ' +
    'ai ao au âu ay ây eo êu ia iê iu oa oă oe oi ôi ơi oo ôô ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê ' +
    'iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu'
  ).split(' '),
);
const ONSETS = new Set('b c ch d đ g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x'.split(' '));
const FINALS = new Set('c ch m n ng nh p t'.split(' '));

/**
 * True when every syllable of `name` (NFC, any case) is a well-formed Vietnamese syllable:
 * letters of the Vietnamese alphabet only (no f j w z), an onset and a final from the
 * standard inventories, a vowel nucleus from the standard inventory, marks only on vowels
 * and at most one tone. Rejects the mojibake of the vendored lists ("Buøi", "Laâm", "Ñoã").
 */
export function isWellFormedVietnameseName(name: string): boolean {
  const tokens = name.split(' ');
  if (tokens.length === 0) return false;
  for (const token of tokens) if (!isWellFormedSyllable(token)) return false;
  return true;
}

function isWellFormedSyllable(token: string): boolean {
  if (token.length === 0) return false;
  const d = token.normalize('NFD');
  let tones = 0;
  let prevBase = -1;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (isToneMark(c)) {
      if (!isLowerVowel(prevBase)) return false;
      tones++;
    } else if (c === SHAPE_CIRCUMFLEX) {
      if (prevBase !== 0x61 && prevBase !== 0x65 && prevBase !== 0x6f) return false;
    } else if (c === SHAPE_BREVE) {
      if (prevBase !== 0x61) return false;
    } else if (c === SHAPE_HORN) {
      if (prevBase !== 0x6f && prevBase !== 0x75) return false;
    } else if (c === D_STROKE_UPPER || c === D_STROKE_LOWER) {
      prevBase = 0x111;
    } else {
      const l = lowerAscii(c);
      if (l < 0x61 || l > 0x7a || l === 0x66 || l === 0x6a || l === 0x77 || l === 0x7a) return false;
      prevBase = l;
    }
  }
  if (tones > 1) return false;
  const syl = decompose(token);
  const nu = nucleus(syl);
  if (nu === null) return false;
  let onset = '';
  for (let i = 0; i < nu.start; i++) onset += syl.lower[i] === 0x110 ? 'đ' : String.fromCharCode(syl.lower[i]);
  let nuc = '';
  for (let i = nu.start; i <= nu.end; i++) {
    nuc += String.fromCharCode(syl.lower[i]);
    if (syl.shape[i] !== 0) nuc += String.fromCharCode(syl.shape[i]);
  }
  let fin = '';
  for (let i = nu.end + 1; i < syl.lower.length; i++) fin += String.fromCharCode(syl.lower[i]);
  return (onset === '' || ONSETS.has(onset)) && VOWEL_NUCLEI.has(nuc.normalize('NFC')) && (fin === '' || FINALS.has(fin));
}

/** QWERTY neighbours of each lower-case letter (same row and the rows above/below). */
const QWERTY_NEIGHBOURS: Record<string, string> = {
  q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl', p: 'ol',
  a: 'qwsz', s: 'awedxz', d: 'serfcx', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', j: 'huikmn', k: 'jiolm', l: 'kop',
  z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk',
};

/** A letter next to `ch` on a QWERTY keyboard, same case; `ch` itself when it is not a–z/A–Z. */
export function adjacentKey(ch: string, pick: number): string {
  const lower = ch.toLowerCase();
  const nb = QWERTY_NEIGHBOURS[lower];
  if (nb === undefined) return ch;
  const r = nb[pick % nb.length];
  return ch === lower ? r : r.toUpperCase();
}

/** Identifier of one dialect confusion, for the record of what was changed. */
export type DialectRule =
  | 'tr>ch' | 'ch>tr' | 'gi>d' | 'd>gi' | 'd>v' | 'd>r' | 'r>d' | 'r>gi' | 'v>d'
  | 's>x' | 'x>s' | 'l>n' | 'n>l'
  | '-ng>-n' | '-n>-ng' | '-nh>-n' | '-t>-c' | '-c>-t' | '-ch>-t' | '-y>-i' | '-i>-y' | 'hoi<>nga';

/**
 * The dialect spellings one syllable admits (Northern/Southern/Central merger of d/gi/r/v,
 * tr/ch, s/x, l/n, final n/ng, t/c, nh/n, ch/t, i/y after a consonant, hỏi/ngã tones).
 */
export function dialectRules(token: string): DialectRule[] {
  const syl = decompose(token);
  const l = syl.lower;
  const n = l.length;
  const rules: DialectRule[] = [];
  if (n < 2) return rules;
  const c0 = l[0];
  const c1 = l[1];
  const nu = nucleus(syl);
  if (nu === null) return rules;
  const onsetLen = nu.start;
  // onsets (base letters without marks; đ is its own letter and is never touched)
  if (onsetLen === 2 && c0 === 0x74 && c1 === 0x72) rules.push('tr>ch');
  if (onsetLen === 2 && c0 === 0x63 && c1 === 0x68) rules.push('ch>tr');
  if (onsetLen === 2 && c0 === 0x67 && c1 === 0x69) rules.push('gi>d');
  if (onsetLen === 1 && c0 === 0x64) rules.push('d>gi', 'd>v', 'd>r');
  if (onsetLen === 1 && c0 === 0x72) rules.push('r>d', 'r>gi');
  if (onsetLen === 1 && c0 === 0x76) rules.push('v>d');
  if (onsetLen === 1 && c0 === 0x73) rules.push('s>x');
  if (onsetLen === 1 && c0 === 0x78) rules.push('x>s');
  if (onsetLen === 1 && c0 === 0x6c) rules.push('l>n');
  if (onsetLen === 1 && c0 === 0x6e) rules.push('n>l');
  // finals
  const finalLen = n - 1 - nu.end;
  const f0 = finalLen > 0 ? l[nu.end + 1] : 0;
  const f1 = finalLen > 1 ? l[nu.end + 2] : 0;
  if (finalLen === 2 && f0 === 0x6e && f1 === 0x67) rules.push('-ng>-n');
  if (finalLen === 1 && f0 === 0x6e) rules.push('-n>-ng');
  if (finalLen === 2 && f0 === 0x6e && f1 === 0x68) rules.push('-nh>-n');
  if (finalLen === 1 && f0 === 0x74) rules.push('-t>-c');
  if (finalLen === 1 && f0 === 0x63) rules.push('-c>-t');
  if (finalLen === 2 && f0 === 0x63 && f1 === 0x68) rules.push('-ch>-t');
  // i/y as the lone vowel after a consonant onset: Vy/Vi, Thy/Thi, Ly/Li
  if (finalLen === 0 && onsetLen > 0 && nu.start === nu.end && syl.shape[nu.end] === 0) {
    if (l[nu.end] === 0x79) rules.push('-y>-i');
    if (l[nu.end] === 0x69 && !(c0 === 0x67 && onsetLen === 1)) rules.push('-i>-y');
  }
  if (syl.tone === TONE_HOOK || syl.tone === TONE_TILDE) rules.push('hoi<>nga');
  return rules;
}

/** Apply one rule from {@link dialectRules} to the token (title case or lower case kept). */
export function applyDialectRule(token: string, rule: DialectRule): string {
  const syl = decompose(token);
  const upperFirst = syl.bases.length > 0 && syl.bases[0] !== syl.bases[0].toLowerCase();
  const nu = nucleus(syl) as { start: number; end: number };
  const setOnset = (len: number, repl: string): void => {
    const letters = repl.split('');
    syl.bases.splice(0, len, ...letters);
    syl.lower.splice(0, len, ...letters.map((x) => x.charCodeAt(0)));
    syl.shape.splice(0, len, ...letters.map(() => 0));
    if (syl.toneAt >= 0) syl.toneAt += letters.length - len;
    if (upperFirst) syl.bases[0] = syl.bases[0].toUpperCase();
  };
  const setFinal = (len: number, repl: string): void => {
    const at = syl.bases.length - len;
    const letters = repl.split('');
    syl.bases.splice(at, len, ...letters);
    syl.lower.splice(at, len, ...letters.map((x) => x.charCodeAt(0)));
    syl.shape.splice(at, len, ...letters.map(() => 0));
  };
  switch (rule) {
    case 'tr>ch': setOnset(2, 'ch'); break;
    case 'ch>tr': setOnset(2, 'tr'); break;
    case 'gi>d': setOnset(2, 'd'); break;
    case 'd>gi': setOnset(1, syl.lower[nu.start] === 0x69 ? 'g' : 'gi'); break;
    case 'd>v': setOnset(1, 'v'); break;
    case 'd>r': setOnset(1, 'r'); break;
    case 'r>d': setOnset(1, 'd'); break;
    case 'r>gi': setOnset(1, syl.lower[nu.start] === 0x69 ? 'g' : 'gi'); break;
    case 'v>d': setOnset(1, 'd'); break;
    case 's>x': setOnset(1, 'x'); break;
    case 'x>s': setOnset(1, 's'); break;
    case 'l>n': setOnset(1, 'n'); break;
    case 'n>l': setOnset(1, 'l'); break;
    case '-ng>-n': setFinal(2, 'n'); break;
    case '-n>-ng': setFinal(1, 'ng'); break;
    case '-nh>-n': setFinal(2, 'n'); break;
    case '-t>-c': setFinal(1, 'c'); break;
    case '-c>-t': setFinal(1, 't'); break;
    case '-ch>-t': setFinal(2, 't'); break;
    case '-y>-i': syl.bases[nu.end] = syl.bases[nu.end] === 'Y' ? 'I' : 'i'; syl.lower[nu.end] = 0x69; break;
    case '-i>-y': syl.bases[nu.end] = syl.bases[nu.end] === 'I' ? 'Y' : 'y'; syl.lower[nu.end] = 0x79; break;
    case 'hoi<>nga': syl.tone = syl.tone === TONE_HOOK ? TONE_TILDE : TONE_HOOK; break;
  }
  return recompose(syl);
}
