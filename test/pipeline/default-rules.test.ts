import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultBlockingRules, NAME_PART_MAX_BLOCK_SIZE, resolveRules } from '../../src/pipeline/default-rules.js';
import { nameGroupsOf, prepareRows, type PreparedDataset } from '../../src/pipeline/prepare.js';
import { defineSchema, type FieldSpec } from '../../src/schema.js';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';

type Row = Record<string, string | null>;

const GENERIC: Record<string, FieldSpec> = {
  first_name: { kind: 'givenName', locale: 'generic' },
  surname: { kind: 'familyName', locale: 'generic' },
  dob: { kind: 'date' },
  city: { kind: 'category' },
  email: { kind: 'identifier' },
};

const VIETNAMESE: Record<string, FieldSpec> = {
  id: { kind: 'nationalId' },
  name: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
  province: { kind: 'category' },
  address: { kind: 'text' },
};

async function prepare(rows: Row[], spec: Record<string, FieldSpec>): Promise<{ prepared: PreparedDataset; rules: BlockingRule[] }> {
  const schema = defineSchema(spec);
  const prepared = await prepareRows([rows], schema);
  return { prepared, rules: defaultBlockingRules(schema, prepared.nameGroups) };
}

/** The default rules under which rows 0 and 1 are a candidate pair (each rule on its own). */
async function pairedBy(rows: Row[], spec: Record<string, FieldSpec>): Promise<string[]> {
  const { prepared, rules } = await prepare(rows, spec);
  const names: string[] = [];
  for (const rule of rules) {
    const stream = candidatePairs(buildBlockIndexes(prepared.store, [rule]), { maxBlockSize: 1000 });
    let found = false;
    for (const c of stream) for (let i = 0; i < c.length; i++) found ||= c.left[i] === 0 && c.right[i] === 1;
    if (found) names.push(rule.name);
  }
  return names;
}

const letters = (min: number, max: number) => fc.stringMatching(new RegExp(`^[a-z]{${min},${max}}$`));
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pad = (x: number) => String(x).padStart(2, '0');

/** One letter replaced (at a position ≥ 1 so the word keeps its first letter) by another. */
function typo(s: string, at: number, by: string): string {
  const i = 1 + (at % Math.max(1, s.length - 1));
  const c = s.charAt(i) === by ? (by === 'z' ? 'q' : 'z') : by;
  return s.slice(0, i) + c + s.slice(i + 1);
}

const genericPerson = fc.record({
  given: letters(3, 9),
  family: letters(3, 10),
  year: fc.integer({ min: 1930, max: 2015 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  city: fc.constantFrom('London', 'Leeds', 'Cardiff', 'Glasgow', 'Bristol', 'Hull'),
  mailbox: letters(4, 10),
  domain: fc.constantFrom('example.com', 'mail.net', 'post.org'),
});
type GenericPerson = typeof genericPerson extends fc.Arbitrary<infer T> ? T : never;

function genericRow(p: GenericPerson): Row {
  return {
    first_name: capital(p.given),
    surname: capital(p.family),
    dob: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
    city: p.city,
    email: `${p.mailbox}${p.given.slice(0, 1)}@${p.domain}`,
  };
}

describe('default blocking rules: generic schemas', () => {
  it('leave every field out of at least one rule', async () => {
    const { rules } = await prepare([genericRow({ given: 'ann', family: 'smith', year: 1990, month: 1, day: 2, city: 'Hull', mailbox: 'annsm', domain: 'mail.net' })], GENERIC);
    const group = 'surname+first_name';
    const columnsOf: Record<string, string[]> = {
      first_name: [`${group}.givenKey`, `${group}.keySet`],
      surname: [`${group}.familyKey`, `${group}.keySet`],
      dob: ['dob.date'],
      city: ['city.fold'],
      email: ['email.id'],
    };
    for (const [field, cols] of Object.entries(columnsOf)) {
      const without = rules.filter((r) => r.parts.every((p) => !cols.includes(p.column)));
      expect(without.length, field).toBeGreaterThan(0);
    }
  });

  it('pair two records that differ in ONE field only (a typo or a missing value), whichever field', async () => {
    await fc.assert(
      fc.asyncProperty(
        genericPerson,
        fc.constantFrom('first_name', 'surname', 'dob', 'city', 'email'),
        fc.boolean(),
        fc.nat(),
        fc.constantFrom('a', 'e', 'k', 'x'),
        async (p, field, missing, at, by) => {
          const a = genericRow(p);
          const b = { ...a };
          if (missing) b[field] = null;
          else if (field === 'dob') b.dob = `${p.year}-${pad(p.month)}-${pad(((p.day + 10) % 28) + 1)}`;
          else b[field] = typo(a[field]!, at, by);
          expect((await pairedBy([a, b], GENERIC)).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 60, seed: 20260505 },
    );
  });

  it('pair on one name part with the birth year or the place in blocks of ≤ 20 rows only (such blocks would grow with the population)', async () => {
    const a = { first_name: 'Anna', surname: 'Koch', dob: '1990-03-05', city: 'Hull', email: null };
    const cases: Array<[Row, string]> = [
      [{ first_name: null, surname: 'Koch', dob: '1990-07-09', city: null, email: null }, 'surname+first_name.family+year(dob)'],
      [{ first_name: 'Anna', surname: null, dob: '1990-07-09', city: 'Leeds', email: null }, 'surname+first_name.given+year(dob)'],
      [{ first_name: 'Anna', surname: null, dob: '1984-07-09', city: 'Hull', email: null }, 'surname+first_name.given+city'],
    ];
    const { rules } = await prepare([a], GENERIC);
    for (const [b, rule] of cases) {
      expect(await pairedBy([a, b], GENERIC)).toEqual([rule]);
      expect(rules.find((r) => r.name === rule)!.maxBlockSize).toBe(NAME_PART_MAX_BLOCK_SIZE);
      // Nineteen more rows with the same key: a block of 21 is skipped (a name part that common
      // in a year or a place is no evidence), and nothing else pairs the two.
      const same = Array.from({ length: NAME_PART_MAX_BLOCK_SIZE - 1 }, (_, i): Row => ({
        first_name: rule.includes('given') ? 'Anna' : `Zed${String.fromCharCode(97 + i)}`,
        surname: rule.includes('family') ? 'Koch' : `Mo${String.fromCharCode(97 + i)}x`,
        dob: rule.includes('year') ? `1990-0${1 + (i % 9)}-2${i % 8}` : `19${50 + i}-01-01`,
        city: rule.includes('city') ? 'Hull' : `Town${i}`,
        email: null,
      }));
      expect(await pairedBy([a, b, ...same], GENERIC)).toEqual([]);
    }
    // Not for Vietnamese names: their family names and given names are too concentrated.
    const vi = await prepare([{ id: null, name: 'Nguyễn Văn An', dob: '1990-03-05', sex: 'Nam', province: 'Hà Nội', address: null }], VIETNAMESE);
    expect(vi.rules.some((r) => r.maxBlockSize !== undefined)).toBe(false);
  });

  it('pair records whose names are both missing or wrong by the date and the place', async () => {
    const a = { first_name: 'Evie', surname: 'Dean', dob: '2015-03-03', city: 'Portsmouth', email: null };
    const b = { first_name: null, surname: 'Bean', dob: '2015-03-03', city: 'Portsmouth', email: null };
    expect(await pairedBy([a, b], GENERIC)).toEqual(['dob+city']);
    // …and not when the place differs too (nothing is left in common but the date).
    expect(await pairedBy([a, { ...b, city: 'Leeds' }], GENERIC)).toEqual([]);
  });

  it('pair records whose given name and date are both wrong or missing by the family name and the place, in blocks of ≤ 20 rows only', async () => {
    const a = { first_name: 'Anna', surname: 'Koch', dob: '1990-03-05', city: 'Hull', email: null };
    const b = { first_name: null, surname: 'Koch', dob: '1984-11-09', city: 'Hull', email: null };
    expect(await pairedBy([a, b], GENERIC)).toEqual(['surname+first_name.family+city']);
    const { rules } = await prepare([a], GENERIC);
    expect(rules.find((r) => r.name === 'surname+first_name.family+city')!.maxBlockSize).toBe(NAME_PART_MAX_BLOCK_SIZE);
    // Other people of that name in that place: paired while the block holds ≤ 20 rows, not beyond
    // (a surname that common in one place is no evidence; the block is skipped and reported).
    const others = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ first_name: `Other${String.fromCharCode(97 + (i % 26))}`, surname: 'Koch', dob: `19${50 + i}-01-01`, city: 'Hull', email: null }));
    expect(await pairedBy([a, b, ...others(NAME_PART_MAX_BLOCK_SIZE - 2)], GENERIC)).toEqual(['surname+first_name.family+city']);
    expect(await pairedBy([a, b, ...others(NAME_PART_MAX_BLOCK_SIZE - 1)], GENERIC)).toEqual([]);
    // …and not in another place, or for Vietnamese names (a Vietnamese family name is no key).
    expect(await pairedBy([a, { ...b, city: 'Leeds' }], GENERIC)).toEqual([]);
    const vi = await prepare([{ id: null, name: 'Nguyễn Văn An', dob: '1990-03-05', sex: 'Nam', province: 'Hà Nội', address: null }], VIETNAMESE);
    expect(vi.rules.some((r) => r.maxBlockSize !== undefined || r.name.includes('province'))).toBe(false);
  });

  it('pair records whose name parts are BOTH misspelt past their keys by the initials and the full date', async () => {
    const a = { first_name: 'Robert', surname: 'Weber', dob: '1926-06-16', city: null, email: null };
    const b = { first_name: 'Robefrt', surname: 'Webee', dob: '1926-06-16', city: null, email: null };
    expect(await pairedBy([a, b], GENERIC)).toEqual(['surname+first_name.initials+dob']);
    // …and not with another date, or another initial.
    expect(await pairedBy([a, { ...b, dob: '1926-06-17' }], GENERIC)).toEqual([]);
    expect(await pairedBy([a, { ...b, first_name: 'Gobefrt' }], GENERIC)).toEqual([]);
  });

  it('pair records with one name part misspelt past its key AND the date wrong within the year, by the other initial and the year', async () => {
    const a = { first_name: 'Ralf', surname: 'Pohl', dob: '1983-08-16', city: null, email: null };
    // (In a small block the name part and the year pair them too.)
    expect(await pairedBy([a, { ...a, surname: 'Poho', dob: '1983-06-16' }], GENERIC)).toEqual(['surname+first_name.given+family-initial+year(dob)', 'surname+first_name.given+year(dob)']);
    expect(await pairedBy([a, { ...a, first_name: 'Ralk', dob: '1983-06-16' }], GENERIC)).toEqual(['surname+first_name.family+given-initial+year(dob)', 'surname+first_name.family+year(dob)']);
    // …and not with another year; with another initial of the part that is not keyed, only by
    // the small-block rule.
    expect(await pairedBy([a, { ...a, surname: 'Poho', dob: '1984-06-16' }], GENERIC)).toEqual([]);
    expect(await pairedBy([a, { ...a, surname: 'Koho', dob: '1983-06-16' }], GENERIC)).toEqual(['surname+first_name.given+year(dob)']);
  });

  it('pair identifiers with a typo past their first characters, and only those', async () => {
    const base = { first_name: 'Max', surname: 'Henderson', dob: '1973-06-10', city: null };
    const other = { first_name: 'Theo', surname: 'Wood', dob: '1990-01-01', city: null };
    const a = { ...base, email: 'max.henderson43@oneill-white.com' };
    expect(await pairedBy([a, { ...other, email: 'max.henderson43@oneili-whlte.com' }], GENERIC)).toEqual(['email.prefix']);
    expect(await pairedBy([a, { ...other, email: 'mxa.henderson43@oneill-white.com' }], GENERIC)).toEqual([]);
  });

  it('never pair on a missing value: two records with only missing fields in common are not candidates', async () => {
    const a = { first_name: 'Ann', surname: null, dob: null, city: null, email: null };
    const b = { first_name: 'Bob', surname: null, dob: null, city: null, email: null };
    expect(await pairedBy([a, b], GENERIC)).toEqual([]);
  });
});

describe('default blocking rules: Vietnamese schemas', () => {
  const person = { id: '001090012345', name: 'Nguyễn Văn An', dob: '15/03/1990', sex: 'Nam', province: 'Hà Nội', address: '12 Phố Huế, Hai Bà Trưng' };

  it('are the four rules that keep pairs near-linear (ID; name + year; given + date; family + middle + date)', async () => {
    const { rules } = await prepare([person], VIETNAMESE);
    expect(rules.map((r) => r.name)).toEqual(['id', 'name+year(dob)', 'name.given+dob', 'name.family+dob']);
  });

  it('pair two records that differ in ONE field only, whichever field', async () => {
    const variants: Array<[string, Row]> = [
      ['id', { ...person, id: '001090012354' }],
      ['id missing', { ...person, id: null }],
      ['name', { ...person, name: 'Nguyễn Văn Anh' }],
      ['name missing', { ...person, name: null }],
      ['dob', { ...person, dob: '16/03/1990' }],
      ['dob missing', { ...person, dob: null }],
      ['sex', { ...person, sex: 'Nữ' }],
      ['province', { ...person, province: 'Hải Phòng' }],
      ['address', { ...person, address: '14 Phố Huế' }],
    ];
    for (const [what, b] of variants) expect((await pairedBy([person, b], VIETNAMESE)).length, what).toBeGreaterThan(0);
  });
});

describe('default blocking rules: Vietnamese schemas without an ID field', () => {
  const NO_ID: Record<string, FieldSpec> = { name: { kind: 'personName', locale: 'vi' }, dob: { kind: 'date' }, sex: { kind: 'sex' }, province: { kind: 'category' } };
  const person = { name: 'Trần Thị Bích Ngọc', dob: '15/03/1990', sex: 'Nữ', province: 'Hà Nội' };

  it('pair two records that differ in ONE field only, the date missing or wrong across years included', async () => {
    const variants: Array<[string, Row]> = [
      ['name', { ...person, name: 'Trần Thị Bích Ngọt' }],
      ['name missing', { ...person, name: null }],
      ['dob across years', { ...person, dob: '15/03/1991' }],
      ['dob', { ...person, dob: '16/03/1990' }],
      ['dob missing', { ...person, dob: null }],
      ['sex', { ...person, sex: 'Nam' }],
      ['province', { ...person, province: 'Hải Phòng' }],
      ['province missing', { ...person, province: null }],
    ];
    for (const [what, b] of variants) expect((await pairedBy([person, b], NO_ID)).length, what).toBeGreaterThan(0);
  });

  it('pair a missing date by the whole name alone or with the place, in blocks of ≤ 20 rows only', async () => {
    const b = { ...person, dob: null };
    expect(await pairedBy([person, b], NO_ID)).toEqual(['name.full+province']);
    // Namesakes: paired while the name's block in the province holds ≤ 20 rows, not beyond; the
    // namesakes of other provinces do not count.
    const namesakes = (n: number, province: (i: number) => string): Row[] =>
      Array.from({ length: n }, (_, i) => ({ ...person, dob: `0${1 + (i % 9)}/0${1 + (i % 9)}/19${50 + i}`, province: province(i) }));
    expect(await pairedBy([person, b, ...namesakes(NAME_PART_MAX_BLOCK_SIZE - 2, () => 'Hà Nội')], NO_ID)).toEqual(['name.full+province']);
    expect(await pairedBy([person, b, ...namesakes(NAME_PART_MAX_BLOCK_SIZE - 1, () => 'Hà Nội')], NO_ID)).toEqual([]);
    expect(await pairedBy([person, b, ...namesakes(NAME_PART_MAX_BLOCK_SIZE, (i) => `Tỉnh ${i}`)], NO_ID)).toEqual(['name.full+province']);
    // With no place in the schema, the whole name alone.
    const { province: _, ...noPlace } = NO_ID;
    const strip = ({ province: _p, ...r }: Row): Row => r;
    expect(await pairedBy([strip(person), strip(b)], noPlace)).toEqual(['name.full']);
    // With an ID field the ID and date rules carry the load: no such rule.
    const { rules } = await prepare([person], { ...NO_ID, id: { kind: 'nationalId' } });
    expect(rules.some((r) => r.name.includes('.full'))).toBe(false);
  });
});

describe('resolveRules: a part names a store column or a field', () => {
  it('maps a field or name group to its default column, keeps a store column as written — a field whose name has a dot included', () => {
    const schema = defineSchema({ dob: { kind: 'date' }, 'birth.date': { kind: 'date' }, name: { kind: 'personName' }, 'x.y': { kind: 'identifier' } });
    const groups = nameGroupsOf(schema).map((g) => ({ ...g, locale: 'generic' as const }));
    const columns = (column: string) => resolveRules([{ name: 'r', parts: [{ column }] }], schema, groups)[0]!.parts[0]!.column;
    expect(columns('dob')).toBe('dob.date');
    expect(columns('dob.date')).toBe('dob.date'); // a store column
    expect(columns('birth.date')).toBe('birth.date.date'); // a field named with a dot
    expect(columns('x.y')).toBe('x.y.id');
    expect(columns('nope.col')).toBe('nope.col'); // neither: left for validateRules to report
  });
});
