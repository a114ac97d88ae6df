// F40: a column named in one Unicode form finds a header written in the other (HeaderLookup).
import { describe, expect, it } from 'vitest';
import { findHeader, HeaderLookup } from '../../src/io/header-lookup.js';
import { parseMapArgument } from '../../src/io/column-mapping.js';

const NFC = 'Họ tên';
const NFD = NFC.normalize('NFD');

describe('HeaderLookup', () => {
  it('finds a name in either form and returns the header as written', () => {
    expect(NFC).not.toBe(NFD);
    expect(new HeaderLookup(['stt', NFD]).find(NFC)).toBe(NFD);
    expect(new HeaderLookup(['stt', NFC]).find(NFD)).toBe(NFC);
    expect(findHeader(['stt', NFD], NFD)).toBe(NFD);
    expect(findHeader(['stt'], 'stt')).toBe('stt');
  });

  it('folds nothing but the Unicode form: case, spaces and marks still count', () => {
    const h = new HeaderLookup([NFD, 'Ngày sinh']);
    for (const name of ['họ tên', 'Ho ten', 'Họ  tên', 'ho_ten', 'Ngay sinh']) expect(h.find(name), name).toBeUndefined();
    expect(h.has('Ngày sinh'.normalize('NFD'))).toBe(true);
  });

  it('two headers that are one text in two forms: the name as written wins, else the first', () => {
    const h = new HeaderLookup([NFD, NFC]);
    expect(h.find(NFC)).toBe(NFC);
    expect(h.find(NFD)).toBe(NFD);
    expect(new HeaderLookup([NFD, NFC]).find(NFC.normalize('NFKD'))).toBe(NFD);
  });

  it('parseMapArgument finds the column in the other form and maps the field to the header spelling', () => {
    expect({ ...parseMapArgument(`name=${NFC}`, ['so_cccd', NFD]) }).toEqual({ name: NFD });
    expect({ ...parseMapArgument(`name=${NFD}`, ['so_cccd', NFC]) }).toEqual({ name: NFC });
    expect(() => parseMapArgument('name=ho ten', ['so_cccd', NFD])).toThrow(/column "ho ten" \(for field "name"\) is not in the header/);
  });
});
