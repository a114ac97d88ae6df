/**
 * KhopError: the one error class khop throws or rejects with.
 *
 * Every error carries a stable string `code` (see {@link KhopErrorCode}) that callers may
 * switch on; messages are for humans and may change. Messages never contain record values
 * (personal data) — only field names, row numbers and option names. `details` holds
 * structured, non-personal context (e.g. the list of configuration problems).
 */

/** Stable error codes. Adding a code is a minor change; renaming one is a breaking change. */
export type KhopErrorCode =
  // configuration / programmer errors
  | 'INVALID_OPTION'
  | 'INVALID_SCHEMA'
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED_COUNTRY'
  // data errors (usually reported per row, thrown only by strict single-value APIs)
  | 'INVALID_DATE'
  | 'INVALID_ID'
  | 'INVALID_ROW'
  | 'INVALID_INPUT'
  // resources and files
  | 'CAPACITY_EXCEEDED'
  | 'MEMORY_BUDGET_EXCEEDED'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_VERSION'
  | 'SNAPSHOT_FOREIGN'
  | 'SNAPSHOT_TRUNCATED'
  | 'IO_ERROR'
  | 'WASM_UNAVAILABLE'
  // concurrency
  | 'WORKER_FAILED'
  | 'WORKER_TIMEOUT'
  | 'POOL_CLOSED'
  | 'ABORTED'
  | 'INTERNAL';

export class KhopError extends Error {
  readonly code: KhopErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: KhopErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KhopError';
    this.code = code;
    this.details = options?.details;
  }
}

/** True when `e` is a KhopError, optionally with the given code. */
export function isKhopError(e: unknown, code?: KhopErrorCode): e is KhopError {
  return e instanceof KhopError && (code === undefined || e.code === code);
}

/** The problems a configuration error lists (`details.problems`), or its message as its one problem. */
export function problemsOf(e: KhopError): string[] {
  const p = e.details?.['problems'];
  return Array.isArray(p) ? (p as string[]) : [e.message];
}
