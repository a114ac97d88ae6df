/**
 * CategoryDictionary: the folded values of the register's category fields (province, ethnic
 * group, nationality…), so that each record stores a 4-byte code instead of the text.
 *
 *   field "province":  values ["ha noi", "thanh pho ho chi minh", …]   code = index + 1 (0 = none)
 *
 * Trade-off: a JS Map per field encodes (categories are low-cardinality by nature: tens to
 * thousands of values, never one per person), a plain array decodes; both grow as rows are
 * added and travel in the snapshot metadata.
 */
import { mostlyProvinceNames } from '../compare/category-level.js';

export class CategoryDictionary {
  private readonly values: string[][];
  private readonly codes: Array<Map<string, number>>;

  /** @param fields number of schema fields; `values[i]` restores field i's values (snapshot). */
  constructor(fields: number, values?: ReadonlyArray<readonly string[] | null>) {
    this.values = [];
    this.codes = [];
    for (let i = 0; i < fields; i++) {
      const v = values?.[i] ?? [];
      this.values.push([...v]);
      this.codes.push(new Map(v.map((s, k) => [s, k + 1])));
    }
  }

  /** Code of a folded value of field `field`, added when new. */
  encode(field: number, folded: string): number {
    const m = this.codes[field]!;
    let code = m.get(folded);
    if (code === undefined) {
      const list = this.values[field]!;
      list.push(folded);
      code = list.length;
      m.set(folded, code);
    }
    return code;
  }

  /** The folded value of a code (null for 0 or an unknown code). */
  decode(field: number, code: number): string | null {
    return code > 0 ? (this.values[field]![code - 1] ?? null) : null;
  }

  /**
   * Whether field `field` holds Vietnamese province names (mostlyProvinceNames of its values):
   * its values are then compared as provinces. Decided again when the field gained values.
   */
  holdsProvinces(field: number): boolean {
    const list = this.values[field]!;
    const memo = this.provinceMemo[field];
    if (memo !== undefined && memo.size === list.length) return memo.holds;
    const holds = mostlyProvinceNames(list);
    this.provinceMemo[field] = { size: list.length, holds };
    return holds;
  }

  private readonly provinceMemo: Array<{ size: number; holds: boolean } | undefined> = [];

  /** Values per field (for snapshots; the arrays are live — do not mutate). */
  toJSON(): string[][] {
    return this.values;
  }

  /** Distinct values held, all fields. */
  get size(): number {
    let n = 0;
    for (const v of this.values) n += v.length;
    return n;
  }
}
