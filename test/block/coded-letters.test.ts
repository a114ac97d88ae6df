/**
 * first / last key transforms on ASCII columns count a letter of another script (written by
 * foldKeepingScripts as `_` + 4 base-36 digits) as ONE letter — the default identifier prefix
 * rule first(email, 8) kept a Cyrillic e-mail's first letter and half a code, one block for all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstLettersEnd, lastLettersStart } from '../../src/block/blocking-keys.js';
import { foldKeepingScripts } from '../../src/text/fold.js';
import { dedupe } from '../../src/pipeline/match.js';
import { Rng } from '../../src/util/rng.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** Oracle: the letters of a folded value (a code is one). */
const letters = (s: string) => s.match(/_[0-9a-z]{4}|[^_]/g) ?? [];

describe('firstLettersEnd / lastLettersStart', () => {
  it('cut whole letters of a folded value, codes included (property, against a regex oracle)', () => {
    const parts = fc.constantFrom('a', 'b', '1', ' ', 'ж', 'Ω', '北', 'é', '@', '.');
    fc.assert(
      fc.property(fc.array(parts, { maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (ps, n) => {
        const f = foldKeepingScripts(ps.join(''));
        const b = bytes(f);
        const l = letters(f);
        expect(f.slice(0, firstLettersEnd(b, 0, b.length, n))).toBe(l.slice(0, n).join(''));
        expect(f.slice(lastLettersStart(b, 0, b.length, n))).toBe(l.slice(Math.max(0, l.length - n)).join(''));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('the default e-mail prefix rule pairs Cyrillic e-mails as it pairs Latin ones (not one block of everybody)', async () => {
    const rng = new Rng(8);
    const latin = 'abcdefghijklmnopqrstuvwxy';
    const cyr = 'абвгдежзиклмнопрстуфхцчш';
    const schema = { name: { kind: 'personName', locale: 'generic' }, dob: { kind: 'date' }, email: { kind: 'identifier' } } as const;
    const pairsOf = async (alpha: string) => {
      const rows = Array.from({ length: 400 }, (_, i) => ({
        name: `${['Anna', 'Ben', 'Cara', 'Dan'][i % 4]} ${['Smith', 'Jones', 'Brown'][i % 3]}`,
        dob: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
        // The same first letter, then 7 random ones.
        email: `${alpha[0]}${Array.from({ length: 7 }, () => alpha[rng.int(alpha.length)]).join('')}@mail.ru`,
      }));
      const r = await dedupe(rows, { schema, threads: 1, uSampleSize: 2000 });
      return r.stats.rules.find((x) => x.name === 'email.prefix')!.pairs;
    };
    const l = await pairsOf(latin);
    const c = await pairsOf(cyr);
    expect(c).toBeLessThan(50); // was 400·399/2 = 79,800: every row in one block
    expect(Math.abs(c - l)).toBeLessThan(50);
  });
});
