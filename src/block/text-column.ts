/**
 * The read contract between stores and comparators: a text column whose values are read as
 * code units in place, without materialising a JavaScript string per access.
 *
 *   units(row) ─► Uint8Array | Uint16Array  (shared by many rows: a chunk's pool)
 *                 [ ... | v a l u e | ... ]
 *                        ^start(row)  ^end(row)  (end exclusive)
 *
 * `ascii` and `utf8` store columns hand out Uint8Array pools (for ASCII, byte = char code);
 * `StringColumn` (for tests and small inputs) hands out a Uint16Array of UTF-16 code units.
 * Comparators read `units(row)[i]` for `start(row) ≤ i < end(row)`; two values are equal iff
 * their unit sequences are equal (same encoding on both sides).
 */
import { invalidArgument } from '../util/arg-check.js';
export type CodeUnits = Uint8Array | Uint16Array;

export interface TextColumnReader {
  /** The code units holding the row's value. */
  units(row: number): CodeUnits;
  /** Index of the value's first unit in `units(row)`. */
  start(row: number): number;
  /** Index one past the value's last unit; `start === end` for the empty string. */
  end(row: number): number;
  /** True when the value is missing (null / absent), as opposed to the empty string. */
  isNull(row: number): boolean;
}

/**
 * A TextColumnReader over an array of JS strings (UTF-16 code units in one pool). For tests,
 * claims and small inputs; `null`/`undefined` entries are missing values.
 */
export class StringColumn implements TextColumnReader {
  private readonly pool: Uint16Array;
  private readonly offsets: Uint32Array;
  private readonly nulls: Uint8Array;

  constructor(values: ReadonlyArray<string | null | undefined>) {
    if (!Array.isArray(values)) throw invalidArgument('StringColumn', 'values', 'an array of strings, nulls or undefined', values);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      const v: unknown = values[i];
      if (v == null) continue;
      if (typeof v !== 'string') throw invalidArgument('StringColumn', `values[${i}]`, 'a string, null or undefined', v);
      total += v.length;
    }
    this.pool = new Uint16Array(total);
    this.offsets = new Uint32Array(values.length + 1);
    this.nulls = new Uint8Array(values.length);
    let p = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      this.offsets[i] = p;
      if (v == null) {
        this.nulls[i] = 1;
        continue;
      }
      for (let j = 0; j < v.length; j++) this.pool[p++] = v.charCodeAt(j);
    }
    this.offsets[values.length] = p;
  }

  get length(): number {
    return this.nulls.length;
  }

  units(_row: number): CodeUnits {
    return this.pool;
  }

  start(row: number): number {
    return this.offsets[row]!;
  }

  end(row: number): number {
    return this.offsets[row + 1]!;
  }

  isNull(row: number): boolean {
    return this.nulls[row] === 1;
  }
}
