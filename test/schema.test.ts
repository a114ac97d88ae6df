import { describe, expect, it } from 'vitest';
import { defineSchema, vietnamesePersonSchema } from '../src/schema.js';
import { KhopError } from '../src/errors.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KhopError);
    expect((e as KhopError).code).toBe('INVALID_SCHEMA');
    return (e as KhopError).details!.problems as string[];
  }
  throw new Error('expected a KhopError');
}

describe('defineSchema', () => {
  it('accepts every kind and keeps declaration order and columns', () => {
    const s = defineSchema({
      id: { kind: 'nationalId', country: 'VN' },
      name: { kind: 'personName', locale: 'vi', column: 'ho_ten' },
      g: { kind: 'givenName' },
      f: { kind: 'familyName', locale: 'generic' },
      dob: { kind: 'date', order: 'dmy', minYear: 1900, maxYear: 2030 },
      sex: { kind: 'sex' },
      province: { kind: 'category' },
      address: { kind: 'text' },
      email: { kind: 'identifier' },
    });
    expect(s.fields.map((f) => f.name)).toEqual(['id', 'name', 'g', 'f', 'dob', 'sex', 'province', 'address', 'email']);
    expect(s.field('personName')?.column).toBe('ho_ten');
    expect(s.field('date')?.spec.minYear).toBe(1900);
    expect(defineSchema(s)).toBe(s);
    expect(defineSchema(JSON.parse(JSON.stringify(s.toJSON()))).toJSON()).toEqual(s.toJSON());
  });

  it('reports every problem together before any data is read', () => {
    const problems = problemsOf(() =>
      defineSchema({
        id: { kind: 'nationalID' as never },
        name: { kind: 'personName', locale: 'fr' as never },
        dob: { kind: 'date', minYear: 2000, maxYear: 1990, colour: 'x' } as never,
        other: { kind: 'text', column: 'name' },
        dup: { kind: 'text', column: 'name' },
      }),
    );
    expect(problems.some((p) => p.includes('"id"') && p.includes('unknown kind'))).toBe(true);
    expect(problems.some((p) => p.includes('"name"') && p.includes('locale'))).toBe(true);
    expect(problems.some((p) => p.includes('"dob"') && p.includes('colour'))).toBe(true);
    expect(problems.some((p) => p.includes('minYear is after maxYear'))).toBe(true);
    expect(problems.some((p) => p.includes('"dup"') && p.includes('already used'))).toBe(true);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('rejects reserved names, empty schemas and non-objects', () => {
    expect(problemsOf(() => defineSchema(JSON.parse('{"__proto__": {"kind": "text"}}')))[0]).toMatch(/not allowed/);
    expect(problemsOf(() => defineSchema({}))).toEqual(['schema has no fields']);
    expect(problemsOf(() => defineSchema(null as never))).toEqual(['schema is not an object']);
    expect(problemsOf(() => defineSchema({ a: 'text' as never }))[0]).toMatch(/expected an object/);
  });

  it('has a Vietnamese person default', () => {
    const s = vietnamesePersonSchema();
    expect(s.fields.map((f) => f.kind)).toEqual(['nationalId', 'personName', 'date', 'sex', 'category', 'text']);
  });
});
