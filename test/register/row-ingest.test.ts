import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CategoryDictionary } from '../../src/register/category-dictionary.js';
import { registerLayout } from '../../src/register/register-layout.js';
import { MAX_MEMO_NAMES, newNameMemos, RowIngester } from '../../src/register/row-ingest.js';
import { defineSchema } from '../../src/schema.js';

const schema = defineSchema({
  id: { kind: 'nationalId' },
  name: { kind: 'personName', locale: 'vi' },
  other: { kind: 'personName', locale: 'generic' },
  dob: { kind: 'date' },
});
const layout = registerLayout(schema, false);

function ingester(): RowIngester {
  return new RowIngester(layout, new CategoryDictionary(layout.fields.length), null, null, true);
}

/** What one row becomes: its cells, "did you mean" key and issues (or its rejection). */
function ingestOne(ing: RowIngester, row: Record<string, unknown>, at: number): unknown {
  const before = JSON.stringify(ing.issues);
  const r = ing.ingest(row, at, at);
  return r ?? { cells: [...ing.cells], candidate: ing.candidate, candidate2: ing.candidate2, issuesChanged: JSON.stringify(ing.issues) !== before };
}

describe('RowIngester: a row does not depend on the rows before it (the name memo)', () => {
  const name = fc.constantFrom(
    'Nguyễn Văn An', 'nguyễn văn an', 'NGUYEN VAN AN', '  Nguyễn   Văn An ', 'Nguye\u0302\u0303n Văn An', 'An Nguyễn Văn',
    'Nguyễn Văn Anh', 'Nguyễn Văn', 'Âu Dương Phong', 'Lê', '!!!', '', 'Mary Ann Smith', 'Smith, John',
  );
  const row = fc.record({ name, other: name, dob: fc.constantFrom('01/05/1990', '', '1990', '31/02/1990') });

  it('cells, did-you-mean key and issues equal those of a fresh ingester, row by row (property)', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        const shared = ingester();
        rows.forEach((r, i) => {
          const input = { id: '001090000001', ...r };
          expect(ingestOne(shared, input, i)).toEqual(ingestOne(ingester(), input, i));
        });
      }),
      { seed: 41, numRuns: 200 },
    );
  });

  it('ingesters sharing their memos (a thread\'s chunks of one build) give each row what a fresh ingester gives (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(row, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 30 }), (rows) => {
        const memos = newNameMemos(layout);
        // One ingester a "chunk": each with its own dictionary and issues, the memos shared.
        const chunks = [0, 1, 2].map(() => new RowIngester(layout, new CategoryDictionary(layout.fields.length), null, null, true, undefined, memos));
        rows.forEach(([r, c], i) => {
          const input = { id: '001090000001', ...r };
          expect(ingestOne(chunks[c]!, input, i)).toEqual(ingestOne(ingester(), input, i));
        });
        for (const ing of chunks) expect(ing.nameMemos).toBe(memos);
        // The memo is the shared one: every letter-bearing name any of them read is in it.
        const nameField = layout.fields.find((f) => f.name === 'name')!;
        for (const [r] of rows) if (r.name.trim() !== '' && /\p{L}/u.test(r.name)) expect(memos[nameField.index]!.has(r.name.trim())).toBe(true);
      }),
      { seed: 43, numRuns: 200 },
    );
  });

  it('after the memo was emptied, a name seen before gets the same cells and key', () => {
    const shared = ingester();
    const rowAt = (i: number) => ({ id: '001090000001', name: `Nguyễn Văn A${i.toString(36)}`, other: 'John Smith', dob: '01/05/1990' });
    const first: unknown[] = [];
    for (let i = 0; i < MAX_MEMO_NAMES + 10; i++) {
      const got = ingestOne(shared, rowAt(i), i);
      if (i < 5) first.push(got);
    }
    for (let i = 0; i < 5; i++) {
      expect(ingestOne(shared, rowAt(i), i)).toEqual(first[i]);
      expect(first[i]).toEqual(ingestOne(ingester(), rowAt(i), i));
    }
  });
});
