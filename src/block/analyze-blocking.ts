/**
 * analyzeBlocking: what a list of blocking rules will produce, counted exactly before any pair
 * is generated — rows with a key, blocks, the largest blocks, pairs per rule, and the NEW pairs
 * each rule adds to those of the rules before it (the number candidatePairs will emit for it).
 *
 * New pairs, exactly, by inclusion–exclusion on combined keys. Write P(T) for the pairs that
 * share a (kept, i.e. ≤ the rule's cap) block in EVERY rule of the set T. The pairs rule r adds
 * are those sharing an r block but no block of any earlier rule e1..e(r−1):
 *
 *   new(r) = Σ over subsets S ⊆ {e1..e(r−1)} of (−1)^|S| · P({r} ∪ S)
 *
 * P(T) is counted by grouping rows by their tuple of block ids under T — done exactly (no hash)
 * by radix-sorting (group id, block id) pairs one rule at a time — and summing n(n−1)/2 per
 * group (n_left · n_right in link mode). The subsets are walked depth-first, each grouping refined
 * from its parent's; a grouping keeps only rows that still have a partner, and a subset with no
 * pair prunes every superset (a rule with unique keys, like an ID, ends its branch at once).
 * The same `rowBlocks(cap)` view (cap: maxBlockSize, or the rule's own when smaller) as
 * candidatePairs is used, so the counts agree with what candidatePairs emits, pair for pair (a
 * test checks it).
 *
 * Reference: the cumulative-comparisons chart of Splink
 * (`cumulative_comparisons_to_be_scored_from_blocking_rules_chart`), which counts the same
 * quantity with SQL; here it is exact on typed arrays.
 */
import { KhopError } from '../errors.js';
import { checkStore } from '../util/arg-check.js';
import { NO_BLOCK, type BlockIndex } from './block-index.js';
import { describeRule, ruleBlockCap, validateRules, type BlockingRule } from './blocking-rule.js';
import { rowKeyText } from './blocking-keys.js';
import { buildBlockIndexes } from './build-block-index.js';
import { DEFAULT_MAX_BLOCK_SIZE, sourceFlags } from './candidate-pairs.js';
import { radixSort64, allocTriples } from './radix-sort.js';
import type { RecordStore } from './record-store.js';

/** Default number of largest blocks listed per rule. */
export const DEFAULT_LARGEST_BLOCKS = 5;

/** Options of {@link analyzeBlocking}. */
export interface AnalyzeBlockingOptions {
  /** Blocks above this many rows are skipped by candidatePairs (and counted apart here). Default {@link DEFAULT_MAX_BLOCK_SIZE}. */
  maxBlockSize?: number;
  /** Largest blocks listed per rule. Default {@link DEFAULT_LARGEST_BLOCKS}. */
  largest?: number;
  /** List the key text of the largest blocks (record data). Default true. */
  includeKeyValues?: boolean;
  /** Link mode: a uint8 store column holding 0 (left) / 1 (right) per row. Default: dedupe. */
  source?: string;
  /** XXH64 seed for building the indexes. Default 0n. */
  seed?: bigint;
  /** Prebuilt indexes of `rules` over `store` (same order): skips building them. */
  indexes?: readonly BlockIndex[];
}

/** One of the largest blocks of a rule. */
export interface LargeBlock {
  readonly size: number;
  /** Pairs in the block (n(n−1)/2, or n_left · n_right in link mode). */
  readonly pairs: number;
  readonly hi: number;
  readonly lo: number;
  /** Key text (with includeKeyValues). */
  readonly key?: string | null;
}

/** What one rule produces. */
export interface RuleBlockingStats {
  readonly name: string;
  readonly description: string;
  /** Rows with a key for the rule. */
  readonly rowsWithKey: number;
  readonly blocks: number;
  readonly largestBlocks: readonly LargeBlock[];
  /** Σ over blocks of the block's pairs, ignoring maxBlockSize and earlier rules. */
  readonly pairs: number;
  /**
   * Blocks above the rule's cap (maxBlockSize, or the rule's own when smaller), which
   * candidatePairs skips, and their pairs.
   */
  readonly blocksOverCap: number;
  readonly pairsOverCap: number;
  /** Pairs this rule adds to those of the rules before it (after the cap) — what candidatePairs emits for it. */
  readonly newPairs: number;
  /** Σ newPairs of this rule and the ones before. */
  readonly cumulativePairs: number;
}

/** The result of {@link analyzeBlocking}. */
export interface BlockingAnalysis {
  readonly rows: number;
  readonly mode: 'dedupe' | 'link';
  readonly maxBlockSize: number;
  readonly rules: readonly RuleBlockingStats[];
  /** Candidate pairs of all rules together (= the last cumulativePairs). */
  readonly totalPairs: number;
}

/** Rows grouped by a tuple of block ids; only rows that still have a partner are kept. */
interface Grouping {
  rows: Uint32Array;
  gids: Uint32Array;
  n: number;
  pairs: number;
}

/** Count rules' blocks and pairs (see the file header). */
export function analyzeBlocking(store: RecordStore, rules: readonly BlockingRule[], options?: AnalyzeBlockingOptions): BlockingAnalysis {
  checkStore('analyzeBlocking', 'store', store);
  validateRules(rules, store);
  const maxBlockSize = options?.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const largest = options?.largest ?? DEFAULT_LARGEST_BLOCKS;
  const problems: string[] = [];
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 2 || maxBlockSize > 0xffffffff) problems.push('maxBlockSize: an integer in 2..4294967295 (2^32 − 1)');
  if (!Number.isInteger(largest) || largest < 0) problems.push('largest: a non-negative integer');
  const given = options?.indexes;
  if (given !== undefined && (given.length !== rules.length || given.some((ix) => ix.rowCount !== store.rowCount))) {
    problems.push('indexes: one index per rule, built over this store');
  }
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', `analyzeBlocking: ${problems.join('; ')}`, { details: { problems } });
  const source = options?.source === undefined ? null : sourceFlags(store, options.source);
  const includeKeys = options?.includeKeyValues ?? true;
  const indexes = given ?? buildBlockIndexes(store, rules, options?.seed === undefined ? {} : { seed: options.seed });

  const kept: Uint32Array[] = [];
  const stats: RuleBlockingStats[] = [];
  let cumulative = 0;
  rules.forEach((rule, r) => {
    const ix = indexes[r]!;
    const cap = ruleBlockCap(rule, maxBlockSize);
    let pairs = 0;
    let blocksOverCap = 0;
    let pairsOverCap = 0;
    for (let b = 0; b < ix.blockCount; b++) {
      const p = blockPairs(ix, b, source);
      pairs += p;
      if (ix.blockSize(b) > cap) {
        blocksOverCap++;
        pairsOverCap += p;
      }
    }
    const rowBlocks = ix.rowBlocks(cap);
    const base = initialGrouping(ix, cap, source);
    const added = base.pairs === 0 ? 0 : newPairs(base, kept, source);
    kept.push(rowBlocks);
    cumulative += added;
    stats.push({
      name: rule.name,
      description: describeRule(rule),
      rowsWithKey: ix.entryCount,
      blocks: ix.blockCount,
      largestBlocks: ix.largestBlocks(largest).map((info) => {
        const lb: { size: number; pairs: number; hi: number; lo: number; key?: string | null } = {
          size: info.size,
          pairs: blockPairs(ix, info.block, source),
          hi: info.hi,
          lo: info.lo,
        };
        if (includeKeys) lb.key = rowKeyText(store, rule, ix.rowIds[ix.blockStart(info.block)]!);
        return lb;
      }),
      pairs,
      blocksOverCap,
      pairsOverCap,
      newPairs: added,
      cumulativePairs: cumulative,
    });
  });
  return { rows: store.rowCount, mode: source === null ? 'dedupe' : 'link', maxBlockSize, rules: stats, totalPairs: cumulative };
}

function blockPairs(ix: BlockIndex, b: number, source: Uint8Array | null): number {
  const s = ix.blockStart(b);
  const e = ix.blockEnd(b);
  const n = e - s;
  if (source === null) return (n * (n - 1)) / 2;
  let nl = 0;
  for (let i = s; i < e; i++) if (source[ix.rowIds[i]!] === 0) nl++;
  return nl * (n - nl);
}

/** Rows of the kept blocks (2 ≤ size ≤ cap, and both sides in link mode), grouped by block. */
function initialGrouping(ix: BlockIndex, cap: number, source: Uint8Array | null): Grouping {
  let n = 0;
  let pairs = 0;
  const blocks = ix.blockCount;
  for (let b = 0; b < blocks; b++) {
    const size = ix.blockSize(b);
    if (size < 2 || size > cap) continue;
    const p = blockPairs(ix, b, source);
    if (p === 0) continue;
    n += size;
    pairs += p;
  }
  const rows = new Uint32Array(n);
  const gids = new Uint32Array(n);
  let k = 0;
  for (let b = 0; b < blocks; b++) {
    const size = ix.blockSize(b);
    if (size < 2 || size > cap || blockPairs(ix, b, source) === 0) continue;
    for (let i = ix.blockStart(b); i < ix.blockEnd(b); i++) {
      rows[k] = ix.rowIds[i]!;
      gids[k] = b;
      k++;
    }
  }
  return { rows, gids, n, pairs };
}

/** Refine a grouping by one more rule's row → block map (exact: sort by (gid, block)). */
function refine(g: Grouping, rowBlocks: Uint32Array, source: Uint8Array | null): Grouping {
  // Rows without a (kept) block under the new rule leave: they share nothing with anyone.
  let m = 0;
  for (let i = 0; i < g.n; i++) if (rowBlocks[g.rows[i]!] !== NO_BLOCK) m++;
  const t = allocTriples(m, false);
  let k = 0;
  for (let i = 0; i < g.n; i++) {
    const row = g.rows[i]!;
    const b = rowBlocks[row]!;
    if (b === NO_BLOCK) continue;
    t.hi[k] = g.gids[i]!;
    t.lo[k] = b;
    t.ids[k] = row;
    k++;
  }
  const s = radixSort64(t, allocTriples(m > 48 ? m : 0, false), m);
  // Walk the runs of equal (gid, block): keep runs that still form a pair.
  const rows = new Uint32Array(m);
  const gids = new Uint32Array(m);
  let n = 0;
  let groups = 0;
  let pairs = 0;
  let i = 0;
  while (i < m) {
    let j = i + 1;
    while (j < m && s.hi[j] === s.hi[i] && s.lo[j] === s.lo[i]) j++;
    const size = j - i;
    let p: number;
    if (source === null) p = (size * (size - 1)) / 2;
    else {
      let nl = 0;
      for (let x = i; x < j; x++) if (source[s.ids[x]!] === 0) nl++;
      p = nl * (size - nl);
    }
    if (p > 0) {
      for (let x = i; x < j; x++) {
        rows[n] = s.ids[x]!;
        gids[n] = groups;
        n++;
      }
      groups++;
      pairs += p;
    }
    i = j;
  }
  return { rows, gids, n, pairs };
}

/** new(r) = Σ_{S ⊆ earlier} (−1)^|S| P({r} ∪ S), depth-first with pruning of empty groupings. */
function newPairs(base: Grouping, earlier: readonly Uint32Array[], source: Uint8Array | null): number {
  let total = 0;
  const visit = (g: Grouping, sign: number, next: number): void => {
    total += sign * g.pairs;
    for (let x = next; x < earlier.length; x++) {
      const h = refine(g, earlier[x]!, source);
      if (h.pairs > 0) visit(h, -sign, x + 1);
    }
  };
  visit(base, 1, 0);
  return total;
}
