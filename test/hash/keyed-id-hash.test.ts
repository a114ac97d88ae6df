import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { KEYED_ID_MAX_KEY_BYTES, KeyedIdHasher } from '../../src/hash/keyed-id-hash.js';
import { isKhopError } from '../../src/errors.js';

const hex = (words: Int32Array): string => Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const digestOf = (h: KeyedIdHasher, msg: string): string => {
  const out = new Int32Array(8);
  h.digest(msg, out);
  return hex(out);
};

describe('KeyedIdHasher', () => {
  it('passes the RFC 4231 HMAC-SHA-256 test cases 1–4', () => {
    const cases: Array<[Uint8Array, Uint8Array, string]> = [
      [new Uint8Array(20).fill(0x0b), Buffer.from('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
      [Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
      [new Uint8Array(20).fill(0xaa), new Uint8Array(50).fill(0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
      [Uint8Array.from({ length: 25 }, (_, i) => i + 1), new Uint8Array(50).fill(0xcd), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    ];
    for (const [key, data, want] of cases) expect(digestOf(KeyedIdHasher.fromKey(key), latin1(data))).toBe(want);
  });

  it('equals node:crypto HMAC-SHA256 for any key of 1..64 bytes and message of 0..55 bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: KEYED_ID_MAX_KEY_BYTES }), (key, msg) => {
        const want = createHmac('sha256', key).update(msg).digest('hex');
        expect(digestOf(KeyedIdHasher.fromKey(key), latin1(msg))).toBe(want);
      }),
      { seed: 4231, numRuns: 300 },
    );
  });

  it('hash(): lookup key = first 8 bytes, tag = next 6 bytes (< 2^48), of HMAC(derived key, digits)', () => {
    const h = KeyedIdHasher.fromSecret('a register secret of 32 bytes!!!');
    const derived = createHmac('sha256', 'a register secret of 32 bytes!!!').update('khop.register.id-key.v1').digest();
    expect(Buffer.from(h.key).equals(derived)).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$|^\d{12}$/), (digits) => {
        h.hash(digits);
        const d = createHmac('sha256', derived).update(digits).digest();
        expect(h.hi).toBe(d.readUInt32BE(0));
        expect(h.lo).toBe(d.readUInt32BE(4));
        expect(h.tag).toBe(d.readUIntBE(8, 6));
        expect(Number.isInteger(h.tag) && h.tag >= 0 && h.tag < 2 ** 48).toBe(true);
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('the key check tells the right secret from a wrong one, and is not the key', () => {
    const a = KeyedIdHasher.fromSecret('correct horse battery staple 01');
    const b = KeyedIdHasher.fromSecret('correct horse battery staple 02');
    expect(a.matches(KeyedIdHasher.fromSecret('correct horse battery staple 01').check)).toBe(true);
    expect(a.matches(b.check)).toBe(false);
    expect(a.matches(undefined)).toBe(false);
    expect(a.check).toMatch(/^[0-9a-f]{64}$/);
    expect(a.check).not.toBe(Buffer.from(a.key).toString('hex'));
    expect(KeyedIdHasher.fromKey(a.key).check).toBe(a.check);
    // Strings are their UTF-8 bytes.
    expect(KeyedIdHasher.fromSecret(new TextEncoder().encode('khóa bí mật của sổ hộ khẩu')).check).toBe(KeyedIdHasher.fromSecret('khóa bí mật của sổ hộ khẩu').check);
  });

  it('refuses short or mistyped secrets (INVALID_OPTION naming idSecret) and over-long or non-byte keys', () => {
    for (const bad of ['short', new Uint8Array(15), 12345, null, undefined, {}]) {
      try {
        KeyedIdHasher.fromSecret(bad as string);
        expect.unreachable();
      } catch (e) {
        expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
        expect((e as Error).message).toMatch(/idSecret/);
      }
    }
    const h = KeyedIdHasher.fromSecret(new Uint8Array(16));
    expect(() => h.hash('1'.repeat(KEYED_ID_MAX_KEY_BYTES + 1))).toThrow(/longer than 55/);
    expect(() => h.hash('0010900１2345')).toThrow(/above 0xff/);
    expect(() => KeyedIdHasher.fromKey(new Uint8Array(65))).toThrow(/1..64/);
  });
});
