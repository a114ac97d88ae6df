/**
 * parseSex: the sex recorded in a field, from the Vietnamese and English forms found in
 * registers and sector databases, any case, with or without diacritics.
 *
 *   male     nam · nam giới · con trai · trai · đàn ông · ông · m · male · man · 1
 *   female   nữ · nữ giới · con gái · gái · phụ nữ · đàn bà · bà · f · female · woman · 2
 *   null     anything else — including 0 and 9, "khác"/"other", "x", "u", empty
 *
 * Numeric codes follow ISO/IEC 5218 (1 male, 2 female, 0 not known, 9 not applicable).
 * Decision: '0' is NOT read as female although some Vietnamese databases store sex as a
 * boolean "GioiTinh" (1 = nam, 0 = nữ): the same 0 means "unknown" in ISO 5218 and in other
 * systems, and guessing would turn a missing value into a plausible one. Callers with a
 * 0/1 column should map it explicitly. "Ông"/"Bà" (Mr/Mrs) count only when written with
 * diacritics: folded "ba" is also the word for three/father. Never throws on data.
 */
import { foldToAscii } from './fold.js';
import { normalizeText } from './normalize.js';

/** A recorded sex. */
export type Sex = 'male' | 'female';

const MALE = new Set(['nam', 'nam gioi', 'con trai', 'trai', 'dan ong', 'm', 'male', 'man', '1']);
const FEMALE = new Set(['nu', 'nu gioi', 'con gai', 'gai', 'phu nu', 'dan ba', 'f', 'female', 'woman', '2']);

/**
 * Answers for the strings seen so far. A sex column holds a handful of distinct values
 * ("Nam", "Nữ", "M", …), so a string is folded once and then answered by one lookup; the memo
 * keeps strings of at most MEMO_LENGTH units and is emptied when it reaches MEMO_LIMIT distinct
 * values (a column of junk cannot grow it).
 */
const memo = new Map<string, Sex | null>();
const MEMO_LIMIT = 1024;
const MEMO_LENGTH = 32;

/** 'male', 'female', or null when the value does not say (see the file header). */
export function parseSex(input: unknown): Sex | null {
  if (typeof input === 'string') {
    if (input.length > MEMO_LENGTH) return parseSexString(input);
    const known = memo.get(input);
    if (known !== undefined) return known;
    const sex = parseSexString(input);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(input, sex);
    return sex;
  }
  if (typeof input === 'number') {
    if (input === 1) return 'male';
    if (input === 2) return 'female';
  }
  return null;
}

/** parseSex of a string (folded and looked up). */
function parseSexString(s: string): Sex | null {
  if (s.length === 0) return null;
  const f = foldToAscii(s);
  if (MALE.has(f)) return 'male';
  if (FEMALE.has(f)) return 'female';
  if (f === 'ong' || f === 'ba') {
    const n = normalizeText(s);
    if (n === 'ông') return 'male';
    if (n === 'bà') return 'female';
  }
  return null;
}
