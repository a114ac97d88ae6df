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
 * The side's dataset indexes (person-name-index.ts, token-set-index.ts) are built once, by the
 * main thread — but with a pool, each token-set index (an address column's: the largest) is
 * built by a worker ('match.tokenSetIndex') while the main thread builds the rest: the indexes
 * are the same whichever thread builds them (a pure function of the column), and the workers
 * have nothing else to do before the job exists. Measured (1M synthetic records, a 2-thread
 * pool, same process, alternating, medians of 7): 2.00 → 0.82 s with the token-set build's
 * own change (its ids allocated once: 1.16 → 0.68 s alone) — time the compare phase spent with
 * every worker idle.
 *
 * Trade-off: the plan holds closures and lookup tables, so it is REBUILT from its inputs in
 * each thread (microseconds to milliseconds, once per job per thread) rather than serialised;
 * the records are never copied. `spec` travels with every comparison task (a thread cannot be
 * addressed directly), a few hundred bytes to a few KiB — the category dictionaries dominate.
 */
import { KhopError } from '../errors.js';
import type { FieldKind, FieldSpec, Schema, SchemaField } from '../schema.js';
import type { NameGroup } from '../pipeline/prepare.js';
import { bindSharedSide, planComparisons, shareSide, type BoundSide, type ComparisonPlan, type SharedSideDescriptor } from '../pipeline/comparisons.js';
import type { TaskContext } from './task-context.js';
import { packValue, unpackValue } from './task-message.js';
import { sharedInt32 } from './shared-arrays.js';
import { phaseError } from './phase-runner.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { buildTokenSetIndex, type TokenSetIndex } from '../compare/token-set-index.js';

/** The pool task that builds one token-set index of a job's side. */
export const TOKEN_SET_INDEX_TASK = 'match.tokenSetIndex';

/** Payload of 'match.tokenSetIndex': the side's store and the text column to index. */
export interface TokenSetIndexPayload {
  readonly store: RecordStoreDescriptor;
  readonly column: string;
}

/** Rows from which a pool builds a job's token-set indexes (below, a task's round trip is not worth it). */
export const POOLED_TOKEN_SET_MIN_ROWS = 20_000;

/** The part of a pool createMatchJob uses. */
export interface TokenSetPool {
  run<T = unknown>(taskName: string, payload: unknown): Promise<T>;
  readonly threads: number;
}

/** Worker side: the token-set index of one column of a shared store, on shared memory. */
export function tokenSetIndexTask(payload: TokenSetIndexPayload): TokenSetIndex {
  if (payload === null || typeof payload !== 'object' || typeof payload.column !== 'string' || payload.store === null || typeof payload.store !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', 'match.tokenSetIndex: payload must hold a store descriptor and a column');
  }
  const store = RecordStore.fromDescriptor(payload.store);
  return buildTokenSetIndex(store.textColumn(payload.column), store.rowCount, { shared: true });
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
  pool?: TokenSetPool,
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
  // The token-set indexes on the pool while this thread builds the rest (see the file header).
  const pooled = pool !== undefined && pool.threads > 1 && store.rowCount >= POOLED_TOKEN_SET_MIN_ROWS ? plan.tokenSetColumns : [];
  const descriptor = pooled.length > 0 ? store.toDescriptor() : null;
  const building = Promise.all(
    pooled.map(async (column) => {
      // A worker's failure named after the phase that needs the index, as a comparison task's is.
      const index = await pool!.run<TokenSetIndex>(TOKEN_SET_INDEX_TASK, { store: descriptor!, column } satisfies TokenSetIndexPayload).catch((e: unknown) => Promise.reject(phaseError('compare', e)));
      return [column, index] as const;
    }),
  );
  let side: SharedSideDescriptor;
  try {
    side = shareSide(store, plan, new Set(pooled));
  } catch (e) {
    await Promise.allSettled([building]); // no task left running for a job that failed
    throw e;
  }
  if (pooled.length > 0) {
    const built = new Map([...(side.tokenSets ?? []), ...(await building)]);
    side = { ...side, tokenSets: plan.tokenSetColumns.map((c) => [c, built.get(c)!] as const) };
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
