import { describe, expect, it } from 'vitest';
import { duplicateKeyPlace, firstDuplicateJsonKey } from '../../src/util/json-duplicate-key.js';
import { Rng } from '../../src/util/rng.js';

describe('firstDuplicateJsonKey', () => {
  it('known answers: repeats at any depth, keys compared after unescaping, strings that only look like keys', () => {
    const cases: Array<[string, { key: string; path: Array<string | number> } | null]> = [
      ['{}', null],
      ['[]', null],
      ['"a"', null],
      ['{"a":1,"b":2}', null],
      ['{"a":1,"a":2}', { key: 'a', path: [] }],
      [' { "a" : 1 , "b" : { "a" : 2 } } ', null], // the same key in two objects
      ['{"f":{"kind":"text","kind":"date"}}', { key: 'kind', path: ['f'] }],
      ['{"f":{"kind":"text"},"g":{"kind":"text"},"f":{"kind":"date"}}', { key: 'f', path: [] }],
      ['{"a":"b","c":"a"}', null], // a value equal to a key is no key
      ['{"a":["a","a"]}', null], // strings of an array are no keys
      ['{"a":[{"x":1},{"x":1,"y":2,"x":3}]}', { key: 'x', path: ['a', 1] }],
      ['[[{"x":1}],{"y":[1,2,{"z":0,"z":1}]}]', { key: 'z', path: [1, 'y', 2] }],
      ['{"a":1,"\\u0061":2}', { key: 'a', path: [] }], // "\u0061" is "a"
      ['{"a\\"b":1,"a\\"b":2}', { key: 'a"b', path: [] }], // an escaped quote does not end the key
      ['{"a\\\\":1,"a\\\\":2}', { key: 'a\\', path: [] }], // an escaped backslash before the closing quote
      ['{"x":"{\\"a\\":1,\\"a\\":2}"}', null], // JSON inside a string value is text
      ['{"x":"[,]","y":1,"x":2}', { key: 'x', path: [] }], // commas and brackets inside strings
      ['{"\\ud83d\\ude00":1,"😀":2}', { key: '😀', path: [] }], // a surrogate pair, escaped or not
      ['{"__proto__":1,"__proto__":2}', { key: '__proto__', path: [] }],
      ['{"Họ tên":{},"Họ tên":{}}', { key: 'Họ tên', path: [] }],
      ['{"a":{},"b":{"c":{}},"d":{"a":1,"b":2}}', null],
      ['{"a":1,"A":2}', null], // case counts
    ];
    for (const [json, expected] of cases) {
      JSON.parse(json); // every case is valid JSON
      const got = firstDuplicateJsonKey(json);
      expect(got === null ? null : { key: got.key, path: [...got.path] }, json).toEqual(expected);
    }
  });

  it('agrees with a brute-force count over seeded random objects (keys escaped at random)', () => {
    const rng = new Rng(11);
    const names = ['a', 'b', 'kind', 'é', '"', '\\', '😀'];
    const escape = (k: string): string => {
      let s = '"';
      for (const ch of k) s += rng.int(2) === 0 ? JSON.stringify(ch).slice(1, -1) : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}${ch.length === 2 ? `\\u${ch.charCodeAt(1).toString(16).padStart(4, '0')}` : ''}`;
      return `${s}"`;
    };
    let repeats = 0;
    for (let round = 0; round < 500; round++) {
      // an object of 1..4 keys, each holding a number, a string or a nested object of unique keys
      const keys = Array.from({ length: 1 + rng.int(4) }, () => names[rng.int(names.length)]!);
      const parts = keys.map((k) => `${escape(k)}:${rng.int(2) === 0 ? String(rng.int(9)) : `{"${names[rng.int(2)]}":"a"}`}`);
      const json = `{${parts.join(',')}}`;
      const seen = new Set<string>();
      let first: string | null = null;
      for (const k of keys) {
        if (first === null && seen.has(k)) first = k;
        seen.add(k);
      }
      if (first !== null) repeats++;
      expect(firstDuplicateJsonKey(json)?.key ?? null, json).toBe(first);
    }
    expect(repeats).toBeGreaterThan(50);
  });

  it('says where the object is', () => {
    expect(duplicateKeyPlace([])).toBe('at the top level');
    expect(duplicateKeyPlace(['ho_ten'])).toBe('in "ho_ten"');
    expect(duplicateKeyPlace(['rules', 2, 'on'])).toBe('in "rules"[2]."on"');
  });
});
