// Shared helpers of the reliability tests (not a test file itself): temp files, reading a
// whole RecordSource, error-code capture, prototype-pollution and planted-marker checks.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isKhopError, openRecords } from '../../src/index.js';
import type { OpenRecordsOptions, RecordItem, RecordSource, RejectedItem, RowItem } from '../../src/index.js';

/** A fresh temporary directory and a function removing it. */
export async function tempDir(prefix = 'khop-rel-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ReadResult {
  source: RecordSource;
  items: RecordItem[];
  rows: RowItem[];
  rejected: RejectedItem[];
}

/** Write `content` to `dir/name`, open it with openRecords and read every item. */
export async function readFileRecords(dir: string, name: string, content: string | Uint8Array, options?: OpenRecordsOptions): Promise<ReadResult> {
  const path = join(dir, name);
  await writeFile(path, content);
  const source = await openRecords(path, options);
  const items: RecordItem[] = [];
  for await (const it of source) items.push(it);
  return {
    source,
    items,
    rows: items.filter((i): i is RowItem => i.kind === 'row'),
    rejected: items.filter((i): i is RejectedItem => i.kind === 'rejected'),
  };
}

/** The KhopError code a call throws (or rejects with); 'NO_THROW', or 'NOT_KHOP: <name>' for a foreign error. */
export async function errorCode(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'NO_THROW';
  } catch (e) {
    if (isKhopError(e)) return e.code;
    return `NOT_KHOP: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

/** The KhopError a call throws (fails the test when it does not throw one). */
export async function khopErrorOf(fn: () => unknown): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await fn();
  } catch (e) {
    if (isKhopError(e)) return { code: e.code, message: e.message, details: e.details };
    throw new Error(`expected a KhopError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a KhopError, the call succeeded');
}

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
const BASELINE = new Map(PROTOTYPES.map(([n, p]) => [n, Reflect.ownKeys(p).map(String).sort().join(',')]));

/** Assert that no built-in prototype gained or lost a property (no prototype pollution). */
export function expectNoPollution(): void {
  for (const [name, proto] of PROTOTYPES) {
    expect(Reflect.ownKeys(proto).map(String).sort().join(','), name).toBe(BASELINE.get(name));
  }
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

/** Texts (messages, reasons, output) containing any of the markers, with the marker found. */
export function leaks(texts: readonly string[], markers: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    const lower = t.toLowerCase();
    for (const m of markers) if (lower.includes(m.toLowerCase())) out.push(`${m} in: ${t.slice(0, 200)}`);
  }
  return out;
}

/** JSON text of any value (bigint as a decimal string, typed arrays as arrays). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}
