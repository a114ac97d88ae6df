// Shared helpers for the io tests (not a test file itself).
import type { RecordItem, RecordSource } from '../../src/io/record-types.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** An async iterable yielding `bytes` cut at the given offsets (chunk-boundary tests). */
export async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > prev && c < bytes.byteLength) {
      yield bytes.slice(prev, c);
      prev = c;
    }
  }
  yield bytes.slice(prev);
}

/** All items of a source. */
export async function collect(src: RecordSource): Promise<RecordItem[]> {
  const out: RecordItem[] = [];
  for await (const it of src) out.push(it);
  return out;
}

/** Accepted rows' values as plain objects (for toEqual). */
export function rowsOf(items: readonly RecordItem[]): Array<Record<string, unknown>> {
  return items.filter((i) => i.kind === 'row').map((i) => ({ ...(i as { values: Record<string, unknown> }).values }));
}

/** Rejected items only. */
export function rejectedOf(items: readonly RecordItem[]) {
  return items.filter((i) => i.kind === 'rejected') as Array<Extract<RecordItem, { kind: 'rejected' }>>;
}
