/**
 * Build block indexes from a store and blocking rules: key bytes → XXH64 (blocking-keys.ts) →
 * radix sort → CSR + directory (block-index.ts). One rule at a time, so the peak memory is one
 * rule's sort buffers (24 bytes per keyed row) on top of the finished indexes.
 *
 * The same build on a worker pool, partitioned by key hash, with byte-identical results:
 * buildBlockIndexParallel / buildBlockIndexesParallel in src/pool/parallel-index.ts.
 */
import { KeyHasher } from '../hash/key-hasher.js';
import { checkStore, invalidArgument } from '../util/arg-check.js';
import { BlockIndex, type BlockIndexOptions } from './block-index.js';
import { validateRules, type BlockingRule } from './blocking-rule.js';
import { buildRuleKeys, DEFAULT_KEY_SEED } from './blocking-keys.js';
import type { RecordStore } from './record-store.js';

/** Options of {@link buildBlockIndex} / {@link buildBlockIndexes}. */
export interface BuildBlockIndexOptions {
  /** XXH64 seed of the keys (bigint in [0, 2^64)). Default {@link DEFAULT_KEY_SEED} (0n). */
  seed?: bigint;
  /** Directory bits; default per index (see BlockIndexOptions.directoryBits). */
  directoryBits?: number;
}

/** Index one rule over a store. */
export function buildBlockIndex(store: RecordStore, rule: BlockingRule, options?: BuildBlockIndexOptions, hasher?: KeyHasher): BlockIndex {
  checkStore('buildBlockIndex', 'store', store);
  if (hasher !== undefined && !(hasher instanceof KeyHasher)) throw invalidArgument('buildBlockIndex', 'hasher', 'undefined or a KeyHasher', hasher);
  const seed = options?.seed ?? DEFAULT_KEY_SEED;
  const keys = buildRuleKeys(store, rule, { seed, hasher: hasher ?? new KeyHasher({ seed }) });
  const opts: BlockIndexOptions = { rule, seed };
  if (options?.directoryBits !== undefined) opts.directoryBits = options.directoryBits;
  // The key arrays are consumed by the in-place sort; `rows` becomes the index's rowIds.
  return BlockIndex.fromHashes(keys.lo, keys.hi, keys.rows, keys.count, store.rowCount, opts);
}

/** Index every rule (validated together first: one error lists every problem). */
export function buildBlockIndexes(store: RecordStore, rules: readonly BlockingRule[], options?: BuildBlockIndexOptions): BlockIndex[] {
  checkStore('buildBlockIndexes', 'store', store);
  validateRules(rules, store);
  const hasher = new KeyHasher({ seed: options?.seed ?? DEFAULT_KEY_SEED });
  return rules.map((r) => buildBlockIndex(store, r, options, hasher));
}
