/**
 * Vietnamese full names for synthetic people: family name + middle name(s) + given name,
 * sex-specific, drawn from the vendored lists with national family-name shares.
 *
 * Family names: the fourteen most common carry the national shares commonly quoted from
 * Lê Trung Hoa's survey of Vietnamese family names (Họ và tên người Việt Nam, 2005) as
 * summarised in Wikipedia, "Vietnamese name": Nguyễn 38 %, Trần 11 %, Lê 9.5 %, Phạm 7 %,
 * Hoàng/Huỳnh 5.1 % (split evenly here: Huỳnh is the southern form of Hoàng), Phan 4.5 %,
 * Vũ/Võ 3.9 % (split evenly, same reason), Đặng 2.1 %, Bùi 2 %, Đỗ 1.4 %, Hồ 1.3 %,
 * Ngô 1.3 %, Dương 1 %, Lý 0.5 % — 88.6 % together. The remaining 11.4 % is spread over the
 * rest of the UIT list (src/data/vn-family-names.ts) in proportion to its UIT shares.
 *
 * Middle and given names (src/data/vn-name-parts.ts, UIT sample and the boy/girl lists of
 * duyet/vietnamese-namedb):
 *
 * | sex    | share | form                                                           |
 * |--------|-------|----------------------------------------------------------------|
 * | male   | 70 %  | UIT middle name (no "Thị…") + male given syllable              |
 * | male   | 30 %  | a boy "middle given" pair ("Minh Đức")                         |
 * | female | 50 %  | "Thị" + female given syllable                                  |
 * | female | 10 %  | "Thị" + a girl pair ("Thị Thu Hà")                             |
 * | female | 40 %  | a girl "middle given" pair ("Thu Hà")                          |
 *
 * "Thị" is the traditional female middle name; its share (60 % here) is a documented
 * assumption — it is near-universal among older women and far less common among the young
 * (Wikipedia, "Vietnamese name — Middle name"). Given-syllable weights are the UIT given-name
 * shares restricted to the boy (resp. girl) syllable list, with the smallest UIT share as a
 * floor for syllables UIT never saw.
 *
 * Cleaning (once, at first use): every entry is NFC, Ð (U+00D0) mapped to Đ, title-cased, and
 * kept only when well-formed Vietnamese (drops the mojibake of the UIT export such as "Buøi")
 * and when its diacritic-free form is new (drops spelling variants of a more common name such
 * as "Nguyến" or "Le").
 *
 * Trade-off: a single national mix (no regional family-name or era-specific given-name
 * shapes); names are realistic in frequency and form, which is what blocking and scoring see.
 */
import { VN_FAMILY_NAME_SHARES } from '../data/vn-family-names.js';
import {
  VN_BOY_NAMES,
  VN_BOY_SYLLABLES,
  VN_GIRL_NAMES,
  VN_GIRL_SYLLABLES,
  VN_GIVEN_NAME_SHARES,
  VN_MIDDLE_NAME_SHARES,
} from '../data/vn-name-parts.js';
import type { Rng } from '../util/rng.js';
import { AliasTable } from './alias-table.js';
import { foldToAscii } from '../text/fold.js';
import { cleanNameText, isWellFormedVietnameseName } from './vi-text.js';

/** National shares of the most common family names (percent). See the file header. */
export const NATIONAL_FAMILY_NAME_PERCENT: ReadonlyArray<readonly [string, number]> = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 2.55],
  ['Huỳnh', 2.55],
  ['Phan', 4.5],
  ['Vũ', 1.95],
  ['Võ', 1.95],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
];

/** Share of men whose middle + given name is a boy pair rather than UIT middle + syllable. */
export const MALE_PAIR_SHARE = 0.3;
/** Share of women named "Thị" + one given syllable. */
export const FEMALE_THI_SINGLE_SHARE = 0.5;
/** Share of women named "Thị" + a girl pair. */
export const FEMALE_THI_PAIR_SHARE = 0.1;

/** The parts of one generated name. `middle` may hold several syllables or be ''. */
export interface NameParts {
  family: string;
  middle: string;
  given: string;
}

interface NameTables {
  family: AliasTable<string>;
  maleMiddle: AliasTable<string>;
  maleGiven: AliasTable<string>;
  femaleGiven: AliasTable<string>;
  boyPairs: readonly string[];
  girlPairs: readonly string[];
}

let tables: NameTables | undefined;

/** Clean, validate and de-duplicate (by diacritic-free form) a weighted list, keeping order. */
function cleanWeighted(
  list: ReadonlyArray<readonly [string, number]>,
  seen: Set<string>,
  keep: (s: string) => boolean,
): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [raw, w] of list) {
    const s = cleanNameText(raw);
    if (s.length === 0 || !isWellFormedVietnameseName(s) || !keep(s)) continue;
    const k = foldToAscii(s);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([s, w]);
  }
  return out;
}

function cleanList(list: readonly string[], minTokens: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const s = cleanNameText(raw);
    if (s.split(' ').length < minTokens || !isWellFormedVietnameseName(s) || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

function syllableWeights(syllables: readonly string[], uit: Map<string, number>, floor: number): Array<[string, number]> {
  const seen = new Set<string>();
  const out: Array<[string, number]> = [];
  for (const raw of syllables) {
    const s = cleanNameText(raw);
    if (s.includes(' ') || !isWellFormedVietnameseName(s) || seen.has(s)) continue;
    seen.add(s);
    out.push([s, uit.get(s) ?? floor]);
  }
  return out;
}

/** Build (once) and return the cleaned name tables. */
export function nameTables(): NameTables {
  if (tables !== undefined) return tables;
  // Family names: national head + UIT tail scaled to the remaining share.
  const seen = new Set<string>();
  const head: Array<[string, number]> = [];
  let headTotal = 0;
  for (const [s, p] of NATIONAL_FAMILY_NAME_PERCENT) {
    seen.add(foldToAscii(s));
    head.push([s, p / 100]);
    headTotal += p / 100;
  }
  const tail = cleanWeighted(VN_FAMILY_NAME_SHARES, seen, () => true);
  let tailTotal = 0;
  for (const [, w] of tail) tailTotal += w;
  const family = head.concat(tail.map(([s, w]): [string, number] => [s, ((1 - headTotal) * w) / tailTotal]));

  const maleMiddle = cleanWeighted(VN_MIDDLE_NAME_SHARES, new Set<string>(), (s) => !s.startsWith('Thị'));
  const uitGiven = new Map<string, number>();
  let minShare = Infinity;
  for (const [raw, w] of VN_GIVEN_NAME_SHARES) {
    const s = cleanNameText(raw);
    if (!uitGiven.has(s)) uitGiven.set(s, w);
    if (w > 0 && w < minShare) minShare = w;
  }
  tables = {
    family: new AliasTable(family),
    maleMiddle: new AliasTable(maleMiddle),
    maleGiven: new AliasTable(syllableWeights(VN_BOY_SYLLABLES, uitGiven, minShare)),
    femaleGiven: new AliasTable(syllableWeights(VN_GIRL_SYLLABLES, uitGiven, minShare)),
    boyPairs: cleanList(VN_BOY_NAMES, 2),
    girlPairs: cleanList(VN_GIRL_NAMES, 2),
  };
  return tables;
}

/** Split a "middle given" pair: every syllable but the last is the middle name. */
function splitPair(pair: string, into: NameParts, middlePrefix: string): void {
  const cut = pair.lastIndexOf(' ');
  const mid = pair.slice(0, cut);
  into.middle = middlePrefix === '' ? mid : middlePrefix + ' ' + mid;
  into.given = pair.slice(cut + 1);
}

/** Draw one name. `sex`: 0 = male, 1 = female. Writes into `into` (no allocation besides strings). */
export function drawName(rng: Rng, sex: 0 | 1, into: NameParts): NameParts {
  const t = nameTables();
  into.family = t.family.draw(rng);
  const u = rng.next();
  if (sex === 0) {
    if (u < MALE_PAIR_SHARE) {
      splitPair(t.boyPairs[rng.int(t.boyPairs.length)], into, '');
    } else {
      into.middle = t.maleMiddle.draw(rng);
      into.given = t.maleGiven.draw(rng);
    }
  } else if (u < FEMALE_THI_SINGLE_SHARE) {
    into.middle = 'Thị';
    into.given = t.femaleGiven.draw(rng);
  } else if (u < FEMALE_THI_SINGLE_SHARE + FEMALE_THI_PAIR_SHARE) {
    splitPair(t.girlPairs[rng.int(t.girlPairs.length)], into, 'Thị');
  } else {
    splitPair(t.girlPairs[rng.int(t.girlPairs.length)], into, '');
  }
  return into;
}

/** "family middle given" with single spaces (middle may be empty). */
export function joinName(p: NameParts): string {
  return p.middle === '' ? p.family + ' ' + p.given : p.family + ' ' + p.middle + ' ' + p.given;
}
