/**
 * Code units back to JavaScript strings, and growable scratch buffers — shared by the text
 * normaliser and folder, the phonetic encoders and the register's name comparison, which
 * build their output in a reused buffer (no per-character string concatenation) and
 * materialise exactly one string at the end.
 *
 * Trade-off: the string is made by Node's Buffer decoders — `toString('latin1')` for ASCII
 * bytes, `toString('utf16le')` for UTF-16 code units (raw units: lone surrogates kept) — which
 * for name-sized text are about twice as fast as `String.fromCharCode.apply` on a subarray
 * (measured, Node 20, 16 units: ~70 vs ~155 ns for bytes, ~92 vs ~168 ns for UTF-16 units).
 * Scratch buffers are Node `Buffer`s; a plain `Uint8Array`, or UTF-16 units on a big-endian
 * machine, take the portable path. Scratch buffers are module-level in their users and
 * therefore not re-entrant; every user is synchronous and never calls back into user code
 * while holding one, so that is safe.
 */

/** Largest argument count passed to `String.fromCharCode.apply` at once (stack-safe). */
const CHUNK = 4096;

/** `bytes[start .. start + length)` (ASCII) as a string. */
export function asciiBytesToString(bytes: Uint8Array, length: number, start = 0): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', start, start + length);
  let s = '';
  for (let i = start; i < start + length; i += CHUNK) {
    const j = Math.min(start + length, i + CHUNK);
    s += String.fromCharCode.apply(null, bytes.subarray(i, j) as unknown as number[]);
  }
  return s;
}

/** Uint16Array elements are little-endian here (what Buffer's 'utf16le' reads). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A Buffer over the bytes of each Uint16Array unitsToString has read (made once per array). */
const unitViews = new WeakMap<Uint16Array, Buffer>();

/** The string of the UTF-16 code units `units[0 .. length)` (unpaired surrogates kept as they are). */
export function unitsToString(units: Uint16Array, length: number): string {
  if (LITTLE_ENDIAN) {
    let view = unitViews.get(units);
    if (view === undefined) {
      view = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
      unitViews.set(units, view);
    }
    return view.toString('utf16le', 0, 2 * length);
  }
  let s = '';
  for (let i = 0; i < length; i += CHUNK) {
    s += String.fromCharCode.apply(null, units.subarray(i, Math.min(length, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

/** A scratch buffer of `size` bytes (a Node `Buffer`, zero-filled, not from the shared pool). */
export function scratchBuffer(size: number): Uint8Array {
  return Buffer.alloc(size);
}

/** A buffer of at least `size` bytes: `buf` itself when large enough, else a new one (2× growth). */
export function ensureCapacity(buf: Uint8Array, size: number): Uint8Array {
  if (buf.length >= size) return buf;
  let n = buf.length === 0 ? 64 : buf.length;
  while (n < size) n *= 2;
  return scratchBuffer(n);
}
