import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RecordStore } from '../../src/block/record-store.js';
import { StoreReader } from '../../src/register/store-reader.js';

describe('StoreReader', () => {
  it('reads what RecordStore accessors read, across chunks and while the store grows (property)', () => {
    const row = fc.record({
      t: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }),
      n: fc.option(fc.integer({ min: -1e6, max: 1e6 }), { nil: null }),
      u: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      // Long values (past the JavaScript decoder's limit) and any code point: the native path.
      l: fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 300 })), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const store = new RecordStore(
          [
            { name: 't', type: 'utf8' },
            { name: 'n', type: 'int32' },
            { name: 'u', type: 'uint8' },
            { name: 'l', type: 'utf8' },
          ],
          { chunkBits: 3 },
        );
        const reader = new StoreReader(store);
        rows.forEach((r, i) => {
          store.append([r.t, r.n, r.u, r.l]);
          // Read an early row again after every append: cached views must follow pool growth.
          for (const k of [0, i >> 1, i]) {
            expect(reader.text(0, k)).toBe(store.getString(0, k));
            expect(reader.number(1, k)).toBe(store.getNumber(1, k));
            expect(reader.number(2, k)).toBe(store.getNumber(2, k));
            expect(reader.text(3, k)).toBe(store.getString(3, k));
          }
        });
      }),
      { seed: 13, numRuns: 40 },
    );
  });
});
