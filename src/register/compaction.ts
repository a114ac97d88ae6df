/**
 * Compaction: fold a register's pending changes into fresh base indexes.
 *
 *   before   base BlockIndex (rows < baseRows) + DeltaIndex (rows ≥ baseRows) + tombstones
 *   after    base BlockIndex over every LIVE row, empty deltas, baseRows = store rows
 *
 * Nothing is re-hashed: every (key hash, row) entry is already known — from the old base index
 * (block keys) and from the delta tables — so the new index is built straight from them
 * (radix sort + CSR). That is also why earlier IDs need not be stored: their hashes are enough.
 * Entries are pushed in ascending row order (base blocks list rows ascending; delta entries are
 * in insertion order, and delta rows follow base rows), and the sort is stable, so every new
 * block lists its rows ascending.
 *
 * The store is rewritten without its dead rows only once they exceed 1/STORE_COPY_FRACTION of
 * it (rows renumbered through an old → new map); below that, dead rows stay in the store,
 * tombstoned, and merely leave the indexes — a rewrite copies every row, which a handful of
 * removals in a national register is not worth.
 */
import type { BlockIndex } from '../block/block-index.js';
import type { KeyHasher } from '../hash/key-hasher.js';
import type { DeltaIndex } from './delta-index.js';
import { KeyCollector } from './key-collector.js';
import { copyStore } from './store-copy.js';
import { REGISTER_KEY_SEED, type RegisterState } from './register-state.js';
import { Tombstones } from './tombstones.js';

/** The store is rewritten once dead rows exceed 1/STORE_COPY_FRACTION of its rows. */
export const STORE_COPY_FRACTION = 8;

/** Pending changes of a state: rows added since the last compaction + removals not yet folded. */
export function pendingChanges(s: RegisterState): number {
  return s.store.rowCount - s.baseRows + s.deadPending;
}

/**
 * Compact `s` in place (see the file header), hashing nothing. Returns false when there was
 * nothing to do; true when the indexes (and maybe the store) were replaced.
 */
export function compactState(s: RegisterState, hasher: KeyHasher): boolean {
  if (pendingChanges(s) === 0) return false;
  const dead = s.tombstones;
  let store = s.store;
  let map: Uint32Array | null = null;
  if (dead.count > 0 && dead.count * STORE_COPY_FRACTION > store.rowCount) {
    map = new Uint32Array(store.rowCount);
    store = copyStore(s.store, dead, map);
  }
  const rebuild = (base: BlockIndex, delta: DeltaIndex): BlockIndex => {
    const c = new KeyCollector(hasher, Math.max(16, base.entryCount + delta.size));
    const keys = base.keys;
    const starts = base.starts;
    const rowIds = base.rowIds;
    for (let b = 0; b < base.blockCount; b++) {
      // Block b's key hash is keys[2b] · 2^32 + keys[2b + 1] (hi, lo).
      const hi = keys[2 * b]!;
      const lo = keys[2 * b + 1]!;
      for (let i = starts[b]!; i < starts[b + 1]!; i++) {
        const row = rowIds[i]!;
        if (!dead.has(row)) c.pushHash(lo, hi, map === null ? row : map[row]!);
      }
    }
    for (let e = 0; e < delta.size; e++) {
      const row = delta.row(e);
      if (!dead.has(row)) c.pushHash(delta.entryLo(e), delta.entryHi(e), map === null ? row : map[row]!);
    }
    return c.build(store.rowCount, REGISTER_KEY_SEED);
  };
  s.idIndex = rebuild(s.idIndex, s.deltaId);
  s.earlierIndex = rebuild(s.earlierIndex, s.deltaEarlier);
  if (s.candidateIndex !== null) s.candidateIndex = rebuild(s.candidateIndex, s.deltaCandidate);
  s.deltaId.clear();
  s.deltaEarlier.clear();
  s.deltaCandidate.clear();
  if (map !== null) s.tombstones = new Tombstones();
  s.deadPending = 0;
  s.store = store;
  s.baseRows = store.rowCount;
  return true;
}
