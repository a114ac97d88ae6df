/**
 * Bytes → text for the CSV and NDJSON readers: byte-order-mark detection and streaming,
 * non-fatal decoding.
 *
 *   EF BB BF → UTF-8      FF FE → UTF-16 LE      FE FF → UTF-16 BE      none → UTF-8
 *
 * Windows-1258 (the Vietnamese code page) has no mark: it is read only when asked for.
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

/** The encodings a caller may force (every TextEncodingName). */
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1258'];

const ENCODINGS: readonly EncodingOption[] = ['auto', ...TEXT_ENCODINGS];

/** Adds a problem (for one KhopError('INVALID_OPTION') listing all) unless `value` is an EncodingOption. */
export function checkEncodingOption(value: unknown, problems: string[]): void {
  if (value !== undefined && !ENCODINGS.includes(value as EncodingOption)) {
    problems.push(`encoding: expected one of ${ENCODINGS.join(', ')}`);
  }
}

/**
 * Why text holding U+FFFD was rejected (INVALID_ENCODING, the CSV and NDJSON readers). Read as
 * UTF-8, the usual cause in Vietnamese data is a file saved in the Windows code page: named.
 */
export function invalidEncodingText(encoding: TextEncodingName | null): string {
  const hint = encoding === 'utf-8' ? "; a file saved in the Vietnamese Windows code page reads with encoding 'windows-1258' (khop: --encoding windows-1258)" : '';
  return `U+FFFD: bytes that are not valid ${encoding ?? 'text'} (or a literal replacement character)${hint}`;
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
    yield* decodePieces(decoder, chunk);
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * Bytes decoded at a time (decodePieces): the text of one piece is at most 32 Ki UTF-16 units,
 * 64 KiB — below V8's largest ordinary heap object (128 KiB). A longer string is allocated in
 * the large-object space, fresh memory each time, and decoding through such strings was ×5–8
 * slower: 84 MB of Vietnamese claims (Node 20, this machine) took 870–1,130 ms to decode as the
 * reader's 128 KiB chunks, 100–160 ms as 32 KiB pieces (64 KiB pieces were as fast for that
 * file, but a 64 KiB piece of ASCII with one two-byte character decodes to a 128 KiB string).
 * Reading 1M claims through openRecords: 1.73 → 0.82 s; 1M register rows 3.18 → 1.54 s (medians
 * of 5, old and new alternating in one process).
 *
 * The pieces of a file parsed in parallel (csv-pieces.ts: dedupe's 256 KiB, the register
 * build's 2 MiB) are decoded in these slices too: dedupe's prepare phase ×0.91; the register's
 * CSV build unchanged (1M rows, 2 threads, eight runs each way: wall medians 7.76 / 7.82 s, CPU
 * 14.1 / 14.3 s). There a piece's rows are held until the whole piece is ingested, so texts cut
 * from young slices survive scavenges and are copied by them — an earlier build, before the
 * ingest's later changes, measured ×1.09 the CPU time for it — which takes back what the
 * cheaper decode saves.
 */
export const DECODE_PIECE_BYTES = 1 << 15;

/**
 * `bytes` decoded by `decoder` in streaming mode, DECODE_PIECE_BYTES at a time (a multi-byte
 * sequence cut between pieces or chunks is carried by the decoder): each non-empty text. The
 * caller ends the stream (`decoder.decode()`). Bytes on a SharedArrayBuffer, which a
 * TextDecoder refuses, are copied a piece at a time.
 */
export function* decodePieces(decoder: TextDecoder, bytes: Uint8Array): Generator<string, void, undefined> {
  const n = bytes.byteLength;
  const scratch = bytes.buffer instanceof SharedArrayBuffer ? new Uint8Array(Math.min(n, DECODE_PIECE_BYTES)) : null;
  for (let at = 0; at < n; at += DECODE_PIECE_BYTES) {
    const end = Math.min(n, at + DECODE_PIECE_BYTES);
    let piece = bytes.subarray(at, end);
    if (scratch !== null) {
      scratch.set(piece);
      piece = scratch.subarray(0, end - at);
    }
    const text = decoder.decode(piece, { stream: true });
    if (text.length > 0) yield text;
  }
}
