/**
 * Default blocking rules of a schema, and the mapping of user rules written on schema fields
 * to store columns.
 *
 * A record pair becomes a candidate when any rule's key agrees. The design guarantee: ANY ONE
 * field may be wrong or missing and the pair is still a candidate — every field is left out of
 * at least one rule (tested per field with seeded typos and missing values). Keys are phonetic
 * (Vietnamese syllable classes, Double Metaphone), so most name typos keep the key anyway.
 * Pairs stay near-linear: no rule keys on one common value or one name part with a date part,
 * and blocks above maxBlockSize are skipped and reported.
 *
 *   <id>                   each nationalId / identifier field, exact canonical value
 *   <id>.prefix            each identifier (email, phone…) on its first 8 characters: a typo
 *                          past them still pairs the records. The characters of the stored form
 *                          (identifierForm: an address keeps its punctuation, a number loses its
 *                          separators), as every identifier rule. NOT a national ID: its head is a
 *                          province / century / birth-year code shared by millions
 *   <name>+year(<dob>)     family (+ middle, for Vietnamese names) and given phonetic keys and the
 *                          birth year (every spelling variant, any date error inside the year)
 *   <name>.given+<dob>     given-name key and the full date (family name wrong or missing)
 *   <name>.family+<dob>    family (+ middle, for Vietnamese names) key and the full date (given
 *                          name wrong or missing)
 *   <name>.initials+<dob>  generic names: the first letters of the family and given names and
 *                          the full date — BOTH name parts misspelt past their phonetic keys
 *                          (Robefrt Webee / Robert Weber), date right. Blocks stay small (a date
 *                          holds ~1/36,500 of a population, two initials ~1/100–1/400 of that):
 *                          +4 % candidate pairs on RLdata10000 for +0.3 points of blocking
 *                          recall. Not for Vietnamese names, whose initials are concentrated
 *                          (N for ~40 % of family names) and whose date rules carry the load
 *   <name>.family+given-initial+year(<dob>), <name>.given+family-initial+year(<dob>)
 *                          generic names: one name part's key, the other part's first letter and
 *                          the birth year — one name part misspelt past its key AND the date
 *                          wrong within the year (Ralf Poho 1983-08-16 / Ralf Pohl 1983-06-16),
 *                          a two-field error the rules above miss. Measured (bench/quality/run.ts,
 *                          same defaults otherwise): F1 RLdata10000 0.9687 → 0.9709, RLdata500
 *                          0.9796 → 0.9899, fake_1000 0.9046 → 0.9109, fake_20000 0.8574 →
 *                          0.8597. Cost: on the worst case — 1M synthetic Vietnamese names read
 *                          as generic (concentrated given names) — 96M → 167M candidate pairs
 *                          (the given-key rule 63M of it), 59 → 94 s on two threads; realistic
 *                          generic names are far less concentrated. Not for Vietnamese names
 *   <name>                 the set {family key, given key}, order-free (date wrong or missing,
 *                          parts swapped) — generic locales, or when there is no date
 *   <dob>+<cat>            generic names, or no name field: each date with each category (city,
 *                          province…) — BOTH name parts wrong or missing; with no name field and
 *                          no category, the date alone
 *   <name>.family+<cat>    generic names: the family key with each category, in blocks of at most
 *                          NAME_PART_MAX_BLOCK_SIZE (20) rows — the given name AND the date
 *                          wrong or missing (Felicity Stevens 1983-06-12 / — Stevens 1982-06-11,
 *                          both in Cardiff). The rule's own cap (BlockingRule.maxBlockSize) keeps
 *                          it to surnames shared by few people in a place, where sharing them is
 *                          evidence, and bounds its pairs by 19 a row at any population size:
 *                          unbounded, a surname with a city makes blocks that grow with the
 *                          population. Measured (bench/quality/run.ts, same defaults otherwise):
 *                          F1 fake_1000 0.9301 → 0.9448, fake_20000 0.8914 → 0.8948 (cap 10 /
 *                          50 / none: 0.8941 / 0.8951 / 0.8953 — the cap costs little);
 *                          RLdata (no place) and the Vietnamese population unchanged. Cost: +12k
 *                          of 60k candidate pairs on fake_20000; +32k on 1M synthetic Vietnamese
 *                          names read as generic (167M pairs: its blocks are mostly skipped).
 *   <name>.family+year(<dob>), <name>.given+year(<dob>), <name>.given+<cat>
 *                          generic names: one name part's key with the birth year, and the given
 *                          key with each category, each in blocks of at most 20 rows like the
 *                          rule above — the other name part AND the date (or the place) wrong or
 *                          missing. They pay only since clustering has the average-linkage guard
 *                          (cluster/clusters.ts): with single linkage each lowered F1 on one of
 *                          the Splink sets (the previous measurements, BENCHMARKS.md); with the
 *                          guard (bench/quality/run.ts, dedupe F1 fake_1000 / fake_20000 from
 *                          0.9434 / 0.9084): family + year 0.9483 / 0.9114, given + year 0.9418
 *                          / 0.9115, given + place 0.9472 / 0.9111, the three 0.9526 / 0.9146;
 *                          link F1 0.8535 / 0.8447 → 0.8736 / 0.8587; RLdata (no place) and the
 *                          Vietnamese population unchanged. Cost: candidate pairs fake_20000 72k
 *                          → 116k, RLdata10000 16k → 36k (the cap bounds them by 9.5 a row per
 *                          rule at any size); 1M synthetic Vietnamese names read as generic 166.8M
 *                          → 167.0M (their blocks are skipped), 72.5 / 67.5 s on two threads
 *
 *   <name>.full+<cat>      Vietnamese names when the schema has no ID field (nationalId or
 *                          identifier): the whole name's keys (family, middle, given) with each
 *                          place — with no place, alone (<name>.full) — in blocks of at most 20
 *                          rows: the date missing or wrong across years, which without an ID
 *                          every other rule holds; and <dob>+<cat> as for generic names (the name
 *                          missing). They train no EM session (train-model.ts). Measured on 100k
 *                          synthetic records without their ID column: F1 0.9464 → 0.9433 (recall
 *                          0.9935 → 0.9963; more namesakes of one province matched) with every
 *                          date present, 0.8948 → 0.9240 with 5 % of the dates missing (recall
 *                          0.885 → 0.984). The whole name alone beside a place: 3× the candidate
 *                          pairs (namesakes across the country) for no recall there
 *
 * Vietnamese names ('vi' locale, with a date) get none of the other rules from <name> on: with ~38%
 * Nguyễn, the middle names Văn / Thị and a few dozen common given names, two name parts
 * without a date make blocks that grow with the population (pairs quadratic in it); there the
 * ID and full-date rules carry the load (F1 ≥ 0.9995 at 1M). The family name alone is never a
 * key.
 *
 * Trade-off (measured with bench/quality/run.ts and the synthetic population read with the
 * GENERIC locale — the worst case of concentrated names): one name part with a date part (the
 * year and month, or the year and a city) UNCAPPED makes blocks that grow with the population —
 * at 1M records 96M candidate pairs became 246M and 137M — so the name-part rules above are
 * capped at 20 rows, which keeps only the blocks of rare values. The date + category rule
 * costs +0.04% (100k) to +0.5% (1M) pairs there; with the identifier prefix it gives +2 to +3 F1 points on fake_1000 /
 * fake_20000 (the prefix's cost depends on the identifier: little for well-spread values;
 * a head shared by more than maxBlockSize records is a skipped block).
 */
import { KhopError } from '../errors.js';
import { checkArray, invalidArgument } from '../util/arg-check.js';
import type { BlockingRule, KeyPart } from '../block/blocking-rule.js';
import type { Schema } from '../schema.js';
import { storeColumnsFor, type NameGroup } from './prepare.js';

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
        // The folded text, not its dictionary code: codes are numbered in input order, so a
        // rule on them would order its blocks by the input's order (and training samples blocks).
        return `${f.name}.fold`;
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
  // Every property of a rule is kept (validateRules reports the ones it does not know).
  // A part's column is a store column as written ("dob.date"), else a field or name group
  // mapped to its default column — so a field whose own name has a dot ("a.b") can be named.
  const stored = new Set(storeColumnsFor(schema).map((c) => c.name));
  return rules.map((r) => {
    if (r === null || typeof r !== 'object') return r;
    const parts = (Array.isArray(r.parts) ? r.parts : []).map((p: KeyPart) => {
      if (p === null || typeof p !== 'object') return p;
      const mapped = typeof p.column === 'string' && !stored.has(p.column) ? defaultColumnOf(schema, groups, p.column) : undefined;
      return mapped ? { ...p, column: mapped } : p;
    });
    return { ...r, parts };
  });
}

/** Leading characters of an identifier (not a national ID) that its prefix rule blocks on. */
export const DEFAULT_IDENTIFIER_PREFIX = 8;

/**
 * Block cap of the rules on one name part with a place or the birth year (generic names): a
 * surname shared by more people than this in one place, or a given name by more people born in
 * one year, is no evidence of identity, and each such rule adds at most this − 1 pairs a row.
 */
export const NAME_PART_MAX_BLOCK_SIZE = 20;

/** Whether the schema has an ID field (a national ID or another identifier): it tells namesakes apart. */
export function schemaHasIdField(schema: Schema): boolean {
  return schema.fields.some((f) => f.kind === 'nationalId' || f.kind === 'identifier');
}

export function defaultBlockingRules(schema: Schema, groups: readonly NameGroup[]): BlockingRule[] {
  if (schema === null || typeof schema !== 'object' || !Array.isArray((schema as { fields?: unknown }).fields)) {
    throw invalidArgument('defaultBlockingRules', 'schema', 'a Schema (from defineSchema)', schema);
  }
  checkArray('defaultBlockingRules', 'groups', groups, 'an array of name groups');
  const rules: BlockingRule[] = [];
  for (const f of schema.fields) {
    if (f.kind === 'nationalId' || f.kind === 'identifier') rules.push({ name: f.name, parts: [{ column: `${f.name}.id` }] });
  }
  // Other identifiers (email, phone, customer number): also their first characters, so a typo
  // past them still pairs the records. Not national IDs: their head is a province / century /
  // birth-year code shared by millions.
  for (const f of schema.fields) {
    if (f.kind === 'identifier') {
      rules.push({ name: `${f.name}.prefix`, parts: [{ column: `${f.name}.id`, transform: 'first', n: DEFAULT_IDENTIFIER_PREFIX }] });
    }
  }
  const hasIdField = schemaHasIdField(schema);
  const dates = schema.fields.filter((f) => f.kind === 'date');
  const cats = schema.fields.filter((f) => f.kind === 'category');
  for (const g of groups) {
    const d = dates[0];
    // Vietnamese names: the middle name too. Family + given + year alone makes blocks that
    // grow with the population ("Nguyễn … An", born 1990), so its pairs grow quadratically;
    // a record whose middle name is dropped or misspelt is still paired by the date rules.
    const nameKeys = g.locale === 'vi' && g.hasMiddle
      ? [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.middleKey` }, { column: `${g.prefix}.givenKey` }]
      : [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.givenKey` }];
    if (d) {
      rules.push({ name: `${g.name}+year(${d.name})`, parts: [...nameKeys, { column: `${d.name}.date`, transform: 'year' }] });
      rules.push({ name: `${g.name}.given+${d.name}`, parts: [{ column: `${g.prefix}.givenKey` }, { column: `${d.name}.date` }] });
      // The family name alone is weak (~38% Nguyễn): with the middle name for Vietnamese names.
      const familyKeys = g.locale === 'vi' && g.hasMiddle
        ? [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.middleKey` }]
        : [{ column: `${g.prefix}.familyKey` }];
      rules.push({ name: `${g.name}.family+${d.name}`, parts: [...familyKeys, { column: `${d.name}.date` }] });
      // Both name parts misspelt past their keys with the date right, or one part misspelt and
      // the date wrong within the year (generic names; see the header).
      if (g.locale !== 'vi') {
        rules.push({
          name: `${g.name}.initials+${d.name}`,
          parts: [{ column: `${g.prefix}.family`, transform: 'first', n: 1 }, { column: `${g.prefix}.given`, transform: 'first', n: 1 }, { column: `${d.name}.date` }],
        });
        rules.push({
          name: `${g.name}.family+given-initial+year(${d.name})`,
          parts: [{ column: `${g.prefix}.familyKey` }, { column: `${g.prefix}.given`, transform: 'first', n: 1 }, { column: `${d.name}.date`, transform: 'year' }],
        });
        rules.push({
          name: `${g.name}.given+family-initial+year(${d.name})`,
          parts: [{ column: `${g.prefix}.givenKey` }, { column: `${g.prefix}.family`, transform: 'first', n: 1 }, { column: `${d.name}.date`, transform: 'year' }],
        });
      }
      // One name part with a date part UNCAPPED: on concentrated names those blocks grow with
      // the population (1M synthetic names read as generic: 96M candidate pairs → 246M with
      // part + year-month) — the part + year rules below are capped at 20 rows.
    }
    // Family + given keys, order-free (also pairs names written with the parts swapped), for
    // records whose date is wrong or missing; common names make blocks above maxBlockSize,
    // which are skipped and reported. Generic locales only: with ~38% Nguyễn and a few dozen
    // common given names, Vietnamese blocks on two name parts hold thousands of people
    // (quadratic pairs); there the ID and date rules above carry the load.
    if (g.locale !== 'vi' || !d) rules.push({ name: g.name, parts: [{ column: `${g.prefix}.keySet` }] });
    // Vietnamese names with a date and no ID field to carry the load: the whole name's keys alone
    // and with each place, in small blocks — the date missing or wrong across years. Without
    // them the date was the one field every rule held (see the header).
    if (g.locale === 'vi' && d && !hasIdField) {
      const small = (name: string, parts: KeyPart[]) => rules.push({ name, parts, maxBlockSize: NAME_PART_MAX_BLOCK_SIZE });
      if (cats.length === 0) small(`${g.name}.full`, nameKeys);
      for (const c of cats) small(`${g.name}.full+${c.name}`, [...nameKeys, { column: `${c.name}.fold` }]);
    }
  }
  // Both name parts wrong or missing (or no name field): each date with each place; without a
  // name field and without a place, the date alone. Vietnamese names too when no ID field pairs
  // a record whose name is missing.
  const generic = groups.length === 0 || groups.some((g) => g.locale !== 'vi') || !hasIdField;
  if (generic) {
    for (const d of dates) {
      if (cats.length === 0 && groups.length === 0) rules.push({ name: d.name, parts: [{ column: `${d.name}.date` }] });
      for (const c of cats) rules.push({ name: `${d.name}+${c.name}`, parts: [{ column: `${d.name}.date` }, { column: `${c.name}.fold` }] });
    }
  }
  // One name part's key with the birth year or a place, in small blocks only (see the header):
  // the other name part AND the date (or the place) wrong or missing — generic names; a
  // Vietnamese family name is no key, and Vietnamese given names are too concentrated.
  for (const g of groups) {
    if (g.locale === 'vi') continue;
    const small = (name: string, parts: KeyPart[]) => rules.push({ name, parts, maxBlockSize: NAME_PART_MAX_BLOCK_SIZE });
    for (const c of cats) small(`${g.name}.family+${c.name}`, [{ column: `${g.prefix}.familyKey` }, { column: `${c.name}.fold` }]);
    const d = dates[0];
    if (d !== undefined) {
      small(`${g.name}.family+year(${d.name})`, [{ column: `${g.prefix}.familyKey` }, { column: `${d.name}.date`, transform: 'year' }]);
      small(`${g.name}.given+year(${d.name})`, [{ column: `${g.prefix}.givenKey` }, { column: `${d.name}.date`, transform: 'year' }]);
    }
    for (const c of cats) small(`${g.name}.given+${c.name}`, [{ column: `${g.prefix}.givenKey` }, { column: `${c.name}.fold` }]);
  }
  if (rules.length === 0) {
    throw new KhopError('INVALID_SCHEMA', 'no default blocking rule for this schema: give `blocking` rules explicitly', {
      details: { problems: ['schema has no ID, name or date field to block on'] },
    });
  }
  return rules;
}
