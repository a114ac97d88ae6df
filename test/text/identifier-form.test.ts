/**
 * identifierForm: an address (a value with an `@`) keeps its punctuation — two addresses that
 * differ by a dot, a dash or where the `@` stands are two values — while letter case, Unicode
 * form, width and whitespace are normalised; a number or code loses its separators.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifierForm } from '../../src/text/identifier-form.js';
import { firstLettersEnd } from '../../src/block/blocking-keys.js';

/** Pieces of an address's local part and domain: letters of both cases, digits, the usual punctuation. */
const ADDRESS_CHAR = fc.constantFrom(...'abcxyzABCXYZ019', '.', '-', '_', '+', "'", 'é', 'É', 'д', 'Д');
const WORD = fc.array(fc.constantFrom(...'abcxyzABCXYZ019'), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
/** An address: word (punctuation word)* @ word (. word)+ */
const ADDRESS = fc
  .tuple(WORD, fc.array(fc.tuple(ADDRESS_CHAR, WORD), { maxLength: 3 }), WORD, fc.array(WORD, { minLength: 1, maxLength: 2 }))
  .map(([first, rest, host, tlds]) => `${first}${rest.map(([c, w]) => c + w).join('')}@${host}.${tlds.join('.')}`);

/** ASCII → its full-width form (U+FF01–U+FF5E), other characters as they are. */
const fullWidth = (s: string): string => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('identifierForm', () => {
  it('an address: letter case, NFC / NFD, full width and whitespace do not change it (property)', () => {
    fc.assert(
      fc.property(ADDRESS, fc.array(fc.nat(40), { maxLength: 3 }), (a, spaces) => {
        const f = identifierForm(a);
        expect(f).not.toBe('');
        expect(identifierForm(a.toUpperCase())).toBe(identifierForm(a.toLowerCase()));
        expect(identifierForm(a.normalize('NFD'))).toBe(f);
        expect(identifierForm(fullWidth(a))).toBe(f);
        let spaced = a;
        for (const at of spaces) spaced = `${spaced.slice(0, at)} ${spaced.slice(at)}`;
        expect(identifierForm(` ${spaced}\t`)).toBe(f);
      }),
      { numRuns: 2000, seed: 31 },
    );
  });

  it('an address: one punctuation character added, removed or moved makes another value (property)', () => {
    // The form dropped all punctuation: j.smith@acme-corp.com and jsmith@acmecorp.com were one value.
    fc.assert(
      fc.property(ADDRESS, fc.nat(), fc.constantFrom('.', '-', '_', '+'), (a, k, p) => {
        const f = identifierForm(a);
        const at = k % (a.length + 1);
        const added = `${a.slice(0, at)}${p}${a.slice(at)}`;
        if (added.indexOf('@') >= 0) expect(identifierForm(added)).not.toBe(f);
        const punct = [...a].flatMap((c, i) => (/[.\-_+'@]/.test(c) ? [i] : []));
        const i = punct[k % punct.length]!;
        const removed = a.slice(0, i) + a.slice(i + 1);
        if (removed.indexOf('@') >= 0) expect(identifierForm(removed)).not.toBe(f);
      }),
      { numRuns: 2000, seed: 32 },
    );
    expect(identifierForm('j.smith@acme-corp.com')).not.toBe(identifierForm('jsmith@acmecorp.com'));
    expect(identifierForm('ann@abc.com')).not.toBe(identifierForm('anna@bc.com'));
    expect(identifierForm(' J.Smith@ACME-corp.com ')).toBe('j.smith@acme-corp.com');
  });

  it('a number or code: its separators are formatting — any of them, anywhere, give the digits alone (property)', () => {
    const SEPARATOR = fc.constantFrom('-', '.', ' ', '/', '(', ')', '\u00a0', '–');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...'0123456789AbZ'), fc.option(SEPARATOR, { nil: '' })), { minLength: 1, maxLength: 14 }), (parts) => {
        const plain = parts.map(([c]) => c).join('');
        expect(identifierForm(parts.map(([c, s]) => c + s).join(''))).toBe(identifierForm(plain));
        expect(identifierForm(plain)).toBe(plain.toLowerCase());
      }),
      { numRuns: 2000, seed: 33 },
    );
    expect(identifierForm('090-123-4567')).toBe(identifierForm('0901234567'));
    expect(identifierForm('(090) 123 4567')).toBe('0901234567');
  });

  it('writes ASCII without spaces; every `_` starts a 5-byte code, as the blocking transforms read one (property)', () => {
    fc.assert(
      fc.property(fc.oneof(ADDRESS, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `${s}@x`)), (a) => {
        const f = identifierForm(a);
        expect(f).toMatch(/^[\x21-\x7e]*$/);
        expect(f).toMatch(/^(?:[^_]|_[0-9a-z]{4})*$/);
        // first(f, n) never cuts a code: the end it gives is after whole codes.
        const bytes = Buffer.from(f, 'latin1');
        for (let n = 0; n <= 8; n++) {
          const end = firstLettersEnd(bytes, 0, bytes.length, n);
          expect(f.slice(0, end)).toMatch(/^(?:[^_]|_[0-9a-z]{4})*$/);
        }
      }),
      { numRuns: 2000, seed: 34 },
    );
    expect(identifierForm('j_smith@x.com')).not.toBe(identifierForm('jsmith@x.com'));
    expect(identifierForm('j_smith@x.com')).not.toBe(identifierForm('j-smith@x.com'));
  });

  it('a value with no letter or digit is empty (the caller counts "no letters or digits"); other scripts are kept', () => {
    for (const v of ['@', ' @ ', '--', '.@.', '', '  ']) expect(identifierForm(v), JSON.stringify(v)).toBe('');
    expect(identifierForm('иван1@почта.рф')).not.toBe(identifierForm('петр1@почта.рф'));
    expect(identifierForm('ИВАН1@ПОЧТА.РФ')).toBe(identifierForm('иван1@почта.рф'));
    expect(() => identifierForm(42 as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
