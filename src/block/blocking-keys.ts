/**
 * Blocking keys: for one rule, the 64-bit XXH64 hash of every row's key bytes.
 *
 * Key bytes = the parts' bytes (see blocking-rule.ts for the transforms) joined by 0x1F:
 *
 *   rule first(given,3) & year(dob), row {given:"thanh", dob:19900512}
 *   key bytes  74 68 61 1F 31 39 39 30      "tha" US "1990"
 *
 * Text parts are copied byte for byte from the store's chunk pool into the hasher (a rule with
 * one text part pushes the pool span itself: no copy at all) — no string is created per row.
 * Numbers are written as decimal ASCII digits (so a printed key reads like the value).
 *
 * Output (trade-off): instead of lo/hi arrays of one entry per store row, the keys come
 * COMPACTED to the rows that have a key — `rows[i]` (ascending), `lo[i]`, `hi[i]` — plus a
 * `hasKey` flag per row. That is exactly the input the index sort consumes (no second copy)
 * and saves 8 bytes for every row without a key; `hasKey[row]` still answers "does this row
 * have a key" in O(1). All arrays are on SharedArrayBuffer.
 *
 * References: XXH64, Yann Collet (https://github.com/Cyan4973/xxHash), via src/hash.
 */
import { KhopError } from '../errors.js';
import { checkInteger, checkStore } from '../util/arg-check.js';
import { KeyHasher } from '../hash/key-hasher.js';
import { KEY_PART_SEPARATOR, checkRuleShape, validateRules, type BlockingRule, type KeyTransform } from './blocking-rule.js';
import type { CellValue, ColumnChunk, ColumnSpec, RecordStore } from './record-store.js';

/** The hashed keys of one rule over one store. */
export interface RuleKeys {
  /** Rows in the store when the keys were built. */
  readonly rowCount: number;
  /** Rows with a key (length of `rows`, `lo`, `hi`). */
  readonly count: number;
  /** Ids of the rows with a key, ascending. */
  readonly rows: Uint32Array;
  /** Low 32 bits of each key hash (parallel to `rows`). */
  readonly lo: Uint32Array;
  /** High 32 bits of each key hash. */
  readonly hi: Uint32Array;
  /** 1 when the row has a key for this rule, else 0 (one entry per store row). */
  readonly hasKey: Uint8Array;
}

/** Default XXH64 seed of blocking keys. */
export const DEFAULT_KEY_SEED = 0n;

/** Options of {@link buildRuleKeys}. */
export interface BuildKeysOptions {
  /** XXH64 seed (bigint in [0, 2^64)); lookups must use the same one. Default {@link DEFAULT_KEY_SEED}. */
  seed?: bigint;
  /** A hasher to reuse (its seed wins over `seed`). Default: a new KeyHasher. */
  hasher?: KeyHasher;
}

// Compiled part kinds.
const K_TEXT = 0;
const K_FIRST = 1;
const K_LAST = 2;
const K_NUM = 3;
const K_YEAR = 4;
const K_YEARMONTH = 5;

interface CompiledPart {
  readonly col: number;
  readonly kind: number;
  readonly n: number;
  /** An ASCII column: a `_` starts a 5-byte letter of another script (foldKeepingScripts), counted as one by first / last. */
  readonly coded: boolean;
}

/** `_`: the first byte of a letter of another script written by foldKeepingScripts (`_` + 4 base-36 digits). */
const CODE_MARK = 0x5f;
const CODE_BYTES = 5;

/**
 * The end of the first `n` letters of bytes [s, e): a `_xxxx` code is one letter — so that
 * first(email, 8) keeps 8 letters of a Cyrillic e-mail, not its first letter and half a code.
 */
export function firstLettersEnd(bytes: Uint8Array, s: number, e: number, n: number): number {
  let j = s;
  for (let k = 0; k < n && j < e; k++) j += bytes[j] === CODE_MARK ? CODE_BYTES : 1;
  return j < e ? j : e;
}

/** The start of the last `n` letters of bytes [s, e) (a `_xxxx` code is one letter; see firstLettersEnd). */
export function lastLettersStart(bytes: Uint8Array, s: number, e: number, n: number): number {
  let j = e;
  // The last letter is a code exactly when a `_` stands 5 bytes back: no other byte of a code,
  // nor any Latin letter, is a `_`.
  for (let k = 0; k < n && j > s; k++) j -= j - CODE_BYTES >= s && bytes[j - CODE_BYTES] === CODE_MARK ? CODE_BYTES : 1;
  return j;
}

function compile(rule: BlockingRule, columns: readonly ColumnSpec[]): CompiledPart[] {
  return rule.parts.map((p) => {
    const col = columns.findIndex((c) => c.name === p.column);
    const t: KeyTransform = p.transform ?? 'exact';
    const type = columns[col]!.type;
    const textual = type === 'ascii' || type === 'utf8';
    const kind = t === 'first' ? K_FIRST : t === 'last' ? K_LAST : t === 'year' ? K_YEAR : t === 'yearMonth' ? K_YEARMONTH : textual ? K_TEXT : K_NUM;
    return { col, kind, n: p.n ?? 0, coded: type === 'ascii' };
  });
}

/**
 * Writes the decimal digits of v at buf[pos..]; returns the new position. Integers within
 * ±2^53 are written digit by digit (no allocation); other numbers go through String(v).
 */
function writeNumber(buf: Uint8Array, pos: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    if (v < 0) {
      buf[pos++] = 0x2d; // '-'
      v = -v;
    }
    // Count digits, then fill from the right.
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = pos + digits - 1;
    do {
      buf[p--] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    return pos + digits;
  }
  const s = String(v);
  for (let j = 0; j < s.length; j++) buf[pos++] = s.charCodeAt(j);
  return pos;
}

/** Per-chunk views of the rule's columns. */
interface PartViews {
  chunks: ColumnChunk[];
}

/**
 * Builds one row's key into `scratch` from per-chunk views; returns its length, or −1 when the
 * row has no key. `scratch` must hold the longest possible key (checked by the caller).
 */
function writeKey(parts: readonly CompiledPart[], views: PartViews, i: number, scratch: Uint8Array): number {
  let len = 0;
  const byte = i >>> 3;
  const bit = 1 << (i & 7);
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const ch = views.chunks[p]!;
    if ((ch.nulls[byte]! & bit) !== 0) return -1;
    if (p > 0) scratch[len++] = KEY_PART_SEPARATOR;
    const kind = part.kind;
    if (kind <= K_LAST) {
      const off = ch.offsets!;
      let s = off[i]!;
      let e = off[i + 1]!;
      if (s === e) return -1;
      const pool = ch.pool!;
      if (kind === K_FIRST) {
        if (e - s > part.n) e = part.coded ? firstLettersEnd(pool, s, e, part.n) : s + part.n;
      } else if (kind === K_LAST) {
        if (e - s > part.n) s = part.coded ? lastLettersStart(pool, s, e, part.n) : e - part.n;
      }
      for (let j = s; j < e; j++) scratch[len++] = pool[j]!;
    } else {
      const v = ch.values![i]!;
      if (kind === K_NUM) {
        len = writeNumber(scratch, len, v);
      } else {
        // Packed date yyyymmdd: year = ⌊v / 10^4⌋, month = ⌊v / 100⌋ mod 100; 0 = unknown.
        const year = Math.floor(v / 10000);
        if (year <= 0) return -1;
        if (kind === K_YEAR) {
          len = writeNumber(scratch, len, year);
        } else {
          const month = Math.floor(v / 100) % 100;
          if (month === 0) return -1;
          len = writeNumber(scratch, len, year * 100 + month);
        }
      }
    }
  }
  return len;
}

/** Upper bound of a row's key length (for sizing the scratch buffer). */
function maxKeyLength(parts: readonly CompiledPart[], views: PartViews, i: number): number {
  let len = parts.length; // separators (one too many: fine)
  for (let p = 0; p < parts.length; p++) {
    const ch = views.chunks[p]!;
    const kind = parts[p]!.kind;
    len += kind <= K_LAST ? ch.offsets![i + 1]! - ch.offsets![i]! : 32; // a number prints in ≤ 24 chars
  }
  return len;
}

/** True when the row has every part of the rule (the same tests as writeKey, without bytes). */
function hasAllParts(parts: readonly CompiledPart[], views: PartViews, i: number): boolean {
  const byte = i >>> 3;
  const bit = 1 << (i & 7);
  for (let p = 0; p < parts.length; p++) {
    const ch = views.chunks[p]!;
    if ((ch.nulls[byte]! & bit) !== 0) return false;
    const kind = parts[p]!.kind;
    if (kind <= K_LAST) {
      if (ch.offsets![i] === ch.offsets![i + 1]) return false;
    } else if (kind >= K_YEAR) {
      const v = ch.values![i]!;
      if (Math.floor(v / 10000) <= 0) return false;
      if (kind === K_YEARMONTH && Math.floor(v / 100) % 100 === 0) return false;
    }
  }
  return true;
}

function viewsOf(store: RecordStore, parts: readonly CompiledPart[], k: number): PartViews {
  return { chunks: parts.map((p) => store.columnChunk(p.col, k)) };
}

/** Hash every row's key for `rule` (validated first; see RuleKeys for the output shape). */
export function buildRuleKeys(store: RecordStore, rule: BlockingRule, options?: BuildKeysOptions): RuleKeys {
  checkStore('buildRuleKeys', 'store', store);
  validateRules([rule], store);
  const seed = options?.seed ?? DEFAULT_KEY_SEED;
  const hasher = options?.hasher ?? new KeyHasher({ seed });
  const parts = compile(rule, store.columns);
  const rowCount = store.rowCount;
  const C = store.chunkRows;
  const hasKey = new Uint8Array(new SharedArrayBuffer(Math.max(1, rowCount))).subarray(0, rowCount);

  // Pass 1: which rows have a key (exact sizes for the shared arrays).
  let count = 0;
  for (let k = 0; k < store.chunkCount; k++) {
    const views = viewsOf(store, parts, k);
    const n = store.chunkLength(k);
    const base = k * C;
    for (let i = 0; i < n; i++) {
      if (hasAllParts(parts, views, i)) {
        hasKey[base + i] = 1;
        count++;
      }
    }
  }
  const rows = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, count))).subarray(0, count);
  const lo = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, count))).subarray(0, count);
  const hi = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, count))).subarray(0, count);

  // Pass 2: key bytes → hasher (batched; results land at lo[j], hi[j]).
  hasher.setOutput(lo, hi);
  let scratch = new Uint8Array(256);
  let j = 0;
  const single = parts.length === 1 && parts[0]!.kind <= K_LAST;
  for (let k = 0; k < store.chunkCount; k++) {
    const views = viewsOf(store, parts, k);
    const n = store.chunkLength(k);
    const base = k * C;
    if (single) {
      // One text part: push the pool span itself, no scratch copy.
      const ch = views.chunks[0]!;
      const off = ch.offsets!;
      const pool = ch.pool!;
      const kind = parts[0]!.kind;
      const pn = parts[0]!.n;
      const coded = parts[0]!.coded;
      for (let i = 0; i < n; i++) {
        if (hasKey[base + i] === 0) continue;
        let s = off[i]!;
        let e = off[i + 1]!;
        if (kind === K_FIRST && e - s > pn) e = coded ? firstLettersEnd(pool, s, e, pn) : s + pn;
        else if (kind === K_LAST && e - s > pn) s = coded ? lastLettersStart(pool, s, e, pn) : e - pn;
        rows[j] = base + i;
        hasher.pushBytes(pool, s, e, j);
        j++;
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (hasKey[base + i] === 0) continue;
      const need = maxKeyLength(parts, views, i);
      if (need > scratch.length) scratch = new Uint8Array(Math.max(need, 2 * scratch.length));
      const len = writeKey(parts, views, i, scratch);
      if (len < 0) throw new KhopError('INTERNAL', 'buildRuleKeys: key presence changed between passes');
      rows[j] = base + i;
      hasher.pushBytes(scratch, 0, len, j);
      j++;
    }
  }
  hasher.flush();
  return { rowCount, count, rows, lo, hi, hasKey };
}

/** A rule compiled against a store's columns: what {@link hashRuleKeysInRange} runs. */
export interface CompiledRuleKeys {
  readonly parts: readonly CompiledPart[];
}

/** Validate `rule` against `store` and compile it (once per store and rule; cheap). */
export function compileRuleKeys(store: RecordStore, rule: BlockingRule): CompiledRuleKeys {
  validateRules([rule], store);
  return { parts: compile(rule, store.columns) };
}

/**
 * Hash the keys of rows [from, to) NOT compacted: row r's hash lands at lo[r], hi[r] (arrays of
 * at least `to` elements) and hasKey[r] = 1 when it has a key (rows without one are left as they
 * are). Returns the number of keyed rows in the range. The same bytes and hashes as
 * {@link buildRuleKeys}; ranges are independent, so worker threads can each take one
 * (src/pool/parallel-index.ts). The hasher's output is pointed at lo / hi and flushed.
 */
export function hashRuleKeysInRange(
  store: RecordStore,
  compiled: CompiledRuleKeys,
  hasher: KeyHasher,
  from: number,
  to: number,
  lo: Uint32Array,
  hi: Uint32Array,
  hasKey: Uint8Array,
): number {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > store.rowCount || to > lo.length || to > hi.length || to > hasKey.length) {
    throw new KhopError('INVALID_ARGUMENT', 'hashRuleKeysInRange: rows [from, to) must lie in the store and the output arrays');
  }
  const parts = compiled.parts;
  const C = store.chunkRows;
  hasher.setOutput(lo, hi);
  let scratch = new Uint8Array(256);
  let count = 0;
  const single = parts.length === 1 && parts[0]!.kind <= K_LAST;
  const kind0 = parts[0]!.kind;
  const n0 = parts[0]!.n;
  const coded0 = parts[0]!.coded;
  for (let k = Math.floor(from / C); k * C < to; k++) {
    const views = viewsOf(store, parts, k);
    const base = k * C;
    const start = Math.max(0, from - base);
    const end = Math.min(store.chunkLength(k), to - base);
    for (let i = start; i < end; i++) {
      if (!hasAllParts(parts, views, i)) continue;
      const row = base + i;
      hasKey[row] = 1;
      count++;
      if (single) {
        // One text part: push the pool span itself, no scratch copy (as buildRuleKeys does).
        const off = views.chunks[0]!.offsets!;
        const pool0 = views.chunks[0]!.pool!;
        let s = off[i]!;
        let e = off[i + 1]!;
        if (kind0 === K_FIRST && e - s > n0) e = coded0 ? firstLettersEnd(pool0, s, e, n0) : s + n0;
        else if (kind0 === K_LAST && e - s > n0) s = coded0 ? lastLettersStart(pool0, s, e, n0) : e - n0;
        hasher.pushBytes(pool0, s, e, row);
        continue;
      }
      const need = maxKeyLength(parts, views, i);
      if (need > scratch.length) scratch = new Uint8Array(Math.max(need, 2 * scratch.length));
      const len = writeKey(parts, views, i, scratch);
      if (len < 0) throw new KhopError('INTERNAL', 'hashRuleKeysInRange: key presence changed between tests');
      hasher.pushBytes(scratch, 0, len, row);
    }
  }
  hasher.flush();
  return count;
}

/**
 * The key bytes of one stored row under `rule` (null when the row has no key). Allocates:
 * for reports, tests and lookups, not for bulk work.
 */
export function rowKeyBytes(store: RecordStore, rule: BlockingRule, row: number): Uint8Array | null {
  if (!Number.isInteger(row) || row < 0 || row >= store.rowCount) {
    throw new KhopError('INVALID_ARGUMENT', `rowKeyBytes: row ${row} out of range`);
  }
  const parts = compile(rule, store.columns);
  const k = Math.floor(row / store.chunkRows);
  const i = row - k * store.chunkRows;
  const views = viewsOf(store, parts, k);
  if (!hasAllParts(parts, views, i)) return null;
  const scratch = new Uint8Array(maxKeyLength(parts, views, i));
  const len = writeKey(parts, views, i, scratch);
  return len < 0 ? null : scratch.slice(0, len);
}

/**
 * The key bytes a record with these values would get under `rule` (null when a part is
 * missing) — how a query (e.g. a claim to authenticate) is keyed exactly like stored rows.
 * `values` maps column names to cell values of the column's type; text is encoded as the store
 * would (ascii: must be ASCII; utf8: UTF-8).
 */
export function recordKeyBytes(rule: BlockingRule, columns: readonly ColumnSpec[], values: Readonly<Record<string, CellValue>>): Uint8Array | null {
  validateRules([rule], columns);
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of rule.parts) {
    const type = columns.find((c) => c.name === part.column)!.type;
    const v = values[part.column];
    if (v === null || v === undefined) return null;
    const t = part.transform ?? 'exact';
    if (type === 'ascii' || type === 'utf8') {
      if (typeof v !== 'string') throw new KhopError('INVALID_ARGUMENT', `recordKeyBytes: column "${part.column}" expects a string`);
      if (v.length === 0) return null;
      if (type === 'ascii') {
        for (let j = 0; j < v.length; j++) {
          if (v.charCodeAt(j) > 0x7f) throw new KhopError('INVALID_ARGUMENT', `recordKeyBytes: column "${part.column}" accepts ASCII only`);
        }
      }
      let bytes = encoder.encode(v);
      const coded = type === 'ascii';
      if (t === 'first' && bytes.length > part.n!) bytes = bytes.subarray(0, coded ? firstLettersEnd(bytes, 0, bytes.length, part.n!) : part.n!);
      else if (t === 'last' && bytes.length > part.n!) bytes = bytes.subarray(coded ? lastLettersStart(bytes, 0, bytes.length, part.n!) : bytes.length - part.n!);
      chunks.push(bytes);
    } else {
      if (typeof v !== 'number') throw new KhopError('INVALID_ARGUMENT', `recordKeyBytes: column "${part.column}" expects a number`);
      const buf = new Uint8Array(32);
      let len: number;
      if (t === 'year' || t === 'yearMonth') {
        const year = Math.floor(v / 10000);
        if (year <= 0) return null;
        const month = Math.floor(v / 100) % 100;
        if (t === 'yearMonth' && month === 0) return null;
        len = writeNumber(buf, 0, t === 'year' ? year : year * 100 + month);
      } else {
        len = writeNumber(buf, 0, v);
      }
      chunks.push(buf.subarray(0, len));
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0) + chunks.length - 1;
  const out = new Uint8Array(total);
  let p = 0;
  chunks.forEach((c, i) => {
    if (i > 0) out[p++] = KEY_PART_SEPARATOR;
    out.set(c, p);
    p += c.length;
  });
  return out;
}

/**
 * The key of a stored row as display text (parts joined by " | "), or null when it has none.
 * This is record data: show it only to someone allowed to see the records.
 */
export function rowKeyText(store: RecordStore, rule: BlockingRule, row: number): string | null {
  checkStore('rowKeyText', 'store', store);
  checkRuleShape('rowKeyText', 'rule', rule);
  checkInteger('rowKeyText', 'row', row, 0, Math.max(0, store.rowCount - 1));
  const bytes = rowKeyBytes(store, rule, row);
  if (bytes === null) return null;
  const text = new TextDecoder().decode(bytes);
  return text.split(String.fromCharCode(KEY_PART_SEPARATOR)).join(' | ');
}
