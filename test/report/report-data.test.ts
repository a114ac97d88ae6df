import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { assertReportData, collectReportDataProblems } from '../../src/report/report-data.js';
import { sampleReportData } from './sample-data.js';

function problemsOf(data: unknown): string[] {
  const p: string[] = [];
  collectReportDataProblems(data, p);
  return p;
}

describe('ReportData validation', () => {
  it('accepts the sample data, and NaN / Infinity numbers (they are data, not structure)', () => {
    expect(problemsOf(sampleReportData())).toEqual([]);
    const d = sampleReportData();
    d.threshold.weight = NaN;
    d.prior.lambda = Infinity;
    d.comparisons[0].levels[0].m = -Infinity;
    d.weightHistogram.counts[3] = NaN;
    expect(problemsOf(d)).toEqual([]);
  });

  it('rejects a non-object', () => {
    expect(problemsOf(null)).toEqual(['data must be an object']);
    expect(problemsOf([])).toEqual(['data must be an object']);
  });

  it('lists every structural problem with its path', () => {
    const d = sampleReportData() as unknown as Record<string, any>;
    d.title = 42;
    delete d.summary;
    d.threshold = { weight: '3', probability: 0.9 };
    d.weightHistogram.counts = [1, 2, '3', 'x'];
    d.comparisons[1].levels[2].u = null;
    d.comparisons[2].levels[0].count = '7';
    d.clusterSizes[0] = 5;
    d.blocking[1].rule = undefined;
    d.waterfalls[0].steps[3].tfAdjustment = undefined;
    expect(problemsOf(d)).toEqual([
      'data.title must be a string',
      'data.summary must be an array',
      'data.threshold.weight must be a number',
      'data.weightHistogram.counts[2] must be a number',
      'data.comparisons[1].levels[2].u must be a number',
      'data.comparisons[2].levels[0].count must be a number',
      'data.clusterSizes[0] must be an object',
      'data.blocking[1].rule must be a string',
      'data.waterfalls[0].steps[3].tfAdjustment must be a number',
    ]);
  });

  it('throws INVALID_ARGUMENT with all problems in details and no values in the message', () => {
    const d = sampleReportData() as unknown as Record<string, any>;
    d.title = { secret: 'Nguyễn Văn An 001090012345' };
    d.summary[0].value = 1204332;
    try {
      assertReportData(d);
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      const err = e as { message: string; details: { problems: string[] } };
      expect(err.details.problems).toEqual(['data.title must be a string', 'data.summary[0].value must be a string']);
      expect(err.message).not.toContain('Nguy');
      expect(err.message).not.toContain('001090012345');
      expect(err.message).not.toContain('1204332');
    }
  });
});
