/**
 * Default blocking rules of a schema, and the mapping of user rules written on schema fields
 * to store columns.
 *
 * Defaults (a record pair becomes a candidate when any rule's key agrees):
 *   <id>                    each nationalId / identifier field, exact canonical value
 *   <name>+year(<dob>)      family (+ middle, for Vietnamese names) and given phonetic keys and
 *                           the birth year (catches every spelling variant with any date error
 *                           inside the year)
 *   <name>.given+<dob>      given-name key and the full date (catches family-name errors)
 *   <name>.family+<dob>     family (+ middle, for Vietnamese names) key and the full date
 *                           (catches given-name typos)
 *   <name>                  the set {family key, given key}, order-free (dates wrong or missing,
 *                           parts swapped) — for generic locales, or when there is no date Without names: each date with each category.
 * The family name alone is never a key: ~38% of Vietnamese people are Nguyễn.
 */
import { KhopError } from '../errors.js';
import type { BlockingRule, KeyPart } from '../block/blocking-rule.js';
import type { Schema } from '../schema.js';
import type { NameGroup } from './prepare.js';

/** The store column a field name stands for in a rule (`dob` → `dob.date`). */
export function defaultColumnOf(schema: Schema, groups: readonly NameGroup[], name: string): string | undefined {
  const f = schema.fields.find((x) => x.name === name);
  if (f) {
    switch (f.kind) {
      case 'nationalId':
      case 'identifier':
        return `${f.name}.id`;
      case 'date':
        return `${f.name}.date`;
      case 'sex':
        return `${f.name}.sex`;
      case 'category':
        return `${f.name}.cat`;
      case 'text':
        return `${f.name}.fold`;
      default: {
        const g = groups.find((x) => x.fields.includes(f));
        if (!g) return undefined;
        return f.kind === 'givenName' ? `${g.prefix}.givenKey` : f.kind === 'familyName' ? `${g.prefix}.familyKey` : `${g.prefix}.fold`;
      }
    }
  }
  const g = groups.find((x) => x.name === name);
  return g ? `${g.prefix}.fold` : undefined;
}

/** Resolve user rules: a part's `column` may be a field name (mapped to its default column) or a store column. */
export function resolveRules(rules: readonly BlockingRule[], schema: Schema, groups: readonly NameGroup[]): BlockingRule[] {
  if (!Array.isArray(rules)) throw new KhopError('INVALID_OPTION', 'blocking must be an array of rules', { details: { option: 'blocking' } });
  return rules.map((r) => ({
    name: r.name,
    parts: (Array.isArray(r.parts) ? r.parts : []).map((p: KeyPart) => {
      if (p === null || typeof p !== 'object') return p;
      const mapped = typeof p.column === 'string' && !p.column.includes('.') ? defaultColumnOf(schema, groups, p.column) : undefined;
      return mapped ? { ...p, column: mapped } : p;
    }),
  }));
}

export function defaultBlockingRules(schema: Schema, groups: readonly NameGroup[]): BlockingRule[] {
  const rules: BlockingRule[] = [];
  for (const f of schema.fields) {
    if (f.kind === 'nationalId' || f.kind === 'identifier') rules.push({ name: f.name, parts: [{ column: `${f.name}.id` }] });
  }
  const dates = schema.fields.filter((f) => f.kind === 'date');
  for (const g of groups) {
    const d = dates[0];
    if (d) {
      // Vietnamese names: the middle name too. Family + given + year alone makes blocks that
      // grow with the population ("Nguyễn … An", born 1990), so its pairs grow quadratically;
      // a record whose middle name is dropped or misspelt is still paired by the date rules.
      const nameKeys = g.locale === 'vi' && g.hasMiddle
        ? [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.middleKey` }, { column: `${g.prefix}.givenKey` }]
        : [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.givenKey` }];
      rules.push({ name: `${g.name}+year(${d.name})`, parts: [...nameKeys, { column: `${d.name}.date`, transform: 'year' }] });
      rules.push({ name: `${g.name}.given+${d.name}`, parts: [{ column: `${g.prefix}.givenKey` }, { column: `${d.name}.date` }] });
      // The family name alone is weak (~38% Nguyễn): with the middle name for Vietnamese names.
      const familyKeys = g.locale === 'vi' && g.hasMiddle
        ? [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.middleKey` }]
        : [{ column: `${g.prefix}.familyKey` }];
      rules.push({ name: `${g.name}.family+${d.name}`, parts: [...familyKeys, { column: `${d.name}.date` }] });
    }
    // Family + given keys alone: the records whose date is wrong or missing. Common names make
    // blocks above maxBlockSize, which are skipped and reported; the rules above cover them.
    // Family + given keys, order-free (also pairs names written with the parts swapped), for
    // records whose date is wrong or missing. Generic locales only: with ~38% Nguyễn and a few
    // dozen common given names, Vietnamese blocks on two name parts hold thousands of people
    // (quadratic pairs); there the ID and date rules above carry the load.
    if (g.locale !== 'vi' || !d) rules.push({ name: g.name, parts: [{ column: `${g.prefix}.keySet` }] });
  }
  if (groups.length === 0) {
    const cats = schema.fields.filter((f) => f.kind === 'category');
    for (const d of dates) {
      if (cats.length === 0) rules.push({ name: d.name, parts: [{ column: `${d.name}.date` }] });
      for (const c of cats) rules.push({ name: `${d.name}+${c.name}`, parts: [{ column: `${d.name}.date` }, { column: `${c.name}.cat` }] });
    }
  }
  if (rules.length === 0) {
    throw new KhopError('INVALID_SCHEMA', 'no default blocking rule for this schema: give `blocking` rules explicitly', {
      details: { problems: ['schema has no ID, name or date field to block on'] },
    });
  }
  return rules;
}
