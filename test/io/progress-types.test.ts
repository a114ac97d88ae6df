/**
 * The exported progress types fit every `onProgress` option of the API: a reporter from
 * createProgressReporter (and any `(e: ProgressEvent) => void`) is accepted by dedupe/link,
 * Register.build and the file readers. Checked by the typecheck (`tsc -p tsconfig.json`
 * includes test/), which fails on a unit or phase an API reports but ProgressEvent lacks;
 * the run below shows the reporter printing a dedupe's events, 'rules' included.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createProgressReporter, dedupe, openRecords, readCsv, Register,
  type MatchOptions, type MatchProgress, type OpenRecordsOptions, type ProgressEvent, type ProgressReporter, type RegisterBuildOptions,
} from '../../src/index.js';

type Listener = (event: ProgressEvent) => void;

describe('progress types', () => {
  it('a ProgressReporter or a ProgressEvent listener is every onProgress option', () => {
    expectTypeOf<MatchProgress>().toExtend<ProgressEvent>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<MatchOptions['onProgress']>>();
    expectTypeOf<Listener>().toExtend<NonNullable<MatchOptions['onProgress']>>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<RegisterBuildOptions['onProgress']>>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<OpenRecordsOptions['onProgress']>>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<NonNullable<Parameters<typeof readCsv>[1]>['onProgress']>>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<NonNullable<Parameters<typeof Register.build>[2]>['onProgress']>>();
    expectTypeOf<ProgressReporter>().toExtend<NonNullable<NonNullable<Parameters<typeof openRecords>[1]>['onProgress']>>();
  });

  it("passes a reporter to dedupe as it is, and prints the index phase in 'rules'", async () => {
    const lines: string[] = [];
    const progress = createProgressReporter({ stream: { write: (t: string) => lines.push(t) }, tty: false, now: () => 0 });
    const rows = Array.from({ length: 12 }, (_, i) => ({ name: `Nguyễn Văn ${['An', 'Bình', 'Chi'][i % 3]}`, dob: `0${1 + (i % 3)}/02/1990` }));
    const options: MatchOptions = { schema: { name: { kind: 'personName' }, dob: { kind: 'date' } }, threads: 1, uSampleSize: 100, onProgress: progress };
    await dedupe(rows, options);
    progress.end();
    expect(lines.join('')).toMatch(/^index: \d+ rules in /m);
  });
});
