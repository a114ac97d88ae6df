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

  it('folds the Unicode form and letter case only: spaces and marks still count', () => {
    const h = new HeaderLookup([NFD, 'Ngày sinh']);
    for (const name of ['Ho ten', 'Họ  tên', 'ho_ten', 'Ngay sinh', 'ngay sinh']) expect(h.find(name), name).toBeUndefined();
    expect(h.has('Ngày sinh'.normalize('NFD'))).toBe(true);
    expect(h.caseMatches).toEqual([]);
  });

  it('a name in other letter case finds the one header equal to it but for case, and is recorded (F53)', () => {
    const h = new HeaderLookup(['so_cccd', NFD, 'NGÀY SINH']);
    expect(h.find('SO_CCCD')).toBe('so_cccd');
    expect(h.find('HỌ TÊN')).toBe(NFD); // composed capitals find a decomposed lower-case header
    expect(h.find('Ngày Sinh'.normalize('NFD'))).toBe('NGÀY SINH');
    expect(h.find('so_cccd')).toBe('so_cccd'); // as written: not recorded
    expect(h.caseMatches.map((m) => m.header)).toEqual(['so_cccd', NFD, 'NGÀY SINH']);
    expect({ ...parseMapArgument('id=So_Cccd', ['stt', 'so_cccd']) }).toEqual({ id: 'so_cccd' });
  });

  it('two headers equal but for case: the name as written wins; another spelling is refused naming both (F53)', () => {
    const h = new HeaderLookup(['id', 'ID', 'ho_ten'], 'x.csv');
    expect(h.find('id')).toBe('id');
    expect(h.find('ID')).toBe('ID');
    expect(() => h.find('Id')).toThrow('column "Id" is not in the header of x.csv as written, and "id" and "ID" differ from it in letter case only');
    expect(() => parseMapArgument('id=Id,name=HO_TEN', ['id', 'ID', 'ho_ten'])).toThrow(/entry 1: column "Id" is not in the header as written, and "id" and "ID" differ/);
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
