import { describe, expect, it } from 'vitest';
import { defineSchema } from '../../src/index.js';
import { DEFAULT_MISSING_VALUES, MissingValues, missingValuesOf } from '../../src/text/missing-values.js';
import { Rng } from '../../src/util/rng.js';

/** The reference: trimmed, lower-cased and NFC-composed equal to an entry lower-cased and composed. */
function reference(list: readonly string[], value: string, casing: (s: string) => boolean): boolean {
  const key = (s: string): string => s.trim().normalize('NFC').toLowerCase();
  return casing(value.trim().normalize('NFC')) && list.some((e) => key(e) === key(value));
}

/** The letter cases the matcher accepts: as listed, lower, UPPER, Title Case, Sentence case. */
function usualCase(list: readonly string[]): (s: string) => boolean {
  return (s: string) => {
    const lower = s.toLowerCase();
    const title = lower.replace(/(^|\s)(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());
    const sentence = lower.charAt(0).toUpperCase() + lower.slice(1);
    return s === lower || s === s.toUpperCase() || s === title || s === sentence || list.some((e) => e.trim().normalize('NFC') === s);
  };
}

describe('MissingValues', () => {
  const m = missingValuesOf({})!;

  it('reads the default placeholders in the usual letter cases, composed or decomposed', () => {
    for (const v of ['N/A', 'n/a', '#N/A', 'NULL', 'Null', 'null', 'None', 'UNKNOWN', 'Unknown', 'undefined', 'Không rõ', 'KHÔNG RÕ', 'không rõ', 'Không Rõ', 'Khong ro', 'KHONG XAC DINH', 'Chưa xác định', 'Không có', 'không biết']) {
      expect(m.has(v), v).toBe(true);
      expect(m.has(v.normalize('NFD')), `${v} (NFD)`).toBe(true);
    }
  });

  it('reads a placeholder typed with precomposed letters and combining tone marks (neither NFC nor NFD: "Unicode tổ hợp")', () => {
    for (const v of ['Ch\u01b0a ro\u0303', 'Kh\u00f4ng xa\u0301c \u0111i\u0323nh', 'KH\u00d4NG BI\u00ca\u0301T']) {
      expect(v === v.normalize('NFC') || v === v.normalize('NFD'), v).toBe(false);
      expect(m.has(v), v).toBe(true);
    }
    // A name in that form stays a name.
    expect(m.has('Nguy\u00ea\u0303n V\u0103n An')).toBe(false);
  });

  it('never reads a name, a part of one or a value with more in it as a placeholder', () => {
    for (const v of ['Na', 'Nan', 'Nil', 'Nguyễn Văn An', 'Không', 'Rõ', 'N/A N/A', 'Null Thị Hoa', 'nUlL', 'Unknown Soldier', 'na', '-', 'Hà Nội']) {
      expect(m.has(v), v).toBe(false);
    }
  });

  it('agrees with a lower-casing reference on seeded case and whitespace variants of the entries and of near misses', () => {
    const rng = new Rng(2026);
    const list = [...DEFAULT_MISSING_VALUES, 'Không Có Tên', 'x/y'];
    const custom = new MissingValues(list);
    const accepts = usualCase(list);
    for (let i = 0; i < 4000; i++) {
      let v = list[rng.int(list.length)]!;
      // Random letter case per character, sometimes; a character dropped or doubled, sometimes.
      if (rng.next() < 0.5) v = [...v].map((c) => (rng.next() < 0.3 ? c.toUpperCase() : c)).join('');
      if (rng.next() < 0.2) {
        const at = rng.int(v.length);
        v = rng.next() < 0.5 ? v.slice(0, at) + v.slice(at + 1) : v.slice(0, at) + v[at] + v.slice(at);
      }
      if (rng.next() < 0.3) v = v.normalize('NFD');
      const trimmed = v.trim();
      expect(custom.has(trimmed), JSON.stringify(v)).toBe(reference(list, v, accepts));
    }
  });

  it('takes the field\'s own list: [] reads every value as written, another list replaces the default', () => {
    expect(missingValuesOf({ missingValues: [] })).toBeNull();
    const own = missingValuesOf({ missingValues: ['chưa cập nhật'] })!;
    expect(own.has('Chưa cập nhật')).toBe(true);
    expect(own.has('N/A')).toBe(false);
  });

  it('is validated by defineSchema: an array of non-empty strings, on name and text kinds only', () => {
    expect(() => defineSchema({ name: { kind: 'personName', missingValues: ['N/A'] } })).not.toThrow();
    expect(() => defineSchema({ name: { kind: 'personName', missingValues: 'N/A' as never } })).toThrow(/missingValues must be an array/);
    expect(() => defineSchema({ name: { kind: 'familyName', missingValues: [' '] } })).toThrow(/non-empty strings/);
    expect(() => defineSchema({ name: { kind: 'text', missingValues: [5 as never] } })).toThrow(/non-empty strings/);
    expect(() => defineSchema({ dob: { kind: 'date', missingValues: ['N/A'] } as never })).toThrow(/unknown option "missingValues"/);
    // The schema keeps its own copy.
    const list = ['N/A'];
    const s = defineSchema({ name: { kind: 'personName', missingValues: list } });
    list.push('x');
    expect(s.toJSON().name!.missingValues).toEqual(['N/A']);
  });
});
