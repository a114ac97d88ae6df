/**
 * `khop authenticate` of a CSV or NDJSON claims file on a pool: the file cut into pieces, and
 * each piece read, authenticated and formatted into its verdict lines where it is computed — a
 * worker or the calling thread's share — so the calling thread no longer reads, parses, packs or
 * formats every claim, and no claim object or verdict row crosses threads.
 *
 *   calling thread                                    a worker, or the calling thread's share
 *   file ─► byte scan for record boundaries ─► pieces ─► decode + parse the piece (csv-pieces.ts,
 *           (CsvPieceCutter, NdjsonPieceCutter: ~64 KiB    ndjson-pieces.ts) ─► its claims'
 *           no decoding)                      shared     field values ─► the register's batch
 *                                                        path (Register.verdictsOf) ─► each
 *                                                        verdict's row (verdict-rows.ts) as CSV
 *                                                        or NDJSON lines
 *   write(piece) ◄── results taken IN INPUT ORDER (OrderedChunks): the lines, the statuses
 *                    counted, the rows the reader could not read
 *
 * The same verdict file, byte for byte, as reading the claims row by row into authenticateMany
 * and writing each verdict (src/cli/authenticate.ts): the pieces give the rows, rejections,
 * row numbers and lines of one reader over the whole file (csv-pieces.ts, ndjson-pieces.ts), a
 * claim's field values are those claimValue reads from the row the command line would build
 * (the caller's `read`: the claims column — an NDJSON file's key — of each register field), and
 * each verdict is `authenticate`'s (a batch sees the register as it is; the command line does
 * not change it). Tested against the row-by-row path.
 *
 * A file with no record boundary for maxPieceBytes (a CSV's lines ending in a lone CR, a quote
 * left open; an NDJSON line that long) has its rest read on the calling thread as it streams, in
 * chunks of REST_CHUNK_ROWS rows authenticated there — the same result, without the pool.
 *
 * Memory: at most (2 × workers + CALLING_THREAD_PIECES) pieces and their verdict text in flight.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { KhopError } from '../errors.js';
import { DEFAULT_CSV_MAX_PIECE_BYTES, type CsvPieceFields, type RowReadCounts } from '../io/csv-pieces.js';
import { parsePiece, pieceReading, type PieceFile, type PieceFormat } from '../io/file-pieces.js';
import type { TableLineFormat } from '../io/csv-writer.js';
import type { RejectedItem } from '../io/record-types.js';
import { UnreadableRow } from '../io/record-source-rows.js';
import { OrderedChunks } from '../pool/ordered-chunks.js';
import { phaseError } from '../pool/phase-runner.js';
import { MISSING_JOB, RegisterJobSender, registerOfJob, runRegisterTask, type MissingJob, type PoolLike, type RegisterJob, type RegisterJobRef, type RegisterTaskContext } from './parallel-authenticate.js';
import type { Register } from './register.js';
import { verdictLinesOf, type VerdictRowSpec } from './verdict-rows.js';

/** The pool task of a piece. */
export const AUTHENTICATE_PIECE_TASK = 'register.authenticatePiece';

/**
 * Bytes of a piece: ~700 claims of ~90 bytes (the e2e claims), ~4 ms of work at the ~5.5 µs a
 * claim measured on one thread (parse, authenticate, line). Small pieces keep each one's
 * strings young (GC fell from ~1.4 s to ~0.3 s a thread on 1M claims against 1 MiB pieces) and
 * let the threads finish together; below 128 KiB the system time fell too (1.3–1.5 s → 1.0–1.2 s
 * on 1M claims; twice the munmap calls under strace with 128 KiB pieces): likely large objects —
 * a piece's bytes, or its decoded text (two bytes a character once a Vietnamese name is in it),
 * over 128 KiB are mapped and unmapped one by one (V8's large-object space, the C allocator's
 * mmap threshold). The verdict text is kept in smaller strings for the same reason
 * (ClaimsFilePiece.texts). Measured on 1M claims, 2 threads: 1 MiB 6.0 s, 256 KiB 5.0 s; 64 KiB
 * against 128 KiB ×0.95 wall, ×0.94 CPU (medians of six alternating rounds); 32 KiB against
 * 64 KiB no gain (×1.02).
 */
export const DEFAULT_CLAIMS_PIECE_BYTES = 64 << 10;

/** Pieces read ahead for the calling thread's share (as the register's CSV build). */
const CALLING_THREAD_PIECES = 8;

/** Characters of verdict lines joined into one string (see ClaimsFilePiece.texts). */
const TEXT_CHARS = 32 << 10;

/** Rows of the rest of a file without a cut, authenticated at a time on the calling thread. */
const REST_CHUNK_ROWS = 4096;

/** The verdict file's lines: the row spec, and the table writer's format (CSV: columns, delimiter and escaping; NDJSON: columns). */
export interface VerdictLinesSpec extends VerdictRowSpec {
  readonly table: TableLineFormat;
}

/** What reading and authenticating a piece needs besides its bytes (the same for every piece). */
export interface ClaimsWork {
  /** Per register field (schema order), the claims column its value is read from (null: none, the value is missing). */
  readonly read: ReadonlyArray<string | null>;
  /** "Did you mean" candidates per claim without a record. */
  readonly candidates: number;
  /** Claims authenticated as one batch (authenticateMany's batchSize). */
  readonly batchSize: number;
  readonly lines: VerdictLinesSpec;
}

/** Payload of the 'register.authenticatePiece' task. */
export interface AuthenticatePiecePayload extends CsvPieceFields {
  readonly job: RegisterJob | RegisterJobRef;
  readonly format: PieceFormat;
  readonly work: ClaimsWork;
}

/**
 * A claims file taken to be read in pieces — a CSV file or an NDJSON one (file-pieces.ts,
 * takePieceFileOf) — and who is told of the rows it could not read.
 */
export interface TakenClaimsFile {
  readonly file: PieceFile;
  readonly observer: { rejected(item: RejectedItem): void } | null;
}

/** A piece's verdicts, as the calling thread takes them in input order. */
export interface ClaimsFilePiece {
  /**
   * The verdict lines, each ending in a line break, in texts of about TEXT_CHARS characters:
   * no string of the piece's whole text — over 128 KiB a string is a large object, likely mapped
   * and unmapped on its own (measured: one string per NDJSON piece, ~200 KB, raised the system
   * time 1.25 → 2.0 s on 1M claims).
   */
  readonly texts: readonly string[];
  /** Lines in `texts`: the piece's claims the reader could read. */
  readonly verdicts: number;
  /** Verdicts per status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** The rows the reader could not read, in file order (as a one-thread read rejects them). */
  readonly rejected: readonly RejectedItem[];
}

/** Options of {@link authenticateClaimsFile}. */
export interface ClaimsFileOptions {
  readonly work: ClaimsWork;
  /** Threads: the calling thread and threads − 1 workers (a pool of its own, closed at the end), unless `pool`. */
  readonly threads: number;
  /** A pool to use (not closed). */
  readonly pool?: PoolLike;
  readonly pieceBytes?: number;
  readonly maxPieceBytes?: number;
  /**
   * Each piece's verdicts, in input order; a returned promise (the destination's back-pressure)
   * is awaited before the next piece is read (the last pieces, taken together at the end, are
   * all written before their waits are awaited).
   */
  readonly write: (piece: ClaimsFilePiece) => void | Promise<void>;
}

/** The claims of a stretch of the file: flat field values, and the rows that could not be read. */
interface ClaimRows {
  /** Input position (0-based data row) of its first row. */
  readonly start: number;
  /** Rows, readable or not. */
  readonly count: number;
  /** count × K values (an unreadable row's: undefined). */
  readonly values: unknown[];
  /** The unreadable rows: their index in the stretch, and the reader's rejection. */
  readonly unreadable: ReadonlyArray<{ readonly i: number; readonly item: RejectedItem }>;
}

/** A thread's line formatting for one register and one output (field runs cached across pieces). */
const formatting = new WeakMap<Register, { key: string; lines: ReturnType<typeof verdictLinesOf> }>();

/** Authenticate a stretch of claims and format their verdict lines (any thread). */
function verdictLines(register: Register, work: ClaimsWork, claims: ClaimRows): ClaimsFilePiece {
  const K = work.read.length;
  const spec = work.lines;
  const key = JSON.stringify(spec);
  let f = formatting.get(register);
  if (f === undefined || f.key !== key) {
    f = { key, lines: verdictLinesOf(spec, spec.table) };
    formatting.set(register, f);
  }
  const lines = f.lines;
  // The readable rows' values, and each one's row number.
  let values = claims.values;
  let rowNumber: (i: number) => number = (i) => claims.start + i + 1;
  if (claims.unreadable.length > 0) {
    const kept: unknown[] = [];
    const numbers: number[] = [];
    for (let i = 0, u = 0; i < claims.count; i++) {
      if (u < claims.unreadable.length && claims.unreadable[u]!.i === i) {
        u++;
        continue;
      }
      for (let k = 0; k < K; k++) kept.push(claims.values[i * K + k]);
      numbers.push(claims.start + i + 1);
    }
    values = kept;
    rowNumber = (i) => numbers[i]!;
  }
  const count = values.length / K;
  const statuses: Record<string, number> = {};
  // Lines joined TEXT_CHARS at a time: flat strings, not one rope of every line and cell held
  // until the piece is done (its nodes survived the young generation's collections).
  const texts: string[] = [];
  let pending: string[] = [];
  let chars = 0;
  register.verdictsOf(values, count, work.candidates, work.batchSize, (i, v) => {
    const line = lines.line(rowNumber(i), v);
    pending.push(line);
    chars += line.length;
    if (chars >= TEXT_CHARS) {
      texts.push(pending.join(''));
      pending = [];
      chars = 0;
    }
    statuses[v.status] = (statuses[v.status] ?? 0) + 1;
  });
  if (pending.length > 0) texts.push(pending.join(''));
  return { texts, verdicts: count, statuses, rejected: claims.unreadable.map((u) => u.item) };
}

/** A parsed piece as ClaimRows. */
function pieceClaims(format: PieceFormat, p: CsvPieceFields, read: ReadonlyArray<string | null>): ClaimRows {
  const parsed = parsePiece(format, p, read, AUTHENTICATE_PIECE_TASK);
  const unreadable = parsed.unreadable.map((u) => ({
    i: u.i,
    item: {
      kind: 'rejected' as const,
      rowNumber: p.start + u.i + 1,
      line: u.line,
      code: u.code,
      reason: u.reason,
      ...(u.raw !== undefined ? { raw: u.raw } : {}),
      ...(u.rawTruncated === true ? { rawTruncated: true } : {}),
    },
  }));
  return { start: p.start, count: parsed.count, values: parsed.values, unreadable };
}

/** Read, authenticate and format one piece (the calling thread's share, or a worker's task). */
export function authenticatePiece(register: Register, p: Omit<AuthenticatePiecePayload, 'job'>): ClaimsFilePiece {
  return verdictLines(register, p.work, pieceClaims(p.format, p, p.work.read));
}

/** Worker side: one piece against the job's register (rebuilt once per thread). */
export async function authenticatePieceTask(payload: AuthenticatePiecePayload, context: RegisterTaskContext): Promise<ClaimsFilePiece | MissingJob> {
  if (payload === null || typeof payload !== 'object' || !(payload.bytes instanceof Uint8Array) || payload.work === null || typeof payload.work !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', `${AUTHENTICATE_PIECE_TASK}: payload must hold a job, the work and the bytes of a piece`);
  }
  const register = await registerOfJob(payload.job, context, `${AUTHENTICATE_PIECE_TASK}: payload must hold a job, the work and the bytes of a piece`);
  if (register === null) return MISSING_JOB;
  return authenticatePiece(register, payload);
}

/**
 * Authenticate every claim of the taken CSV or NDJSON file against `register` and hand each
 * piece's verdict lines to `o.write`, in input order (see the file header). The file's summary
 * is set to what was read (its `account`), and each row the reader could not read is told to
 * the taker's observer and returned in its piece's `rejected`.
 * @throws (rejects) KhopError IO_ERROR (the file cannot be read, or changed), WORKER_FAILED
 *   naming the 'authenticate' phase, whatever `write` throws.
 */
export async function authenticateClaimsFile(register: Register, taken: TakenClaimsFile, o: ClaimsFileOptions): Promise<void> {
  const { file, observer } = taken;
  const pieceBytes = o.pieceBytes ?? DEFAULT_CLAIMS_PIECE_BYTES;
  const maxPieceBytes = o.maxPieceBytes ?? Math.max(DEFAULT_CSV_MAX_PIECE_BYTES, pieceBytes);
  if (!Number.isInteger(pieceBytes) || pieceBytes < 1 || !Number.isInteger(maxPieceBytes) || maxPieceBytes < pieceBytes) {
    throw new KhopError('INVALID_OPTION', 'authenticate: pieces need integer sizes with 1 ≤ pieceBytes ≤ maxPieceBytes');
  }
  if (o.work.read.length !== register.schema.fields.length) throw new KhopError('INVALID_ARGUMENT', 'authenticate: read one column per register field');
  let fh: FileHandle;
  try {
    fh = await open(file.path, 'r');
  } catch (e) {
    throw new KhopError('IO_ERROR', `authenticate: cannot read ${file.path}`, { cause: e });
  }
  const work = o.work;
  const job = register.poolJob();
  let pool = o.pool;
  const ownPool = pool === undefined;
  let chunks: OrderedChunks<AuthenticatePiecePayload, ClaimsFilePiece> | null = null;
  let pending: void | Promise<void> = undefined;
  let rows = 0;
  let unreadable = 0;
  const take = (piece: ClaimsFilePiece): void => {
    unreadable += piece.rejected.length;
    if (observer !== null) for (const item of piece.rejected) observer.rejected(item);
    // Several pieces may be taken before the writer is waited for: keep every wait. Each is
    // awaited (settle), and handled meanwhile: a run that fails elsewhere first leaves no
    // unhandled rejection of the writer behind.
    const w = o.write(piece);
    if (w !== undefined) {
      pending = pending === undefined ? w : Promise.all([pending, w]).then(() => undefined);
      pending.catch(() => undefined);
    }
  };
  /** Wait for the writer's waits so far (its back-pressure; a failure of it rejects here). */
  const settle = async (): Promise<void> => {
    const p = pending;
    pending = undefined;
    if (p !== undefined) await p;
  };
  try {
    if (pool === undefined) {
      const { KhopPool, MAX_POOL_THREADS } = await import('../pool/pool.js');
      pool = KhopPool.create({ threads: Math.min(Math.max(1, o.threads - 1), MAX_POOL_THREADS), inCallingThread: false }) as unknown as PoolLike;
    }
    const p = pool;
    const sender = new RegisterJobSender(p.threads);
    chunks = new OrderedChunks<AuthenticatePiecePayload, ClaimsFilePiece>(
      {
        post: (c) => runRegisterTask<ClaimsFilePiece>(p, AUTHENTICATE_PIECE_TASK, { ...c, job: sender.form(job) }, job).catch((e: unknown) => Promise.reject(phaseError('authenticate', e))),
        computeAhead: (c) => authenticatePiece(register, c),
        consume: (_c, r) => take(r),
      },
      p.threads,
      { callingThreadShare: true, callingThreadChunks: CALLING_THREAD_PIECES },
    );
    const { format, cutter, rest: restOf } = pieceReading(file, fh, pieceBytes, maxPieceBytes, 'authenticate');
    let blank = 0;
    let bytes = 0;
    for await (const c of cutter.pieces()) {
      if (c.kind === 'piece') {
        rows += c.rows;
        await chunks.push({ job, format, work, start: c.start, line: c.line, rows: c.rows, last: c.last, bytes: c.bytes, part: c.part });
        await settle();
        file.observe(c.end, false);
        continue;
      }
      // No cut for too long: the rest parsed here as it streams, authenticated a chunk at a time.
      await chunks.drain();
      await settle();
      const rest: RowReadCounts = { rows: 0, unreadable: 0, blank: 0, bytes: c.from };
      let stretch: unknown[] = [];
      let start = c.start;
      const flush = async (): Promise<void> => {
        if (stretch.length === 0) return;
        take(verdictLines(register, work, restClaims(start, stretch, work.read)));
        start += stretch.length;
        stretch = [];
        await settle();
      };
      for await (const row of restOf(c.from, c.start, c.line, rest)) {
        stretch.push(row);
        if (stretch.length === REST_CHUNK_ROWS) await flush();
      }
      await flush();
      rows += rest.rows;
      blank += rest.blank;
      bytes = rest.bytes;
    }
    await chunks.drain();
    await settle();
    blank += cutter.blank;
    bytes = Math.max(bytes, cutter.bytesRead);
    file.account({ accepted: rows - unreadable, rejected: unreadable, blankLines: blank, bytesRead: bytes });
    file.observe(bytes, true);
  } catch (e) {
    chunks?.abandon();
    throw e;
  } finally {
    await fh.close().catch(() => undefined);
    if (ownPool && pool !== undefined) await pool.close();
  }
}

/** Rows of the rest of a file (restOfFile: row values, or UnreadableRow) as ClaimRows. */
function restClaims(start: number, rows: readonly unknown[], read: ReadonlyArray<string | null>): ClaimRows {
  const K = read.length;
  const values = new Array<unknown>(rows.length * K);
  const unreadable: Array<{ i: number; item: RejectedItem }> = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row instanceof UnreadableRow) {
      unreadable.push({ i, item: row.item });
      continue;
    }
    const r = row as Record<string, unknown>;
    for (let k = 0; k < K; k++) values[i * K + k] = read[k] === null ? undefined : r[read[k]!];
  }
  return { start, count: rows.length, values, unreadable };
}
