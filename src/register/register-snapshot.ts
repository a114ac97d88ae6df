/**
 * Register snapshot: a register saved as one checksummed file and loaded back into shared
 * memory — the store and index typed arrays are the sections of an index snapshot
 * (src/block/index-snapshot.ts over src/io/snapshot.ts), everything else is metadata
 * (msgpack):
 *
 *   sections   store.c<c>.*                    the lean store, column by column
 *              index.0.*  index.1.*  index.2.*  ID, earlier IDs, "did you mean" (when built)
 *   meta       { format: 'khop.register', version: 3, schema, options (not `threads`: a build on
 *                any number of threads saves the same bytes), policy, model (FS JSON),
 *                baseRows, inputRows, rejectedCount, issues, dictionary (category values),
 *                delta: { id, earlier, candidate }   entries (lo, hi, row) as u32 bytes
 *                tombstones: dead rows as u32 bytes, deadPending,
 *                keyCheck: hex HMAC check value of the ID key — keyed registers only,
 *                identifierForm: the identifier form version (IDENTIFIER_FORM_VERSION) }
 *
 * KEYED registers (Register.build with `idSecret`) are written as layout version 4 with a
 * `keyCheck` (keyed-id-hash.ts; never the secret or the key): a khop that predates keyed
 * registers refuses them (SNAPSHOT_VERSION) instead of reading HMAC keys as XXH64 ones.
 *
 * Layout versions: 1 (unkeyed) and 2 (keyed) kept the written form of the primary name and date
 * only, the date's format in the form byte; 3 (unkeyed) and 4 (keyed) keep every name and date
 * field's (written-form.ts: the date's format in its cell, name styles by slot, name tails).
 * A snapshot of version 1 or 2 is refused with SNAPSHOT_VERSION ("rebuild it"): its form bytes
 * would read as other fields' styles, and it does not hold the written forms the verdicts need
 * (an identical claim would stay "equivalent"). A khop before version 3 refuses 3 and 4 alike.
 * Loading one needs the same secret: none, or a secret whose check value differs, is refused
 * with INVALID_OPTION naming `idSecret`; a secret given for an unkeyed snapshot is refused too
 * (the caller expects protection the file does not have).
 *
 * Decision: a register is saved AS IT IS — pending delta entries and tombstones included —
 * rather than compacted first: saving never mutates the register (it can keep serving
 * claims), and the delta is bounded (maxPendingChanges), so its entries fit the metadata.
 * Loading restores the same state; verdicts are identical before and after.
 *
 * Refused: a file that is not a khop snapshot, or a snapshot that is not a register
 * (SNAPSHOT_FOREIGN); a newer register layout (SNAPSHOT_VERSION); a truncated or altered file
 * (SNAPSHOT_TRUNCATED / SNAPSHOT_CORRUPT, from the checksums); metadata that does not fit the
 * sections (SNAPSHOT_CORRUPT).
 */
import { loadIndexSnapshot, saveIndexSnapshot } from '../block/index-snapshot.js';
import type { RecordStore } from '../block/record-store.js';
import type { BlockIndex } from '../block/block-index.js';
import { KhopError, isKhopError } from '../errors.js';
import { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { defineSchema, type FieldSpec } from '../schema.js';
import { CategoryDictionary } from './category-dictionary.js';
import { DeltaIndex } from './delta-index.js';
import { resolvePolicy, type VerificationPolicy } from './policy.js';
import { registerLayout } from './register-layout.js';
import type { RegisterState } from './register-state.js';
import type { IngestIssues } from './row-ingest.js';
import { Tombstones } from './tombstones.js';
import { copyStore } from './store-copy.js';

const FORMAT = 'khop.register';
const VERSION = 3;
/** Layout version of a keyed register (VERSION + a keyCheck). */
const KEYED_VERSION = 4;
/** The layout versions before every name and date field kept its written form (see the file header). */
const EARLIER_VERSIONS: readonly unknown[] = [1, 2];

export interface RegisterMeta {
  format: typeof FORMAT;
  version: number;
  schema: Record<string, FieldSpec>;
  /** `firstRecordId`: without an idField, the record id of input position 0 (absent: 0). */
  options: { idField: string | null; firstRecordId?: number; earlierIdsField: string | null; candidateSearch: boolean; maxPendingChanges: number };
  policy: VerificationPolicy;
  model: unknown;
  baseRows: number;
  inputRows: number;
  rejectedCount: number;
  issues: IngestIssues;
  hasCandidateIndex: boolean;
  dictionary: string[][];
  delta: { id: Uint8Array; earlier: Uint8Array; candidate: Uint8Array };
  tombstones: Uint8Array;
  deadPending: number;
  /** Keyed register: the ID key's check value (hex). Absent when unkeyed. */
  keyCheck?: string;
  /**
   * The identifier form its identifier fields were stored in (IDENTIFIER_FORM_VERSION; absent:
   * saved before addresses kept their punctuation). Checked at load for a schema with an
   * identifier field.
   */
  identifierForm?: number;
  /**
   * Keyed register, IN MEMORY ONLY: the derived ID key, set on the metadata a worker thread
   * receives (Register.sharedJob); saveRegister refuses metadata that carries it.
   */
  idKey?: Uint8Array;
}

/** The entries of a delta as little-endian u32 triples (lo, hi, row), in insertion order. */
function encodeDelta(d: DeltaIndex): Uint8Array {
  const a = new Uint32Array(3 * d.size);
  for (let e = 0; e < d.size; e++) {
    a[3 * e] = d.entryLo(e);
    a[3 * e + 1] = d.entryHi(e);
    a[3 * e + 2] = d.row(e);
  }
  return new Uint8Array(a.buffer);
}

/** u32 values of bytes from msgpack (copied: the decoded buffer may be unaligned). */
function u32Of(bytes: unknown, what: string): Uint32Array {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength % 4 !== 0) {
    throw new KhopError('SNAPSHOT_CORRUPT', `register snapshot: ${what} is malformed`);
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}

/** A delta's entries; each names a row added since the last compaction: baseRows ≤ row < rowCount. */
function decodeDelta(bytes: unknown, what: string, baseRows: number, rowCount: number): DeltaIndex {
  const a = u32Of(bytes, what);
  if (a.length % 3 !== 0) throw new KhopError('SNAPSHOT_CORRUPT', `register snapshot: ${what} is malformed`);
  const d = new DeltaIndex();
  for (let i = 0; i < a.length; i += 3) {
    if (a[i + 2]! >= rowCount) throw new KhopError('SNAPSHOT_CORRUPT', `register snapshot: ${what} names a row beyond the store`);
    // A base row is listed by the base indexes: listed again, a claim would find it twice.
    if (a[i + 2]! < baseRows) throw new KhopError('SNAPSHOT_CORRUPT', `register snapshot: ${what} names a row of the base indexes`);
    d.insert(a[i]!, a[i + 1]!, a[i + 2]!);
  }
  return d;
}

/**
 * The issue counts of a snapshot, copied into objects that inherit nothing: per field, per
 * reason, a count. Anything else would make the next add() or update() throw a TypeError when
 * it counts an issue (ingest writes into these objects).
 */
function issuesOf(v: unknown): IngestIssues {
  const out = Object.create(null) as IngestIssues;
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) throw corrupt('the issue counts are malformed');
  for (const [field, reasons] of Object.entries(v)) {
    if (reasons === null || typeof reasons !== 'object' || Array.isArray(reasons)) throw corrupt('the issue counts are malformed');
    const counts = (out[field] = Object.create(null) as Record<string, number>);
    for (const [reason, n] of Object.entries(reasons as Record<string, unknown>)) {
      if (!isInt(n, 0, Number.MAX_SAFE_INTEGER)) throw corrupt('the issue counts are malformed');
      counts[reason] = n;
    }
  }
  return out;
}

/** A column option of a snapshot: null, or a non-empty string. */
function isColumnOption(v: unknown): v is string | null {
  return v === null || (typeof v === 'string' && v !== '');
}

function dictionaryOf(v: unknown, fields: number): string[][] {
  if (!Array.isArray(v) || v.length !== fields || !v.every((a) => Array.isArray(a) && a.every((x) => typeof x === 'string'))) {
    throw corrupt('the category dictionary is malformed');
  }
  return v as string[][];
}

/** The metadata of a register state: everything but the store and the indexes. */
export function registerMeta(s: RegisterState): RegisterMeta {
  const keyed = s.layout.keyed;
  const meta: RegisterMeta = {
    format: FORMAT,
    version: keyed === null ? VERSION : KEYED_VERSION,
    schema: s.schema.toJSON(),
    options: { ...s.options },
    policy: s.policy.source,
    model: s.model.toJSON(),
    baseRows: s.baseRows,
    inputRows: s.inputRows,
    rejectedCount: s.rejectedCount,
    // Copies, not the live objects: the file is packed after the save's first await, and an
    // add() in between must not put its counts or values into a snapshot without its rows.
    issues: structuredClone(s.issues),
    hasCandidateIndex: s.candidateIndex !== null,
    dictionary: structuredClone(s.dictionary.toJSON()),
    delta: { id: encodeDelta(s.deltaId), earlier: encodeDelta(s.deltaEarlier), candidate: encodeDelta(s.deltaCandidate) },
    tombstones: new Uint8Array(s.tombstones.rows().buffer).slice(),
    deadPending: s.deadPending,
  };
  if (keyed !== null) meta.keyCheck = keyed.check;
  meta.identifierForm = IDENTIFIER_FORM_VERSION;
  return meta;
}

/**
 * Version of identifierForm (src/text/identifier-form.ts) this khop stores: 2 since an address
 * keeps its punctuation. A register with an identifier field saved in another form is refused
 * at load (SNAPSHOT_VERSION, "rebuild it"): its stored e-mails would silently stop equalling the
 * claims of the same address (a policy naming the field would fail them), and an add() would
 * mix two forms. A register without an identifier field loads whatever it says.
 */
export const IDENTIFIER_FORM_VERSION = 2;

/** The indexes of a state in snapshot order: ID, earlier IDs, then candidates when present. */
export function registerIndexes(s: RegisterState): BlockIndex[] {
  const indexes = [s.idIndex, s.earlierIndex];
  if (s.candidateIndex !== null) indexes.push(s.candidateIndex);
  return indexes;
}

/** Save a register state (see the file header). */
export async function saveRegister(path: string, s: RegisterState): Promise<void> {
  const meta = registerMeta(s);
  if (meta.idKey !== undefined) throw new KhopError('INTERNAL', 'register snapshot: metadata holding an ID key must not be saved');
  await saveIndexSnapshot(path, s.store, registerIndexes(s), meta);
}

function corrupt(what: string, cause?: unknown): KhopError {
  return new KhopError('SNAPSHOT_CORRUPT', `register snapshot: ${what}`, cause === undefined ? undefined : { cause });
}

function isInt(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
}

/**
 * Load a register state (see the file header). `keyed`: the hasher of the caller's
 * `idSecret`, or null.
 */
export async function loadRegister(path: string, keyed: KeyedIdHasher | null = null): Promise<RegisterState> {
  const snap = await loadIndexSnapshot(path);
  const m = snap.meta as RegisterMeta | null;
  if (m === null || typeof m !== 'object' || m.format !== FORMAT) {
    throw new KhopError('SNAPSHOT_FOREIGN', 'Register.load: the snapshot does not hold a khop register');
  }
  if (EARLIER_VERSIONS.includes(m.version)) {
    throw new KhopError('SNAPSHOT_VERSION', `Register.load: the register was saved by an earlier khop (layout version ${String(m.version)}), which kept the written form of its first name and date field only; rebuild it from its rows with this version`, {
      details: { found: m.version, supported: [VERSION, KEYED_VERSION] },
    });
  }
  if (m.version !== VERSION && m.version !== KEYED_VERSION) {
    throw new KhopError('SNAPSHOT_VERSION', `Register.load: register layout version ${String(m.version)} is not supported`);
  }
  if (snap.store === null) throw corrupt('the store is missing');
  if (m.version === KEYED_VERSION) {
    if (typeof m.keyCheck !== 'string') throw corrupt('a keyed register has no key check');
    if (keyed === null) throw new KhopError('INVALID_OPTION', 'Register.load: the register is keyed: pass the idSecret it was built with', { details: { option: 'idSecret', problem: 'missing' } });
    if (!keyed.matches(m.keyCheck)) throw new KhopError('INVALID_OPTION', 'Register.load: idSecret is not the secret this register was built with', { details: { option: 'idSecret', problem: 'wrong' } });
  } else if (keyed !== null) {
    throw new KhopError('INVALID_OPTION', 'Register.load: idSecret was given but the register is not keyed (it stores ID numbers)', { details: { option: 'idSecret', problem: 'not-keyed' } });
  }
  if (m.idKey !== undefined) throw corrupt('the metadata holds an ID key');
  const schemaKinds = m.schema !== null && typeof m.schema === 'object' ? Object.values(m.schema).map((f) => (f as { kind?: unknown } | null)?.kind) : [];
  if (schemaKinds.includes('identifier') && (m.identifierForm ?? 1) !== IDENTIFIER_FORM_VERSION) {
    throw new KhopError('SNAPSHOT_VERSION', 'Register.load: the register stores its identifier fields in an earlier form (e-mail addresses without their punctuation); rebuild it from its rows with this version', {
      details: { found: m.identifierForm ?? 1, supported: IDENTIFIER_FORM_VERSION },
    });
  }
  return stateFromParts(m, snap.store, snap.indexes, true, keyed);
}

/**
 * A register state from its metadata, store and indexes (a snapshot, or the shared parts a
 * worker thread receives). `growable`: make the store appendable (a loaded register); a
 * worker's read-only view passes false.
 */
export function stateFromParts(m: RegisterMeta, store: RecordStore, indexes: readonly BlockIndex[], growable: boolean, keyed: KeyedIdHasher | null = null): RegisterState {
  let state: RegisterState;
  // A worker's job carries the derived ID key in memory (never a file: loadRegister refuses it).
  const hasher = keyed ?? (m.idKey !== undefined ? KeyedIdHasher.fromKey(m.idKey) : null);
  if ((hasher === null) !== (m.keyCheck === undefined) || (hasher !== null && !hasher.matches(m.keyCheck))) {
    throw new KhopError('INVALID_OPTION', 'register: the ID key does not match the register', { details: { option: 'idSecret' } });
  }
  try {
    const schema = defineSchema(m.schema);
    const o = m.options;
    const layout = registerLayout(schema, o.idField !== null, hasher);
    const cols = store.columns;
    if (cols.length !== layout.columns.length || cols.some((c, i) => c.name !== layout.columns[i]!.name || c.type !== layout.columns[i]!.type)) {
      throw corrupt('the store columns do not match the schema');
    }
    const expected = m.hasCandidateIndex ? 3 : 2;
    if (indexes.length !== expected) throw corrupt('the index count does not match');
    if (!isInt(m.baseRows, 0, store.rowCount) || !isInt(m.inputRows, 0, Number.MAX_SAFE_INTEGER) || !isInt(m.deadPending, 0, store.rowCount)) {
      throw corrupt('the row counts do not match the store');
    }
    for (const ix of indexes) if (ix.rowCount !== m.baseRows) throw corrupt('an index does not cover the base rows');
    const firstRecordId = o.firstRecordId ?? 0;
    if (!isInt(firstRecordId, 0, Number.MAX_SAFE_INTEGER)) throw corrupt('the first record id is not an integer');
    // The options as Register.build resolves them (register-options.ts): an idField that is not
    // a string would reject every later add NO_RECORD_ID; a maxPendingChanges that is not a
    // count would compact on every change, or never.
    if (!isColumnOption(o.idField) || !isColumnOption(o.earlierIdsField) || typeof o.candidateSearch !== 'boolean' || !isInt(o.maxPendingChanges, 1, 2 ** 31 - 1)) {
      throw corrupt('the options are malformed');
    }
    const tombstones = new Tombstones();
    let deadBase = 0;
    for (const row of u32Of(m.tombstones, 'tombstones')) {
      if (row >= store.rowCount) throw corrupt('a tombstone names a row beyond the store');
      if (tombstones.add(row) && row < m.baseRows) deadBase++;
    }
    // deadPending counts dead rows the base indexes still list: some of the dead base rows.
    if (m.deadPending > deadBase) throw corrupt('the pending removals do not match the tombstones');
    const issues = issuesOf(m.issues);
    state = {
      schema,
      layout,
      options: {
        idField: o.idField,
        firstRecordId,
        earlierIdsField: o.earlierIdsField,
        candidateSearch: o.candidateSearch,
        maxPendingChanges: o.maxPendingChanges,
      },
      policy: resolvePolicy(schema, m.policy),
      model: FellegiSunterModel.fromJSON(m.model),
      store: growable ? appendable(store) : store,
      dictionary: new CategoryDictionary(layout.fields.length, dictionaryOf(m.dictionary, layout.fields.length)),
      baseRows: m.baseRows,
      idIndex: indexes[0]!,
      earlierIndex: indexes[1]!,
      candidateIndex: m.hasCandidateIndex ? indexes[2]! : null,
      deltaId: decodeDelta(m.delta?.id, 'delta.id', m.baseRows, store.rowCount),
      deltaEarlier: decodeDelta(m.delta?.earlier, 'delta.earlier', m.baseRows, store.rowCount),
      deltaCandidate: decodeDelta(m.delta?.candidate, 'delta.candidate', m.baseRows, store.rowCount),
      tombstones,
      deadPending: m.deadPending,
      inputRows: m.inputRows,
      rejected: [],
      rejectedCount: isInt(m.rejectedCount, 0, Number.MAX_SAFE_INTEGER) ? m.rejectedCount : 0,
      issues,
    };
  } catch (e) {
    if (isKhopError(e) && e.code.startsWith('SNAPSHOT_')) throw e;
    throw corrupt('the metadata is inconsistent', e);
  }
  return state;
}

/**
 * A loaded store that later appends can grow. A text column whose open (partial) last chunk
 * holds no bytes at all comes back from a snapshot with a 0-byte pool, which RecordStore
 * cannot grow by doubling; such a store is copied once into a fresh one (rare: only when every
 * value of that column in the last chunk is empty).
 */
function appendable(store: RecordStore): RecordStore {
  const k = store.chunkCount - 1;
  if (k < 0 || store.chunkLength(k) === store.chunkRows) return store;
  let stuck = false;
  for (let c = 0; c < store.columns.length && !stuck; c++) {
    const ch = store.columnChunk(c, k);
    if (ch.pool !== null && ch.pool.byteLength === 0) stuck = true;
  }
  return stuck ? copyStore(store, null) : store;
}
