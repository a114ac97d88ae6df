/**
 * RegisterState: everything a Register holds, as one plain bag — what `build`, `load` and
 * `compact` produce and what `save` writes. The Register class adds behaviour (queries,
 * updates) on top; keeping the data apart lets the snapshot code read and restore it without
 * reaching into the class.
 *
 *   store            RecordStore (lean layout, register-layout.ts); rows < baseRows are
 *                    covered by the base indexes, rows ≥ baseRows are the DELTA
 *   idIndex          BlockIndex: XXH64(canonical ID digits) → rows        (base rows)
 *   earlierIndex     BlockIndex: XXH64(earlier ID digits) → rows          (base rows)
 *                    — a KEYED register (layout.keyed): HMAC-SHA256 under the secret's key
 *                    instead of XXH64 for both (src/hash/keyed-id-hash.ts)
 *   candidateIndex   BlockIndex: XXH64(phonetic family, given, dob) → rows, or null
 *   delta*           DeltaIndex per index for rows ≥ baseRows (delta-index.ts)
 *   tombstones       dead rows still in the store; `deadPending` of them are still listed by
 *                    the base indexes (removed since the last compaction)
 */
import type { BlockIndex } from '../block/block-index.js';
import type { RecordStore } from '../block/record-store.js';
import type { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { Schema } from '../schema.js';
import type { CategoryDictionary } from './category-dictionary.js';
import type { DeltaIndex } from './delta-index.js';
import type { ResolvedPolicy } from './policy.js';
import type { ResolvedBuildOptions } from './register-options.js';
import type { RegisterLayout } from './register-layout.js';
import type { IngestIssues, RegisterRejectedRow } from './row-ingest.js';
import type { Tombstones } from './tombstones.js';

export interface RegisterState {
  schema: Schema;
  layout: RegisterLayout;
  /**
   * Saved in snapshots: never the secret (the ID hasher lives in `layout.keyed`), and not how
   * the register was built (`threads`: any thread count builds the same register, byte for byte).
   */
  options: Omit<ResolvedBuildOptions, 'onProgress' | 'keyed' | 'memoryBudget' | 'threads'>;
  policy: ResolvedPolicy;
  model: FellegiSunterModel;
  store: RecordStore;
  /** Folded values of category fields (codes in the store). */
  dictionary: CategoryDictionary;
  baseRows: number;
  idIndex: BlockIndex;
  earlierIndex: BlockIndex;
  candidateIndex: BlockIndex | null;
  deltaId: DeltaIndex;
  deltaEarlier: DeltaIndex;
  deltaCandidate: DeltaIndex;
  tombstones: Tombstones;
  deadPending: number;
  /** Input rows seen so far (build + add); the next row's position when there is no idField. */
  inputRows: number;
  rejected: RegisterRejectedRow[];
  rejectedCount: number;
  issues: IngestIssues;
}

/** XXH64 seed of every register key (the blocking default). */
export const REGISTER_KEY_SEED = 0n;
