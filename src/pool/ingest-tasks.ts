/**
 * The worker side of a pooled Register.build ingest (src/register/parallel-ingest.ts): one
 * chunk of register rows → the compact result the calling thread appends in input order.
 *
 *   payload  { job, start, count, values, skip }
 *            values[i·K + k] = column k of row i (K = job columns: schema columns, then the
 *            record-id and earlier-IDs columns, each once); rows listed in `skip` were
 *            rejected by the calling thread (see parallel-ingest.ts) and are not read
 *   result   per ACCEPTED row a (in row order):
 *              rows                 row a of a RecordStore of the layout's columns, on shared
 *                                   memory (only handles cross); a category cell holds a
 *                                   CHUNK-LOCAL code: index + 1 into categories[field]
 *              idLo[a], idHi[a]     the ID index key (XXH64 of the digits, or the HMAC lookup key)
 *              earlierCount[a]      its earlier-ID keys, in order, at earlierLo/Hi[Σ counts before a]
 *              candLo/candHi[a]     its "did you mean" key when hasCandidate[a] & 1
 *              cand2Lo/cand2Hi[a]   its second key (written order) when hasCandidate[a] & 2
 *            rejected               RegisterRejectedRow of the rows it refused (input positions)
 *            categories[field]      chunk-local category values, in first-seen order
 *            issues                 per field, per reason counts, keys in first-seen order
 *
 * The SAME RowIngester as a one-thread build runs over the rows, so every cell, key, rejection
 * and issue is the one the calling thread would have produced — except category codes, which
 * depend on every row before the chunk: the worker codes its chunk's values from 1 in
 * first-seen order, and the calling thread interns them in that order (the global first-seen
 * order is the concatenation of the chunks' first-seen orders), then maps each cell.
 *
 * Trade-off: keys leave the worker hashed (8 bytes each instead of a digit string, and the
 * XXH64 / HMAC work is off the calling thread); rows arrive as flat arrays of primitives by
 * structured clone, and leave as a store the calling thread copies with RecordStore.appendRows
 * (bytes, no string decoded or encoded again: see pipeline/parallel-prepare.ts for what the
 * cloned cells cost it). Measured on 16,384 synthetic rows (vietnamesePersonSchema,
 * a loaded 2-core machine): serialising the row OBJECTS cost the calling thread 2.2 µs a row
 * by structured clone and 7 µs by msgpackr (whose unpack then took 11 µs, against 7 µs);
 * the flat values skip property names and unused columns.
 */
import { KhopError } from '../errors.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { KeyHasher } from '../hash/key-hasher.js';
import { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import { defineSchema, type FieldSpec } from '../schema.js';
import { CategoryDictionary } from '../register/category-dictionary.js';
import { registerLayout, type RegisterLayout } from '../register/register-layout.js';
import { REGISTER_KEY_SEED } from '../register/register-state.js';
import { newNameMemos, RowIngester, type IngestIssues, type NameMemos, type RegisterRejectedRow } from '../register/row-ingest.js';

export const INGEST_TASK = 'register.ingest';

/** What a worker needs to ingest rows like the build's calling thread. */
export interface IngestJob {
  /** Unique per build (the key of a thread's cached layout). */
  readonly id: string;
  readonly schema: Record<string, FieldSpec>;
  readonly idField: string | null;
  /** Without an idField: the record id of input position 0 (RegisterBuildOptions.firstRecordId). */
  readonly firstRecordId: number;
  readonly earlierIdsField: string | null;
  /** The "did you mean" key is computed (candidateSearch and a name + date in the schema). */
  readonly candidates: boolean;
  /** Keyed register: the derived ID key (in memory only, never the secret); else null. */
  readonly idKey: Uint8Array | null;
  /** The input columns sent per row, in order (see the file header). */
  readonly columns: readonly string[];
  /** Set to 1 when the build is over: threads drop their cached layout. */
  readonly released: Int32Array;
}

/** Payload of the 'register.ingest' task. */
export interface IngestTaskPayload {
  readonly job: IngestJob;
  /** Input position of the chunk's first row. */
  readonly start: number;
  /** Rows in the chunk (skipped ones included). */
  readonly count: number;
  readonly values: readonly unknown[];
  /** Chunk positions (ascending) of rows the calling thread rejected itself. */
  readonly skip: readonly number[];
  /** Index of the chunk in the build (fault injection, diagnostics). */
  readonly part: number;
}

/** Result of the 'register.ingest' task (see the file header). */
export interface IngestChunkResult {
  readonly accepted: number;
  /** The accepted rows' store cells (see the file header). */
  readonly rows: RecordStoreDescriptor;
  readonly idLo: Uint32Array;
  readonly idHi: Uint32Array;
  readonly earlierCount: Uint32Array;
  readonly earlierLo: Uint32Array;
  readonly earlierHi: Uint32Array;
  readonly hasCandidate: Uint8Array;
  readonly candLo: Uint32Array;
  readonly candHi: Uint32Array;
  readonly cand2Lo: Uint32Array;
  readonly cand2Hi: Uint32Array;
  readonly rejected: RegisterRejectedRow[];
  readonly categories: string[][];
  readonly issues: IngestIssues;
}

/** A thread's state for one build job. */
export interface IngestState {
  readonly layout: RegisterLayout;
  readonly hasher: KeyHasher;
  readonly job: IngestJob;
  /**
   * The thread's name memos for this build, kept from chunk to chunk (a chunk's own memo would
   * start empty every 16,384 rows); an entry depends on its text alone, so results do not
   * depend on which chunks a thread saw before.
   */
  readonly nameMemos: NameMemos;
}

/** The layout of a job, as Register.build made it. */
export function ingestState(job: IngestJob): IngestState {
  const keyed = job.idKey === null ? null : KeyedIdHasher.fromKey(job.idKey);
  const layout = registerLayout(defineSchema(job.schema), job.idField !== null, keyed);
  return { layout, hasher: new KeyHasher({ seed: REGISTER_KEY_SEED }), job, nameMemos: newNameMemos(layout) };
}

/** XXH64 (register seed) of ASCII keys into exact-size arrays. */
function hashAll(hasher: KeyHasher, keys: readonly string[], lo: Uint32Array, hi: Uint32Array): void {
  hasher.setOutput(lo, hi);
  for (let i = 0; i < keys.length; i++) hasher.pushAscii(keys[i]!, i);
  hasher.flush();
}

/** Ingest one chunk (pure but for the state's reused hasher). */
export function ingestChunk(state: IngestState, p: IngestTaskPayload): IngestChunkResult {
  const { layout, job } = state;
  const keyed = layout.keyed;
  const K = job.columns.length;
  if (!Array.isArray(p.values) || p.values.length !== p.count * K || !Array.isArray(p.skip)) {
    throw new KhopError('INVALID_ARGUMENT', 'register.ingest: payload values do not match its row count');
  }
  const dictionary = new CategoryDictionary(layout.fields.length);
  const ing = new RowIngester(layout, dictionary, job.idField, job.earlierIdsField, job.candidates, undefined, state.nameMemos, job.firstRecordId);
  // One row object, rewritten per row: ingest reads own properties only, and a column absent
  // from the input row arrives as undefined, which ingest treats as absent. A plain object with
  // every column set once keeps one hidden class (fast property access); Object.create(null)
  // would be a dictionary — needed only if a column is literally named "__proto__".
  const cols = job.columns;
  const row = (cols.includes('__proto__') ? Object.create(null) : {}) as Record<string, unknown>;
  for (let k = 0; k < K; k++) row[cols[k]!] = undefined;
  const rows = new RecordStore(layout.columns, { chunkBits: Math.min(24, Math.max(3, Math.ceil(Math.log2(Math.max(1, p.count))))) });
  const idLo = new Uint32Array(p.count);
  const idHi = new Uint32Array(p.count);
  const idKeys: string[] = [];
  const earlierCount = new Uint32Array(p.count);
  const earlierKeys: string[] = [];
  const earlierLoK: number[] = [];
  const earlierHiK: number[] = [];
  const hasCandidate = new Uint8Array(p.count);
  const candKeys: string[] = [];
  const candAt: number[] = [];
  const cand2Keys: string[] = [];
  const cand2At: number[] = [];
  const rejected: RegisterRejectedRow[] = [];
  let a = 0;
  let s = 0;
  for (let i = 0; i < p.count; i++) {
    if (s < p.skip.length && p.skip[s] === i) {
      s++;
      continue;
    }
    const base = i * K;
    for (let k = 0; k < K; k++) row[cols[k]!] = p.values[base + k];
    const at = p.start + i;
    const r = ing.ingest(row, at, at);
    if (r !== null) {
      rejected.push(r);
      continue;
    }
    rows.append(ing.cells);
    if (keyed === null) idKeys.push(ing.idDigits);
    else {
      idLo[a] = ing.idLo;
      idHi[a] = ing.idHi;
    }
    const e = ing.earlier;
    earlierCount[a] = e.length;
    for (let j = 0; j < e.length; j++) {
      if (keyed === null) earlierKeys.push(e[j]!);
      else {
        keyed.hash(e[j]!);
        earlierLoK.push(keyed.lo);
        earlierHiK.push(keyed.hi);
      }
    }
    if (ing.candidate !== null) {
      hasCandidate[a] |= 1;
      candKeys.push(ing.candidate);
      candAt.push(a);
    }
    if (ing.candidate2 !== null) {
      hasCandidate[a] |= 2;
      cand2Keys.push(ing.candidate2);
      cand2At.push(a);
    }
    a++;
  }
  const h = state.hasher;
  if (keyed === null) hashAll(h, idKeys, idLo, idHi);
  let earlierLo: Uint32Array;
  let earlierHi: Uint32Array;
  if (keyed === null) {
    earlierLo = new Uint32Array(earlierKeys.length);
    earlierHi = new Uint32Array(earlierKeys.length);
    hashAll(h, earlierKeys, earlierLo, earlierHi);
  } else {
    earlierLo = Uint32Array.from(earlierLoK);
    earlierHi = Uint32Array.from(earlierHiK);
  }
  const [candLo, candHi] = hashedAt(h, candKeys, candAt, a);
  const [cand2Lo, cand2Hi] = hashedAt(h, cand2Keys, cand2At, a);
  // slice(): exact-size copies (posting a view clones its whole buffer).
  return {
    accepted: a,
    rows: rows.toDescriptor(),
    idLo: idLo.slice(0, a),
    idHi: idHi.slice(0, a),
    earlierCount: earlierCount.slice(0, a),
    earlierLo,
    earlierHi,
    hasCandidate: hasCandidate.slice(0, a),
    candLo,
    candHi,
    cand2Lo,
    cand2Hi,
    rejected,
    categories: dictionary.toJSON(),
    issues: ing.issues,
  };
}

/** keys[j] hashed into position at[j] of two arrays of n (lo, hi); the other positions 0. */
function hashedAt(h: KeyHasher, keys: string[], at: number[], n: number): [Uint32Array, Uint32Array] {
  const kl = new Uint32Array(keys.length);
  const kh = new Uint32Array(keys.length);
  hashAll(h, keys, kl, kh);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let j = 0; j < at.length; j++) {
    lo[at[j]!] = kl[j]!;
    hi[at[j]!] = kh[j]!;
  }
  return [lo, hi];
}

/** Worker side: ingest one chunk with the job's layout (built once per thread). */
export function ingestTask(
  payload: IngestTaskPayload,
  context: { job<T>(key: string, released: Int32Array | undefined, build: () => T): T },
): IngestChunkResult {
  if (payload === null || typeof payload !== 'object' || payload.job === null || typeof payload.job !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', 'register.ingest: payload must hold a job and a chunk of row values');
  }
  const state = context.job(payload.job.id, payload.job.released, () => ingestState(payload.job));
  return ingestChunk(state, payload);
}
