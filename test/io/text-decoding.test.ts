import { describe, expect, it } from 'vitest';
import { TextDecoder } from 'node:util';
import { DECODE_PIECE_BYTES, decodeChunks, decodePieces, sniffEncoding } from '../../src/io/text-decoding.js';
import { Rng } from '../../src/util/rng.js';
import { chunked, utf8 } from './io-test-helpers.js';

async function decodeAll(bytes: Uint8Array, cuts: number[], enc: 'utf-8' | 'utf-16le' | 'utf-16be', bom: number): Promise<string> {
  let s = '';
  for await (const t of decodeChunks(chunked(bytes, cuts), enc, bom)) s += t;
  return s;
}

describe('sniffEncoding', () => {
  it('reads the byte-order mark', () => {
    expect(sniffEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(sniffEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(sniffEncoding(new Uint8Array([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(sniffEncoding(utf8('abc'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(sniffEncoding(new Uint8Array([0xef, 0xbb]))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(sniffEncoding(new Uint8Array(0))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });

  it('a forced encoding strips only its own BOM', () => {
    expect(sniffEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0]), 'utf-16le')).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(sniffEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0]), 'utf-8')).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(sniffEncoding(utf8('ab'), 'utf-16be')).toEqual({ encoding: 'utf-16be', bomLength: 0 });
  });
});

describe('decodeChunks', () => {
  it('skips a BOM split over chunks and never breaks a split multi-byte character', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Nguyễn Đức Thắng')]);
    for (let a = 1; a < bytes.length; a++) {
      expect(await decodeAll(bytes, [a, a + 1], 'utf-8', 3)).toBe('Nguyễn Đức Thắng');
    }
  });

  it('keeps a BOM-looking character that is not at the start', async () => {
    expect(await decodeAll(utf8('a\ufeffb'), [], 'utf-8', 0)).toBe('a\ufeffb');
  });

  it('turns invalid bytes and a truncated final sequence into U+FFFD (non-fatal)', async () => {
    expect(await decodeAll(new Uint8Array([0x61, 0xff, 0x62]), [], 'utf-8', 0)).toBe('a\ufffdb');
    expect(await decodeAll(new Uint8Array([0x61, 0xe1, 0xba]), [1], 'utf-8', 0)).toBe('a\ufffd');
    expect(await decodeAll(new Uint8Array([0x61, 0x00, 0x3d, 0xd8]), [], 'utf-16le', 0)).toBe('a\ufffd'); // lone high surrogate
  });

  it('decodes UTF-16 BE with odd chunk boundaries', async () => {
    const s = 'Lê Văn Tám';
    const be = new Uint8Array(s.length * 2);
    for (let i = 0; i < s.length; i++) {
      be[2 * i] = s.charCodeAt(i) >>> 8;
      be[2 * i + 1] = s.charCodeAt(i) & 0xff;
    }
    expect(await decodeAll(be, [1, 3, 6], 'utf-16be', 0)).toBe(s);
  });
});

describe('decodePieces', () => {
  // Characters of 1–4 UTF-8 bytes, so the piece cuts fall inside every kind of sequence.
  const ALPHABET = ['a', ',', '\n', '9', 'ễ', 'Đ', 'ư', 'ờ', '\u00e9', '\u4e2d', '\u{1F600}', '\u{20BB7}', '"'];
  const textOf = (rng: Rng, n: number): string => {
    let s = '';
    while (s.length < n) s += rng.pick(ALPHABET);
    return s;
  };
  const encode = (s: string, enc: 'utf-8' | 'utf-16le' | 'utf-16be'): Uint8Array => {
    if (enc === 'utf-8') return new Uint8Array(Buffer.from(s, 'utf8'));
    const le = new Uint8Array(Buffer.from(s, 'utf16le'));
    if (enc === 'utf-16le') return le;
    for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
    return le;
  };

  it('gives the text of a one-shot decode for any chunking, every encoding, shared or not (seeded)', () => {
    const rng = new Rng(20261202);
    for (let round = 0; round < 24; round++) {
      const enc = (['utf-8', 'utf-16le', 'utf-16be'] as const)[round % 3];
      const text = textOf(rng, rng.int(3 * DECODE_PIECE_BYTES));
      let bytes = encode(text, enc);
      if (round % 4 === 3) bytes = bytes.subarray(0, bytes.length - 1 - rng.int(2)); // a truncated last character
      const whole = new TextDecoder(enc, { fatal: false, ignoreBOM: true }).decode(bytes);
      const decoder = new TextDecoder(enc, { fatal: false, ignoreBOM: true });
      const shared = round % 2 === 1;
      let out = '';
      let longest = 0;
      for (let at = 0; at < bytes.length; ) {
        const end = Math.min(bytes.length, at + 1 + rng.int(2 * DECODE_PIECE_BYTES + 7));
        let chunk = bytes.subarray(at, end);
        if (shared) {
          const copy = new Uint8Array(new SharedArrayBuffer(chunk.length));
          copy.set(chunk);
          chunk = copy;
        }
        for (const piece of decodePieces(decoder, chunk)) {
          expect(piece.length).toBeGreaterThan(0);
          longest = Math.max(longest, piece.length);
          out += piece;
        }
        at = end;
      }
      out += decoder.decode();
      expect(out).toBe(whole);
      // A piece's text never outgrows the bytes decoded at once (V8's ordinary heap objects).
      expect(longest).toBeLessThanOrEqual(DECODE_PIECE_BYTES + 2);
    }
  });
});
