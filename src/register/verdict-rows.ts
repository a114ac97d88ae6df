/**
 * A verdict as a row of `khop authenticate`'s verdict file — the cells the command line writes
 * (src/cli/authenticate.ts) and a worker formats when the claims file is read in pieces
 * (claims-file.ts): one definition, so both paths write the same file.
 *
 *   row_number, status, record_id, matched_by, weight, reason, <field>, <field>_reason …, [candidates]
 *
 * Absent values are null (an empty cell in CSV, null in NDJSON). A record id read from an id
 * column is text, as dedupe and link write it (a register built from NDJSON keeps a JSON number
 * as a number). The field columns go as one run of cells (CsvCellRun), formatted once per
 * `fields` object: a register's verdicts share a few (RecordEvaluator's shape memo), so most
 * rows reuse a run.
 */
import { CsvCellRun, CsvLineFormatter, type TableLineFormat } from '../io/csv-writer.js';
import { cellsObject } from '../io/ndjson-writer.js';
import type { Verdict } from './verdict.js';

/** How verdicts become rows (plain data: it crosses to the workers of the pieced path). */
export interface VerdictRowSpec {
  /** The register's field names, in schema order. */
  readonly fields: readonly string[];
  /** Record ids written as text: the register has an id field. */
  readonly textIds: boolean;
  /** A last column of "did you mean" candidates. */
  readonly withCandidates: boolean;
  /** The candidates cell as JSON text (CSV), else the list itself (NDJSON). */
  readonly candidatesAsText: boolean;
}

/** Field-column runs kept (one per distinct fields object of the verdicts; a few in practice). */
const MAX_FIELD_RUNS = 4096;

/** The row of each verdict, with its field runs cached per `fields` object. */
export class VerdictRows {
  private readonly runs = new Map<object, CsvCellRun>();

  /** @param run formats a run of cells (the writer's or line formatter's `run`) */
  constructor(
    private readonly spec: VerdictRowSpec,
    private readonly run: (cells: readonly unknown[]) => CsvCellRun,
  ) {}

  /** The cells of the row of verdict `v` about the claim at data row `rowNumber` (1-based). */
  cells(rowNumber: number, v: Verdict): unknown[] {
    const { fields, textIds } = this.spec;
    let run = this.runs.get(v.fields);
    if (run === undefined) {
      const fieldCells: unknown[] = [];
      for (const f of fields) {
        const fv = v.fields[f];
        fieldCells.push(fv?.result ?? null, fv?.reason ?? null);
      }
      run = this.run(fieldCells);
      if (this.runs.size < MAX_FIELD_RUNS) this.runs.set(v.fields, run);
    }
    const cells: unknown[] = [rowNumber, v.status, this.recordId(v), v.matchedBy ?? null, Number.isFinite(v.weight) ? v.weight : null, v.reason ?? null, run];
    if (this.spec.withCandidates) cells.push(this.candidates(v));
    return cells;
  }

  /** The record_id cell of verdict `v`. */
  recordId(v: Verdict): string | number | null {
    return this.spec.textIds && typeof v.recordId === 'number' ? String(v.recordId) : (v.recordId ?? null);
  }

  /** The candidates cell of verdict `v` (with `withCandidates`): JSON text, or the list. */
  candidates(v: Verdict): unknown {
    const textIds = this.spec.textIds;
    const list = (v.candidates ?? []).map((c) => ({ record_id: textIds && typeof c.recordId === 'number' ? String(c.recordId) : c.recordId, weight: c.weight }));
    return this.spec.candidatesAsText ? JSON.stringify(list) : list;
  }
}

/** What a verdict's line ends with after its record id, and the parts it was made of (see VerdictCsvLines). */
interface LineTail {
  readonly status: string;
  readonly matchedBy: string | null;
  readonly weight: number;
  readonly reason: string | undefined;
  /** `,<status>,` — the line's part between the row number and the record id. */
  readonly head: string;
  /** `,<matched_by>,<weight>,<reason>,<fields…>` (without the candidates cell and the line break). */
  readonly tail: string;
}

/**
 * Each verdict's CSV line — the text `format.rowText(rows.cells(n, v), n)` gives, made faster:
 * a line's cells but the row number, the record id and the candidates depend only on the
 * verdict's status, matched_by, weight, reason and field results, and the register's verdicts
 * repeat a few combinations (the weight is the field levels' sum), so the text around the record
 * id is formatted once per `fields` object and reused while those parts are equal. Formatting
 * every cell of every line (each scanned for quoting, joined as a rope of ~14 parts) was about
 * a third of a claim's time on the command line (measured, claims-file.ts).
 */
export class VerdictCsvLines {
  private readonly rows: VerdictRows;
  private readonly tails = new Map<object, LineTail>();

  constructor(
    private readonly spec: VerdictRowSpec,
    private readonly format: CsvLineFormatter,
  ) {
    this.rows = new VerdictRows(spec, (cells) => format.run(cells));
  }

  /** The line (with its line break) of verdict `v` about the claim at data row `rowNumber`. */
  line(rowNumber: number, v: Verdict): string {
    let t = this.tails.get(v.fields);
    const matchedBy = v.matchedBy ?? null;
    if (t === undefined || t.status !== v.status || t.matchedBy !== matchedBy || !Object.is(t.weight, v.weight) || t.reason !== v.reason) {
      const cells = this.rows.cells(rowNumber, v);
      const d = this.format.delimiter;
      t = {
        status: v.status,
        matchedBy,
        weight: v.weight,
        reason: v.reason,
        head: `${d}${this.format.cell(cells[1])}${d}`,
        tail: `${d}${this.format.run(cells.slice(3, 7)).text}`,
      };
      if (this.tails.size < MAX_FIELD_RUNS || this.tails.has(v.fields)) this.tails.set(v.fields, t);
    }
    const line = `${rowNumber}${t.head}${this.format.cell(this.rows.recordId(v))}${t.tail}`;
    return this.spec.withCandidates ? `${line}${this.format.delimiter}${this.format.cell(this.rows.candidates(v))}\n` : `${line}\n`;
  }
}

/** Each verdict's NDJSON line — the text the command line's NDJSON writer gives for `rows.cells(n, v)`. */
export class VerdictNdjsonLines {
  private readonly rows: VerdictRows;

  constructor(
    spec: VerdictRowSpec,
    private readonly columns: readonly string[],
  ) {
    // A run stands for its cells (cellsObject spreads them), as the NDJSON table writer's runs do.
    this.rows = new VerdictRows(spec, (cells) => new CsvCellRun(Object.freeze(cells.slice()), '', this));
  }

  /** The line (with its line break) of verdict `v` about the claim at data row `rowNumber`. */
  line(rowNumber: number, v: Verdict): string {
    return `${JSON.stringify(cellsObject(this.columns, this.rows.cells(rowNumber, v)))}\n`;
  }
}

/** The lines of verdicts in a table's format (CSV or NDJSON). */
export function verdictLinesOf(spec: VerdictRowSpec, table: TableLineFormat): { line(rowNumber: number, v: Verdict): string } {
  return table.kind === 'csv' ? new VerdictCsvLines(spec, new CsvLineFormatter(table.columns, table.delimiter, table.escapeFormulas)) : new VerdictNdjsonLines(spec, table.columns);
}
