/**
 * A matching job as seen by the pool: what a thread needs to compare pairs of one dataset —
 * the comparison plan and the records bound for comparison — described once by the main
 * thread and rebuilt (then cached by job id) by each thread that runs one of its tasks.
 *
 *   MatchJob
 *   ├─ id        pool-unique number: the cache key in every thread's TaskContext
 *   ├─ spec      msgpackr bytes: schema fields, name groups, category dictionaries, and the
 *   │            comparison names (checked against the rebuilt plan)
 *   └─ shared    side: RecordStore descriptor + numeric columns flattened on SAB (shareSide)
 *                released: Int32Array(1) on SAB, set to 1 when the job is over
 *
 * The side's dataset indexes (person-name-index.ts, token-set-index.ts) are built once — with a
 * pool of two threads or more, each by a worker ('match.tokenSetIndex', 'match.personNameIndex';
 * largest first: an address column's token sets) while the main thread flattens the rest; the
 * indexes are the same whichever thread builds them (a pure function of the columns), and the
 * workers have nothing else to do before the job exists. dedupe/link start the job as soon as
 * the blocking indexes are built (match.ts), so the main thread's term frequencies and
 * candidate pairs run beside the workers' side indexes. Measured (1M synthetic records, a
 * 2-thread pool, same process, alternating, medians of 7): token sets on a worker, 2.00 → 0.82 s
 * with the token-set build's own change (its ids allocated once: 1.16 → 0.68 s alone) — time
 * the compare phase spent with every worker idle. Then the person-name index on a worker too and
 * the job started before the pairs (8 rounds): from the index phase to the compare phase
 * 2.61 → 2.51 s (×0.96), the whole run 12.16 → 12.02 s (×0.99, within the noise) — small on
 * this machine because the calling thread and two workers share two cores, so moving work
 * between them saves only the waits (with a core for each thread it should save the name
 * index's 0.6 s: not measured, this machine has two).
 *
 * Trade-off: the plan holds closures and lookup tables, so it is REBUILT from its inputs in
 * each thread (microseconds to milliseconds, once per job per thread) rather than serialised;
 * the records are never copied. `spec` travels with every comparison task (a thread cannot be
 * addressed directly), a few hundred bytes to a few KiB — the category dictionaries dominate.
 */
import { KhopError } from '../errors.js';
import type { FieldKind, FieldSpec, Schema, SchemaField } from '../schema.js';
import type { NameGroup } from '../pipeline/prepare.js';
import { bindSharedSide, planComparisons, shareSide, sharedPersonNameIndex, type BoundSide, type ComparisonPlan, type SharedSideDescriptor } from '../pipeline/comparisons.js';
import type { TaskContext } from './task-context.js';
import { packValue, unpackValue } from './task-message.js';
import { sharedInt32 } from './shared-arrays.js';
import { phaseError } from './phase-runner.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { buildTokenSetIndex, type TokenSetIndex } from '../compare/token-set-index.js';
import type { PersonNameIndex } from '../compare/person-name-index.js';

/** The pool task that builds one token-set index of a job's side. */
export const TOKEN_SET_INDEX_TASK = 'match.tokenSetIndex';
/** The pool task that builds one person-name index of a job's side. */
export const PERSON_NAME_INDEX_TASK = 'match.personNameIndex';

/** Payload of 'match.tokenSetIndex': the side's store and the text column to index. */
export interface TokenSetIndexPayload {
  readonly store: RecordStoreDescriptor;
  readonly column: string;
}

/** Payload of 'match.personNameIndex': the side's store and the name columns' prefix. */
export interface PersonNameIndexPayload {
  readonly store: RecordStoreDescriptor;
  readonly prefix: string;
}

/** Rows from which a pool builds a job's side indexes (below, a task's round trip is not worth it). */
export const POOLED_SIDE_INDEX_MIN_ROWS = 20_000;

/** The part of a pool createMatchJob uses. */
export interface SideIndexPool {
  run<T = unknown>(taskName: string, payload: unknown): Promise<T>;
  readonly threads: number;
}

/** The store of a side-index task's payload, whose `key` names a string (else INVALID_ARGUMENT). */
function payloadStore(task: string, payload: unknown, key: string): RecordStore {
  const p = payload as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object' || typeof p[key] !== 'string' || p.store === null || typeof p.store !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', `${task}: payload must hold a store descriptor and a ${key}`);
  }
  return RecordStore.fromDescriptor(p.store as RecordStoreDescriptor);
}

/** Worker side: the token-set index of one column of a shared store, on shared memory. */
export function tokenSetIndexTask(payload: TokenSetIndexPayload): TokenSetIndex {
  const store = payloadStore(TOKEN_SET_INDEX_TASK, payload, 'column');
  return buildTokenSetIndex(store.textColumn(payload.column), store.rowCount, { shared: true });
}

/** Worker side: the person-name index of one name group of a shared store, on shared memory. */
export function personNameIndexTask(payload: PersonNameIndexPayload): PersonNameIndex {
  return sharedPersonNameIndex(payloadStore(PERSON_NAME_INDEX_TASK, payload, 'prefix'), payload.prefix);
}

/** The plain (packed) part of a job. */
interface MatchJobSpec {
  readonly fields: ReadonlyArray<{ name: string; column: string; kind: FieldKind; spec: FieldSpec }>;
  readonly groups: readonly NameGroup[];
  readonly dictionaries: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, number]>]>;
  readonly comparisons: readonly string[];
}

/** The shared part of a job. */
export interface MatchJobShared {
  readonly side: SharedSideDescriptor;
  readonly released: Int32Array;
}

/** A job description (see the file header). */
export interface MatchJob {
  readonly id: number;
  readonly spec: Uint8Array;
  readonly shared: MatchJobShared;
}

/** What a thread works with. */
export interface OpenMatchJob {
  readonly plan: ComparisonPlan;
  readonly side: BoundSide;
}

/**
 * Describe a job: the plan is built from `fields` (the compared schema fields), `groups` and
 * `dictionaries`; `plan` is the main thread's own plan of the same inputs (its numeric columns
 * are flattened onto shared memory here, once).
 */
export async function createMatchJob(
  id: number,
  fields: readonly SchemaField[],
  groups: readonly NameGroup[],
  dictionaries: ReadonlyMap<string, ReadonlyMap<string, number>>,
  store: RecordStore,
  plan: ComparisonPlan,
  pool?: SideIndexPool,
): Promise<MatchJob> {
  const categoryFields = new Set(fields.filter((f) => f.kind === 'category').map((f) => f.name));
  const spec: MatchJobSpec = {
    fields: fields.map((f) => ({ name: f.name, column: f.column, kind: f.kind, spec: { ...f.spec } })),
    groups: groups.map((g) => ({
      name: g.name,
      locale: g.locale,
      prefix: g.prefix,
      hasMiddle: g.hasMiddle,
      fields: g.fields.map((f) => ({ name: f.name, column: f.column, kind: f.kind, spec: { ...f.spec } })),
    })),
    dictionaries: [...dictionaries].filter(([field]) => categoryFields.has(field)).map(([field, dict]) => [field, [...dict]] as const),
    comparisons: plan.specs.map((s) => s.name),
  };
  // The side indexes on the pool while this thread flattens the rest (see the file header).
  const pooled = pool !== undefined && pool.threads > 1 && store.rowCount >= POOLED_SIDE_INDEX_MIN_ROWS;
  const pooledSets = pooled ? plan.tokenSetColumns : [];
  const pooledNames = pooled ? plan.namePrefixes : [];
  const descriptor = pooled ? store.toDescriptor() : null;
  // A worker's failure named after the phase that needs the index, as a comparison task's is.
  const onPool = <T>(task: string, payload: object): Promise<T> => pool!.run<T>(task, payload).catch((e: unknown) => Promise.reject(phaseError('compare', e)));
  // Every task settled before the job resolves or rejects: none left running for a failed job.
  const building = Promise.allSettled([
    ...pooledSets.map(async (column) => ['set', column, await onPool<TokenSetIndex>(TOKEN_SET_INDEX_TASK, { store: descriptor!, column } satisfies TokenSetIndexPayload)] as const),
    ...pooledNames.map(async (prefix) => ['name', prefix, await onPool<PersonNameIndex>(PERSON_NAME_INDEX_TASK, { store: descriptor!, prefix } satisfies PersonNameIndexPayload)] as const),
  ]);
  let side: SharedSideDescriptor;
  try {
    side = shareSide(store, plan, { tokenSets: new Set(pooledSets), names: new Set(pooledNames) });
  } catch (e) {
    await building;
    throw e;
  }
  if (pooled) {
    const sets = new Map(side.tokenSets ?? []);
    const names = new Map(side.names ?? []);
    for (const r of await building) {
      if (r.status === 'rejected') throw r.reason;
      const [kind, key, index] = r.value;
      if (kind === 'set') sets.set(key, index);
      else names.set(key, index);
    }
    side = {
      ...side,
      names: plan.namePrefixes.map((p) => [p, names.get(p)!] as const),
      tokenSets: plan.tokenSetColumns.map((c) => [c, sets.get(c)!] as const),
    };
  }
  return { id, spec: packValue(spec), shared: { side, released: sharedInt32(1) } };

}

/** Mark a job over: every thread drops its cached state on its next task. */
export function releaseMatchJob(job: MatchJob): void {
  Atomics.store(job.shared.released, 0, 1);
}

/** The plan and bound side of a job, from the thread's cache or rebuilt (then cached). */
export function openMatchJob(context: TaskContext, id: number, spec: Uint8Array, shared: MatchJobShared): OpenMatchJob {
  return context.job(`match:${id}`, shared.released, () => {
    const s = unpackValue<MatchJobSpec>(spec);
    const fields: SchemaField[] = s.fields.map((f) => ({ name: f.name, column: f.column, kind: f.kind, spec: f.spec }));
    const schema: Schema = {
      fields,
      field: (kind: FieldKind) => fields.find((f) => f.kind === kind),
      toJSON: () => Object.fromEntries(fields.map((f) => [f.name, { ...f.spec }])),
    };
    const dictionaries = new Map(s.dictionaries.map(([field, entries]) => [field, new Map(entries)] as const));
    const plan = planComparisons(schema, s.groups, { dictionaries });
    if (plan.specs.length !== s.comparisons.length || plan.specs.some((c, k) => c.name !== s.comparisons[k])) {
      throw new KhopError('INTERNAL', 'match job: the plan rebuilt in this thread differs from the main thread\'s');
    }
    return { plan, side: bindSharedSide(shared.side) };
  });
}
