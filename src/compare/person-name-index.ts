/**
 * A per-dataset index of person-name values for {@link comparePersonName}'s fast path: every
 * distinct value of the eight name columns (folded parts, phonetic keys, and the diacritic
 * parts located inside `norm`) is interned ONCE into an integer id, so that the levels decided
 * by equality — missing, exact, folded-equal, phonetic-equal, and most of "swapped" and
 * "elsewhere" — become integer comparisons per pair, and the levels that need the units read
 * them from one flat pool by id, with cheap exact pre-filters.
 *
 *   rows   Int32Array, NAME_INDEX_STRIDE ids per row:
 *          [ family | middle | given | familyKey | middleKey | givenKey | normFamily | normMiddle | normGiven ]
 *          id 0 = empty or null value; norm ids are −1 for every part of a row whose `norm`
 *          token count differs from its parts' (exactness cannot be established there).
 *   values id → units[offsets[id] .. offsets[id + 1])  (one Uint16Array pool; ids share one
 *          dictionary, so a family id equals a given id iff the two spans hold the same units)
 *          sig[id]   = 32-bit set of (unit & 31) over the value's non-space units ("letter
 *                      signature"; spaces set no bit, so a space never proves a difference)
 *          flags[id] = VALUE_ONE_TOKEN (non-empty, no space) | VALUE_HAS_INITIAL (a 1-unit token)
 *
 * Why it is exact (same levels as the span path, tested on every pair of seeded populations):
 * interning compares the units on every hash hit, so equal ids ⇔ equal unit sequences; the
 * pre-filters only REJECT pairs whose answer they prove false (see person-name.ts), and every
 * other case calls the same span kernel on a copy of the same units.
 *
 * Trade-off: 36 B per row plus the distinct values (a few hundred thousand at national scale,
 * with names drawn from a small vocabulary), built in one pass (≈ 1 µs per row) — paid back
 * after about one compared pair per row, and the u sample alone compares 1M random pairs. It
 * is a snapshot: rows appended to the columns after the build are compared by the span path.
 * Interning: value-interner.ts (FNV-1a hashing, open addressing, every hit confirmed unit by
 * unit).
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { KhopError } from '../errors.js';
import type { NameColumns } from './person-name.js';
import { SPACE, countTokens } from './spans.js';
import { ValueInterner, grow32 } from './value-interner.js';

/** Ids per row in {@link PersonNameIndex.rows}. */
export const NAME_INDEX_STRIDE = 9;
/** Slot of each id within a row's stride. */
export const NameIndexSlot = {
  FAMILY: 0, MIDDLE: 1, GIVEN: 2, FAMILY_KEY: 3, MIDDLE_KEY: 4, GIVEN_KEY: 5, NORM_FAMILY: 6, NORM_MIDDLE: 7, NORM_GIVEN: 8,
} as const;
/** Norm id of a row whose parts cannot be located in `norm`. */
export const NORM_NOT_LOCATABLE = -1;
/** Value flag: non-empty and holds no space (one token, spanning the whole value). */
export const VALUE_ONE_TOKEN = 1;
/** Value flag: some token is a single unit (an initial). */
export const VALUE_HAS_INITIAL = 2;

/**
 * The interned name values of one dataset (plain typed arrays: structured-cloneable, and
 * shared without copying when they live on SharedArrayBuffer).
 */
export interface PersonNameIndex {
  readonly kind: 'khop.PersonNameIndex';
  /** Rows indexed (rows ≥ this are compared by the span path). */
  readonly rowCount: number;
  /** NAME_INDEX_STRIDE ids per row (layout in the file header). */
  readonly rows: Int32Array;
  /** Number of distinct values, the empty value (id 0) included. */
  readonly valueCount: number;
  /** Code units of every distinct value, back to back. */
  readonly units: Uint16Array;
  /** Value id → first unit in `units`; `offsets[id + 1]` is one past its last. */
  readonly offsets: Int32Array;
  /** Value id → letter signature: bit (unit & 31) set for every non-space unit of the value. */
  readonly sig: Int32Array;
  /** Value id → VALUE_ONE_TOKEN | VALUE_HAS_INITIAL. */
  readonly flags: Uint8Array;
}

/** Options of {@link buildPersonNameIndex}. */
export interface PersonNameIndexOptions {
  /** Put every array on SharedArrayBuffer (to share the index with worker threads). Default false. */
  shared?: boolean;
}

// Scratch of the build: spans of the eight columns of the current row (slot order of NameColumns).
const COLS = 8;
const spanS = new Int32Array(COLS);
const spanE = new Int32Array(COLS);
const spanU: CodeUnits[] = new Array<CodeUnits>(COLS).fill(new Uint8Array(0));

function readSpan(col: TextColumnReader, row: number, c: number): void {
  const s = col.start(row);
  spanU[c] = col.units(row);
  spanS[c] = s;
  spanE[c] = col.isNull(row) ? s : col.end(row); // a null value reads as an empty span
}

/**
 * Intern the name values of rows 0..rowCount−1 of `columns`. Throws KhopError
 * INVALID_ARGUMENT when `rowCount` is not a non-negative safe integer.
 */
export function buildPersonNameIndex(columns: NameColumns, rowCount: number, options: PersonNameIndexOptions = {}): PersonNameIndex {
  if (!Number.isSafeInteger(rowCount) || rowCount < 0 || rowCount > 0x7fffffff / NAME_INDEX_STRIDE) {
    throw new KhopError('INVALID_ARGUMENT', 'buildPersonNameIndex: rowCount must be a non-negative integer below 2^31 / 9');
  }
  const cols: TextColumnReader[] = [
    columns.norm, columns.fold, columns.family, columns.middle, columns.given, columns.familyKey, columns.middleKey, columns.givenKey,
  ];
  const NORM = 0, FAMILY = 2, MIDDLE = 3, GIVEN = 4, FAMILY_KEY = 5;
  const interner = new ValueInterner();
  const rows = options.shared ? new Int32Array(new SharedArrayBuffer(Math.max(4, 4 * NAME_INDEX_STRIDE * rowCount))) : new Int32Array(NAME_INDEX_STRIDE * rowCount);
  for (let r = 0; r < rowCount; r++) {
    for (let c = 0; c < COLS; c++) if (c !== 1) readSpan(cols[c]!, r, c); // `fold` is not needed
    const o = r * NAME_INDEX_STRIDE;
    for (let k = 0; k < 3; k++) {
      rows[o + k] = interner.intern(spanU[FAMILY + k]!, spanS[FAMILY + k]!, spanE[FAMILY + k]!);
      rows[o + 3 + k] = interner.intern(spanU[FAMILY_KEY + k]!, spanS[FAMILY_KEY + k]!, spanE[FAMILY_KEY + k]!);
    }
    // The diacritic parts: the tokens of `norm` counted off by the folded parts' token counts
    // (the contract of person-name.ts); not locatable when the totals differ.
    const nu = spanU[NORM]!;
    const nf = countTokens(spanU[FAMILY]!, spanS[FAMILY]!, spanE[FAMILY]!);
    const nm = countTokens(spanU[MIDDLE]!, spanS[MIDDLE]!, spanE[MIDDLE]!);
    const ng = countTokens(spanU[GIVEN]!, spanS[GIVEN]!, spanE[GIVEN]!);
    const total = nf + nm + ng;
    // One scan of `norm` records its token bounds.
    if (tokenBounds(nu, spanS[NORM]!, spanE[NORM]!) !== total) {
      rows[o + 6] = NORM_NOT_LOCATABLE;
      rows[o + 7] = NORM_NOT_LOCATABLE;
      rows[o + 8] = NORM_NOT_LOCATABLE;
      continue;
    }
    // Part k covers tokens [first, first + count): from its first token's start to its last token's end.
    rows[o + 6] = nf === 0 ? 0 : interner.intern(nu, tokS[0]!, tokE[nf - 1]!);
    rows[o + 7] = nm === 0 ? 0 : interner.intern(nu, tokS[nf]!, tokE[nf + nm - 1]!);
    rows[o + 8] = ng === 0 ? 0 : interner.intern(nu, tokS[nf + nm]!, tokE[total - 1]!);
  }
  return finish(interner, rows, rowCount, options.shared === true);
}

// Token bounds of the current `norm` (scratch of the build): token t spans [tokS[t], tokE[t]).
let tokS = new Int32Array(4);
let tokE = new Int32Array(4);

/** Record the bounds of every token of u[s..e) in tokS/tokE (grown as needed); returns the count. */
function tokenBounds(u: CodeUnits, s: number, e: number): number {
  let n = 0;
  let i = s;
  for (;;) {
    while (i < e && u[i] === SPACE) i++;
    if (i >= e) return n;
    if (n === tokS.length) {
      tokS = grow32(tokS, n + 1);
      tokE = grow32(tokE, n + 1);
    }
    tokS[n] = i;
    while (i < e && u[i] !== SPACE) i++;
    tokE[n++] = i;
  }
}

function finish(x: ValueInterner, rows: Int32Array, rowCount: number, shared: boolean): PersonNameIndex {
  const n = x.count;
  const make32 = (len: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(Math.max(4, 4 * len)), 0, len) : new Int32Array(len));
  const units = shared ? new Uint16Array(new SharedArrayBuffer(Math.max(2, 2 * x.used)), 0, x.used) : new Uint16Array(x.used);
  units.set(x.units.subarray(0, x.used));
  const offsets = make32(n + 1);
  offsets.set(x.offsets.subarray(0, n + 1));
  const sig = make32(n);
  const flags = shared ? new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n) : new Uint8Array(n);
  for (let id = 1; id < n; id++) {
    const s = offsets[id]!, e = offsets[id + 1]!;
    let bits = 0;
    let spaces = 0;
    let initial = 0;
    let tokenLen = 0;
    for (let i = s; i < e; i++) {
      const c = units[i]!;
      if (c === SPACE) {
        spaces++;
        if (tokenLen === 1) initial = 1;
        tokenLen = 0;
      } else {
        bits |= 1 << (c & 31); // one bit per unit value mod 32: equal units ⇒ equal bits
        tokenLen++;
      }
    }
    if (tokenLen === 1) initial = 1;
    sig[id] = bits;
    flags[id] = (spaces === 0 ? VALUE_ONE_TOKEN : 0) | (initial ? VALUE_HAS_INITIAL : 0);
  }
  return { kind: 'khop.PersonNameIndex', rowCount, rows: rowCount === 0 ? rows.subarray(0, 0) : rows, valueCount: n, units, offsets, sig, flags };
}
