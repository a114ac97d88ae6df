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

/**
 * `s` in the Vietnamese Windows code page (windows-1258), as older Vietnamese software saved
 * files: base letters (â ê ô ơ ư ă đ precomposed) and the five tones as combining bytes. Built
 * from the platform's own decoder, inverted (test data only: a character it cannot write throws).
 */
export function windows1258(s: string): Uint8Array {
  const decoder = new TextDecoder('windows-1258');
  const byteOf = new Map<string, number>();
  for (let b = 0; b < 256; b++) byteOf.set(decoder.decode(new Uint8Array([b])), b);
  const put = (c: string, out: number[]): void => {
    const b = byteOf.get(c);
    if (b === undefined) throw new Error(`windows1258: cannot write U+${c.codePointAt(0)!.toString(16)}`);
    out.push(b);
  };
  const out: number[] = [];
  for (const c of s.normalize('NFC')) {
    if (byteOf.has(c)) {
      put(c, out);
      continue;
    }
    // A letter with a tone: its base with circumflex, breve or horn is one byte, the tone another.
    const [base, ...marks] = [...c.normalize('NFD')];
    const shape = marks.find((m) => m === '\u0302' || m === '\u0306' || m === '\u031b');
    put(shape === undefined ? base! : (base! + shape).normalize('NFC'), out);
    for (const m of marks) if (m !== shape) put(m, out);
  }
  return Uint8Array.from(out);
}
