/**
 * Bytes → text for the CSV and NDJSON readers: byte-order-mark detection and streaming,
 * non-fatal decoding.
 *
 *   EF BB BF → UTF-8      FF FE → UTF-16 LE      FE FF → UTF-16 BE      none → UTF-8
 *
 * (Excel's "Unicode text" export is UTF-16 LE with a BOM; its "CSV UTF-8" is UTF-8 with one.)
 * The BOM is removed; a BOM-looking sequence later in the text is kept as text.
 *
 * Trade-off: decoding is non-fatal (`TextDecoder` with `fatal: false`): an invalid byte
 * sequence becomes U+FFFD and the reader rejects the ROW that contains it, instead of aborting
 * the whole file on one bad byte. Consequence, documented for users: a genuine U+FFFD
 * character in the input is indistinguishable from a decoding error, and its row is rejected
 * too (code INVALID_ENCODING). `TextDecoder` in streaming mode carries a multi-byte sequence
 * split across chunks, so chunk boundaries never create false U+FFFD.
 */
import { TextDecoder } from 'node:util';
import { KhopError } from '../errors.js';
import type { TextEncodingName } from './record-types.js';

/** 'auto' = by byte-order mark, else UTF-8. */
export type EncodingOption = 'auto' | TextEncodingName;

const ENCODINGS: readonly EncodingOption[] = ['auto', 'utf-8', 'utf-16le', 'utf-16be'];

/** Adds a problem (for one KhopError('INVALID_OPTION') listing all) unless `value` is an EncodingOption. */
export function checkEncodingOption(value: unknown, problems: string[]): void {
  if (value !== undefined && !ENCODINGS.includes(value as EncodingOption)) {
    problems.push(`encoding: expected one of ${ENCODINGS.join(', ')}`);
  }
}

/** The encoding of some leading bytes and the length of their BOM (0 if none). */
export function sniffEncoding(head: Uint8Array, option: EncodingOption = 'auto'): { encoding: TextEncodingName; bomLength: number } {
  let bom: TextEncodingName | null = null;
  let bomLength = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    bom = 'utf-8';
    bomLength = 3;
  } else if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    bom = 'utf-16le';
    bomLength = 2;
  } else if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    bom = 'utf-16be';
    bomLength = 2;
  }
  if (option === 'auto') return { encoding: bom ?? 'utf-8', bomLength };
  // A forced encoding strips only its own BOM.
  return { encoding: option, bomLength: bom === option ? bomLength : 0 };
}

/**
 * Decode a stream of byte chunks into text chunks, skipping the first `bomLength` bytes.
 * Invalid sequences become U+FFFD (see the file header). Empty text chunks are not yielded.
 */
export async function* decodeChunks(chunks: AsyncIterable<Uint8Array>, encoding: TextEncodingName, bomLength: number): AsyncGenerator<string> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
  } catch (e) {
    throw new KhopError('INVALID_OPTION', `encoding: this Node.js build cannot decode ${encoding}`, { cause: e });
  }
  let skip = bomLength;
  for await (let chunk of chunks) {
    if (skip > 0) {
      const n = Math.min(skip, chunk.byteLength);
      skip -= n;
      chunk = chunk.subarray(n);
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}
