// Privacy: no record value in any error message, rejected reason, issue key, progress event,
// progress line or console output — by default. Unique marker values are planted in names,
// IDs, dates and sex fields, in good rows and in malformed ones, and every text khop produces
// along the way is scanned for them. (A rejected item's `raw` text and a pair's row numbers
// are the user's own data, handed back on purpose; they are not scanned.)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  compareIdentifiers,
  createProgressReporter,
  dedupe,
  isKhopError,
  jaroWinklerSimilarity,
  KeyHasher,
  openRecords,
  parseDate,
  parseNationalId,
  parsePersonName,
  parseSex,
  RecordStore,
} from '../../src/index.js';
import type { FieldSpec, MatchProgress, ProgressEvent, RecordItem } from '../../src/index.js';
import { leaks, tempDir } from './helpers.js';

/** Values no message may contain (case-insensitive). */
const NAME_MARK = 'Zqxmarkname';
const NAME_MARK_2 = 'Quỳnhmarkerß';
const ID_MARK = '001099887766';
const ID_MARK_BAD = '00109A887766';
const DATE_MARK = '29/02/1913';
const DATE_MARK_2 = '1777-07-07';
const SEX_MARK = 'Sexmarkvalue';
const MARKERS = [NAME_MARK, NAME_MARK_2, 'quynhmarkerss', 'zqxmarkname', ID_MARK, ID_MARK_BAD, '887766', DATE_MARK, DATE_MARK_2, '1913', '1777', SEX_MARK];

/** Every text khop produced during a test. */
let texts: string[] = [];
const collect = (...t: unknown[]) => {
  for (const x of t) texts.push(typeof x === 'string' ? x : JSON.stringify(x) ?? String(x));
};
function collectError(e: unknown): void {
  if (!isKhopError(e)) throw e;
  collect(e.message, e.details ?? null, String(e.cause ?? ''));
}

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

// Anything khop writes to the console or the process streams is captured too.
beforeEach(() => {
  texts = [];
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => collect(...a));
  for (const s of [process.stdout, process.stderr]) {
    const orig = s.write.bind(s);
    vi.spyOn(s, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      collect(String(chunk));
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof s.write);
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(leaks(texts, MARKERS)).toEqual([]);
  expect(texts.length).toBeGreaterThan(0); // the scan had something to scan
});

/** A progress callback that records events and renders them through both reporter modes. */
function progressSinks() {
  const tty = createProgressReporter({ stream: { write: (t: string) => collect(t), isTTY: true }, maxUpdatesPerSecond: 1e9 });
  const log = createProgressReporter({ stream: { write: (t: string) => collect(t) } });
  const events: Array<ProgressEvent | MatchProgress> = [];
  const onProgress = (e: ProgressEvent | MatchProgress) => {
    events.push(e);
    collect(e);
    tty(e as ProgressEvent);
    log(e as ProgressEvent);
  };
  return { onProgress, events, end: () => (tty.end(), log.end()) };
}

const CSV = [
  'id,name,dob,sex',
  `${ID_MARK},${NAME_MARK} Văn An,${DATE_MARK},${SEX_MARK}`,
  `${ID_MARK_BAD},"${NAME_MARK_2}",${DATE_MARK_2},Nam`,
  `${ID_MARK},${NAME_MARK},${DATE_MARK},extra,${SEX_MARK}`, // too many
  `${ID_MARK},${NAME_MARK}`, // too few
  `${ID_MARK},"${NAME_MARK}"x,${DATE_MARK},Nam`, // text after quote
  `${ID_MARK},"${NAME_MARK_2},${DATE_MARK},Nữ`, // unterminated to the end
].join('\n');

describe('no record values in messages, reasons or progress', () => {
  it('openRecords (CSV and NDJSON with malformed rows): reasons and progress carry no value', async () => {
    const csvPath = join(dir, 'marked.csv');
    await writeFile(csvPath, Buffer.concat([Buffer.from(CSV + '\n'), Buffer.from(`${ID_MARK},${NAME_MARK}`), Buffer.from([0xff, 0xfe]), Buffer.from(`,${DATE_MARK},Nam\n`)]));
    const ndPath = join(dir, 'marked.ndjson');
    await writeFile(
      ndPath,
      [`{"id":"${ID_MARK}","name":"${NAME_MARK}","dob":"${DATE_MARK}"}`, `{"id":"${ID_MARK}", ${NAME_MARK}}`, `["${NAME_MARK}"]`, `"${ID_MARK}"`, `{"name":"${NAME_MARK_2}`].join('\n') + '\n',
    );
    let rejected = 0;
    for (const path of [csvPath, ndPath]) {
      const p = progressSinks();
      const src = await openRecords(path, { onProgress: p.onProgress });
      const items: RecordItem[] = [];
      for await (const it of src) items.push(it);
      p.end();
      for (const it of items) {
        if (it.kind === 'rejected') {
          rejected++;
          collect(it.reason, it.code);
        }
      }
      collect(src.summary, src.columns);
      expect(p.events.length).toBeGreaterThan(0);
    }
    expect(rejected).toBeGreaterThanOrEqual(7);
  });

  it('bad headers and bad files: KhopError messages and details carry no value', async () => {
    const cases: Array<[string, string | Buffer]> = [
      ['dup.csv', `${NAME_MARK},${NAME_MARK}\n1,2\n`],
      ['empty-col.csv', `${NAME_MARK},,x\n1,2,3\n`],
      ['quote.csv', `"${NAME_MARK},x\n1,2\n`],
      ['array.json', `[{"name":"${NAME_MARK}"}]`],
      ['utf16.csv', Buffer.from(`${NAME_MARK},x\n1,2\n`, 'utf16le')],
      ['bad.parquet', `${NAME_MARK},${ID_MARK}\n`],
    ];
    for (const [name, content] of cases) {
      await writeFile(join(dir, name), content);
      await openRecords(join(dir, name)).then(
        () => {
          throw new Error(`${name} was accepted`);
        },
        collectError,
      );
    }
  });

  it('parsers and comparators: failure reasons and errors carry no value', async () => {
    for (const v of [ID_MARK_BAD, DATE_MARK, DATE_MARK_2, NAME_MARK, SEX_MARK, `${ID_MARK}${ID_MARK}`]) {
      collect(parseDate(v), parseNationalId(v), parsePersonName(v).reason ?? '', parseSex(v) ?? '');
    }
    const calls: Array<() => unknown> = [
      () => parsePersonName({ name: NAME_MARK } as never),
      () => jaroWinklerSimilarity([NAME_MARK] as never, NAME_MARK),
      () => compareIdentifiers(NAME_MARK, { id: ID_MARK } as never),
      () => parseDate(DATE_MARK, { order: NAME_MARK } as never),
      () => parseNationalId(ID_MARK, { country: NAME_MARK } as never),
      () => new RecordStore([{ name: 'a', type: 'ascii' }]).append([NAME_MARK_2]),
      () => new RecordStore([{ name: 'n', type: 'int32' }]).append([ID_MARK]),
      () => new RecordStore([{ name: 'u', type: 'utf8' }]).append([`${NAME_MARK}\uD800`]),
      () => {
        const h = new KeyHasher();
        h.setOutput(new Uint32Array(1), new Uint32Array(1));
        h.pushAscii(NAME_MARK_2, 0);
      },
    ];
    for (const call of calls) {
      try {
        call();
        throw new Error('expected a KhopError');
      } catch (e) {
        collectError(e);
      }
    }
  });

  it('dedupe with marked values (good and malformed rows): rejected reasons, issues, stats, model, explanations and progress carry no value', async () => {
    const schema = {
      id: { kind: 'nationalId' },
      name: { kind: 'personName', locale: 'vi' },
      dob: { kind: 'date' },
      sex: { kind: 'sex' },
      province: { kind: 'category' },
    } as const satisfies Record<string, FieldSpec>;
    const rows: unknown[] = [];
    const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Cường', 'Phạm Thu Dung', 'Hoàng Đức Em'];
    for (let i = 0; i < 40; i++) {
      rows.push({ id: `0010900${String(10000 + (i % 30))}`, name: names[i % 5], dob: `0${1 + (i % 9)}/0${1 + (i % 8)}/19${60 + (i % 30)}`, sex: i % 2 ? 'Nam' : 'Nữ', province: 'Hà Nội' });
    }
    rows.push(
      { id: ID_MARK, name: `${NAME_MARK} Văn An`, dob: DATE_MARK, sex: SEX_MARK, province: NAME_MARK },
      { id: ID_MARK, name: `${NAME_MARK} Văn An`, dob: '01/01/1990', sex: 'Nam', province: NAME_MARK_2 },
      { id: ID_MARK_BAD, name: NAME_MARK_2, dob: DATE_MARK_2, sex: SEX_MARK },
      { id: { value: ID_MARK }, name: NAME_MARK },
      { id: ID_MARK, name: [NAME_MARK], dob: DATE_MARK },
      { id: ID_MARK, name: NAME_MARK, dob: Number.NaN },
      { id: `${NAME_MARK}`, name: '😀', dob: DATE_MARK, sex: SEX_MARK },
      NAME_MARK,
      [ID_MARK, NAME_MARK],
    );
    const p = progressSinks();
    const r = await dedupe(rows, { schema, threads: 1, uSampleSize: 2000, pairFloor: 0, onProgress: p.onProgress });
    p.end();
    expect(r.rejected.length).toBeGreaterThanOrEqual(4);
    collect(r.rejected, r.stats, r.model.toJSON(), r.clusterSizes, r.weightHistogram);
    for (let i = 0; i < Math.min(r.pairs.count, 50); i++) collect(r.explain(i));
    expect(p.events.length).toBeGreaterThan(3);
    // configuration errors that mention user-supplied names still mention no value
    for (const call of [
      () => dedupe(rows, { schema, threads: 1, compare: ['nosuchfield'] }),
      () => dedupe(rows, { schema, threads: 1, idField: '' }),
      () => dedupe([rows[40]], { schema, threads: 1 }),
    ]) {
      await call().then(() => {
        throw new Error('expected a KhopError');
      }, collectError);
    }
  });
});
