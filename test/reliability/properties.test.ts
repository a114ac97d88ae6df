// Properties that must hold for EVERY input, checked with fast-check (seeded, modest run counts):
// comparators symmetric and bounded, normalisers idempotent, parsers total (never a throw on a
// string, only KhopError otherwise), the hashing kernel equal to the pure-TS XXH64 reference,
// BlockIndex equal to a brute-force grouping oracle, and dedupe accounting for every row and
// deterministic to the byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBlockIndex,
  damerauLevenshteinWithin,
  dedupe,
  foldToAscii,
  isKhopError,
  jaroWinklerSimilarity,
  KeyHasher,
  levenshteinDistance,
  normalizeText,
  openRecords,
  parseDate,
  parseNationalId,
  parsePersonName,
  parseSex,
  RecordStore,
  xxh64,
} from '../../src/index.js';
import type { BlockingRule, ColumnSpec, FieldSpec, KeyPart } from '../../src/index.js';
import { stableJson } from './helpers.js';

const SEED = 20250601;
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

/** Text that finds trouble: any code point, Vietnamese letters and marks, lone surrogates, digits and separators. */
const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const vietnamese = fc.constantFrom(...'aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐnguyễnthịNGUYỄNhoà\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u200d\u200b\u00a0\u3000Ðð');
const dateish = fc.constantFrom(...'0123456789/-. :T０１２');
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: vietnamese },
  { weight: 2, arbitrary: dateish },
  { weight: 1, arbitrary: lone },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);
const text = fc.array(unit, { maxLength: 24 }).map((a) => a.join(''));

describe('comparators', () => {
  it('jaroWinklerSimilarity is symmetric, in [0, 1], and 1 on equal non-empty strings', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const s = jaroWinklerSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinklerSimilarity(b, a)).toBeCloseTo(s, 12);
        if (a.length > 0) expect(jaroWinklerSimilarity(a, a)).toBe(1);
      }),
      runs(1500),
    );
  });

  it('levenshteinDistance is a metric: symmetric, 0 iff equal, ≥ |length difference|, ≤ max length, triangle inequality', () => {
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        const d = levenshteinDistance(a, b);
        expect(levenshteinDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeLessThanOrEqual(levenshteinDistance(a, c) + levenshteinDistance(c, b));
      }),
      runs(1000),
    );
  });

  it('damerauLevenshteinWithin agrees with levenshtein: OSA ≤ Levenshtein ≤ 2·OSA, and the bound returns min(distance, max + 1)', () => {
    fc.assert(
      fc.property(text, text, fc.nat(6), (a, b, max) => {
        const lev = levenshteinDistance(a, b);
        const osa = damerauLevenshteinWithin(a.length + b.length, a, b);
        expect(osa).toBeLessThanOrEqual(lev);
        expect(lev).toBeLessThanOrEqual(2 * osa); // a transposition is two substitutions
        expect(damerauLevenshteinWithin(a.length + b.length, b, a)).toBe(osa);
        expect(damerauLevenshteinWithin(max, a, b)).toBe(Math.min(osa, max + 1));
      }),
      runs(1000),
    );
  });
});

describe('normalisers', () => {
  it('normalizeText and foldToAscii are idempotent; foldToAscii is ASCII and ignores normalisation', () => {
    fc.assert(
      fc.property(text, (s) => {
        const n = normalizeText(s);
        expect(normalizeText(n)).toBe(n);
        expect(/\p{Cs}/u.test(n)).toBe(false); // well-formed: lone surrogates became U+FFFD
        const f = foldToAscii(s);
        expect(foldToAscii(f)).toBe(f);
        expect(f).toMatch(/^(?:[a-z0-9]+(?: [a-z0-9]+)*)?$/);
        expect(foldToAscii(n)).toBe(f);
      }),
      runs(3000),
    );
  });
});

describe('parsers are total', () => {
  it('parseDate / parseNationalId / parsePersonName / parseSex never throw on a string', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('dmy', 'mdy') as fc.Arbitrary<'dmy' | 'mdy'>, fc.boolean(), (s, order, excelSerial) => {
        const d = parseDate(s, { order, excelSerial });
        if (d.ok) expect(d.packed).toBe(d.year * 10000 + d.month * 100 + d.day);
        else expect(d.code).toBe('INVALID_DATE');
        const id = parseNationalId(s);
        if (id.ok) expect(id.digits).toMatch(/^\d{9}$|^\d{12}$/);
        else expect(id.code).toBe('INVALID_ID');
        const p = parsePersonName(s);
        for (const t of p.tokens) expect(t.length).toBeGreaterThan(0);
        expect(['male', 'female', null]).toContain(parseSex(s));
      }),
      runs(3000),
    );
  });

  it('on any non-string value: parseDate / parseNationalId / parseSex return a result; parsePersonName throws only KhopError INVALID_ARGUMENT', () => {
    const nonString = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }).filter((v) => typeof v !== 'string');
    fc.assert(
      fc.property(nonString, (v) => {
        const d = parseDate(v);
        if (d.ok) expect(typeof v).toBe('number');
        const id = parseNationalId(v);
        if (id.ok) expect(typeof v).toBe('number');
        parseSex(v);
        try {
          parsePersonName(v as string);
          throw new Error('parsePersonName accepted a non-string');
        } catch (e) {
          expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
        }
      }),
      runs(1000),
    );
  });
});

describe('file parsers are total', () => {
  /** CSV-ish and NDJSON-ish bytes: structure characters, quotes, line ends, text, invalid UTF-8 and BOMs. */
  const piece = fc.oneof(
    fc.constantFrom(',', ';', '\t', '"', '""', '\n', '\r\n', '\r', '{', '}', '[', ']', ':', '"name"', '__proto__', '\\u0000', '\\ud800'),
    text,
  );
  const bytes = fc.tuple(
    fc.constantFrom(new Uint8Array(0), Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0xfe, 0xff), Uint8Array.of(0x1f, 0x8b)),
    fc.array(fc.oneof({ weight: 6, arbitrary: piece.map((t) => new TextEncoder().encode(t)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) }), { maxLength: 40 }),
  ).map(([bom, parts]) => Buffer.concat([bom, ...parts]));

  it('openRecords on arbitrary bytes (CSV and NDJSON): only KhopError, and rows = accepted + rejected with row numbers 1..rows', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('csv', 'ndjson') as fc.Arbitrary<'csv' | 'ndjson'>, async (input, format) => {
        let count = 0;
        try {
          const src = await openRecords(input, { format, maxFieldLength: 64, maxLineLength: 64 });
          for await (const item of src) {
            count++;
            expect(item.rowNumber).toBe(count);
            if (item.kind === 'row') expect(Object.getPrototypeOf(Object.getPrototypeOf(item.values))).toBeNull();
          }
          const sum = src.summary;
          expect(sum.rows).toBe(count);
          expect(sum.accepted + sum.rejected).toBe(count);
          expect(sum.status).not.toBe('reading');
        } catch (e) {
          if (!isKhopError(e)) throw e;
          expect(['INVALID_INPUT', 'INVALID_OPTION']).toContain(e.code);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      runs(1500),
    );
  });
});

describe('hashing kernel', () => {
  const MASK32 = 0xffffffffn;
  const bytesArb = fc.uint8Array({ maxLength: 200 });
  for (const kernel of ['wasm', 'js'] as const) {
    it(`KeyHasher (${kernel} kernel, tiny batches) equals the pure-TS xxh64 reference on random bytes, UTF-8 strings and batches`, () => {
      fc.assert(
        fc.property(fc.array(bytesArb, { maxLength: 12 }), fc.array(text, { maxLength: 6 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 8, max: 96 }), fc.integer({ min: 1, max: 5 }), (keys, strings, seed, batchBytes, batchKeys) => {
          const h = new KeyHasher({ seed, batchBytes, batchKeys, kernel });
          const n = keys.length + strings.length;
          const lo = new Uint32Array(n);
          const hi = new Uint32Array(n);
          h.setOutput(lo, hi);
          keys.forEach((k, i) => h.pushBytes(k, 0, k.length, i));
          const enc = new TextEncoder();
          strings.forEach((s, i) => h.pushUtf8(s, keys.length + i));
          h.flush();
          const all = [...keys, ...strings.map((s) => enc.encode(s))];
          all.forEach((k, i) => {
            const ref = xxh64(k, seed);
            expect([lo[i], hi[i]]).toEqual([Number(ref & MASK32), Number(ref >> 32n)]);
          });
          // one prepared batch through hashBatch
          const offsets = new Uint32Array(all.length + 1);
          all.forEach((k, i) => (offsets[i + 1] = offsets[i]! + k.length));
          const flat = new Uint8Array(offsets[all.length]!);
          all.forEach((k, i) => flat.set(k, offsets[i]!));
          const blo = new Uint32Array(all.length);
          const bhi = new Uint32Array(all.length);
          h.hashBatch(flat, offsets, all.length, blo, bhi);
          expect(Array.from(blo)).toEqual(Array.from(lo));
          expect(Array.from(bhi)).toEqual(Array.from(hi));
        }),
        runs(150),
      );
    });
  }
});

describe('BlockIndex', () => {
  const COLUMNS: ColumnSpec[] = [
    { name: 'a', type: 'ascii' },
    { name: 'u', type: 'utf8' },
    { name: 'd', type: 'int32' },
    { name: 's', type: 'uint8' },
  ];
  const cellA = fc.option(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 4 }), { nil: null, freq: 5 });
  const cellU = fc.option(fc.constantFrom('', 'ư', 'nguyễn', 'an', 'ăn', '😀'), { nil: null, freq: 5 });
  const cellD = fc.option(fc.oneof(fc.constantFrom(0, 19900000, 19900500, 19900512, 19910512, -5), fc.integer({ min: 19000101, max: 19000110 })), { nil: null, freq: 5 });
  const cellS = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 5 });
  const row = fc.tuple(cellA, cellU, cellD, cellS);
  const part: fc.Arbitrary<KeyPart> = fc.oneof(
    fc.record({ column: fc.constant('a'), transform: fc.constantFrom('exact', 'first', 'last') as fc.Arbitrary<'exact' | 'first' | 'last'>, n: fc.integer({ min: 1, max: 3 }) }).map((p) => (p.transform === 'exact' ? { column: 'a' } : p)),
    fc.constant({ column: 'u' }),
    fc.constantFrom<KeyPart>({ column: 'd' }, { column: 'd', transform: 'year' }, { column: 'd', transform: 'yearMonth' }),
    fc.constant({ column: 's' }),
  );
  const rule: fc.Arbitrary<BlockingRule> = fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => ({ name: 'r', parts }));

  /** The oracle's key text of one row (parts joined by U+001F), or null: written from the rule's documented meaning. */
  function oracleKey(values: readonly (string | number | null)[], r: BlockingRule): string | null {
    const out: string[] = [];
    for (const p of r.parts) {
      const v = values[COLUMNS.findIndex((c) => c.name === p.column)];
      if (v === null || v === undefined) return null;
      const t = p.transform ?? 'exact';
      if (typeof v === 'string') {
        if (v === '') return null;
        out.push(t === 'first' ? v.slice(0, p.n) : t === 'last' ? v.slice(Math.max(0, v.length - p.n!)) : v);
      } else if (t === 'year' || t === 'yearMonth') {
        const year = Math.floor(v / 10000);
        const month = Math.floor(v / 100) % 100;
        if (year <= 0 || (t === 'yearMonth' && month === 0)) return null;
        out.push(String(t === 'year' ? year : year * 100 + month));
      } else out.push(String(v));
    }
    return out.join('\u001f');
  }

  it('lookups equal a brute-force grouping of the rows by key (multi-chunk stores, every transform)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), rule, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 3, max: 5 }), (rows, r, seed, chunkBits) => {
        const store = new RecordStore(COLUMNS, { chunkBits });
        for (const v of rows) store.append(v);
        const index = buildBlockIndex(store, r, { seed });
        const groups = new Map<string, number[]>();
        rows.forEach((v, i) => {
          const k = oracleKey(v, r);
          if (k === null) return;
          const g = groups.get(k) ?? [];
          g.push(i);
          groups.set(k, g);
        });
        expect(index.blockCount).toBe(groups.size);
        expect(index.entryCount).toBe([...groups.values()].reduce((s, g) => s + g.length, 0));
        for (const [k, members] of groups) {
          const h = xxh64(enc.encode(k), seed);
          const b = index.lookup(Number(h & 0xffffffffn), Number(h >> 32n));
          expect(b).toBeGreaterThanOrEqual(0);
          expect(Array.from(index.blockRows(b))).toEqual(members);
        }
        // a key no row has is absent
        const absent = xxh64(enc.encode('\u0000absent'), seed);
        expect(index.lookup(Number(absent & 0xffffffffn), Number(absent >> 32n))).toBe(-1);
      }),
      runs(300),
    );
  });
});

describe('dedupe', () => {
  const SCHEMA = {
    id: { kind: 'nationalId' },
    name: { kind: 'personName', locale: 'vi' },
    dob: { kind: 'date' },
    sex: { kind: 'sex' },
  } as const satisfies Record<string, FieldSpec>;
  const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm'];
  const MIDDLE = ['Văn', 'Thị', 'Minh', 'Đức'];
  const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà'];
  const goodRow = fc.record({
    id: fc.option(fc.integer({ min: 0, max: 30 }).map((k) => `0010900${String(10000 + k)}`), { nil: undefined, freq: 4 }),
    name: fc.tuple(fc.constantFrom(...FAMILY), fc.constantFrom(...MIDDLE), fc.constantFrom(...GIVEN)).map((t) => t.join(' ')),
    dob: fc.option(fc.integer({ min: 0, max: 20 }).map((k) => `${String(1 + k).padStart(2, '0')}/0${1 + (k % 9)}/1990`), { nil: undefined, freq: 4 }),
    sex: fc.constantFrom('Nam', 'Nữ', '', 'x'),
  });
  const badRow = fc.oneof(
    fc.constantFrom(null, 5, 'row', [1, 2], true),
    fc.record({ id: fc.constantFrom(Number.NaN, Infinity, {}, [], true), name: fc.constant('Lê Văn An') }),
    fc.record({ name: text, dob: text, id: text }),
    fc.constant({}),
  );
  /** Always some clean, fully-filled rows so that every comparison can be trained. */
  const anchor = [
    { id: '001090012345', name: 'Nguyễn Văn An', dob: '01/01/1990', sex: 'Nam' },
    { id: '001090012345', name: 'Nguyen Van An', dob: '01/01/1990', sex: 'Nam' },
    { id: '001190012346', name: 'Trần Thị Bình', dob: '02/02/1990', sex: 'Nữ' },
    { id: '001190012347', name: 'Lê Minh Chi', dob: '03/03/1990', sex: 'Nữ' },
  ];
  const dataset = fc.array(fc.oneof({ weight: 4, arbitrary: goodRow }, { weight: 1, arbitrary: badRow as fc.Arbitrary<unknown> }), { minLength: 4, maxLength: 40 }).map((rows) => [...anchor, ...rows]);

  it('every input row is in exactly one cluster or rejected; cluster ids are their smallest member; matched pairs share a cluster; two runs are byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(dataset, async (rows) => {
        const options = { schema: SCHEMA, threads: 1, uSampleSize: 500, pairFloor: 0 };
        const a = await dedupe(rows, options);
        const n = rows.length;
        expect(a.clusters).toHaveLength(n);
        const rejected = new Set(a.rejected.map((x) => x.index));
        expect(rejected.size).toBe(a.rejected.length);
        expect(a.stats.acceptedRows + a.stats.rejectedRows).toBe(n);
        const members = new Map<string | number, number[]>();
        for (let i = 0; i < n; i++) {
          const c = a.clusters[i]!;
          expect(c === null).toBe(rejected.has(i));
          if (c === null) continue;
          const m = members.get(c) ?? [];
          m.push(i);
          members.set(c, m);
        }
        for (const [c, m] of members) expect(c).toBe(m[0]); // no idField: the smallest input position
        for (let p = 0; p < a.pairs.count; p++) {
          if (a.pairs.weight[p]! >= a.thresholdWeight) expect(a.clusters[a.pairs.left[p]!]).toBe(a.clusters[a.pairs.right[p]!]);
        }
        const b = await dedupe(rows, options);
        const bytes = (r: typeof a) => stableJson({ clusters: r.clusters, pairs: r.pairs, model: r.model.toJSON(), rejected: r.rejected, issues: r.stats.issues });
        expect(bytes(b)).toBe(bytes(a));
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});
