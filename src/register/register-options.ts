/**
 * Options of `Register.build`: defaults and the one validation pass.
 *
 * Every problem is collected and reported together in one KhopError('INVALID_OPTION') whose
 * message and `details.problems` name the options (never a value from the data).
 */
import { KhopError } from '../errors.js';
import { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import type { ProgressEvent } from '../io/progress.js';
import { reservedNameReason } from '../schema.js';
import type { VerificationPolicy } from './policy.js';

/** Progress of a build (numbers only; see src/io/progress.ts). */
export type RegisterProgressEvent = ProgressEvent;

export interface RegisterBuildOptions {
  /**
   * Input column holding the record id returned in verdicts (a string or a finite number; a
   * row without one is rejected). Default: none — the record id is the row's 0-based
   * position in the input (continued by later `add` calls), plus `firstRecordId`.
   */
  idField?: string;
  /**
   * Without `idField`: the record id of the first input row; each next row's is one more
   * (rejected rows included, later `add` calls continue). 1 numbers records as the data rows
   * of a file are numbered (what the command line does: `khop dedupe` prints the same
   * numbers). Integer in 0..2^52; not with `idField`. Default 0 (the 0-based input position).
   */
  firstRecordId?: number;
  /**
   * Input column listing the person's EARLIER IDs (old 9-digit CMND, re-issued numbers),
   * separated by `;`, `|` or `,`. A claim made with one of them resolves to the person with
   * `matchedBy: 'earlierId'`. Invalid entries are skipped and counted in `issues`. A column
   * that no row of the build holds is refused (INVALID_OPTION: a misspelt name). Default: none.
   */
  earlierIdsField?: string;
  /** Which field results VERIFIED needs. Default {@link DEFAULT_VERIFICATION_POLICY}. */
  policy?: VerificationPolicy;
  /**
   * Also index phonetic name + date of birth, for "did you mean" candidates when a claimed ID
   * is absent, invalid or not found (~17 bytes per record). Default true.
   */
  candidateSearch?: boolean;
  /**
   * Threads for the build (integer ≥ 1), the calling thread included. Above 1, rows are
   * normalised on a worker pool (threads − 1 workers and the calling thread, for inputs of at
   * least DEFAULT_PARALLEL_INGEST_MIN_ROWS rows — src/register/parallel-ingest.ts), and the
   * indexes of a large register (≥ 5M entries, DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES) are
   * sorted on a pool (src/pool/parallel-index.ts); the same bytes as one thread either way.
   * Default {@link DEFAULT_REGISTER_THREADS} (1).
   */
  threads?: number;
  /**
   * Pending changes (rows added or updated + rows removed since the last compaction) after
   * which `add` / `update` / `remove` compact the register automatically, so the delta tables
   * stay small. Integer ≥ 1. Default {@link DEFAULT_MAX_PENDING_CHANGES} (2^20).
   */
  maxPendingChanges?: number;
  /** Called with progress events (phase 'read' in rows, then 'index' in keys). Default: none. */
  onProgress?: (event: RegisterProgressEvent) => void;
  /**
   * A secret (a string, as UTF-8, or bytes; at least 16 bytes — use 32 random bytes) that
   * makes the register KEYED: IDs and earlier IDs are indexed by HMAC-SHA256 under a key
   * derived from it, and the store holds a 48-bit HMAC tag instead of each ID number, so a
   * saved snapshot contains no ID number (docs/privacy.md). `Register.load` then needs the
   * same secret. Costs: ~1 µs per ID at build and per claim; ID "close" levels (one digit,
   * transposition) cannot be graded for "did you mean" candidates (`keyed-not-comparable`).
   * The secret itself is never stored. Default: none (unkeyed, XXH64 keys, ID numbers stored).
   */
  idSecret?: string | Uint8Array;
  /**
   * Refuse a build whose memory (store + indexes, as `stats().bytes` counts them, plus the
   * index build's transient arrays) would exceed this many bytes: KhopError
   * MEMORY_BUDGET_EXCEEDED, raised as soon as the projection crosses it — for an array after a
   * sample of its first rows (projected to its length), for any other source as rows arrive —
   * so the process fails cleanly instead of running out of memory. Not counted: the caller's
   * rows, V8's own heap. Positive number. Default: none (no check).
   */
  memoryBudget?: number;
}

export const DEFAULT_CANDIDATE_SEARCH = true;
export const DEFAULT_REGISTER_THREADS = 1;
export const DEFAULT_MAX_PENDING_CHANGES = 1 << 20;

/** Options after defaults and validation. */
export interface ResolvedBuildOptions {
  readonly idField: string | null;
  /** The record id of input position 0 without an idField (0 with one). */
  readonly firstRecordId: number;
  readonly earlierIdsField: string | null;
  readonly candidateSearch: boolean;
  readonly threads: number;
  readonly maxPendingChanges: number;
  readonly onProgress: ((event: RegisterProgressEvent) => void) | null;
  /** The ID hasher of `idSecret` (keyed register), or null. Never saved. */
  readonly keyed: KeyedIdHasher | null;
  readonly memoryBudget: number | null;
}

const KNOWN = new Set(['idField', 'firstRecordId', 'earlierIdsField', 'policy', 'candidateSearch', 'threads', 'maxPendingChanges', 'onProgress', 'idSecret', 'memoryBudget']);

/** Validate once; the policy is checked separately against the schema (policy.ts). */
export function resolveBuildOptions(options: RegisterBuildOptions | undefined): ResolvedBuildOptions {
  const o = options ?? {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new KhopError('INVALID_OPTION', 'Register.build: options must be an object', { details: { problems: ['options is not an object'] } });
  }
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) problems.push(`${k} is not a Register.build option`);
  const column = (name: 'idField' | 'earlierIdsField'): string | null => {
    const v = o[name];
    if (v === undefined) return null;
    if (v === '__proto__') {
      problems.push(`${name} "${v}" is not allowed: ${reservedNameReason(v)}`);
      return null;
    }
    if (typeof v !== 'string' || v.length === 0) {
      problems.push(`${name} must be a non-empty column name`);
      return null;
    }
    return v;
  };
  const idField = column('idField');
  const earlierIdsField = column('earlierIdsField');
  if (idField !== null && idField === earlierIdsField) problems.push('idField and earlierIdsField must be different columns');
  const firstRecordId = o.firstRecordId ?? 0;
  // At most 2^52: record ids firstRecordId + position stay exact integers (below 2^53) for any
  // number of rows a register can hold (2^32).
  if (!Number.isSafeInteger(firstRecordId) || firstRecordId < 0 || firstRecordId > 2 ** 52) problems.push('firstRecordId must be an integer in 0..2^52');
  else if (firstRecordId !== 0 && idField !== null) problems.push('firstRecordId numbers records without an idField; give one or the other');
  const candidateSearch = o.candidateSearch ?? DEFAULT_CANDIDATE_SEARCH;
  if (typeof candidateSearch !== 'boolean') problems.push('candidateSearch must be a boolean');
  // undefined is the default; null is a value like any other (refused, as dedupe and link do).
  const threads = o.threads === undefined ? DEFAULT_REGISTER_THREADS : o.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) problems.push('threads must be an integer in 1..256');
  const maxPending = o.maxPendingChanges ?? DEFAULT_MAX_PENDING_CHANGES;
  if (!Number.isInteger(maxPending) || maxPending < 1 || maxPending > 0x7fffffff) {
    problems.push('maxPendingChanges must be an integer in 1..2^31 − 1');
  }
  const onProgress = o.onProgress ?? null;
  if (onProgress !== null && typeof onProgress !== 'function') problems.push('onProgress must be a function');
  let keyed: KeyedIdHasher | null = null;
  if (o.idSecret !== undefined) {
    try {
      keyed = KeyedIdHasher.fromSecret(o.idSecret);
    } catch (e) {
      problems.push(e instanceof KhopError ? e.message : 'idSecret is unusable');
    }
  }
  const memoryBudget = o.memoryBudget ?? null;
  if (memoryBudget !== null && !(typeof memoryBudget === 'number' && memoryBudget > 0 && Number.isFinite(memoryBudget))) {
    problems.push('memoryBudget must be a positive number of bytes');
  }
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `Register.build: invalid options — ${problems.join('; ')}`, { details: { problems } });
  }
  return { idField, firstRecordId: Number.isSafeInteger(firstRecordId) ? firstRecordId : 0, earlierIdsField, candidateSearch, threads, maxPendingChanges: maxPending, onProgress, keyed, memoryBudget };
}
