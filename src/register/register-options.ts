/**
 * Options of `Register.build`: defaults and the one validation pass.
 *
 * Every problem is collected and reported together in one KhopError('INVALID_OPTION') whose
 * message and `details.problems` name the options (never a value from the data).
 */
import { KhopError } from '../errors.js';
import type { ProgressEvent } from '../io/progress.js';
import type { VerificationPolicy } from './policy.js';

/** Progress of a build (numbers only; see src/io/progress.ts). */
export type RegisterProgressEvent = ProgressEvent;

export interface RegisterBuildOptions {
  /**
   * Input column holding the record id returned in verdicts (a string or a finite number; a
   * row without one is rejected). Default: none — the record id is the row's 0-based
   * position in the input (continued by later `add` calls).
   */
  idField?: string;
  /**
   * Input column listing the person's EARLIER IDs (old 9-digit CMND, re-issued numbers),
   * separated by `;`, `|` or `,`. A claim made with one of them resolves to the person with
   * `matchedBy: 'earlierId'`. Invalid entries are skipped and counted in `issues`.
   * Default: none.
   */
  earlierIdsField?: string;
  /** Which field results VERIFIED needs. Default {@link DEFAULT_VERIFICATION_POLICY}. */
  policy?: VerificationPolicy;
  /**
   * Also index phonetic name + date of birth, for "did you mean" candidates when a claimed ID
   * is absent, invalid or not found (~17 bytes per record). Default {@link DEFAULT_CANDIDATE_SEARCH} (true).
   */
  candidateSearch?: boolean;
  /**
   * Worker threads for the build (integer ≥ 1). Accepted for forward compatibility: the build
   * currently runs in the calling thread. Default {@link DEFAULT_REGISTER_THREADS} (1).
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
}

export const DEFAULT_CANDIDATE_SEARCH = true;
export const DEFAULT_REGISTER_THREADS = 1;
export const DEFAULT_MAX_PENDING_CHANGES = 1 << 20;

/** Options after defaults and validation. */
export interface ResolvedBuildOptions {
  readonly idField: string | null;
  readonly earlierIdsField: string | null;
  readonly candidateSearch: boolean;
  readonly threads: number;
  readonly maxPendingChanges: number;
  readonly onProgress: ((event: RegisterProgressEvent) => void) | null;
}

const KNOWN = new Set(['idField', 'earlierIdsField', 'policy', 'candidateSearch', 'threads', 'maxPendingChanges', 'onProgress']);

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
    if (typeof v !== 'string' || v.length === 0 || v === '__proto__') {
      problems.push(`${name} must be a non-empty column name`);
      return null;
    }
    return v;
  };
  const idField = column('idField');
  const earlierIdsField = column('earlierIdsField');
  if (idField !== null && idField === earlierIdsField) problems.push('idField and earlierIdsField must be different columns');
  const candidateSearch = o.candidateSearch ?? DEFAULT_CANDIDATE_SEARCH;
  if (typeof candidateSearch !== 'boolean') problems.push('candidateSearch must be a boolean');
  const threads = o.threads ?? DEFAULT_REGISTER_THREADS;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) problems.push('threads must be an integer in 1..1024');
  const maxPending = o.maxPendingChanges ?? DEFAULT_MAX_PENDING_CHANGES;
  if (!Number.isInteger(maxPending) || maxPending < 1 || maxPending > 0x7fffffff) {
    problems.push('maxPendingChanges must be an integer in 1..2^31 − 1');
  }
  const onProgress = o.onProgress ?? null;
  if (onProgress !== null && typeof onProgress !== 'function') problems.push('onProgress must be a function');
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `Register.build: invalid options — ${problems.join('; ')}`, { details: { problems } });
  }
  return { idField, earlierIdsField, candidateSearch, threads, maxPendingChanges: maxPending, onProgress };
}
