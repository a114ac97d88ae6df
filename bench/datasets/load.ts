/**
 * Loaders of the labelled public person-record datasets kept beside the repository in
 * ../shared/data (see the README there for sources and licences). They are NOT part of the
 * package: RLdata is GPL, so it is read from ../shared/data at benchmark time and skipped,
 * saying so, when that folder is absent (a user's clone has none).
 *
 * Each loader returns rows as plain objects, the ground-truth entity per row, and the schema a
 * user would write for those columns — nothing tuned to the data.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openRecords } from '../../src/index.js';
import type { FieldSpec } from '../../src/index.js';

export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export interface LabelledDataset {
  readonly name: string;
  readonly rows: Record<string, string | null>[];
  /** Ground-truth entity per row. */
  readonly truth: Int32Array;
  readonly schema: Record<string, FieldSpec>;
  readonly idField: string;
}

async function readRows(path: string): Promise<Record<string, string | null>[]> {
  const out: Record<string, string | null>[] = [];
  const source = await openRecords(path);
  for await (const item of source) {
    if (item.kind !== 'row') throw new Error(`${path}: row ${item.rowNumber} rejected: ${item.reason}`);
    const row: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(item.values)) row[k] = v === undefined || v === null || v === '' || v === 'NA' ? null : String(v);
    out.push(row);
  }
  return out;
}

/** RLdata500 / RLdata10000 (German, Febrl-generated; GPL — read in place, never vendored). */
export async function loadRLdata(size: 500 | 10000): Promise<LabelledDataset | null> {
  const path = join(SHARED_DATA, 'rldata', `RLdata${size}.csv`);
  if (!existsSync(path)) return null;
  const raw = await readRows(path);
  const pad = (s: string | null) => (s === null ? null : s.padStart(2, '0'));
  const rows = raw.map((r) => ({
    rec_id: r.rec_id!,
    first_name: [r.fname_c1, r.fname_c2].filter((x) => x !== null).join(' ') || null,
    last_name: [r.lname_c1, r.lname_c2].filter((x) => x !== null).join(' ') || null,
    // The three birth-date columns as one ISO date, as a user would compose them.
    dob: r.by && r.bm && r.bd ? `${r.by}-${pad(r.bm)}-${pad(r.bd)}` : r.by,
  }));
  return {
    name: `RLdata${size}`,
    rows,
    truth: Int32Array.from(raw.map((r) => Number(r.ent_id))),
    schema: { first_name: { kind: 'givenName' }, last_name: { kind: 'familyName' }, dob: { kind: 'date' } },
    idField: 'rec_id',
  };
}

/** Splink's fake_1000 / fake_20000 (UK-style synthetic people; MIT). */
export async function loadSplinkFake(size: 1000 | 20000): Promise<LabelledDataset | null> {
  const path = join(SHARED_DATA, 'splink', `fake_${size}.csv`);
  if (!existsSync(path)) return null;
  const rows = await readRows(path);
  return {
    name: `fake_${size}`,
    rows,
    truth: Int32Array.from(rows.map((r) => Number(r.cluster))),
    schema: {
      first_name: { kind: 'givenName' },
      surname: { kind: 'familyName' },
      dob: { kind: 'date' },
      city: { kind: 'category' },
      email: { kind: 'identifier' },
    },
    idField: 'unique_id',
  };
}
