/**
 * Keyed vs unkeyed register (RegisterBuildOptions.idSecret), same data, same run: build time,
 * authenticate latency p50 / p99, authenticateMany throughput, and the per-ID cost of the
 * three ID hashes (XXH64 of the unkeyed register; node:crypto createHmac; the precomputed-pad
 * HMAC-SHA256 of src/hash/keyed-id-hash.ts that keyed registers use).
 *
 *   npx tsx bench/register/keyed.ts [--records 200k] [--claims 100k] [--rounds 3] [--write]
 *
 * Data: generatePopulation (duplicateRate 0) materialised once (generation is not timed), and
 * generateClaims over it. Builds alternate plain / keyed for `rounds` rounds (medians
 * reported); latency passes alternate too, each claim timed alone with hrtime after a warm-up
 * pass. Verdicts are compared claim by claim (status and record must agree wherever the ID
 * digits do not matter — all generator claims), so a fast wrong answer cannot pass unnoticed.
 * Writes nothing unless --write (then the BENCHMARKS.md section `register-keyed-<N>`).
 */
import { createHmac } from 'node:crypto';
import { Register } from '../../src/register/register.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generateClaims } from '../../src/synth/claims.js';
import { generatePopulation } from '../../src/synth/population.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { KeyedIdHasher } from '../../src/hash/keyed-id-hash.js';
import { fmt, machineLine, markdownTable, median, parseArgs, parseCount, quantile, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `Keyed register: build and authentication.

  npx tsx bench/register/keyed.ts [--records 200k] [--claims 100k] [--rounds 3] [--write]

  --records N   register records (default 200k)
  --claims N    claims authenticated (default 100k)
  --rounds N    rounds, the median reported (default 3)
  --write       write the table to BENCHMARKS.md (section "register-keyed-<records>")
  --help        this text`;

const args = parseArgs(process.argv.slice(2), { records: 'value', claims: 'value', rounds: 'value', write: 'flag' }, USAGE);
const N = parseCount(args.records, 200_000, 'records');
const Q = parseCount(args.claims, 100_000, 'claims');
const ROUNDS = parseCount(args.rounds, 3, 'rounds');
const SECRET = 'benchmark secret, 32 bytes long!';

const pop = { size: N, seed: 42, duplicateRate: 0 };
const schema = vietnamesePersonSchema();
const rows = [...generatePopulation(pop)];
const claims = [...generateClaims({ register: pop, count: Q, seed: 9 })].map((c) => ({ ...c }) as Record<string, unknown>);
console.log(`keyed register bench: ${fmt(N)} records, ${fmt(Q)} claims, ${ROUNDS} rounds — ${machineLine()}`);

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

// Builds, alternating.
const buildMs = { plain: [] as number[], keyed: [] as number[] };
let plain: Register | null = null;
let keyed: Register | null = null;
for (let r = 0; r < ROUNDS; r++) {
  let t = process.hrtime.bigint();
  plain = await Register.build(schema, rows, { idField: 'recordId' });
  buildMs.plain.push(ms(t));
  t = process.hrtime.bigint();
  keyed = await Register.build(schema, rows, { idField: 'recordId', idSecret: SECRET });
  buildMs.keyed.push(ms(t));
}
const P = plain!;
const K = keyed!;

// Agreement (and warm-up).
let agree = 0;
for (const c of claims) {
  const a = P.authenticate(c);
  const b = K.authenticate(c);
  if (a.status === b.status && a.recordId === b.recordId) agree++;
}

// Latency, alternating passes.
function latencies(reg: Register): Float64Array {
  const lat = new Float64Array(Q);
  for (let i = 0; i < Q; i++) {
    const t0 = process.hrtime.bigint();
    reg.authenticate(claims[i]!);
    lat[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return lat;
}
const lat = { plain: [] as number[][], keyed: [] as number[][] };
for (let r = 0; r < ROUNDS; r++) {
  lat.plain.push(Array.from(latencies(P)));
  lat.keyed.push(Array.from(latencies(K)));
}
const pct = (runs: number[][], p: number): number => median(runs.map((xs) => quantile(xs, p)));

// authenticateMany throughput, alternating.
async function many(reg: Register): Promise<number> {
  const t = process.hrtime.bigint();
  let n = 0;
  for await (const _v of reg.authenticateMany(claims)) n++;
  return (n / ms(t)) * 1000;
}
const tput = { plain: [] as number[], keyed: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  tput.plain.push(await many(P));
  tput.keyed.push(await many(K));
}

// Per-ID hash cost.
const ids = rows.slice(0, Math.min(N, 200_000)).map((r) => r.id);
const perId = (f: (id: string) => void): number => {
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (const id of ids) f(id);
    runs.push((ms(t) * 1e6) / ids.length);
  }
  return median(runs);
};
const xxh = new KeyHasher();
const out = new Uint32Array(2);
const kh = KeyedIdHasher.fromSecret(SECRET);
let sink = 0;
const nsXxh = perId((id) => {
  xxh.hashAscii(id, out, 0);
  sink ^= out[0]!;
});
const nsNode = perId((id) => {
  sink ^= createHmac('sha256', kh.key).update(id).digest()[0]!;
});
const nsPad = perId((id) => {
  kh.hash(id);
  sink ^= kh.lo;
});

const row = (what: string, p: number, k: number, unit: string, digits = 1): string[] => [what, `${p.toFixed(digits)} ${unit}`, `${k.toFixed(digits)} ${unit}`, `×${(k / p).toFixed(2)}`];
const table = markdownTable(
  ['measure (median of rounds)', 'unkeyed', 'keyed', 'keyed / unkeyed'],
  [
    row('build (rows in memory)', median(buildMs.plain) / 1000, median(buildMs.keyed) / 1000, 's', 2),
    row('authenticate p50', pct(lat.plain, 0.5), pct(lat.keyed, 0.5), 'µs', 2),
    row('authenticate p99', pct(lat.plain, 0.99), pct(lat.keyed, 0.99), 'µs', 2),
    row('authenticateMany', median(tput.plain) / 1000, median(tput.keyed) / 1000, 'k claims/s'),
    ['bytes / record', P.stats().bytesPerRecord.toFixed(1), K.stats().bytesPerRecord.toFixed(1), `×${(K.stats().bytesPerRecord / P.stats().bytesPerRecord).toFixed(2)}`],
    ['ID hash: XXH64 (unkeyed) · HMAC createHmac · HMAC precomputed pads (keyed)', `${nsXxh.toFixed(0)} ns`, `${nsNode.toFixed(0)} · ${nsPad.toFixed(0)} ns`, `pads ×${(nsNode / nsPad).toFixed(2)} faster than createHmac`],
  ],
);
console.log(table);
console.log(`same status and record, keyed vs unkeyed: ${agree} / ${Q}${sink === 0.5 ? '' : ''}`);
if (args.write === true) {
  writeBenchmarkSection(`register-keyed-${N}`, `Keyed register: ${fmt(N)} records`, `npx tsx bench/register/keyed.ts --records ${N} --claims ${Q} --rounds ${ROUNDS} --write`, table);
}
