/**
 * KhopError: the one error class khop throws or rejects with — save what the caller's own code
 * throws inside a call (a rows or claims iterable, an onProgress callback, a getter), which
 * rejects the call as it was thrown, unwrapped (README, "In a service").
 *
 * Every error carries a stable string `code` (see {@link KhopErrorCode}) that callers may
 * switch on; messages are for humans and may change. Messages never contain record values
 * (personal data) — only field names, row numbers and option names. `details` holds
 * structured, non-personal context (e.g. the list of configuration problems).
 *
 * One process may hold several copies of this class: the ESM and the CommonJS build of the
 * package loaded side by side, or two installed versions. `instanceof KhopError` and
 * `isKhopError` recognise an error of any copy by a brand on its prototype, a symbol from the
 * global registry (`Symbol.for('khop.KhopError')`), instead of by prototype identity.
 * A subclass's own `instanceof` stays the ordinary prototype check.
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

/** The brand every copy of KhopError puts on its prototype (same symbol in every copy). */
const KHOP_ERROR_BRAND: unique symbol = Symbol.for('khop.KhopError') as never;

function hasKhopErrorBrand(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[KHOP_ERROR_BRAND] === true;
}

export class KhopError extends Error {
  readonly code: KhopErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: KhopErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KhopError';
    this.code = code;
    this.details = options?.details;
  }

  /**
   * `x instanceof KhopError`: true for an error of any copy of khop in this process (see the
   * file header); for a subclass, the ordinary prototype-chain check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== KhopError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasKhopErrorBrand(value);
  }
}
Object.defineProperty(KhopError.prototype, KHOP_ERROR_BRAND, { value: true });

/** True when `e` is a KhopError (of any copy of khop), optionally with the given code. */
export function isKhopError(e: unknown, code?: KhopErrorCode): e is KhopError {
  return hasKhopErrorBrand(e) && (code === undefined || (e as KhopError).code === code);
}

/** The problems a configuration error lists (`details.problems`), or its message as its one problem. */
export function problemsOf(e: KhopError): string[] {
  const p = e.details?.['problems'];
  return Array.isArray(p) ? (p as string[]) : [e.message];
}
