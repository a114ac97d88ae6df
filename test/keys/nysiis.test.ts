import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_NYSIIS_MAX_LENGTH, nysiis } from '../../src/keys/nysiis.js';
import { isKhopError } from '../../src/errors.js';

const full = { maxLength: Infinity };

describe('nysiis — published examples', () => {
  // dropby.com/NYSIIS.html, as reproduced by Apache Commons Codec's NysiisTest (full keys).
  it.each([
    ['MACINTOSH', 'MCANT'], ['KNUTH', 'NAT'], ['KOEHN', 'CAN'], ['PHILLIPSON', 'FALAPSAN'],
    ['PFEISTER', 'FASTAR'], ['SCHOENHOEFT', 'SANAFT'], ['MCKEE', 'MCY'], ['MACKIE', 'MCY'],
    ['HEITSCHMIDT', 'HATSNAD'], ['BART', 'BAD'], ['HURD', 'HAD'], ['HUNT', 'HAD'],
    ['WESTERLUND', 'WASTARLAD'], ['CASSTEVENS', 'CASTAFAN'], ['VASQUEZ', 'VASG'],
    ['FRAZIER', 'FRASAR'], ['BOWMAN', 'BANAN'], ['MCKNIGHT', 'MCNAGT'], ['RICKERT', 'RACAD'],
    ['DEUTSCH', 'DAT'], ['WESTPHAL', 'WASTFAL'], ['SHRIVER', 'SRAVAR'], ['KUHL', 'CAL'],
    ['RAWSON', 'RASAN'], ['JILES', 'JAL'], ['CARRAWAY', 'CARY'], ['YAMADA', 'YANAD'],
    ["O'Daniel", 'ODANAL'], ["O'Donnel", 'ODANAL'], ['Cory', 'CARY'], ['Corey', 'CARY'],
    ['Kory', 'CARY'], ['FUZZY', 'FASY'],
  ])('%s → %s', (name, code) => {
    expect(nysiis(name, full)).toBe(code);
  });

  // One rule at a time (Commons Codec's rule tests).
  it.each([
    ['MACX', 'MCX'], ['KNX', 'NX'], ['KX', 'CX'], ['PHX', 'FX'], ['PFX', 'FX'], ['SCHX', 'SX'],
    ['XEE', 'XY'], ['XIE', 'XY'], ['XDT', 'XD'], ['XRT', 'XD'], ['XRD', 'XD'], ['XNT', 'XD'],
    ['XND', 'XD'], ['XEV', 'XAF'], ['XAX', 'XAX'], ['XEX', 'XAX'], ['XIX', 'XAX'], ['XOX', 'XAX'],
    ['XUX', 'XAX'], ['XQ', 'XG'], ['XZ', 'X'], ['XM', 'XN'], ['XS', 'X'], ['XSS', 'X'],
    ['XAY', 'XY'], ['XAYS', 'XY'], ['XA', 'X'], ['XAS', 'X'],
  ])('rule: %s → %s', (name, code) => {
    expect(nysiis(name, full)).toBe(code);
  });

  // Taft's 6-letter keys (the default).
  it.each([
    ['Brian', 'BRAN'], ['Brown', 'BRAN'], ['Brun', 'BRAN'], ['Capp', 'CAP'], ['Cope', 'CAP'],
    ['Copp', 'CAP'], ['Kipp', 'CAP'], ['Dent', 'DAD'], ['Dane', 'DAN'], ['Dean', 'DAN'],
    ['Dionne', 'DAN'], ['Phil', 'FAL'], ['Schmidt', 'SNAD'], ['Smith', 'SNAT'], ['Schmit', 'SNAT'],
    ['Kobwick', 'CABWAC'], ['Kocher', 'CACAR'], ['Fesca', 'FASC'], ['Shom', 'SAN'], ['Ohlo', 'OL'],
    ['Uhu', 'UH'], ['Um', 'UN'], ['Trueman', 'TRANAN'], ['Truman', 'TRANAN'],
    ['WESTERLUND', 'WASTAR'],
  ])('6 letters: %s → %s', (name, code) => {
    expect(nysiis(name)).toBe(code);
  });
});

describe('nysiis — edges and options', () => {
  it('never removes the first letter (differs from Commons Codec, which returns "")', () => {
    expect(nysiis('As', full)).toBe('A');
    expect(nysiis('Aas', full)).toBe('A');
  });

  it('folds diacritics and ignores non-letters; "" without letters', () => {
    expect(nysiis('Nguyễn')).toBe(nysiis('NGUYEN'));
    expect(nysiis('Trần-Văn 2')).toBe(nysiis('tranvan'));
    for (const s of ['', '  ', '42', '李']) expect(nysiis(s)).toBe('');
  });

  it('validates maxLength', () => {
    expect(DEFAULT_NYSIIS_MAX_LENGTH).toBe(6);
    expect(nysiis('WESTERLUND', { maxLength: 3 })).toBe('WAS');
    for (const bad of [0, -1, 2.5, NaN]) {
      let err: unknown;
      try {
        nysiis('x', { maxLength: bad });
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    }
  });

  it('is upper-case letters, starts like the (prefix-transcoded) name, and truncation is a prefix', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,16}$/), (s) => {
        const whole = nysiis(s, full);
        const short = nysiis(s);
        return (
          /^[A-Z]+$/.test(whole) &&
          whole.startsWith(short) &&
          short.length === Math.min(6, whole.length) &&
          nysiis(s.toUpperCase(), full) === whole
        );
      }),
      { numRuns: 2000 },
    );
  });
});
