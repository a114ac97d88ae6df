/**
 * The comparison plan of a schema: which comparisons a dataset gets, their levels as data,
 * and the column-wise loops that turn candidate pairs into `Uint8Array` level columns.
 *
 *   field kind      comparisons (levels from src/compare)
 *   nationalId      <f>                      NATIONAL_ID_LEVELS
 *   personName      <f>.family, <f>.middle, <f>.given   FAMILY/MIDDLE/GIVEN_NAME_LEVELS
 *   given+family    <g>.family, <g>.given
 *   date            <f>                      DATE_LEVELS
 *   sex             <f>                      SEX_LEVELS
 *   category        <f>                      CATEGORY_LEVELS (old/new provinces equivalent, one-typo
 *                                            spellings from the dictionary; tf on exact)
 *   text            <f>                      TEXT_OVERLAP_LEVELS
 *   identifier      <f>                      IDENTIFIER_LEVELS
 *
 * Loops run one comparison at a time over a range of pairs (one tight monomorphic loop per
 * column); numeric columns are flattened once into typed arrays per side (`bindSide`), text
 * columns are read in place through TextColumnReader. Three per-side structures, built once
 * (lazily by `bindSide`, or by `shareSide` on shared memory), turn per-pair text work into
 * integer work — the levels stay those of the row comparators (tested pair by pair):
 *   - a PersonNameIndex per name group (src/compare/person-name-index.ts): interned name
 *     values, 36 B per row + the distinct values;
 *   - a fixed-width copy of each national-ID column ({@link fixedTextColumn}): 16 B per row,
 *     one cache line per row instead of the store's null bitmap, offsets and pool;
 *   - a TokenSetIndex per free-text column (src/compare/token-set-index.ts): sorted distinct
 *     token ids, 4 B per distinct word per row + 4 B.
 *
 * Worker threads (src/pool): `shareSide(store, plan)` flattens the numeric columns the plan
 * reads and builds the structures above ONCE, onto SharedArrayBuffer, and describes the
 * side (store descriptor + those arrays) so that every thread binds the same memory with
 * `bindSharedSide` — nothing is copied, flattened or interned again per thread. The plan
 * itself is rebuilt per thread from the schema fields, name groups and category dictionaries
 * (see src/pool/match-job.ts).
 */
import type { ComparisonSpec } from '../score/comparison-spec.js';
import type { TextColumnReader } from '../block/text-column.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { NATIONAL_ID_LEVELS, NationalIdLevel, compareNationalIdRows, compareNationalIdSpans, equalLengthIdsDifferInThreeOrMore } from '../compare/national-id-level.js';
import { FAMILY_NAME_LEVELS, GIVEN_NAME_LEVELS, MIDDLE_NAME_LEVELS, comparePersonNameRows, personNameLevelsIndexed, type NameColumns } from '../compare/person-name.js';
import { DATE_LEVELS, compareDates, compareTypedDates } from '../compare/date-level.js';
import { SEX_LEVELS, compareSexCodes } from '../compare/sex-level.js';
import { CATEGORY_LEVELS, CategorySpelling, compareCategoryCodes, buildProvinceEquivalence, mostlyProvinceNames, type CategoryEquivalence } from '../compare/category-level.js';
import { TEXT_OVERLAP_LEVELS, compareTextOverlap, compareTextOverlapIndexed } from '../compare/text-overlap.js';
import { buildTokenSetIndex, type TokenSetIndex } from '../compare/token-set-index.js';
import { IDENTIFIER_LEVELS, compareIdentifierRows } from '../compare/identifier-level.js';
import type { ComparisonLevel } from '../compare/levels.js';
import { NAME_INDEX_STRIDE, buildPersonNameIndex, type PersonNameIndex } from '../compare/person-name-index.js';
import type { NameGroup } from './prepare.js';
import type { Schema } from '../schema.js';

/** Levels of src/compare → a score ComparisonSpec (level 0 null; tf on the named levels). */
function specOf(name: string, levels: readonly ComparisonLevel[], tfLevels: readonly string[] = []): ComparisonSpec {
  return {
    name,
    levels: levels.map((l, i) => ({
      label: l.name,
      ...(i === 0 ? { null: true } : {}),
      ...(tfLevels.includes(l.name) ? { tf: true } : {}),
    })),
  };
}

/** The columns of one dataset, bound for comparison. */
export interface BoundSide {
  readonly text: (column: string) => TextColumnReader;
  readonly int32: (column: string) => Int32Array;
  readonly uint8: (column: string) => Uint8Array;
  readonly names: (prefix: string) => NameColumns;
  /** A short text column copied into fixed-width slots ({@link fixedTextColumn}), built once. */
  readonly fixedText: (column: string) => Uint8Array;
  /** The token-set index of a free-text column (src/compare/token-set-index.ts), built once. */
  readonly tokenSets: (column: string) => TokenSetIndex;
}

/**
 * Fixed-width copy of a short text column, for comparisons of random rows (one cache line per
 * row instead of the store's null bitmap, offsets and pool):
 *
 *   row r → bytes [FIXED_TEXT_WIDTH·r, FIXED_TEXT_WIDTH·(r + 1)):  [ length | unit 0 … unit 14 ]
 *
 * length 0 = null or empty; FIXED_TEXT_FALLBACK = the value does not fit (longer than 15 units
 * or a unit above 255): the comparison reads that row from the column itself.
 */
export const FIXED_TEXT_WIDTH = 16;
/** Length byte of a row whose value does not fit its fixed-width slot. */
export const FIXED_TEXT_FALLBACK = 255;

/** Copy rows 0..n−1 of `col` into fixed-width slots (see {@link FIXED_TEXT_WIDTH}). */
/** Per code, the smallest code of the same province (sameOf), or the code itself. */
function canonicalCodes(eq: CategoryEquivalence): Int32Array {
  const same = eq.sameOf!;
  const out = new Int32Array(same.length);
  const first = new Map<number, number>();
  for (let c = 0; c < same.length; c++) {
    const place = same[c]!;
    if (place < 0) {
      out[c] = c;
      continue;
    }
    const f = first.get(place);
    if (f === undefined) first.set(place, c);
    out[c] = f ?? c;
  }
  return out;
}

export function fixedTextColumn(col: TextColumnReader, n: number, shared = false): Uint8Array {
  const bytes = FIXED_TEXT_WIDTH * n;
  const out = shared ? new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)), 0, bytes) : new Uint8Array(bytes);
  for (let r = 0; r < n; r++) {
    if (col.isNull(r)) continue; // length 0
    const u = col.units(r);
    const s = col.start(r);
    const len = col.end(r) - s;
    const at = FIXED_TEXT_WIDTH * r;
    if (len >= FIXED_TEXT_WIDTH) {
      out[at] = FIXED_TEXT_FALLBACK;
      continue;
    }
    let fits = true;
    for (let i = 0; i < len; i++) {
      const c = u[s + i]!;
      if (c > 255) fits = false;
      out[at + 1 + i] = c;
    }
    out[at] = fits ? len : FIXED_TEXT_FALLBACK;
  }
  return out;
}

/** Numeric columns already flattened (e.g. on SharedArrayBuffer by {@link shareSide}). */
export interface FlattenedColumns {
  readonly int32?: ReadonlyMap<string, Int32Array>;
  readonly uint8?: ReadonlyMap<string, Uint8Array>;
  /** Person-name indexes built already, by name-column prefix (e.g. shared by {@link shareSide}). */
  readonly names?: ReadonlyMap<string, PersonNameIndex>;
  /** Fixed-width text copies built already, by column ({@link fixedTextColumn}). */
  readonly fixed?: ReadonlyMap<string, Uint8Array>;
  /** Token-set indexes built already, by column. */
  readonly tokenSets?: ReadonlyMap<string, TokenSetIndex>;
}

/** Flatten a numeric store column into one typed array (missing = 0). */
export function flatten<T extends Int32Array | Uint8Array>(store: RecordStore, column: string, make: (n: number) => T): T {
  const n = store.rowCount;
  const out = make(n);
  let row = 0;
  for (let k = 0; k < store.chunkCount; k++) {
    const chunk = store.columnChunk(column, k);
    const values = chunk.values as T;
    const nulls = chunk.nulls;
    for (let i = 0; i < chunk.length; i++) {
      out[row++] = (nulls[i >>> 3]! >>> (i & 7)) & 1 ? 0 : values[i]!;
    }
  }
  return out;
}

/**
 * Bind a store for comparison (numeric columns flattened lazily, once). `flattened` supplies
 * columns flattened already (they must hold `store.rowCount` values each).
 */
export function bindSide(store: RecordStore, flattened: FlattenedColumns = {}): BoundSide {
  const ints = new Map<string, Int32Array>(flattened.int32 ?? []);
  const bytes = new Map<string, Uint8Array>(flattened.uint8 ?? []);
  const texts = new Map<string, TextColumnReader>();
  const nameIndexes = new Map<string, PersonNameIndex>(flattened.names ?? []);
  const nameColumns = new Map<string, NameColumns>();
  const fixed = new Map<string, Uint8Array>(flattened.fixed ?? []);
  const tokenSets = new Map<string, TokenSetIndex>(flattened.tokenSets ?? []);
  const text = (c: string) => {
    let t = texts.get(c);
    if (!t) texts.set(c, (t = store.textColumn(c)));
    return t;
  };
  return {
    text,
    int32(c) {
      let a = ints.get(c);
      if (!a) ints.set(c, (a = flatten(store, c, (n) => new Int32Array(n))));
      return a;
    },
    uint8(c) {
      let a = bytes.get(c);
      if (!a) bytes.set(c, (a = flatten(store, c, (n) => new Uint8Array(n))));
      return a;
    },
    names(p) {
      let cols = nameColumns.get(p);
      if (cols) return cols;
      const plain = nameColumnsOf(text, p);
      // Interned once per side (see person-name-index.ts): the comparisons read ids per pair.
      let index = nameIndexes.get(p);
      if (!index || index.rowCount !== store.rowCount) nameIndexes.set(p, (index = buildPersonNameIndex(plain, store.rowCount)));
      nameColumns.set(p, (cols = { ...plain, index }));
      return cols;
    },
    fixedText(c) {
      let a = fixed.get(c);
      if (!a || a.length !== FIXED_TEXT_WIDTH * store.rowCount) fixed.set(c, (a = fixedTextColumn(text(c), store.rowCount)));
      return a;
    },
    tokenSets(c) {
      let x = tokenSets.get(c);
      if (!x || x.rowCount !== store.rowCount) tokenSets.set(c, (x = buildTokenSetIndex(text(c), store.rowCount)));
      return x;
    },
  };
}

/** The eight name columns of prefix `p` (no index). */
function nameColumnsOf(text: (c: string) => TextColumnReader, p: string): NameColumns {
  return {
    norm: text(`${p}.norm`),
    fold: text(`${p}.fold`),
    family: text(`${p}.family`),
    middle: text(`${p}.middle`),
    given: text(`${p}.given`),
    familyKey: text(`${p}.familyKey`),
    middleKey: text(`${p}.middleKey`),
    givenKey: text(`${p}.givenKey`),
  };
}

/**
 * A side as a structured-cloneable value for a worker thread: the store's descriptor and the
 * numeric columns the plan reads, flattened once onto SharedArrayBuffer (shared, not copied).
 */
export interface SharedSideDescriptor {
  readonly store: RecordStoreDescriptor;
  readonly int32: ReadonlyArray<readonly [string, Int32Array]>;
  readonly uint8: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Person-name indexes on SharedArrayBuffer, by name-column prefix. */
  readonly names?: ReadonlyArray<readonly [string, PersonNameIndex]>;
  /** Fixed-width text copies on SharedArrayBuffer, by column. */
  readonly fixed?: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Token-set indexes on SharedArrayBuffer, by column. */
  readonly tokenSets?: ReadonlyArray<readonly [string, TokenSetIndex]>;
}

/** The dataset indexes of a side that other threads build meanwhile (createMatchJob): left out by shareSide. */
export interface SideIndexesElsewhere {
  /** Name-column prefixes whose person-name index is built elsewhere. */
  readonly names?: ReadonlySet<string>;
  /** Text columns whose token-set index is built elsewhere. */
  readonly tokenSets?: ReadonlySet<string>;
}

/**
 * Flatten the numeric columns `plan` reads onto SharedArrayBuffer and describe the side.
 * `elsewhere`: the indexes other threads build meanwhile (createMatchJob), left out of the
 * descriptor's `names` / `tokenSets` here.
 */
export function shareSide(store: RecordStore, plan: ComparisonPlan, elsewhere: SideIndexesElsewhere = {}): SharedSideDescriptor {
  const int32: Array<readonly [string, Int32Array]> = [];
  const uint8: Array<readonly [string, Uint8Array]> = [];
  for (const c of plan.numericColumns) {
    if (c.type === 'int32') int32.push([c.column, flatten(store, c.column, (len) => new Int32Array(new SharedArrayBuffer(Math.max(4, len * 4)), 0, len))]);
    else uint8.push([c.column, flatten(store, c.column, (len) => new Uint8Array(new SharedArrayBuffer(Math.max(1, len)), 0, len))]);
  }
  const text = (c: string) => store.textColumn(c);
  const names = plan.namePrefixes.filter((p) => elsewhere.names?.has(p) !== true).map((p) => [p, sharedPersonNameIndex(store, p)] as const);
  const fixed = plan.fixedTextColumns.map((c) => [c, fixedTextColumn(text(c), store.rowCount, true)] as const);
  const tokenSets = plan.tokenSetColumns.filter((c) => elsewhere.tokenSets?.has(c) !== true).map((c) => [c, buildTokenSetIndex(text(c), store.rowCount, { shared: true })] as const);
  return { store: store.toDescriptor(), int32, uint8, names, fixed, tokenSets };
}

/** The person-name index of the name columns with prefix `p`, on SharedArrayBuffer (any thread). */
export function sharedPersonNameIndex(store: RecordStore, p: string): PersonNameIndex {
  return buildPersonNameIndex(nameColumnsOf((c) => store.textColumn(c), p), store.rowCount, { shared: true });
}

/** Bind a side described by {@link shareSide} (in any thread): nothing is copied. */
export function bindSharedSide(d: SharedSideDescriptor): BoundSide {
  const store = RecordStore.fromDescriptor(d.store);
  return bindSide(store, { int32: new Map(d.int32), uint8: new Map(d.uint8), names: new Map(d.names ?? []), fixed: new Map(d.fixed ?? []), tokenSets: new Map(d.tokenSets ?? []) });
}

// ---- Random pairs and the memory hierarchy ----------------------------------------------------
// A random pair reads rows far apart: in a large dataset each row of each per-side array (name
// ids, ID slot, date, sex) is a cache miss, and a loop body as long as a comparison keeps only
// one or two of them in flight — the misses are paid one after another. So every loop below
// runs in blocks of PAIR_BLOCK pairs and first TOUCHES the rows the block will read, in a tight
// loop whose loads do not depend on each other: the processor overlaps their misses (a dozen
// and more in flight), and the comparison loop then finds its rows in L1/L2 (one block touches at
// most 2 · 64 rows × 2 cache lines per array: ≤ 16 KB). The touched values are XOR-ed into
// `touch[0]` only so that the loads cannot be optimised away; nothing reads it. Candidate pairs
// (rows close together, mostly cached) pay the touch loops for nothing: a few loads per pair.
const PAIR_BLOCK = 64;
/** Write-only sink of the touch loops (see above); holds no state anyone reads. */
const touch = new Int32Array(1);

/** Touch the name-index rows of pairs [s, e) (first and last id: both cache lines a row may span). */
function touchNameRows(rows: Int32Array, n: number, L: Uint32Array, R: Uint32Array, s: number, e: number): number {
  let t = 0;
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < n && rb < n) {
      const oa = ra * NAME_INDEX_STRIDE, ob = rb * NAME_INDEX_STRIDE;
      t ^= rows[oa]! ^ rows[oa + NAME_INDEX_STRIDE - 1]! ^ rows[ob]! ^ rows[ob + NAME_INDEX_STRIDE - 1]!;
    }
  }
  return t;
}

/** Touch the fixed-width ID slots of pairs [s, e) (a 16-byte slot never spans two cache lines). */
function touchSlots(fa: Uint8Array, na: number, fb: Uint8Array, nb: number, L: Uint32Array, R: Uint32Array, s: number, e: number): number {
  let t = 0;
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < na) t ^= fa[FIXED_TEXT_WIDTH * ra]!;
    if (rb < nb) t ^= fb[FIXED_TEXT_WIDTH * rb]!;
  }
  return t;
}

/** Touch one int32 per row of pairs [s, e) (rows past the arrays read as 0). */
function touchInt32(da: Int32Array, db: Int32Array, L: Uint32Array, R: Uint32Array, s: number, e: number): number {
  let t = 0;
  const na = da.length, nb = db.length;
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < na) t ^= da[ra]!;
    if (rb < nb) t ^= db[rb]!;
  }
  return t;
}

/**
 * Touch the token lists of pairs [s, e): first every row's `starts` entry (independent loads),
 * then — those now in cache — the first and last id of each list (the lines the merge reads).
 */
function touchTokenSets(x: TokenSetIndex, L: Uint32Array, R: Uint32Array, s: number, e: number): number {
  const starts = x.starts;
  const ids = x.ids;
  const n = x.rowCount;
  let t = 0;
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < n && rb < n) t ^= starts[ra]! ^ starts[ra + 1]! ^ starts[rb]! ^ starts[rb + 1]!;
  }
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < n && rb < n) {
      const sa = starts[ra]!, ea = starts[ra + 1]!, sb = starts[rb]!, eb = starts[rb + 1]!;
      if (sa < ea) t ^= ids[sa]! ^ ids[ea - 1]!;
      if (sb < eb) t ^= ids[sb]! ^ ids[eb - 1]!;
    }
  }
  return t;
}

/** Touch one byte per row of pairs [s, e) (rows past the arrays read as 0). */
function touchUint8(da: Uint8Array, db: Uint8Array, L: Uint32Array, R: Uint32Array, s: number, e: number): number {
  let t = 0;
  const na = da.length, nb = db.length;
  for (let p = s; p < e; p++) {
    const ra = L[p]!, rb = R[p]!;
    if (ra < na) t ^= da[ra]!;
    if (rb < nb) t ^= db[rb]!;
  }
  return t;
}

/**
 * The bytes of a fixed-width column as 32-bit words, 4 per slot; null when the bytes do not
 * start on a 4-byte boundary (never for {@link fixedTextColumn}'s arrays, which start at 0):
 * the ID loop then skips its word pre-filter.
 */
function wordsOf(f: Uint8Array): Int32Array | null {
  return (f.byteOffset & 3) === 0 ? new Int32Array(f.buffer, f.byteOffset, f.length >>> 2) : null;
}

/** Computes the level columns of one group of comparisons for pairs [start, end). */
type Computer = (a: BoundSide, b: BoundSide, left: Uint32Array, right: Uint32Array, start: number, end: number, out: readonly Uint8Array[], outStart: number) => void;

export interface ComparisonPlan {
  /** The comparisons, in level-column order. */
  readonly specs: readonly ComparisonSpec[];
  /** Per comparison: the schema fields it reads. */
  readonly fields: readonly (readonly string[])[];
  /** Per comparison: the store columns whose agreement it measures (a blocking rule on one fixes its m in EM). */
  readonly columns: readonly (readonly string[])[];
  /**
   * Per comparison: the column whose value frequency drives the tf adjustment, or null — an
   * ascii column (frequency of the text) or an int32 code column (frequency of the code; 0 or
   * null = missing).
   */
  readonly tfColumns: readonly (string | null)[];
  /**
   * Per comparison, for an int32 tf column: the code each code is counted as (null: itself) —
   * a province's spellings as one value ("Tỉnh Hà Giang" and "Hà Giang": one frequency), so the
   * tf of a pair of two spellings, which the exact level holds, is the same read from either row.
   */
  readonly tfCanonical?: readonly (Int32Array | null)[];
  /** The numeric store columns the comparisons read through `BoundSide.int32` / `uint8`. */
  readonly numericColumns: ReadonlyArray<{ readonly column: string; readonly type: 'int32' | 'uint8' }>;
  /** The name-column prefixes the comparisons read (one person-name index each, see {@link shareSide}). */
  readonly namePrefixes: readonly string[];
  /** The text columns the comparisons read through `BoundSide.fixedText`. */
  readonly fixedTextColumns: readonly string[];
  /** The free-text columns the comparisons read through `BoundSide.tokenSets`. */
  readonly tokenSetColumns: readonly string[];
  /**
   * Fill `out[k][outStart + (p − start)]` with comparison k's level for pairs p in [start, end).
   */
  compute(a: BoundSide, b: BoundSide, left: Uint32Array, right: Uint32Array, start: number, end: number, out: readonly Uint8Array[], outStart?: number): void;
}

export interface PlanOptions {
  /** Category dictionaries (field → value→code), for the province equivalence and the one-typo level. */
  readonly dictionaries?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

function storeColumnsOfField(name: string, kind: string): string[] {
  switch (kind) {
    case 'nationalId':
      return [`${name}.id`, `${name}.idkind`];
    case 'date':
      return [`${name}.date`, `${name}.dateTyped`];
    case 'sex':
      return [`${name}.sex`];
    case 'category':
      return [`${name}.cat`, `${name}.fold`];
    case 'text':
      return [`${name}.fold`];
    default:
      return [`${name}.id`];
  }
}

/** Build the comparison plan of a schema and its name groups. */
export function planComparisons(schema: Schema, groups: readonly NameGroup[], options: PlanOptions = {}): ComparisonPlan {
  const specs: ComparisonSpec[] = [];
  const fields: string[][] = [];
  const columns: string[][] = [];
  const tfColumns: (string | null)[] = [];
  const tfCanonical: (Int32Array | null)[] = [];
  let canonical: Int32Array | null = null;
  const computers: Array<{ first: number; run: Computer }> = [];
  const numericColumns: Array<{ column: string; type: 'int32' | 'uint8' }> = [];
  const namePrefixes: string[] = [];
  const fixedTextColumns: string[] = [];
  const tokenSetColumns: string[] = [];

  for (const f of schema.fields) {
    const k = specs.length;
    switch (f.kind) {
      case 'nationalId': {
        const col = `${f.name}.id`;
        fixedTextColumns.push(col);
        specs.push(specOf(f.name, NATIONAL_ID_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const ca = a.text(col);
            const cb = b.text(col);
            // IDs from the fixed-width copies (same units, so the same level); rows that do not
            // fit, or were appended after the copy, from the column.
            const fa = a.fixedText(col);
            const fb = b.fixedText(col);
            const na = fa.length / FIXED_TEXT_WIDTH;
            const nb = fb.length / FIXED_TEXT_WIDTH;
            // The same slots as 32-bit words (4 per row) for the equal-length pre-filter.
            const wa = wordsOf(fa);
            const wb = wordsOf(fb);
            const c = out[k]!;
            for (let b0 = s; b0 < e; b0 += PAIR_BLOCK) {
              const b1 = e - b0 > PAIR_BLOCK ? b0 + PAIR_BLOCK : e;
              touch[0] = touchSlots(fa, na, fb, nb, L, R, b0, b1);
              for (let p = b0; p < b1; p++) {
                const ra = L[p]!, rb = R[p]!;
                const ia = FIXED_TEXT_WIDTH * ra, ib = FIXED_TEXT_WIDTH * rb;
                const la = ra < na ? fa[ia]! : FIXED_TEXT_FALLBACK;
                const lb = rb < nb ? fb[ib]! : FIXED_TEXT_FALLBACK;
                if (la === FIXED_TEXT_FALLBACK || lb === FIXED_TEXT_FALLBACK) c[o + p - s] = compareNationalIdRows(ca, ra, cb, rb);
                else if (la === lb && wa !== null && wb !== null && equalLengthIdsDifferInThreeOrMore(wa, ia >>> 2, wb, ib >>> 2)) c[o + p - s] = NationalIdLevel.ELSE;
                else c[o + p - s] = compareNationalIdSpans(fa, ia + 1, ia + 1 + la, fb, ib + 1, ib + 1 + lb);
              }
            }
          },
        });
        break;
      }
      case 'date': {
        const col = `${f.name}.date`;
        const typedCol = `${f.name}.dateTyped`;
        numericColumns.push({ column: col, type: 'int32' }, { column: typedCol, type: 'int32' });
        specs.push(specOf(f.name, DATE_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const da = a.int32(col);
            const db = b.int32(col);
            const ta = a.int32(typedCol);
            const tb = b.int32(typedCol);
            const c = out[k]!;
            for (let b0 = s; b0 < e; b0 += PAIR_BLOCK) {
              const b1 = e - b0 > PAIR_BLOCK ? b0 + PAIR_BLOCK : e;
              touch[0] = touchInt32(da, db, L, R, b0, b1);
              for (let p = b0; p < b1; p++) {
                const ra = L[p]!, rb = R[p]!;
                const x = da[ra]!, y = db[rb]!;
                // A missing side may hold a typed invalid date (rare): only then read the
                // typed column; a value is its date or its typed digits, never both.
                if (x !== 0 && y !== 0) c[o + p - s] = compareDates(x, y);
                else {
                  const u = x !== 0 ? x : ta[ra]!, v = y !== 0 ? y : tb[rb]!;
                  c[o + p - s] = u !== 0 && v !== 0 ? compareTypedDates(u, v) : compareDates(x, y);
                }
              }
            }
          },
        });
        break;
      }
      case 'sex': {
        const col = `${f.name}.sex`;
        numericColumns.push({ column: col, type: 'uint8' });
        specs.push(specOf(f.name, SEX_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const da = a.uint8(col);
            const db = b.uint8(col);
            const c = out[k]!;
            for (let b0 = s; b0 < e; b0 += PAIR_BLOCK) {
              const b1 = e - b0 > PAIR_BLOCK ? b0 + PAIR_BLOCK : e;
              touch[0] = touchUint8(da, db, L, R, b0, b1);
              for (let p = b0; p < b1; p++) c[o + p - s] = compareSexCodes(da[L[p]!]!, db[R[p]!]!);
            }
          },
        });
        break;
      }
      case 'category': {
        const col = `${f.name}.cat`;
        numericColumns.push({ column: col, type: 'int32' });
        const dict = options.dictionaries?.get(f.name);
        let eq: CategoryEquivalence | undefined;
        let spelling: CategorySpelling | undefined;
        if (dict) {
          const names: Array<string | null> = [null];
          for (const [value, code] of dict) names[code] = value;
          for (let i = 0; i < names.length; i++) if (names[i] === undefined) names[i] = null;
          spelling = new CategorySpelling(names);
          // Province names only in a field that mostly holds them (not a district field's
          // "Thành phố Lào Cai"): mostlyProvinceNames.
          if (mostlyProvinceNames(names)) {
            eq = buildProvinceEquivalence(names);
            canonical = canonicalCodes(eq);
          }
        }
        // A shared common category (a capital city) is weaker evidence than a shared rare one:
        // term-frequency adjustment on exact, by the code (= the folded value).
        specs.push(specOf(f.name, CATEGORY_LEVELS, ['exact']));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const da = a.int32(col);
            const db = b.int32(col);
            const c = out[k]!;
            for (let p = s; p < e; p++) c[o + p - s] = compareCategoryCodes(da[L[p]!]!, db[R[p]!]!, eq, spelling);
          },
        });
        break;
      }
      case 'text': {
        const col = `${f.name}.fold`;
        tokenSetColumns.push(col);
        specs.push(specOf(f.name, TEXT_OVERLAP_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const ca = a.text(col);
            const cb = b.text(col);
            const c = out[k]!;
            const x = a.tokenSets(col);
            if (x === b.tokenSets(col)) {
              // One dictionary (one side, or both sides bound to one store): compare by ids.
              const n = x.rowCount;
              for (let b0 = s; b0 < e; b0 += PAIR_BLOCK) {
                const b1 = e - b0 > PAIR_BLOCK ? b0 + PAIR_BLOCK : e;
                touch[0] = touchTokenSets(x, L, R, b0, b1);
                for (let p = b0; p < b1; p++) {
                  const ra = L[p]!, rb = R[p]!;
                  c[o + p - s] = ra < n && rb < n ? compareTextOverlapIndexed(x, ca, ra, cb, rb) : compareTextOverlap(ca, ra, cb, rb);
                }
              }
              return;
            }
            for (let p = s; p < e; p++) c[o + p - s] = compareTextOverlap(ca, L[p]!, cb, R[p]!);
          },
        });
        break;
      }
      case 'identifier': {
        const col = `${f.name}.id`;
        specs.push(specOf(f.name, IDENTIFIER_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const ca = a.text(col);
            const cb = b.text(col);
            const c = out[k]!;
            for (let p = s; p < e; p++) c[o + p - s] = compareIdentifierRows(ca, L[p]!, cb, R[p]!);
          },
        });
        break;
      }
      default:
        continue; // names: below
    }
    fields.push([f.name]);
    columns.push(storeColumnsOfField(f.name, f.kind));
    // A category's frequency is its code's (codes are the folded values, interned).
    tfColumns.push(f.kind === 'category' ? `${f.name}.cat` : null);
    tfCanonical.push(f.kind === 'category' ? canonical : null);
    canonical = null;
  }

  for (const g of groups) {
    const kFamily = specs.length;
    const kMiddle = g.hasMiddle ? kFamily + 1 : -1;
    const kGiven = g.hasMiddle ? kFamily + 2 : kFamily + 1;
    const fieldNames = g.fields.map((f) => f.name);
    // A shared family name is weak evidence when it is common (Nguyễn): tf on exact/folded.
    specs.push(specOf(`${g.name}.family`, FAMILY_NAME_LEVELS, ['exact', 'folded-equal']));
    fields.push(fieldNames);
    columns.push([`${g.prefix}.family`, `${g.prefix}.familyKey`, `${g.prefix}.fold`, `${g.prefix}.norm`, `${g.prefix}.keySet`]);
    tfColumns.push(`${g.prefix}.family`);
    tfCanonical.push(null);
    if (g.hasMiddle) {
      specs.push(specOf(`${g.name}.middle`, MIDDLE_NAME_LEVELS));
      fields.push(fieldNames);
      columns.push([`${g.prefix}.middle`, `${g.prefix}.middleKey`, `${g.prefix}.fold`, `${g.prefix}.norm`]);
      tfColumns.push(null);
      tfCanonical.push(null);
    }
    specs.push(specOf(`${g.name}.given`, GIVEN_NAME_LEVELS, ['exact', 'folded-equal']));
    fields.push(fieldNames);
    columns.push([`${g.prefix}.given`, `${g.prefix}.givenKey`, `${g.prefix}.fold`, `${g.prefix}.norm`, `${g.prefix}.keySet`]);
    tfColumns.push(`${g.prefix}.given`);
    tfCanonical.push(null);
    const prefix = g.prefix;
    namePrefixes.push(prefix);
    const scratch = new Uint8Array(3);
    computers.push({
      first: kFamily,
      run: (a, b, L, R, s, e, out, o) => {
        const na = a.names(prefix);
        const nb = b.names(prefix);
        const cf = out[kFamily]!;
        const cm = kMiddle >= 0 ? out[kMiddle]! : undefined;
        const cg = out[kGiven]!;
        const x = na.index;
        if (x !== undefined && x === nb.index) {
          // Indexed: levels packed 4 bits each (family | middle << 4 | given << 8).
          const n = x.rowCount;
          for (let b0 = s; b0 < e; b0 += PAIR_BLOCK) {
            const b1 = e - b0 > PAIR_BLOCK ? b0 + PAIR_BLOCK : e;
            touch[0] = touchNameRows(x.rows, n, L, R, b0, b1);
            for (let p = b0; p < b1; p++) {
              const ra = L[p]!, rb = R[p]!;
              const i = o + p - s;
              if (ra < n && rb < n) {
                const v = personNameLevelsIndexed(x, ra, rb);
                cf[i] = v & 15;
                if (cm !== undefined) cm[i] = (v >>> 4) & 15;
                cg[i] = v >>> 8;
              } else {
                comparePersonNameRows(na, ra, nb, rb, scratch, 0);
                cf[i] = scratch[0]!;
                if (cm !== undefined) cm[i] = scratch[1]!;
                cg[i] = scratch[2]!;
              }
            }
          }
          return;
        }
        for (let p = s; p < e; p++) {
          comparePersonNameRows(na, L[p]!, nb, R[p]!, scratch, 0);
          const i = o + p - s;
          cf[i] = scratch[0]!;
          if (cm !== undefined) cm[i] = scratch[1]!;
          cg[i] = scratch[2]!;
        }
      },
    });
  }

  return {
    specs,
    fields,
    columns,
    tfColumns,
    tfCanonical,
    numericColumns,
    namePrefixes,
    fixedTextColumns,
    tokenSetColumns,
    compute(a, b, L, R, start, end, out, outStart = 0) {
      for (const c of computers) c.run(a, b, L, R, start, end, out, outStart);
    },
  };
}
