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
 *   category        <f>                      CATEGORY_LEVELS (old/new provinces equivalent)
 *   text            <f>                      TEXT_OVERLAP_LEVELS
 *   identifier      <f>                      IDENTIFIER_LEVELS
 *
 * Loops run one comparison at a time over a range of pairs (one tight monomorphic loop per
 * column); numeric columns are flattened once into typed arrays per side (`bindSide`), text
 * columns are read in place through TextColumnReader.
 *
 * Worker threads (src/pool): `shareSide(store, plan)` flattens the numeric columns the plan
 * reads ONCE, onto SharedArrayBuffer, and describes the side (store descriptor + those arrays)
 * so that every thread binds the same memory with `bindSharedSide` — nothing is copied or
 * flattened again per thread. The plan itself is rebuilt per thread from the schema fields,
 * name groups and category dictionaries (see src/pool/match-job.ts).
 */
import type { ComparisonSpec } from '../score/comparison-spec.js';
import type { TextColumnReader } from '../block/text-column.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { NATIONAL_ID_LEVELS, compareNationalIdRows } from '../compare/national-id-level.js';
import { FAMILY_NAME_LEVELS, GIVEN_NAME_LEVELS, MIDDLE_NAME_LEVELS, comparePersonName, type NameColumns } from '../compare/person-name.js';
import { DATE_LEVELS, compareDates } from '../compare/date-level.js';
import { SEX_LEVELS, compareSex } from '../compare/sex-level.js';
import { CATEGORY_LEVELS, compareCategories, buildProvinceEquivalence, type CategoryEquivalence } from '../compare/category-level.js';
import { TEXT_OVERLAP_LEVELS, compareTextOverlap } from '../compare/text-overlap.js';
import { IDENTIFIER_LEVELS, compareIdentifierRows } from '../compare/identifier-level.js';
import type { ComparisonLevel } from '../compare/levels.js';
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
}

/** Numeric columns already flattened (e.g. on SharedArrayBuffer by {@link shareSide}). */
export interface FlattenedColumns {
  readonly int32?: ReadonlyMap<string, Int32Array>;
  readonly uint8?: ReadonlyMap<string, Uint8Array>;
}

/** Flatten a numeric store column into one typed array (missing = 0). */
function flatten<T extends Int32Array | Uint8Array>(store: RecordStore, column: string, make: (n: number) => T): T {
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
    },
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
}

/** Flatten the numeric columns `plan` reads onto SharedArrayBuffer and describe the side. */
export function shareSide(store: RecordStore, plan: ComparisonPlan): SharedSideDescriptor {
  const int32: Array<readonly [string, Int32Array]> = [];
  const uint8: Array<readonly [string, Uint8Array]> = [];
  for (const c of plan.numericColumns) {
    if (c.type === 'int32') int32.push([c.column, flatten(store, c.column, (len) => new Int32Array(new SharedArrayBuffer(Math.max(4, len * 4)), 0, len))]);
    else uint8.push([c.column, flatten(store, c.column, (len) => new Uint8Array(new SharedArrayBuffer(Math.max(1, len)), 0, len))]);
  }
  return { store: store.toDescriptor(), int32, uint8 };
}

/** Bind a side described by {@link shareSide} (in any thread): nothing is copied. */
export function bindSharedSide(d: SharedSideDescriptor): BoundSide {
  const store = RecordStore.fromDescriptor(d.store);
  return bindSide(store, { int32: new Map(d.int32), uint8: new Map(d.uint8) });
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
  /** Per comparison: the ascii column whose value frequency drives the tf adjustment, or null. */
  readonly tfColumns: readonly (string | null)[];
  /** The numeric store columns the comparisons read through `BoundSide.int32` / `uint8`. */
  readonly numericColumns: ReadonlyArray<{ readonly column: string; readonly type: 'int32' | 'uint8' }>;
  /**
   * Fill `out[k][outStart + (p − start)]` with comparison k's level for pairs p in [start, end).
   */
  compute(a: BoundSide, b: BoundSide, left: Uint32Array, right: Uint32Array, start: number, end: number, out: readonly Uint8Array[], outStart?: number): void;
}

export interface PlanOptions {
  /** Category dictionaries (field → value→code), to build the province equivalence. */
  readonly dictionaries?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

function storeColumnsOfField(name: string, kind: string): string[] {
  switch (kind) {
    case 'nationalId':
      return [`${name}.id`, `${name}.idkind`];
    case 'date':
      return [`${name}.date`];
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
  const computers: Array<{ first: number; run: Computer }> = [];
  const numericColumns: Array<{ column: string; type: 'int32' | 'uint8' }> = [];

  for (const f of schema.fields) {
    const k = specs.length;
    switch (f.kind) {
      case 'nationalId': {
        const col = `${f.name}.id`;
        specs.push(specOf(f.name, NATIONAL_ID_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const ca = a.text(col);
            const cb = b.text(col);
            const c = out[k]!;
            for (let p = s; p < e; p++) c[o + p - s] = compareNationalIdRows(ca, L[p]!, cb, R[p]!);
          },
        });
        break;
      }
      case 'date': {
        const col = `${f.name}.date`;
        numericColumns.push({ column: col, type: 'int32' });
        specs.push(specOf(f.name, DATE_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const da = a.int32(col);
            const db = b.int32(col);
            const c = out[k]!;
            for (let p = s; p < e; p++) c[o + p - s] = compareDates(da[L[p]!]!, db[R[p]!]!);
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
            for (let p = s; p < e; p++) c[o + p - s] = compareSex(da[L[p]!]!, db[R[p]!]!);
          },
        });
        break;
      }
      case 'category': {
        const col = `${f.name}.cat`;
        numericColumns.push({ column: col, type: 'int32' });
        const dict = options.dictionaries?.get(f.name);
        let eq: CategoryEquivalence | undefined;
        if (dict) {
          const names: Array<string | null> = [null];
          for (const [value, code] of dict) names[code] = value;
          for (let i = 0; i < names.length; i++) if (names[i] === undefined) names[i] = null;
          eq = buildProvinceEquivalence(names);
          let any = false;
          for (let i = 1; i < eq.classOf.length; i++) if (eq.classOf[i]! >= 0) any = true;
          if (!any) eq = undefined;
        }
        specs.push(specOf(f.name, CATEGORY_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const da = a.int32(col);
            const db = b.int32(col);
            const c = out[k]!;
            for (let p = s; p < e; p++) c[o + p - s] = compareCategories(da[L[p]!]!, db[R[p]!]!, eq);
          },
        });
        break;
      }
      case 'text': {
        const col = `${f.name}.fold`;
        specs.push(specOf(f.name, TEXT_OVERLAP_LEVELS));
        computers.push({
          first: k,
          run: (a, b, L, R, s, e, out, o) => {
            const ca = a.text(col);
            const cb = b.text(col);
            const c = out[k]!;
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
    tfColumns.push(null);
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
    if (g.hasMiddle) {
      specs.push(specOf(`${g.name}.middle`, MIDDLE_NAME_LEVELS));
      fields.push(fieldNames);
      columns.push([`${g.prefix}.middle`, `${g.prefix}.middleKey`, `${g.prefix}.fold`, `${g.prefix}.norm`]);
      tfColumns.push(null);
    }
    specs.push(specOf(`${g.name}.given`, GIVEN_NAME_LEVELS, ['exact', 'folded-equal']));
    fields.push(fieldNames);
    columns.push([`${g.prefix}.given`, `${g.prefix}.givenKey`, `${g.prefix}.fold`, `${g.prefix}.norm`, `${g.prefix}.keySet`]);
    tfColumns.push(`${g.prefix}.given`);
    const prefix = g.prefix;
    const scratch = new Uint8Array(3);
    computers.push({
      first: kFamily,
      run: (a, b, L, R, s, e, out, o) => {
        const na = a.names(prefix);
        const nb = b.names(prefix);
        const cf = out[kFamily]!;
        const cm = kMiddle >= 0 ? out[kMiddle]! : undefined;
        const cg = out[kGiven]!;
        for (let p = s; p < e; p++) {
          comparePersonName(na, L[p]!, nb, R[p]!, scratch, 0);
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
    numericColumns,
    compute(a, b, L, R, start, end, out, outStart = 0) {
      for (const c of computers) c.run(a, b, L, R, start, end, out, outStart);
    },
  };
}
