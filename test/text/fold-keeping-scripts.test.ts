/**
 * foldKeepingScripts: foldToAscii for categories, free text and identifiers, keeping the letters
 * of other scripts (lossless) instead of reading them as word breaks — so that two different
 * Cyrillic e-mails are not one folded value, and a Cyrillic city can match itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldKeepingScripts, foldToAscii } from '../../src/text/fold.js';
import { normalizeText } from '../../src/text/normalize.js';

/** Characters of Latin text (Vietnamese letters in NFC and NFD, punctuation, spaces, digits). */
const LATIN = [...'aAbBđĐeEéÉẹẸơƠưƯăĂ', 'e\u0301', 'o\u031b\u0300', ...' -.,@_/\'’0123456789', '\u00a0', '\u200b', 'ß', 'Æ', '😀'];
/** Characters of other scripts: Cyrillic, Greek (both sigmas), Arabic, Hebrew, Thai, CJK, Hangul (NFC and NFD), an astral Han. */
const OTHER = [...'иванИВАНпётрПЁТРΣσςΑθηνάمحمدשלוםสวัสดี北京東京राम', 'ि', 'ดู', 'मुंबई', '한', '\u1112\u1161\u11ab', '\ud840\udc0b', 'й', 'и\u0306', '٣', 'ᲀ', 'ﬓ', 'ΐ', 'مُ'];

describe('foldKeepingScripts', () => {
  it('is foldToAscii itself on text without letters of other scripts (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LATIN), { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        expect(foldKeepingScripts(s)).toBe(foldToAscii(s));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('writes ASCII only (a-z, 0-9, _ and single inner spaces), and reads normalizeText, NFC / NFD and letter case alike (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LATIN, ...OTHER), { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        const f = foldKeepingScripts(s);
        expect(f).toMatch(/^(?:[a-z0-9_]+(?: [a-z0-9_]+)*)?$/);
        expect(foldKeepingScripts(normalizeText(s))).toBe(f);
        expect(foldKeepingScripts(s.normalize('NFD'))).toBe(f);
        expect(foldKeepingScripts(s.normalize('NFC'))).toBe(f);
        expect(foldKeepingScripts(s.toUpperCase())).toBe(foldKeepingScripts(s.toLowerCase()));
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('is lossless on the letters of other scripts: different words fold differently (seeded oracle: accents off, letter case folded)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OTHER), { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom(...OTHER), { minLength: 1, maxLength: 8 }), (a, b) => {
        const x = a.join('');
        const y = b.join('');
        // Oracle: equal when the forms without accents (the Latin-block combining marks, Arabic
        // harakat, Hebrew points), case-folded, are equal (ς read as σ).
        const key = (s: string) =>
          s.normalize('NFD').replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0591-\u05c7]/g, '').normalize('NFC').toUpperCase().toLowerCase().replace(/ς/g, 'σ');
        expect(foldKeepingScripts(x) === foldKeepingScripts(y)).toBe(key(x) === key(y));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });

  it('the Latin part of a value with other letters folds exactly as foldToAscii folds it (property; ligatures, µ, ², modifier letters)', () => {
    const latin = fc.constantFrom(...LATIN, 'ﬁ', 'ﬀ', 'µ', '²', 'ʺ', 'ẚ', 'İ', 'ǅ', 'ı', 'ſ', 'K', 'Å');
    fc.assert(
      fc.property(fc.array(latin, { minLength: 1, maxLength: 20 }), fc.array(fc.constantFrom(...OTHER), { minLength: 1, maxLength: 5 }), (l, o) => {
        const a = l.join('');
        const f = foldToAscii(a);
        const mixed = foldKeepingScripts(`${a} ${o.join('')}`);
        if (f !== '') expect(mixed.startsWith(`${f} `) || mixed === f).toBe(true);
        else expect(mixed.startsWith('_')).toBe(true);
      }),
      { numRuns: 3000, seed: 14 },
    );
  });

  it('known answers: e-mails and cities of other scripts stay apart, and each matches itself', () => {
    expect(foldToAscii('иван1@почта.рф')).toBe(foldToAscii('петр1@почта.рф')); // what was wrong
    expect(foldKeepingScripts('иван1@почта.рф')).not.toBe(foldKeepingScripts('петр1@почта.рф'));
    expect(foldKeepingScripts('Москва')).toBe(foldKeepingScripts('МОСКВА'));
    expect(foldKeepingScripts('Москва')).not.toBe(foldKeepingScripts('Казань'));
    expect(foldKeepingScripts('北京')).not.toBe('');
    expect(foldKeepingScripts('北京')).not.toBe(foldKeepingScripts('東京'));
    expect(foldKeepingScripts('ΟΔΟΣ')).toBe(foldKeepingScripts('οδος')); // final sigma
    // Accents off as in Latin; the letter-forming marks of other scripts kept.
    expect(foldKeepingScripts('ΑΘΗΝΑ')).toBe(foldKeepingScripts('Αθήνα'));
    expect(foldKeepingScripts('ёлка')).toBe(foldKeepingScripts('елка'));
    expect(foldKeepingScripts('مُحَمَّد')).toBe(foldKeepingScripts('محمد'));
    expect(foldKeepingScripts('ดี')).not.toBe(foldKeepingScripts('ดู')); // Thai vowels
    expect(foldKeepingScripts('राम')).not.toBe(foldKeepingScripts('रोम')); // Devanagari vowel signs
    expect(foldKeepingScripts('नई दिल्ली')).not.toBe(foldKeepingScripts('नई दल्ली'));
    for (const c of ['ᲀ', 'ﬓ', 'ΐ']) expect(foldKeepingScripts(`x${c}`)).toBe(foldKeepingScripts(`x${c}`.toUpperCase()));
    expect(foldKeepingScripts('Đà Nẵng')).toBe('da nang');
    // A word mixing scripts stays one word; separators between scripts stay separators.
    expect(foldKeepingScripts('ул. Ленина, 5').split(' ')).toHaveLength(3);
    expect(foldKeepingScripts('abcМосква')).toMatch(/^abc_/);
  });
});
