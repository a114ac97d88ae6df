/**
 * CandidateSearch: the register's "did you mean" — the best k records sharing a claim's
 * phonetic family + given name key and date of birth (the candidate BlockIndex over
 * `candidateKey`, person-name-form.ts), when the claimed ID is absent, invalid or unknown.
 *
 *   claim ─► canonical name (ClaimName.canonical, the claim's one parse) + packed date
 *         ─► key: phonetic family · phonetic given · date (part keys memoised per register)
 *         ─► XXH64 ─► base block + delta chain: every live row, ascending
 *         ─► touch: every store cell the rows will need, read for all rows at once (see below)
 *         ─► per row, in ascending order (a bounded top-k, best first):
 *              1. every field but the names (integers and short strings: ID, date, sex, others)
 *              2. UPPER BOUND of the row's weight: the exact level weights of step 1 plus, for
 *                 each name field, the largest weight any of its outcomes can have; when the
 *                 top k is full and bound ≤ the k-th weight, the row cannot enter: skipped
 *              3. the names (the costly comparison), the exact weight, insertion into the top k
 *         ─► candidates: record id, weight, fields — best weight first, ties by record id
 *
 * Why the bound is safe: the weight is prior + Σ_k w_k summed in field order (record-
 * evaluator.ts); the bound is the same sum in the same order with max_k ≥ w_k in place of the
 * names' terms. Rounded floating-point addition is monotone (a ≤ a′, b ≤ b′ ⇒ fl(a + b) ≤
 * fl(a′ + b′)), so bound ≥ weight EXACTLY, not only up to rounding. A row is skipped when its
 * bound is below the k-th weight, or equal to it and its record id not smaller (an equal
 * weight enters only on a smaller record id), and
 * the k-th weight never decreases: a skipped row is not in the final top k. Ties rank by record
 * id (compareRecordIds), then by row — so the candidates do not depend on the order a build
 * laid the rows out or on the edits that moved a record to the delta. A model with a
 * non-finite weight (NaN, ±∞: log2 of m or u = 0) takes the plain path: every row compared,
 * one sort (see `sorted`).
 *
 * Every live row of the block is examined, however many: a block cut to its first rows (it was,
 * at 256) made the candidates depend on the register's history — a record added to a full
 * block was never offered. A block that large is people sharing a phonetic name and a date of
 * birth: rare, except a common name with the 01/01 stand-in for an unknown birthday in a
 * national register; each row beyond the top k costs its cells, step 1 and, on a tie with the
 * k-th weight, its record id (blocks of 256–4,000 namesakes born one day, one-digit-off IDs:
 * 0.48–0.50 µs a row).
 *
 * The result is identical to evaluating every row and sorting by (weight desc, record id asc,
 * row asc) — the
 * seeded differential test (test/register/candidate-search.test.ts) checks it against such an
 * oracle on registers with large blocks.
 *
 * Trade-off: scratch buffers (the block's rows, grown to the largest block searched, and
 * MAX_CANDIDATES entries) are allocated once per register (the search is not re-entrant, like Register itself); the name
 * parts' keys come from a bounded memo (keys/name-part-key.ts). Where the block is no larger
 * than k every row must be compared in full anyway — and most are: in a synthetic register of
 * 10M people the block of a searched claim holds p50 1 / p90 3 / p99 6 rows (largest block 16),
 * so the gain is mostly in the key and the per-claim overhead; the bound pays off on common
 * names in large registers and for small k.
 *
 * Where the time goes in a 10M-record register (synthetic population, the NOT_FOUND /
 * INVALID_ID claims of the register benchmark): a claim's own work — parse, canonical form,
 * key, hash, index probe — is a few microseconds whatever its block; each row then costs its
 * CACHE MISSES (about 14 cells in distinct columns: values, null bitmaps, text offsets and
 * pools — at this size each a cache and TLB miss, ~0.5 µs when taken one at a time) plus its
 * comparisons (the name's above all). So before ranking, `touch` reads every cell the rows
 * will need, for all rows, in one tight loop: the loads are independent and close together,
 * so the core has them in flight at once (memory-level parallelism; JavaScript has no prefetch
 * instruction) and the ranking finds them in cache — on random rows of that register, 2.0 →
 * 1.5 µs for a block of one row, ~0.27 µs a row for blocks of four or more. The stored name is
 * read from the bytes just hashed for the memo (compareNameUtf8, text/utf8-decode.ts) rather
 * than decoded by the store's native decoder. Garbage collection is not the tail: 25 minor collections
 * (~1 ms each) in 200k claims, at most 1.3 % of the claims above the p99.
 *
 * Fewer cells a row, and no string per cell: a chunk of a column that is full and has no null
 * cell (`cellClean`: rows are only appended, so its bitmap never changes) is read without null
 * bits — in a clean register 8 cache lines a row instead of 14 (values and text offsets of
 * form, ID, name, date, sex, record id, and the two text values); an ID, date or sex is
 * decided from the cell read here (RecordEvaluator.cellOutcome, the evaluator's own decision);
 * the value of an unparsable claimed ID is not read at all (its outcome does not depend on
 * it); a field the claim lacks is set once per claim; the ID is compared on digit units and
 * the equal-date test is memoised per claim (field-verdicts.ts); the candidates' record ids
 * are read by record-id.ts recordIdAt (the register's own function). A block's rows are
 * adjacent in the store (the build lays it out in block order: block-order.ts), so a column's
 * cells of one block share cache lines and pages — in input order each was a miss of its own
 * (at 10M, each line a TLB miss: a 2-D page walk in this virtual machine). The stored name is
 * compared read in place from its UTF-8 (compareNameUtf8: decoded into code units and folded
 * into bytes; its words and parts are byte ranges, no string of it) unless its fold equals the
 * claim's. Measured in place on the did-you-mean claims of 200k claims against a 10M register
 * (each call timed, ~50 ns of timer included): a name that differs 1.2 µs p50, the claim's
 * first such row 2.4 µs (its own fold, parts and orderings are made then), an exact name
 * 0.35 µs; the other fields and the cells' memory ~0.6 µs a row. See the report of issue 6
 * for what was tried and did not pay (heap-object caches of claim and stored names: their own
 * cache misses cost the p50 what they saved).
 *
 * Reference: the bound is the early-termination test of top-k aggregation (Fagin, Lotem and
 * Naor, "Optimal aggregation algorithms for middleware", JCSS 66(4), 2003), applied per row
 * with a per-field maximum.
 */
import type { BlockIndex } from '../block/block-index.js';
import type { RecordStore } from '../block/record-store.js';
import type { TextColumnReader } from '../block/text-column.js';
import { KhopError } from '../errors.js';
import { compareRecordIds } from '../util/record-id-order.js';
import type { KeyHasher } from '../hash/key-hasher.js';
import type { PreparedClaim } from './claim.js';
import { NO_ENTRY, type DeltaIndex } from './delta-index.js';
import { compareNameCell } from './name-verdict.js';
import { formHasNameTail } from './written-form.js';
import { candidateKey } from './person-name-form.js';
import { BY_SEARCH, type RecordEvaluator } from './record-evaluator.js';
import type { FieldPlan, RegisterLayout } from './register-layout.js';
import type { Tombstones } from './tombstones.js';
import { MAX_CANDIDATES, O_CLAIM_MISSING, type VerdictCandidate } from './verdict.js';
import { recordIdAt } from './record-id.js';
import { noneSet } from './store-reader.js';

/**
 * Name outcomes memoised per claim (namesakes in one block share their written name). A block of
 * more rows is still examined whole: only the memo stops growing.
 */
const MEMO_ENTRIES = 256;

/** Where the candidates of a register are: its candidate index, delta and tombstones. */
export interface CandidateSources {
  readonly candidateIndex: BlockIndex | null;
  readonly deltaCandidate: DeltaIndex;
  readonly tombstones: Tombstones;
}

export class CandidateSearch {
  private readonly K: number;
  /** Per field: 1 when it is compared in step 3 (a name), 0 in step 1. */
  private readonly late: Uint8Array;
  /**
   * Per field, for the current claim: 1 when the outcome against a stored (non-null) cell does
   * not depend on its value — an ID the claim has that does not parse — and is freeOutcome.
   */
  private readonly valueFree: Uint8Array;
  private readonly freeOutcome: Uint8Array;
  /** Per field: 1 for an ID, date or sex field (a numeric store cell: RecordEvaluator.cellOutcome). */
  private readonly numeric: Uint8Array;
  /** Per field, for the current claim: 1 when it has no value (outcome claim-missing, see rank). */
  private readonly absent: Uint8Array;
  /** Per field: the largest weight of any of its outcomes (the bound of a field not yet compared). */
  private readonly maxWeight: Float64Array;
  /** Every weight of the model is finite (otherwise `sorted`; see the file header). */
  private readonly finite: boolean;
  private readonly hashOut = new Uint32Array(2);
  /** Rows of the block, ascending (grown to the largest block searched: see collect). */
  private rows = new Uint32Array(256);
  /** The top k, best first: weight, row and outcome slot of each entry. */
  private readonly topWeight = new Float64Array(MAX_CANDIDATES);
  private readonly topRow = new Uint32Array(MAX_CANDIDATES);
  private readonly topSlot = new Uint8Array(MAX_CANDIDATES);
  /** Outcome rows: slot s at [s·K, (s+1)·K), slots 0..k (see rank). */
  private readonly outs: Uint8Array;
  /**
   * Name outcomes of this claim's rows so far: a row whose stored name has the same code
   * units (and the same field and written style) as an earlier row's has the same outcome —
   * compareName is a function of the claim, the stored string and the style. Entry e: FNV-1a
   * hash of the units mixed with field and style, the row, the field, the style, the outcome.
   */
  private readonly memoHash = new Int32Array(MEMO_ENTRIES);
  private readonly memoRow = new Uint32Array(MEMO_ENTRIES);
  private readonly memoField = new Uint16Array(MEMO_ENTRIES);
  private readonly memoStyle = new Uint8Array(MEMO_ENTRIES);
  private readonly memoOutcome = new Uint8Array(MEMO_ENTRIES);
  private memoSize = 0;
  /** The store the text readers below read (re-made after a compaction rewrote the store). */
  private textStore: RecordStore | null = null;
  /** Per field: a code-unit reader of its store column (name fields only). */
  private readonly texts: Array<TextColumnReader | null>;
  /** Per field: a code-unit reader of its store column when it is a text column, else null (see touch). */
  private readonly cellTexts: Array<TextColumnReader | null>;
  /** The record id column's code-unit reader (a 'utf8' record id), else null (see touch). */
  private idText: TextColumnReader | null = null;
  /**
   * Per store column, per chunk (filled on first use, see chunkCells): the chunk's values (a
   * numeric column) or text offsets, and its null bitmap — what touch reads with a few
   * instructions per cell. Chunk arrays never move once the chunk exists (record-store.ts).
   */
  private cellValues: Array<Array<Float64Array | Int32Array | Uint8Array | Uint32Array>> = [];
  private cellNulls: Array<Array<Uint8Array>> = [];
  /**
   * Per store column, per chunk: 1 when the chunk is full and has no null cell — rows are only
   * appended, so a full chunk's null bitmap never changes — and its cells are read without
   * their null bit (see `present`); 0 when it has one; 2 while the chunk is not full (null
   * bits read; decided again once it is: recheckClean).
   */
  private cellClean: Array<Array<number>> = [];
  /** store.rowCount when recheckClean last looked. */
  private cleanRows = 0;
  /** Store columns touch reads for the current claim, and whether it reads their values (1) or null bits only (0). */
  private readonly touchColumns: Int32Array;
  private readonly touchValues: Uint8Array;
  /** What touch read, kept so that its reads are not dead code. */
  private touched = 0;
  /**
   * Since construction (for tests and benchmarks): rows compared in full, rows skipped by the
   * bound, and name outcomes taken from the memo instead of a comparison.
   */
  compared = 0;
  skipped = 0;
  reused = 0;

  constructor(
    private readonly layout: RegisterLayout,
    private readonly evaluator: RecordEvaluator,
    private readonly hasher: KeyHasher,
  ) {
    const K = layout.fields.length;
    this.K = K;
    this.late = new Uint8Array(K);
    this.absent = new Uint8Array(K);
    this.numeric = new Uint8Array(K);
    this.valueFree = new Uint8Array(K);
    this.freeOutcome = new Uint8Array(K);
    this.texts = new Array<TextColumnReader | null>(K).fill(null);
    this.cellTexts = new Array<TextColumnReader | null>(K).fill(null);
    this.touchColumns = new Int32Array(K + 2);
    this.touchValues = new Uint8Array(K + 2);
    this.maxWeight = new Float64Array(K);
    let finite = Number.isFinite(evaluator.priorWeight);
    for (const f of layout.fields) {
      const k = f.index;
      this.late[k] = f.group === 'name' ? 1 : 0;
      this.numeric[k] = f.group === 'id' || f.group === 'date' || f.group === 'sex' ? 1 : 0;
      let max = -Infinity;
      for (let o = 0; o < evaluator.outcomeCount(k); o++) {
        const w = evaluator.outcomeWeight(k, o);
        if (!Number.isFinite(w)) finite = false;
        if (w > max) max = w;
      }
      this.maxWeight[k] = max;
    }
    this.finite = finite;
    this.outs = new Uint8Array((MAX_CANDIDATES + 1) * K);
  }

  /**
   * The best `k` (0..MAX_CANDIDATES) records for claim `c`: weight descending, ties by record
   * id (then store row) ascending. Empty when the claim has no usable full name or date of birth, or the
   * register no candidate index.
   */
  search(src: CandidateSources, c: PreparedClaim, k: number): VerdictCandidate[] {
    const L = this.layout;
    if (!Number.isInteger(k) || k < 0 || k > MAX_CANDIDATES) throw new KhopError('INVALID_ARGUMENT', `CandidateSearch: k must be an integer in 0..${MAX_CANDIDATES}`);
    if (k === 0) return [];
    const index = src.candidateIndex;
    if (index === null || L.fullName === null || L.date === null) return [];
    const nameF = L.fullName;
    const dateF = L.date;
    if (c.text[nameF.index] === null || c.text[dateF.index] === null) return [];
    const d = c.date(dateF);
    if (!d.ok) return [];
    const name = c.name(nameF);
    const norm = name.canonical;
    if (norm === null) return [];
    const key = candidateKey(norm, d.packed, nameF.locale);
    let n = key === null ? 0 : this.collectKey(src, index, key, 0);
    // A name re-ordered on the parser's guess: also the rows under its written order
    // (ClaimName.writtenAlternative). A register row flagged by the guess is under both of its
    // orders' keys (row-ingest.ts candidate2), so the two blocks may share rows: kept once.
    const alternative = name.writtenAlternative;
    if (alternative !== null) {
      const other = candidateKey(alternative, d.packed, nameF.locale);
      if (other !== null && other !== key) {
        n = this.collectKey(src, index, other, n); // may grow this.rows: read it after
        n = uniqueSorted(this.rows, n);
      }
    }
    if (n === 0) return [];
    if (!this.finite) return this.sorted(c, n, k);
    const m = this.rank(c, n, k);
    const K = this.K;
    const out = new Array<VerdictCandidate>(m);
    for (let i = 0; i < m; i++) {
      const s = this.topSlot[i]!;
      out[i] = {
        recordId: recordIdAt(this.layout, this.evaluator.store, this.topRow[i]!),
        weight: this.topWeight[i]!,
        fields: this.evaluator.fields(this.outs.subarray(s * K, (s + 1) * K)),
      };
    }
    return out;
  }

  /** collect() of the block of `key`, after the `from` rows already in `rows`. */
  private collectKey(src: CandidateSources, index: BlockIndex, key: string, from: number): number {
    this.hasher.hashAscii(key, this.hashOut, 0);
    const lo = this.hashOut[0]!;
    const hi = this.hashOut[1]!;
    return this.collect(src, index, index.lookup(lo, hi), lo, hi, from);
  }

  /**
   * Live rows of base block `block` (−1 = none), then of the delta chain of (lo, hi) newest
   * first — every one of them, so the candidates do not depend on the register's history — into
   * `rows` after its first `from`, all of them sorted ascending.
   */
  private collect(src: CandidateSources, index: BlockIndex, block: number, lo: number, hi: number, from: number): number {
    const dead = src.tombstones;
    let n = from;
    if (block >= 0) {
      const rowIds = index.rowIds;
      const start = index.starts[block]!;
      const end = index.starts[block + 1]!;
      if (n + end - start > this.rows.length) this.growRows(n + end - start);
      const rows = this.rows;
      for (let i = start; i < end; i++) {
        const row = rowIds[i]!;
        if (!dead.has(row)) rows[n++] = row;
      }
    }
    const delta = src.deltaCandidate;
    for (let e = delta.first(lo, hi); e !== NO_ENTRY; e = delta.next(e)) {
      const row = delta.row(e);
      if (dead.has(row)) continue;
      if (n === this.rows.length) this.growRows(n + 1);
      this.rows[n++] = row;
    }
    const rows = this.rows;
    // A base block is ascending already; only delta rows (newest first) can break the order —
    // sort (a view and a native call) only then.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = rows[i - 1]! <= rows[i]!;
    if (!sorted) rows.subarray(0, n).sort();
    return n;
  }

  /** Make `rows` hold at least `need` rows (doubling), keeping its contents. */
  private growRows(need: number): void {
    let size = this.rows.length;
    while (size < need) size *= 2;
    const grown = new Uint32Array(size);
    grown.set(this.rows);
    this.rows = grown;
  }

  /** Rank rows[0..n) into the top k (see the file header); returns how many entries it holds. */
  private rank(c: PreparedClaim, n: number, k: number): number {
    const ev = this.evaluator;
    const fields = this.layout.fields;
    const K = this.K;
    const late = this.late;
    const maxWeight = this.maxWeight;
    const outs = this.outs;
    const topWeight = this.topWeight;
    const topRow = this.topRow;
    const topSlot = this.topSlot;
    const prior = ev.priorWeight;
    this.memoSize = 0;
    this.bindStore(ev.store.store);
    this.recheckClean();
    // A field the claim lacks (no value, none of an unusable type) has outcome claim-missing
    // whatever the record holds — every comparator answers it before reading the record
    // (RecordEvaluator.outcome) — so it is set once for the claim, not asked per row. An ID the
    // claim has that does not parse (INVALID_ID) is 'invalid' against every stored ID and
    // record-missing against none (compareIdField): its cells' values are not read at all.
    const absent = this.absent;
    const valueFree = this.valueFree;
    const freeOutcome = this.freeOutcome;
    for (const f of fields) {
      const j = f.index;
      absent[j] = c.text[j] === null && c.bad[j] === 0 ? 1 : 0;
      valueFree[j] = 0;
      if (f.group === 'id' && absent[j] === 0) {
        const p = c.id(f);
        if (p !== null && !p.ok) {
          valueFree[j] = 1;
          // compareIdField decides an unparsed ID before the stored value (any non-null one).
          freeOutcome[j] = ev.cellOutcome(c, f, 0);
        }
      }
    }
    this.touch(c, n);
    const numeric = this.numeric;
    const cellValues = this.cellValues;
    const bits = ev.store.store.chunkBits;
    const mask = ev.store.store.chunkRows - 1;
    // Outcome slots 0..k: the `size` entries own one each, the row being compared writes into
    // `free`. Growing, entries take slots 0, 1, … and `free` is slot `size`; full, a row that
    // enters takes `free` and frees the slot of the entry it pushes out.
    let free = 0;
    let size = 0;
    for (let r = 0; r < n; r++) {
      const row = this.rows[r]!;
      const at = free * K;
      const ck = row >>> bits;
      const ci = row & mask;
      const form = this.formAt(row, ck, ci);
      // 1. Every field but the names: an ID, date or sex the claim has from the cell read here
      // (evaluator.cellOutcome: what evaluator.outcome decides from the same value).
      for (const f of fields) {
        const j = f.index;
        if (late[j] === 1) continue;
        if (absent[j] === 1) outs[at + j] = O_CLAIM_MISSING;
        else if (valueFree[j] === 1 && this.present(f.storeColumn, ck, ci)) outs[at + j] = freeOutcome[j]!;
        else if (numeric[j] === 1 && c.text[j] !== null && this.present(f.storeColumn, ck, ci)) outs[at + j] = ev.cellOutcome(c, f, cellValues[f.storeColumn]![ck]![ci]!);
        else outs[at + j] = ev.outcome(c, row, f, BY_SEARCH, form);
      }
      // 2. The bound, summed in field order like the weight itself.
      if (size === k) {
        let bound = prior;
        for (let j = 0; j < K; j++) bound += late[j] === 1 ? maxWeight[j]! : ev.outcomeWeight(j, outs[at + j]!);
        // A bound equal to the k-th weight may still tie it, and enters only on a smaller
        // record id — read now, before the names (a block of namesakes ties on every row).
        if (bound < topWeight[k - 1]! || (bound === topWeight[k - 1]! && !this.ranksBefore(bound, row, k - 1))) {
          this.skipped++;
          continue;
        }
      }
      // 3. The names, then the exact weight (evaluate's sum, in the same order).
      for (const f of fields) if (late[f.index] === 1) outs[at + f.index] = this.nameOutcome(c, row, f, form);
      let weight = prior;
      for (let j = 0; j < K; j++) weight += ev.outcomeWeight(j, outs[at + j]!);
      this.compared++;
      // Ties rank by record id, then row (rows arrive ascending): the same candidates however
      // the register was built or edited, as AMBIGUOUS lists them (register.ts).
      let i: number;
      let released: number;
      if (size === k) {
        if (!this.ranksBefore(weight, row, k - 1)) continue;
        i = k - 1;
        released = topSlot[k - 1]!;
      } else {
        i = size++;
        released = size;
      }
      while (i > 0 && this.ranksBefore(weight, row, i - 1)) {
        topWeight[i] = topWeight[i - 1]!;
        topRow[i] = topRow[i - 1]!;
        topSlot[i] = topSlot[i - 1]!;
        i--;
      }
      topWeight[i] = weight;
      topRow[i] = row;
      topSlot[i] = free;
      free = released;
    }
    return size;
  }

  /**
   * Whether a row of `weight` ranks before top entry `i`: a greater weight, or an equal one and
   * a smaller record id (compareRecordIds; an equal id: the lower row, which came first). The
   * record ids are read only on a tie.
   */
  private ranksBefore(weight: number, row: number, i: number): boolean {
    const w = this.topWeight[i]!;
    if (weight !== w) return weight > w;
    const store = this.evaluator.store;
    return compareRecordIds(recordIdAt(this.layout, store, row), recordIdAt(this.layout, store, this.topRow[i]!)) < 0;
  }

  /** (Re-)make the text readers after a compaction rewrote the store. */
  private bindStore(store: RecordStore): void {
    if (this.textStore === store) return;
    const L = this.layout;
    for (const f of L.fields) {
      const type = L.columns[f.storeColumn]!.type;
      const text = type === 'utf8' || type === 'ascii' ? store.textColumn(f.storeColumn) : null;
      this.cellTexts[f.index] = text;
      if (this.late[f.index] === 1) this.texts[f.index] = text;
    }
    this.idText = L.recordIdType === 'utf8' ? store.textColumn(L.recordIdColumn) : null;
    this.cellValues = L.columns.map(() => []);
    this.cellNulls = L.columns.map(() => []);
    this.cellClean = L.columns.map(() => []);
    this.cleanRows = store.rowCount;
    this.textStore = store;
  }

  /** Make cellValues / cellNulls of column `col` reach chunk `k` (the store may have grown). */
  private chunkCells(col: number, k: number): void {
    const store = this.textStore!;
    const values = this.cellValues[col]!;
    const nulls = this.cellNulls[col]!;
    const clean = this.cellClean[col]!;
    while (values.length <= k) {
      const ch = store.columnChunk(col, values.length);
      values.push(ch.values ?? ch.offsets!);
      nulls.push(ch.nulls);
      clean.push(ch.length < store.chunkRows ? 2 : noneSet(ch.nulls, ch.length) ? 1 : 0);
    }
  }

  /** Decide cellClean for chunks that were partial (2) and have filled up since (see cellClean). */
  private recheckClean(): void {
    const store = this.textStore!;
    if (store.rowCount === this.cleanRows) return;
    this.cleanRows = store.rowCount;
    for (let col = 0; col < this.cellClean.length; col++) {
      const clean = this.cellClean[col]!;
      for (let k = 0; k < clean.length; k++) {
        if (clean[k] !== 2) continue;
        const ch = store.columnChunk(col, k);
        if (ch.length === store.chunkRows) clean[k] = noneSet(ch.nulls, ch.length) ? 1 : 0;
      }
    }
  }

  /**
   * Cell (k, i) of store column `col` — chunk k, local row i — is not null: known without its
   * null bit when the chunk is clean (cellClean), else read from the bitmap.
   */
  private present(col: number, k: number, i: number): boolean {
    if (this.cellValues[col]!.length <= k) this.chunkCells(col, k);
    // Null bitmap: bit (i & 7) of byte (i >>> 3).
    return this.cellClean[col]![k] === 1 || (this.cellNulls[col]![k]![i >>> 3]! & (1 << (i & 7))) === 0;
  }

  /** The written-form byte of row (k, i): evaluator.formOf without the null bit of a clean chunk. */
  private formAt(row: number, k: number, i: number): number {
    const col = this.layout.formColumn;
    if (this.cellValues[col]!.length <= k) this.chunkCells(col, k);
    return this.cellClean[col]![k] === 1 ? this.cellValues[col]![k]![i]! : this.evaluator.formOf(row);
  }

  /**
   * Read, for rows[0..n), every store cell the ranking and the result will read — written form,
   * each field the claim has, the record id — before ranking any row: memory-level
   * parallelism. In a register of millions of records each cell of a row is a cache miss
   * (about 14 per row in distinct columns: values, null bitmaps, text offsets and pools); the
   * ranking meets them one at a time between microseconds of name comparison, so each costs a
   * full memory latency. Here the loads of all rows are independent and close together, so the
   * core keeps many misses in flight at once (out-of-order execution; JavaScript has no
   * prefetch instruction) and the ranking then finds the lines in cache. Text cells take two
   * rounds: offsets and null bits first, then the first byte of each value (its pool address
   * depends on the offset). Changes no result: it only reads. Measured on the "did you mean"
   * claims of a 10M-record register: see the file header.
   */
  private touch(c: PreparedClaim, n: number): void {
    const L = this.layout;
    const store = this.textStore!;
    const rows = this.rows;
    const fields = L.fields;
    const cellTexts = this.cellTexts;
    const idText = this.idText;
    // The columns read: the written form, each field the claim has (a field it lacks is not
    // read: see RecordEvaluator.outcome), the record id.
    const cols = this.touchColumns;
    const readValue = this.touchValues;
    const valueFree = this.valueFree;
    let m = 0;
    readValue[m] = 1;
    cols[m++] = L.formColumn;
    for (const f of fields) {
      if (c.text[f.index] === null && c.bad[f.index] === 0) continue;
      readValue[m] = valueFree[f.index] === 1 ? 0 : 1; // a value-free cell: its null bit only
      cols[m++] = f.storeColumn;
    }
    readValue[m] = 1;
    cols[m++] = L.recordIdColumn;
    const bits = store.chunkBits;
    const mask = store.chunkRows - 1;
    const values = this.cellValues;
    const nulls = this.cellNulls;
    const clean = this.cellClean;
    let x = 0;
    // Round 1: value (or text offset) and null byte of every cell — a few instructions each, so
    // that the loads of a whole row fit the core's window of instructions in flight.
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const k = row >>> bits;
      const i = row & mask;
      for (let j = 0; j < m; j++) {
        const col = cols[j]!;
        if (values[col]!.length <= k) this.chunkCells(col, k);
        // `| 0` keeps the sum a small integer (a float64 id is folded to its low 32 bits). The
        // null byte only where the ranking will read it (a chunk that is not clean).
        if (readValue[j] === 1) x = (x + values[col]![k]![i]!) | 0;
        if (clean[col]![k] !== 1) x = (x + nulls[col]![k]![i >>> 3]!) | 0;
      }
    }
    // Round 2: the first byte of each text value (its address depends on round 1's offset).
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      for (const f of fields) {
        const t = cellTexts[f.index]!;
        if (t === null || (c.text[f.index] === null && c.bad[f.index] === 0)) continue;
        const start = t.start(row);
        if (t.end(row) > start) x = (x + t.units(row)[start]!) | 0;
      }
      if (idText !== null) {
        const start = idText.start(row);
        if (idText.end(row) > start) x = (x + idText.units(row)[start]!) | 0;
      }
    }
    this.touched = x;
  }

  /** The outcome of name field `f` for `row`: evaluator.outcome, or the memo's (see memoHash). */
  private nameOutcome(c: PreparedClaim, row: number, f: FieldPlan, form: number): number {
    const ev = this.evaluator;
    const k = f.index;
    const t = this.texts[k]!;
    // No claim value, or none stored: decided without a name comparison.
    if (c.bad[k] === 1 || c.text[k] === null || !this.present(f.storeColumn, row >>> this.textStore!.chunkBits, row & (this.textStore!.chunkRows - 1))) {
      return ev.outcome(c, row, f, BY_SEARCH, form);
    }
    const style = ev.nameStyle(f, form); // −1: in the cell (a field without a form-byte slot)
    const tail = formHasNameTail(form);
    const styleKey = style & 0xff;
    const units = t.units(row);
    const start = t.start(row);
    const end = t.end(row);
    // FNV-1a (32-bit: xor each unit in, multiply by the FNV prime 16777619 modulo 2^32 with
    // Math.imul), seeded with the offset basis 2166136261 xor field and style.
    let h = 0x811c9dc5 ^ (k << 8) ^ styleKey;
    for (let i = start; i < end; i++) h = Math.imul(h ^ units[i]!, 0x01000193);
    const len = end - start;
    for (let m = 0; m < this.memoSize; m++) {
      if (this.memoHash[m] !== h || this.memoField[m] !== k || this.memoStyle[m] !== styleKey) continue;
      const other = this.memoRow[m]!;
      const ou = t.units(other);
      const os = t.start(other);
      if (t.end(other) - os !== len) continue;
      let same = true;
      for (let i = 0; i < len && same; i++) same = ou[os + i] === units[start + i];
      if (same) {
        this.reused++;
        return this.memoOutcome[m]!;
      }
    }
    // evaluator.outcome's comparison (claim value and stored value present): compareName on the
    // stored UTF-8 read in place — the units were just read; a name that differs in letters,
    // the usual case, makes no string of it (compareNameCell) — or, for what it leaves to the
    // native decoder (−1), evaluator.outcome.
    const claimName = c.name(f);
    let o = units instanceof Uint8Array && claimName !== null ? compareNameCell(claimName, units, start, end, style, tail) : -1;
    if (o < 0) o = ev.outcome(c, row, f, BY_SEARCH, form);
    const m = this.memoSize;
    if (m < MEMO_ENTRIES) {
      this.memoHash[m] = h;
      this.memoRow[m] = row;
      this.memoField[m] = k;
      this.memoStyle[m] = styleKey;
      this.memoOutcome[m] = o;
      this.memoSize = m + 1;
    }
    return o;
  }

  /**
   * A model with a non-finite weight: every row compared in full and sorted by the comparator
   * the search always used (weight desc, then row asc); a NaN weight makes that comparator
   * inconsistent, so only the same sort on the same input reproduces its order. Allocates
   * (such models are not what registers are built with).
   */
  private sorted(c: PreparedClaim, n: number, k: number): VerdictCandidate[] {
    const K = this.K;
    const rows = this.rows.slice(0, n);
    const outs = new Uint8Array(n * K);
    const weights = new Float64Array(n);
    const order: number[] = [];
    const e = { weight: 0, policyHolds: false };
    for (let i = 0; i < n; i++) {
      this.evaluator.evaluate(c, rows[i]!, BY_SEARCH, outs.subarray(i * K, (i + 1) * K), e);
      weights[i] = e.weight;
      order.push(i);
    }
    const store = this.evaluator.store;
    order.sort((a, b) => weights[b]! - weights[a]! || compareRecordIds(recordIdAt(this.layout, store, rows[a]!), recordIdAt(this.layout, store, rows[b]!)) || rows[a]! - rows[b]!);
    return order.slice(0, k).map((i) => ({
      recordId: recordIdAt(this.layout, this.evaluator.store, rows[i]!),
      weight: weights[i]!,
      fields: this.evaluator.fields(outs.subarray(i * K, (i + 1) * K)),
    }));
  }
}

/** Drop repeated values of the ascending rows[0..n); returns the new count. */
function uniqueSorted(rows: Uint32Array | Int32Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || rows[i] !== rows[m - 1]) rows[m++] = rows[i]!;
  return m;
}
