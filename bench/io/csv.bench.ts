/**
 * Benchmark: reading and writing CSV.
 *
 *   npx tsx bench/io/csv.bench.ts [--mb 20] [--time 500] [--write]
 *
 * Input: seeded Vietnamese person rows (12-digit CCCD, full name, dd/mm/yyyy, sex, province,
 * an address with commas — quoted — in a third of the rows), UTF-8, LF, held in memory so the
 * disk is out of the measurement. MB/s of input, same run, for:
 *   (a) readCsv → batches(): khop's path (decode, RFC 4180 state machine, null-prototype row
 *       objects, rejected-row accounting);
 *   (b) readCsv → for await per row (the same, plus one promise per row);
 *   (c) CsvParser alone with a counting sink (decode + parse, no row objects);
 *   (d) naive baseline: TextDecoder.decode of everything, split('\n'), split(',') per line —
 *       wrong on quoted fields (it splits addresses), unbounded memory: a speed reference only;
 * and for writing, rows/s into a discarding stream:
 *   (e) writeCsvRows (quoting + formula escape + back-pressure);
 *   (f) naive baseline: join(',') per row, join('\n') — no quoting at all;
 * and the row-object choice of record-types.ts, building N 6-column rows:
 *   (g) newRowValues() (shared frozen null-prototype prototype, fast-mode objects);
 *   (h) Object.create(null) (dictionary-mode objects) — the baseline.
 * Ratios are against the naive baselines / (h). `--write` records the table in BENCHMARKS.md
 * (section "micro-io").
 */
import { Writable } from 'node:stream';
import { Bench } from 'tinybench';
import { VN_FAMILY_NAME_SHARES } from '../../src/data/vn-family-names.js';
import { VN_GIVEN_NAME_SHARES, VN_MIDDLE_NAME_SHARES } from '../../src/data/vn-name-parts.js';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { CsvParser, type CsvSink } from '../../src/io/csv-parser.js';
import { readCsv } from '../../src/io/csv-reader.js';
import { writeCsvRows } from '../../src/io/csv-writer.js';
import { newRowValues, type RecordValues } from '../../src/io/record-types.js';
import { Rng } from '../../src/util/rng.js';
import { fmt, machineLine, markdownTable, parseArgs, parseCount, writeBenchmarkSection } from '../lib/report.js';

const USAGE = `CSV reading and writing vs naive split/join.

  npx tsx bench/io/csv.bench.ts [--mb 20] [--time 500] [--write]

  --mb N       size of the generated CSV in MB (default 20)
  --time MS    tinybench time per task in milliseconds (default 500)
  --write      write the table to BENCHMARKS.md (section "micro-io", as npm run bench does)
  --help       this text`;

const args = parseArgs(process.argv.slice(2), { mb: 'value', time: 'value', write: 'flag' }, USAGE);
const TARGET_MB = parseCount(args.mb, 20, 'mb');
const TIME_MS = parseCount(args.time, 500, 'time');
const COLUMNS = ['so_cccd', 'ho_ten', 'ngay_sinh', 'gioi_tinh', 'tinh', 'dia_chi'];

function makeRows(targetBytes: number, seed: number): string[][] {
  const rng = new Rng(seed);
  const fam = VN_FAMILY_NAME_SHARES.map(([s]) => s);
  const mid = VN_MIDDLE_NAME_SHARES.map(([s]) => s);
  const giv = VN_GIVEN_NAME_SHARES.map(([s]) => s);
  const rows: string[][] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const p = rng.pick(VN_PROVINCES_63);
    const yy = 40 + rng.int(60);
    const id = `${p.cccdPrefix}${rng.int(2)}${yy}${String(rng.int(1_000_000)).padStart(6, '0')}`;
    const dob = `${String(1 + rng.int(28)).padStart(2, '0')}/${String(1 + rng.int(12)).padStart(2, '0')}/19${yy}`;
    const address = rng.chance(1 / 3) ? `Số ${1 + rng.int(200)}, Phường ${1 + rng.int(20)}, ${p.shortName}` : `Thôn ${1 + rng.int(30)} ${p.shortName}`;
    const row = [id, `${rng.pick(fam)} ${rng.pick(mid)} ${rng.pick(giv)}`, dob, rng.chance(0.5) ? 'Nam' : 'Nữ', p.shortName, address];
    rows.push(row);
    bytes += Buffer.byteLength(row.join(',')) + 4;
  }
  return rows;
}

const rows = makeRows(TARGET_MB * 1e6, 2025);
const quote = (v: string) => (v.includes(',') ? `"${v}"` : v);
const text = `${COLUMNS.join(',')}\n${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
const input = new Uint8Array(Buffer.from(text, 'utf8'));
const MB = input.byteLength / 1e6;
const N = rows.length;
const decoder = new TextDecoder();
let sink = 0;

class CountSink implements CsvSink {
  n = 0;
  record(_f: readonly string[], nf: number): void {
    this.n += nf;
  }
  rejected(): void {
    this.n--;
  }
  blankLine(): void {}
}

class NullWritable extends Writable {
  override _write(_c: Buffer, _e: BufferEncoding, cb: () => void): void {
    cb();
  }
}

// Correctness guard before timing: khop reads back exactly the generated rows.
{
  const src = await readCsv(input);
  let i = 0;
  for await (const batch of src.batches()) {
    for (const item of batch) {
      if (item.kind !== 'row' || item.values['dia_chi'] !== rows[i]![5] || item.values['so_cccd'] !== rows[i]![0]) throw new Error(`row ${i + 1} differs`);
      i++;
    }
  }
  if (i !== N) throw new Error(`read ${i} rows of ${N}`);
}

const bench = new Bench({ time: TIME_MS, iterations: 3, warmupTime: Math.min(200, TIME_MS), warmupIterations: 1 });
bench.add('read (a) readCsv, batches()', async () => {
  const src = await readCsv(input);
  for await (const batch of src.batches()) sink += batch.length;
});
bench.add('read (b) readCsv, for await per row', async () => {
  const src = await readCsv(input);
  for await (const _item of src) sink++;
});
bench.add('read (c) CsvParser only (decode + parse)', () => {
  const s = new CountSink();
  const p = new CsvParser(s, { delimiter: 44, maxFieldLength: 1 << 20, maxColumns: 4096, keepRaw: true });
  const d = new TextDecoder();
  for (let o = 0; o < input.byteLength; o += 1 << 17) p.push(d.decode(input.subarray(o, o + (1 << 17)), { stream: true }));
  p.finish();
  sink += s.n;
});
bench.add('read (d) naive decode + split (baseline, wrong on quotes)', () => {
  const lines = decoder.decode(input).split('\n');
  for (let i = 0; i < lines.length; i++) sink += lines[i]!.split(',').length;
});
bench.add('write (e) writeCsvRows', async () => {
  await writeCsvRows(new NullWritable(), rows, { columns: COLUMNS });
});
bench.add('write (f) naive join (baseline, no quoting)', () => {
  const out = new NullWritable();
  out.write(`${COLUMNS.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  out.end();
});

const keep: RecordValues[] = new Array<RecordValues>(1024);
bench.add('rows (g) newRowValues()', () => {
  for (let i = 0; i < N; i++) {
    const o = newRowValues();
    const r = rows[i]!;
    for (let j = 0; j < 6; j++) o[COLUMNS[j]!] = r[j];
    keep[i & 1023] = o;
  }
});
bench.add('rows (h) Object.create(null) (baseline)', () => {
  for (let i = 0; i < N; i++) {
    const o = Object.create(null) as RecordValues;
    const r = rows[i]!;
    for (let j = 0; j < 6; j++) o[COLUMNS[j]!] = r[j];
    keep[i & 1023] = o;
  }
});

await bench.run();

const mean = new Map<string, number>();
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
  mean.set(task.name, r.latency.mean / 1000); // seconds
}
const readBase = mean.get('read (d) naive decode + split (baseline, wrong on quotes)')!;
const writeBase = mean.get('write (f) naive join (baseline, no quoting)')!;
const rowsBase = mean.get('rows (h) Object.create(null) (baseline)')!;
const baseOf = (name: string) => (name.startsWith('read') ? readBase : name.startsWith('write') ? writeBase : rowsBase);
const table = markdownTable(
  ['task', 'MB/s', 'rows/s', 'vs baseline'],
  [...mean].map(([name, s]) => [name, name.startsWith('rows') ? '—' : (MB / s).toFixed(1), `${fmt(N / s)}/s`, `${(baseOf(name) / s).toFixed(2)}×`]),
);
process.stdout.write(`${machineLine()}\n${fmt(MB)} MB, ${N} rows, time ${TIME_MS} ms per task\n\n${table}\n`);
if (sink === 42 || keep[0] === undefined) process.stdout.write(' ');
if (args.write === true) {
  writeBenchmarkSection('micro-io', 'CSV reading and writing vs naive split/join', `npx tsx bench/io/csv.bench.ts --mb ${TARGET_MB} --time ${TIME_MS} --write`, table);
}
