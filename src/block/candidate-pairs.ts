/**
 * Candidate pairs: for each rule in order, for each block, every pair of its rows — except the
 * pairs an earlier rule already produced — streamed out in Uint32Array chunks.
 *
 *   rule 0 blocks ──► all pairs i<j ───────────────────────────────────────────► chunks
 *   rule 1 blocks ──► pairs i<j, minus those sharing a (kept) rule-0 block ─────► chunks
 *   rule 2 blocks ──► pairs i<j, minus those sharing a rule-0 or rule-1 block ──► chunks
 *
 * Dedupe across rules without a global pair set (Splink's approach for SQL, done here on arrays):
 * a pair (a, b) met in rule r is dropped when, for some earlier rule r' < r,
 * rowBlock_r'(a) === rowBlock_r'(b) ≠ NO_BLOCK — i.e. both rows have the same key under r', so
 * r' produced the pair. `rowBlock_r'` is BlockIndex.rowBlocks(cap of r'): a row in an
 * oversized (skipped) block of r' counts as having no r' key, because r' did NOT produce its
 * pairs — so a later rule may. Cost: 4 bytes per row per earlier rule, one compare per pair and
 * earlier rule; no hashing, no set, exact.
 *
 * Caps: a block with more than `maxBlockSize` rows (default 1,000 → ≤ 499,500 pairs), or than
 * its rule's own `maxBlockSize` when that is smaller (ruleBlockCap), is skipped, never
 * silently: the report counts the skipped blocks and pairs and lists the blocks (key hash,
 * size, and — only when `keyStore` is given — the key text). Sub-blocking such a block is
 * the job of a more specific rule, which the user can add (analyzeBlocking shows where).
 *
 * Link mode (decision): both datasets live in ONE store (or one index per rule over both) and
 * `source[row]` says which side a row is on (0 = left, 1 = right). Only cross-source pairs are
 * produced, oriented (left row, right row). One index per rule serves dedupe, link and the
 * analysis alike; a two-store join would need a second index layout and a merge of two CSRs.
 *
 * Work splitting: `{ rule, fromBlock, toBlock }` restricts the stream to a block range of one
 * rule, so workers can take disjoint ranges; pass `earlierRowBlocks` (computed once with
 * `earlierRuleRowBlocks`, on SharedArrayBuffer) to spare each worker rebuilding them.
 *
 * The pair loop runs in a plain method (`fill`) that saves its cursor when a chunk is full,
 * rather than in a generator body, so V8 optimises it like any loop; it allocates nothing.
 */
import { KhopError } from '../errors.js';
import { NO_BLOCK, type BlockIndex } from './block-index.js';
import { rowKeyText } from './blocking-keys.js';
import { ruleBlockCap } from './blocking-rule.js';
import type { RecordStore } from './record-store.js';

/** Default block size cap (rows): a block of 1,000 rows yields 499,500 pairs. */
export const DEFAULT_MAX_BLOCK_SIZE = 1000;
/** Default pairs per chunk. */
export const DEFAULT_CHUNK_PAIRS = 65536;
/** Default number of skipped blocks listed in the report (counts are always complete). */
export const DEFAULT_MAX_REPORTED_BLOCKS = 1000;

/** Options of {@link candidatePairs}. */
export interface CandidatePairsOptions {
  /** Blocks with more rows than this are skipped and reported. Integer ≥ 2. Default {@link DEFAULT_MAX_BLOCK_SIZE}. */
  maxBlockSize?: number;
  /**
   * Link mode: side of each row (0 = left, 1 = right), length ≥ rowCount. Only cross pairs are
   * produced, as (left row, right row). Default: dedupe mode (all pairs, left < right by row id).
   */
  source?: Uint8Array;
  /** Only this rule (position in `indexes`). Default: every rule, in order. */
  rule?: number;
  /** First block (inclusive) of `rule` to visit. Requires `rule`. Default 0. */
  fromBlock?: number;
  /** Last block (exclusive) of `rule` to visit. Requires `rule`. Default: the rule's block count. */
  toBlock?: number;
  /** Pairs per chunk. Integer ≥ 1. Default {@link DEFAULT_CHUNK_PAIRS}. */
  chunkPairs?: number;
  /** Reuse one pair of arrays for every chunk (valid until the next chunk). Default false. */
  reuseChunk?: boolean;
  /**
   * When given, skipped-block reports include the key text read from this store. That text is
   * record data: ask only when the reader may see it. Default: no key text.
   */
  keyStore?: RecordStore;
  /** At most this many skipped blocks are listed. Default {@link DEFAULT_MAX_REPORTED_BLOCKS}. */
  maxReportedBlocks?: number;
  /**
   * Precomputed `earlierRuleRowBlocks(indexes, maxBlockSize)` (same indexes and maxBlockSize!),
   * to share between workers. Default: computed on demand.
   */
  earlierRowBlocks?: readonly Uint32Array[];
}

/** A chunk of pairs, all produced by rule `rule`: (left[i], right[i]) for i < length. */
export interface PairChunk {
  readonly rule: number;
  readonly left: Uint32Array;
  readonly right: Uint32Array;
  readonly length: number;
}

/** A block left out because it exceeded maxBlockSize. */
export interface SkippedBlock {
  readonly rule: number;
  readonly block: number;
  readonly size: number;
  /** Pairs the block would have produced (before removing pairs of earlier rules). */
  readonly pairs: number;
  readonly hi: number;
  readonly lo: number;
  /** Key text (only with `keyStore`). */
  readonly key?: string | null;
}

/** Per-rule counts of a candidate-pair run. */
export interface RulePairCounts {
  readonly rule: number;
  readonly name: string | null;
  /** Pairs produced by this rule. */
  pairs: number;
  /** Pairs met in this rule's blocks but left out because an earlier rule produced them. */
  duplicatePairs: number;
  skippedBlocks: number;
  skippedPairs: number;
}

/** What a run produced and what it left out. Complete once the stream is exhausted. */
export interface CandidatePairsReport {
  pairs: number;
  duplicatePairs: number;
  skippedBlocks: number;
  skippedPairs: number;
  readonly rules: RulePairCounts[];
  /** The first `maxReportedBlocks` skipped blocks. */
  readonly skipped: SkippedBlock[];
  /** True when more blocks were skipped than listed. */
  skippedTruncated: boolean;
  /** True once the stream has been read to the end. */
  done: boolean;
}

/**
 * Row → block arrays of every rule but the last, with blocks above their cap (maxBlockSize or
 * the rule's own) removed: what the earlier-rule check reads. Share them (SharedArrayBuffer)
 * with workers.
 */
export function earlierRuleRowBlocks(indexes: readonly BlockIndex[], maxBlockSize: number = DEFAULT_MAX_BLOCK_SIZE): Uint32Array[] {
  return indexes.slice(0, -1).map((ix) => ix.rowBlocks(ruleBlockCap(ix.rule, maxBlockSize)));
}

/** Per-row side flags (0 left / 1 right) read from a uint8 column; nulls or other values refused. */
export function sourceFlags(store: RecordStore, column: string): Uint8Array {
  const spec = store.column(column);
  if (spec.type !== 'uint8') throw new KhopError('INVALID_OPTION', `source: column "${column}" must be of type uint8`);
  const out = new Uint8Array(new SharedArrayBuffer(Math.max(1, store.rowCount))).subarray(0, store.rowCount);
  for (let r = 0; r < store.rowCount; r++) {
    const v = store.getNumber(column, r);
    if (v !== 0 && v !== 1) throw new KhopError('INVALID_ROW', `source: row ${r} of column "${column}" is not 0 or 1`, { details: { row: r, column } });
    out[r] = v;
  }
  return out;
}

/**
 * The stream `candidatePairs` returns: an iterable of pair chunks with a report; use
 * `for…of`, `nextChunk()` or `forEach()`. An interface, not a class: `candidatePairs` is the
 * one way to make a stream, so there is nothing to construct or test with `instanceof`.
 */
export interface CandidatePairStream extends Iterable<PairChunk> {
  /** What the run produced and left out; complete once the stream is exhausted. */
  readonly report: CandidatePairsReport;
  /** The next chunk of pairs, or null when the stream is exhausted (the report is then complete). */
  nextChunk(): PairChunk | null;
  /** Call `onChunk` for every chunk; returns the complete report. */
  forEach(onChunk: (chunk: PairChunk) => void): CandidatePairsReport;
}

/** Stream the candidate pairs of `indexes` (rules in order); see the file header. */
export function candidatePairs(indexes: readonly BlockIndex[], options?: CandidatePairsOptions): CandidatePairStream {
  return new PairStream(indexes, options ?? {});
}

function isInt(x: unknown, lo: number, hi: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
}

/** The candidate-pair stream's state: the rule/block/pair cursor and the chunk buffers. */
class PairStream implements CandidatePairStream {
  readonly report: CandidatePairsReport;

  private readonly indexes: readonly BlockIndex[];
  /** Block cap of each rule: the run's maxBlockSize or the rule's own, when smaller. */
  private readonly caps: Uint32Array;
  private cap = 0;
  private readonly source: Uint8Array | null;
  private readonly chunkPairs: number;
  private readonly reuse: boolean;
  private readonly keyStore: RecordStore | null;
  private readonly maxReported: number;
  private readonly earlierGiven: readonly Uint32Array[] | null;
  private readonly earlierMade: Uint32Array[] = [];
  private readonly rEnd: number;
  private readonly fromBlock: number;
  private readonly toBlock: number;
  private readonly ruleFixed: boolean;
  private bufLeft: Uint32Array | null = null;
  private bufRight: Uint32Array | null = null;

  // Cursor (saved when a chunk fills).
  private r: number;
  private b = 0;
  private bEnd = 0;
  private inBlock = false;
  private i = 0;
  private j = 0;
  private e = 0;
  // Current rule's arrays.
  private starts: Uint32Array = new Uint32Array(1);
  private rowIds: Uint32Array = new Uint32Array(0);
  private earlier: Uint32Array[] = [];
  private readonly ea: Float64Array;
  // Link mode: the current block's rows split by side.
  private readonly leftRows: Uint32Array;
  private readonly rightRows: Uint32Array;
  private nl = 0;
  private nr = 0;
  /** Rule of the pairs in the chunk being filled. */
  private chunkRule = 0;

  constructor(indexes: readonly BlockIndex[], o: CandidatePairsOptions) {
    const problems: string[] = [];
    if (!Array.isArray(indexes) || indexes.length === 0) {
      throw new KhopError('INVALID_ARGUMENT', 'candidatePairs: indexes must be a non-empty array of BlockIndex');
    }
    const rowCount = indexes[0]!.rowCount;
    if (indexes.some((ix) => ix.rowCount !== rowCount)) problems.push('indexes: every index must cover the same rows (rowCount differs)');
    const maxBlockSize = o.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
    if (!isInt(maxBlockSize, 2, 0xffffffff)) problems.push('maxBlockSize: an integer in 2..4294967295 (2^32 − 1)');
    const chunkPairs = o.chunkPairs ?? DEFAULT_CHUNK_PAIRS;
    if (!isInt(chunkPairs, 1, 1 << 28)) problems.push('chunkPairs: an integer in 1..2^28');
    const maxReported = o.maxReportedBlocks ?? DEFAULT_MAX_REPORTED_BLOCKS;
    if (!isInt(maxReported, 0, Number.MAX_SAFE_INTEGER)) problems.push('maxReportedBlocks: a non-negative integer');
    if (o.source !== undefined) {
      if (!(o.source instanceof Uint8Array) || o.source.length < rowCount) problems.push('source: a Uint8Array with one entry (0 or 1) per row');
      else {
        for (let r = 0; r < rowCount; r++) {
          if (o.source[r]! > 1) {
            problems.push(`source: row ${r} is neither 0 (left) nor 1 (right)`);
            break;
          }
        }
      }
    }
    let from = 0;
    let to = 0;
    if (o.rule !== undefined) {
      if (!isInt(o.rule, 0, indexes.length - 1)) problems.push(`rule: an integer in 0..${indexes.length - 1}`);
      else {
        const blocks = indexes[o.rule]!.blockCount;
        from = o.fromBlock ?? 0;
        to = o.toBlock ?? blocks;
        if (!isInt(from, 0, blocks) || !isInt(to, from, blocks)) problems.push(`fromBlock/toBlock: integers with 0 ≤ fromBlock ≤ toBlock ≤ ${blocks}`);
      }
    } else if (o.fromBlock !== undefined || o.toBlock !== undefined) {
      problems.push('fromBlock/toBlock: only allowed together with rule');
    }
    if (o.earlierRowBlocks !== undefined) {
      const last = o.rule ?? indexes.length - 1;
      if (!Array.isArray(o.earlierRowBlocks) || o.earlierRowBlocks.length < last || o.earlierRowBlocks.slice(0, last).some((a) => !(a instanceof Uint32Array) || a.length !== rowCount)) {
        problems.push('earlierRowBlocks: one Uint32Array of rowCount per earlier rule');
      }
    }
    if (problems.length > 0) {
      throw new KhopError('INVALID_OPTION', `candidatePairs: ${problems.join('; ')}`, { details: { problems } });
    }
    this.indexes = indexes;
    this.caps = Uint32Array.from(indexes, (ix) => ruleBlockCap(ix.rule, maxBlockSize));
    this.source = o.source ?? null;
    this.chunkPairs = chunkPairs;
    this.reuse = o.reuseChunk === true;
    this.keyStore = o.keyStore ?? null;
    this.maxReported = maxReported;
    this.earlierGiven = o.earlierRowBlocks ?? null;
    this.ruleFixed = o.rule !== undefined;
    this.r = o.rule ?? 0;
    this.rEnd = o.rule !== undefined ? o.rule + 1 : indexes.length;
    this.fromBlock = from;
    this.toBlock = to;
    this.ea = new Float64Array(indexes.length);
    const scratch = this.source === null ? 0 : Math.min(maxBlockSize, rowCount);
    this.leftRows = new Uint32Array(scratch);
    this.rightRows = new Uint32Array(scratch);
    this.report = {
      pairs: 0,
      duplicatePairs: 0,
      skippedBlocks: 0,
      skippedPairs: 0,
      rules: indexes.map((ix, r) => ({ rule: r, name: ix.rule?.name ?? null, pairs: 0, duplicatePairs: 0, skippedBlocks: 0, skippedPairs: 0 })),
      skipped: [],
      skippedTruncated: false,
      done: false,
    };
    this.enterRule();
  }

  /** The next chunk of pairs, or null when the stream is exhausted (the report is then complete). */
  nextChunk(): PairChunk | null {
    if (this.r >= this.rEnd) {
      this.report.done = true;
      return null;
    }
    let left = this.bufLeft;
    let right = this.bufRight;
    if (left === null || right === null || !this.reuse) {
      left = new Uint32Array(this.chunkPairs);
      right = new Uint32Array(this.chunkPairs);
      if (this.reuse) {
        this.bufLeft = left;
        this.bufRight = right;
      }
    }
    const n = this.fill(left, right);
    const rule = this.chunkRule;
    if (n === 0) {
      this.report.done = true;
      return null;
    }
    return { rule, left: n === left.length ? left : left.subarray(0, n), right: n === right.length ? right : right.subarray(0, n), length: n };
  }

  *[Symbol.iterator](): Iterator<PairChunk> {
    for (let c = this.nextChunk(); c !== null; c = this.nextChunk()) yield c;
  }

  /** Call `onChunk` for every chunk; returns the complete report. */
  forEach(onChunk: (chunk: PairChunk) => void): CandidatePairsReport {
    for (let c = this.nextChunk(); c !== null; c = this.nextChunk()) onChunk(c);
    return this.report;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  /** Load the current rule's arrays and block range (and the earlier rules' row→block maps). */
  private enterRule(): void {
    if (this.r >= this.rEnd) return;
    const ix = this.indexes[this.r]!;
    this.starts = ix.starts;
    this.rowIds = ix.rowIds;
    this.b = this.ruleFixed ? this.fromBlock : 0;
    this.bEnd = this.ruleFixed ? this.toBlock : ix.blockCount;
    this.cap = this.caps[this.r]!;
    this.inBlock = false;
    const earlier: Uint32Array[] = [];
    for (let k = 0; k < this.r; k++) {
      if (this.earlierGiven !== null) earlier.push(this.earlierGiven[k]!);
      else {
        if (this.earlierMade[k] === undefined) this.earlierMade[k] = this.indexes[k]!.rowBlocks(this.caps[k]!);
        earlier.push(this.earlierMade[k]!);
      }
    }
    this.earlier = earlier;
  }

  /**
   * Finds the next block with at least one pair, reporting oversized ones. Sets the cursor on
   * it and returns true, or returns false at the end of the rule's range.
   */
  private openBlock(): boolean {
    const starts = this.starts;
    const rowIds = this.rowIds;
    const src = this.source;
    while (this.b < this.bEnd) {
      const b = this.b;
      const s = starts[b]!;
      const e = starts[b + 1]!;
      const size = e - s;
      if (size < 2) {
        this.b++;
        continue;
      }
      if (size > this.cap) {
        let pairs: number;
        if (src === null) pairs = (size * (size - 1)) / 2;
        else {
          let nl = 0;
          for (let i = s; i < e; i++) if (src[rowIds[i]!] === 0) nl++;
          pairs = nl * (size - nl);
        }
        this.skip(b, size, pairs);
        this.b++;
        continue;
      }
      if (src !== null) {
        let nl = 0;
        let nr = 0;
        for (let i = s; i < e; i++) {
          const row = rowIds[i]!;
          if (src[row] === 0) this.leftRows[nl++] = row;
          else this.rightRows[nr++] = row;
        }
        if (nl === 0 || nr === 0) {
          this.b++;
          continue;
        }
        this.nl = nl;
        this.nr = nr;
        this.i = 0;
        this.j = 0;
      } else {
        this.i = s;
        this.j = s + 1;
        this.e = e;
      }
      this.inBlock = true;
      return true;
    }
    return false;
  }

  private skip(block: number, size: number, pairs: number): void {
    const rep = this.report;
    const rr = rep.rules[this.r]!;
    rr.skippedBlocks++;
    rr.skippedPairs += pairs;
    rep.skippedBlocks++;
    rep.skippedPairs += pairs;
    if (rep.skipped.length >= this.maxReported) {
      rep.skippedTruncated = true;
      return;
    }
    const ix = this.indexes[this.r]!;
    const entry: { rule: number; block: number; size: number; pairs: number; hi: number; lo: number; key?: string | null } = {
      rule: this.r,
      block,
      size,
      pairs,
      hi: ix.blockHi(block),
      lo: ix.blockLo(block),
    };
    if (this.keyStore !== null && ix.rule !== null) entry.key = rowKeyText(this.keyStore, ix.rule, ix.rowIds[ix.blockStart(block)]!);
    rep.skipped.push(entry);
  }

  /** Fill up to left.length pairs of the current rule; 0 only when everything is done. */
  private fill(left: Uint32Array, right: Uint32Array): number {
    const cap = left.length;
    let count = 0;
    while (this.r < this.rEnd) {
      if (!this.inBlock && !this.openBlock()) {
        // Rule finished: end the chunk here so that a chunk never mixes rules.
        this.r++;
        this.enterRule();
        if (count > 0) return count;
        continue;
      }
      if (count === 0) this.chunkRule = this.r;
      const before = count;
      count = this.source === null ? this.emitDedupe(left, right, count, cap) : this.emitLink(left, right, count, cap);
      const rr = this.report.rules[this.r]!;
      rr.pairs += count - before;
      this.report.pairs += count - before;
      if (this.inBlock) return count; // chunk full, block not finished
      this.b++;
    }
    return count;
  }

  /** Pairs (rowIds[i], rowIds[j]), i < j, of the open block from the saved cursor. */
  private emitDedupe(left: Uint32Array, right: Uint32Array, count: number, cap: number): number {
    const rowIds = this.rowIds;
    const earlier = this.earlier;
    const ne = earlier.length;
    const ea = this.ea;
    const e = this.e;
    let dups = 0;
    let i = this.i;
    let j = this.j;
    for (; i < e - 1; i++, j = i + 1) {
      const a = rowIds[i]!;
      if (ne === 0) {
        for (; j < e; j++) {
          if (count === cap) {
            this.i = i;
            this.j = j;
            this.addDups(dups);
            return count;
          }
          left[count] = a;
          right[count] = rowIds[j]!;
          count++;
        }
      } else {
        for (let k = 0; k < ne; k++) ea[k] = earlier[k]![a]!;
        for (; j < e; j++) {
          const c = rowIds[j]!;
          let dup = false;
          for (let k = 0; k < ne; k++) {
            const x = ea[k]!;
            if (x !== NO_BLOCK && x === earlier[k]![c]) {
              dup = true;
              break;
            }
          }
          if (dup) {
            dups++;
            continue;
          }
          if (count === cap) {
            this.i = i;
            this.j = j;
            this.addDups(dups);
            return count;
          }
          left[count] = a;
          right[count] = c;
          count++;
        }
      }
    }
    this.inBlock = false;
    this.addDups(dups);
    return count;
  }

  /** Pairs (leftRows[i], rightRows[j]) of the open block from the saved cursor. */
  private emitLink(left: Uint32Array, right: Uint32Array, count: number, cap: number): number {
    const L = this.leftRows;
    const R = this.rightRows;
    const nl = this.nl;
    const nr = this.nr;
    const earlier = this.earlier;
    const ne = earlier.length;
    const ea = this.ea;
    let dups = 0;
    let i = this.i;
    let j = this.j;
    for (; i < nl; i++, j = 0) {
      const a = L[i]!;
      for (let k = 0; k < ne; k++) ea[k] = earlier[k]![a]!;
      for (; j < nr; j++) {
        const c = R[j]!;
        let dup = false;
        for (let k = 0; k < ne; k++) {
          const x = ea[k]!;
          if (x !== NO_BLOCK && x === earlier[k]![c]) {
            dup = true;
            break;
          }
        }
        if (dup) {
          dups++;
          continue;
        }
        if (count === cap) {
          this.i = i;
          this.j = j;
          this.addDups(dups);
          return count;
        }
        left[count] = a;
        right[count] = c;
        count++;
      }
    }
    this.inBlock = false;
    this.addDups(dups);
    return count;
  }

  private addDups(n: number): void {
    this.report.duplicatePairs += n;
    this.report.rules[this.r]!.duplicatePairs += n;
  }
}
