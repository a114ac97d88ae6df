import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { formatCount, formatWeight } from '../../src/report/format-number.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import type { ReportData } from '../../src/report/report-data.js';
import { renderReport } from '../../src/report/render-report.js';
import { checkMarkup, cls, num, parseShown, parseTag, shapes, svgs, tags, titles, visibleShapes } from './html-inspect.js';
import { sampleReportData } from './sample-data.js';

const SECTIONS = ['summary', 'weights', 'levels', 'clusters', 'blocking', 'waterfalls'];

/** A rect with its tooltip: class, x, width, y, height and the tooltip text. */
interface Bar {
  cls: string;
  x: number;
  y: number;
  w: number;
  h: number;
  tip: string;
}

function bars(fragment: string): Bar[] {
  const out: Bar[] = [];
  for (const m of fragment.matchAll(/(<rect [^>]*>)<title>([^<]*)<\/title><\/rect>/g)) {
    const t = parseTag(m[1]);
    if (t === undefined) throw new Error(`malformed ${m[1]}`);
    out.push({ cls: cls(t), x: num(t, 'x'), y: num(t, 'y'), w: num(t, 'width'), h: num(t, 'height'), tip: m[2] });
  }
  return out;
}

/** Every shape and text of every chart lies inside its viewBox (nothing drawn off the chart). */
function outsideViewBox(html: string): string[] {
  const bad: string[] = [];
  for (const svg of [...svgs(html, 'chart'), ...svgs(html, 'wbar')]) {
    const vb = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
    if (vb === null) {
      bad.push('svg without viewBox');
      continue;
    }
    const W = Number(vb[1]) + 0.5;
    const H = Number(vb[2]) + 0.5;
    for (const raw of tags(svg)) {
      const t = parseTag(raw);
      if (t === undefined || t.closing) continue;
      const inside = (x: number, y: number): boolean => x >= -0.5 && x <= W && y >= -0.5 && y <= H;
      if (t.name === 'rect' && !(inside(num(t, 'x'), num(t, 'y')) && inside(num(t, 'x') + num(t, 'width'), num(t, 'y') + num(t, 'height')))) bad.push(raw);
      if (t.name === 'line' && !(inside(num(t, 'x1'), num(t, 'y1')) && inside(num(t, 'x2'), num(t, 'y2')))) bad.push(raw);
      if (t.name === 'text' && !inside(num(t, 'x'), num(t, 'y'))) bad.push(raw);
    }
  }
  return bad;
}

function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([a-z]+)"/g)].map((m) => m[1]);
}

function sectionBody(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html);
  if (m === null) throw new Error(`no section ${id}`);
  return m[0];
}

/** Text that must never reach the page: signs of a number rendered without a formatter. */
const GARBAGE = /NaN|Infinity|undefined|null|\[object/;

describe('renderReport — structure', () => {
  const data = sampleReportData();
  const html = renderReport(data);

  it('is a complete document with every section in order and a nav link to each', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')).toBe(true);
    expect(html.endsWith('</body></html>\n')).toBe(true);
    expect(sectionIds(html)).toEqual(SECTIONS);
    expect([...html.matchAll(/<a href="#([a-z]+)">/g)].map((m) => m[1])).toEqual(SECTIONS);
    expect(checkMarkup(html)).toEqual([]);
    expect(html).not.toMatch(GARBAGE);
  });

  it('draws every chart as an accessible svg with visible shapes inside its box', () => {
    const charts = svgs(html, 'chart');
    expect(charts.map((s) => /class="chart ([a-z]+)"/.exec(s)?.[1])).toEqual([
      'histogram',
      'clusters',
      'blocking',
      ...data.waterfalls.map(() => 'waterfall'),
    ]);
    for (const svg of charts) {
      expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="(k\d+)-t \1-d"/);
      const [title] = titles(svg);
      expect(title.length).toBeGreaterThan(5);
      expect(svg).toMatch(/<desc id="k\d+-d">[^<]{20,}<\/desc>/);
      expect(visibleShapes(svg).length).toBeGreaterThanOrEqual(5);
    }
    expect(outsideViewBox(html)).toEqual([]);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('summary lists every row of the data plus threshold and prior', () => {
    const body = sectionBody(html, 'summary');
    for (const row of data.summary) expect(body).toContain(`<th scope="row">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td>`);
    expect(body).toContain(`${formatWeight(data.threshold.weight)} bits (probability 0.9000)`);
    expect(body).toContain('1.60e-6 (\u221219.25 bits)');
  });

  it('histogram: one bar per non-empty bin, counts add up, bars split at the threshold line', () => {
    const svg = svgs(html, 'histogram')[0];
    const h = data.weightHistogram;
    const hb = bars(svg);
    const positive = h.counts.filter((c) => c > 0);
    expect(hb.length).toBe(positive.length);
    let sum = 0;
    let lastReject = -Infinity;
    let firstAccept = Infinity;
    for (const b of hb) {
      const m = /^\[([^,]+), ([^)]+)\) bits: ([\d,]+) pairs?$/.exec(b.tip);
      expect(m).not.toBeNull();
      const from = parseShown(m![1]);
      const count = parseShown(m![3]);
      const i = Math.round((from - h.binStart) / h.binWidth);
      expect(h.counts[i]).toBe(count);
      sum += count;
      const accept = from + h.binWidth / 2 >= data.threshold.weight;
      expect(b.cls).toBe(accept ? 'bar bar-accept' : 'bar bar-reject');
      const centre = b.x + b.w / 2;
      if (accept) firstAccept = Math.min(firstAccept, centre);
      else lastReject = Math.max(lastReject, centre);
    }
    expect(sum).toBe(h.counts.reduce((a, b) => a + b, 0));
    const line = shapes(svg).find((t) => cls(t) === 'threshold');
    expect(line).toBeDefined();
    const x = num(line!, 'x1');
    expect(x).toBeGreaterThanOrEqual(lastReject);
    expect(x).toBeLessThanOrEqual(firstAccept);
    expect(svg).toContain(`threshold ${formatWeight(data.threshold.weight)}`);
    expect(svg).toContain('pairs (log scale)'); // 60k non-matches beside single-digit tails
  });

  it('levels: a row and a weight bar per level, right of zero for evidence for, left for against, on one scale', () => {
    const body = sectionBody(html, 'levels');
    const wbars = svgs(body, 'wbar');
    const levels = data.comparisons.flatMap((c) => c.levels);
    expect(wbars.length).toBe(levels.length);
    const maxAbs = Math.max(...levels.map((l) => Math.abs(l.weight)));
    levels.forEach((l, i) => {
      const [rect] = shapes(wbars[i]).filter((t) => t.name === 'rect');
      const x = num(rect, 'x');
      const w = num(rect, 'width');
      if (l.weight > 0) {
        expect(cls(rect)).toBe('bar bar-pos');
        expect(x).toBe(90);
      } else {
        expect(cls(rect)).toBe('bar bar-neg');
        expect(x + w).toBeCloseTo(90, 1);
      }
      expect(Math.abs(w - Math.max(1, (Math.abs(l.weight) / maxAbs) * 88))).toBeLessThanOrEqual(0.1);
      expect(body).toContain(`<td class="num">${formatWeight(l.weight)}</td>`);
    });
    for (const c of data.comparisons) expect(body).toContain(`<h3>${escapeHtml(c.name)}</h3>`);
  });

  it('cluster sizes: one bar per size with its count, totals in the table', () => {
    const svg = svgs(html, 'clusters')[0];
    const cb = bars(svg);
    expect(cb.map((b) => b.tip)).toEqual(
      data.clusterSizes.map((c) => `size ${c.size}: ${formatCount(c.count)} cluster${c.count === 1 ? '' : 's'}, ${formatCount(c.size * c.count)} record${c.size * c.count === 1 ? '' : 's'}`),
    );
    // Taller bar ⇔ more clusters (log scale is monotone).
    for (let i = 1; i < cb.length; i++) {
      const a = data.clusterSizes[i - 1].count;
      const b = data.clusterSizes[i].count;
      if (a !== b) expect(Math.sign(cb[i - 1].h - cb[i].h)).toBe(Math.sign(a - b));
    }
    const total = data.clusterSizes.reduce((s, c) => s + c.count, 0);
    const records = data.clusterSizes.reduce((s, c) => s + c.count * c.size, 0);
    expect(sectionBody(html, 'clusters')).toContain(`<tfoot><tr><th scope="row">total</th><td>${formatCount(total)}</td><td>${formatCount(records)}</td>`);
  });

  it('blocking: stacked bars proportional to new and earlier pairs, a table row per rule, totals', () => {
    const body = sectionBody(html, 'blocking');
    const bb = bars(svgs(body, 'blocking')[0]);
    const news = bb.filter((b) => b.cls === 'bar bar-new');
    const dups = bb.filter((b) => b.cls === 'bar bar-dup');
    expect(news.length).toBe(data.blocking.filter((r) => r.newPairs > 0).length);
    expect(dups.length).toBe(data.blocking.filter((r) => r.pairs > r.newPairs).length);
    const pxPerPair = news[0].w / data.blocking[0].newPairs;
    data.blocking.forEach((r, i) => {
      expect(Math.abs(news[i].w - r.newPairs * pxPerPair)).toBeLessThanOrEqual(0.2);
      expect(body).toContain(`<td>#${i + 1}</td><td class="t"><code>${escapeHtml(r.rule)}</code></td><td>${formatCount(r.pairs)}</td>`);
    });
    for (const d of dups) {
      const r = data.blocking.find((x) => d.tip.startsWith(`#${data.blocking.indexOf(x) + 1} `))!;
      expect(Math.abs(d.w - (r.pairs - r.newPairs) * pxPerPair)).toBeLessThanOrEqual(0.2);
    }
    const sum = (k: 'pairs' | 'newPairs' | 'skippedPairs' | 'skippedBlocks'): string => formatCount(data.blocking.reduce((s, r) => s + r[k], 0));
    expect(body).toContain(`<td>${sum('pairs')}</td><td>${sum('newPairs')}</td><td>${sum('skippedPairs')}</td><td>${sum('skippedBlocks')}</td></tr></tfoot>`);
  });

  it('waterfalls: each step starts where the previous ended, and the total bar ends where the steps end', () => {
    const charts = svgs(html, 'waterfall');
    expect(charts.length).toBe(data.waterfalls.length);
    data.waterfalls.forEach((w, p) => {
      const wb = bars(charts[p]);
      expect(wb.length).toBe(w.steps.length + 2);
      // [start, end] of each bar in px from its class and the sign of its value.
      const values = [w.prior, ...w.steps.map((s) => s.weight + s.tfAdjustment), w.total];
      const ends = wb.map((b, i) => (values[i] >= 0 ? [b.x, b.x + b.w] : [b.x + b.w, b.x]));
      expect(wb[0].cls).toBe('bar bar-prior');
      expect(wb[wb.length - 1].cls).toBe('bar bar-total');
      for (let i = 1; i <= w.steps.length; i++) {
        expect(wb[i].cls).toBe(values[i] >= 0 ? 'bar bar-pos' : 'bar bar-neg');
        expect(Math.abs(ends[i][0] - ends[i - 1][1])).toBeLessThanOrEqual(0.15);
      }
      const total = ends[ends.length - 1];
      expect(Math.abs(total[0] - ends[0][0])).toBeLessThanOrEqual(0.15); // both start at zero
      expect(Math.abs(total[1] - ends[ends.length - 2][1])).toBeLessThanOrEqual(0.15);
      // The value column shows each bar's number; the caption the verdict.
      for (const v of values) expect(charts[p]).toContain(`>${formatWeight(v)}</text>`);
      expect(html).toContain(`${w.total >= data.threshold.weight ? 'at or above' : 'below'} the threshold</figcaption>`);
    });
    expect(sectionBody(html, 'waterfalls')).not.toContain('add up to');
  });

  it('says so when the steps do not add up to the reported total', () => {
    const d = sampleReportData();
    d.waterfalls[2].total += 1.5;
    const body = sectionBody(renderReport(d), 'waterfalls');
    expect(body.match(/add up to/g)?.length).toBe(1);
    expect(body).toContain(`add up to ${formatWeight(d.waterfalls[2].total - 1.5)} bits, not the reported total ${formatWeight(d.waterfalls[2].total)} bits`);
  });
});

describe('renderReport — safety', () => {
  const EVIL = ['<script>alert(1)</script>', '" onmouseover="alert(2)', "' onload='x", 'a & b &amp; <b>bold</b>', '</title></svg><img src=x onerror=alert(3)>'];

  function evilData(): ReportData {
    const d = sampleReportData();
    let k = 0;
    const evil = (): string => EVIL[k++ % EVIL.length];
    d.title = evil();
    d.generatedAt = evil();
    d.summary.push({ label: evil(), value: evil() });
    for (const c of d.comparisons) {
      c.name = evil();
      for (const l of c.levels) l.label = evil();
    }
    for (const r of d.blocking) r.rule = evil();
    for (const w of d.waterfalls) {
      w.left = evil();
      w.right = evil();
      for (const s of w.steps) {
        s.field = evil();
        s.level = evil();
      }
    }
    return d;
  }

  it('escapes every caller text: no tag, attribute or handler gets through', () => {
    const html = renderReport(evilData());
    expect(checkMarkup(html)).toEqual([]);
    // In markup (tags), none of the payloads survives; as text they are shown, harmlessly escaped.
    expect(tags(html).join('')).not.toMatch(/<script|<img|<b>|onmouseover|onerror|onload/i);
    for (const e of EVIL) expect(html).toContain(escapeHtml(e));
    expect(html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
  });

  it('references no URL except the SVG namespace, and carries a CSP that forbids loading anything', () => {
    for (const d of [sampleReportData(), evilData()]) {
      const html = renderReport(d);
      const urls = [...html.matchAll(/(.{7})(https?:\/\/[^"\s]*)/g)];
      expect(urls.length).toBeGreaterThan(0);
      for (const m of urls) expect([m[1], m[2]]).toEqual(['xmlns="', 'http://www.w3.org/2000/svg']);
      expect(tags(html).join('')).not.toMatch(/\bsrc=|<link|<script|<img|<iframe|<object/i); // markup only: text may say anything
      expect(/<style>([^<]*)<\/style>/.exec(html)![1]).not.toMatch(/url\(|@import/);
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`.replace(/&#39;/g, "'"));
    }
  });

  it('is deterministic: same data → same bytes, also after a JSON round trip', () => {
    const a = renderReport(sampleReportData());
    expect(renderReport(sampleReportData())).toBe(a);
    expect(renderReport(JSON.parse(JSON.stringify(sampleReportData())) as ReportData)).toBe(a);
    expect(renderReport(sampleReportData(7))).not.toBe(a); // the data does reach the output
  });

  it('stays small: the sample under 200 KB, a huge run bounded by the options', () => {
    const typical = renderReport(sampleReportData());
    expect(Buffer.byteLength(typical)).toBeLessThan(200_000);

    const d = sampleReportData();
    d.weightHistogram = { binStart: -60, binWidth: 0.01, counts: Array.from({ length: 12_000 }, (_, i) => (i * 7919) % 1000) };
    d.clusterSizes = Array.from({ length: 2000 }, (_, i) => ({ size: i + 1, count: 2000 - i }));
    d.waterfalls = Array.from({ length: 500 }, () => d.waterfalls[0]);
    d.blocking = Array.from({ length: 30 }, (_, i) => ({ ...d.blocking[i % 4], rule: `rule ${i}` }));
    const html = renderReport(d);
    expect(Buffer.byteLength(html)).toBeLessThan(300_000);
    expect(svgs(html, 'waterfall').length).toBe(20);
    expect(html).toContain('Showing 20 of 500 sample pairs.');
    expect(bars(svgs(html, 'histogram')[0]).length).toBeLessThanOrEqual(200);
    expect(bars(svgs(html, 'clusters')[0]).length).toBeLessThanOrEqual(12); // power-of-two groups up to 2048
  });
});

describe('renderReport — merging and grouping', () => {
  it('merges histogram bins by a whole factor, exactly', () => {
    const d = sampleReportData();
    const counts = Array.from({ length: 1000 }, (_, i) => (i % 13 === 0 ? 0 : (i * 31) % 97));
    d.weightHistogram = { binStart: -50, binWidth: 0.1, counts };
    const html = renderReport(d, { maxHistogramBins: 100 });
    const hb = bars(svgs(html, 'histogram')[0]);
    expect(html).toContain('1,000 bins merged by 10 into 100 for drawing.');
    for (const b of hb) {
      const m = /^\[([^,]+), ([^)]+)\) bits: ([\d,]+) pairs?$/.exec(b.tip)!;
      const j = Math.round((parseShown(m[1]) + 50) / 1);
      expect(parseShown(m[2]) - parseShown(m[1])).toBeCloseTo(1, 9);
      expect(parseShown(m[3])).toBe(counts.slice(j * 10, j * 10 + 10).reduce((a, c) => a + c, 0));
    }
  });

  it('groups many cluster sizes into power-of-two ranges, keeping every cluster', () => {
    const d = sampleReportData();
    d.clusterSizes = Array.from({ length: 100 }, (_, i) => ({ size: i + 1, count: 101 - (i + 1) }));
    const html = renderReport(d);
    const cb = bars(svgs(html, 'clusters')[0]);
    expect(cb.map((b) => b.tip.split(':')[0])).toEqual(['size 1', 'size 2', 'size 3–4', 'size 5–8', 'size 9–16', 'size 17–32', 'size 33–64', 'size 65–128']);
    const expected = [[1, 1], [2, 2], [3, 4], [5, 8], [9, 16], [17, 32], [33, 64], [65, 100]].map(([lo, hi]) => {
      let s = 0;
      for (let k = lo; k <= hi; k++) s += 101 - k;
      return s;
    });
    expect(cb.map((b) => parseShown(/: ([\d,]+) cluster/.exec(b.tip)![1]))).toEqual(expected);
    expect(html).toContain('100 distinct sizes, grouped into power-of-two ranges.');
  });
});

describe('renderReport — edge cases', () => {
  it('zero pairs: empty histogram, empty sample list, blocking still drawn with zero bars', () => {
    const d = sampleReportData();
    d.weightHistogram.counts = d.weightHistogram.counts.map(() => 0);
    d.blocking = d.blocking.map((r) => ({ ...r, pairs: 0, newPairs: 0, skippedPairs: 0, skippedBlocks: 0 }));
    d.clusterSizes = [{ size: 1, count: 1_000 }];
    d.waterfalls = [];
    const html = renderReport(d);
    expect(checkMarkup(html)).toEqual([]);
    expect(html).not.toMatch(GARBAGE);
    expect(svgs(html, 'histogram')).toEqual([]);
    expect(sectionBody(html, 'weights')).toContain('No scored candidate pairs: every bin is empty.');
    expect(sectionBody(html, 'waterfalls')).toContain('No sample pairs.');
    const blocking = svgs(html, 'blocking')[0];
    expect(bars(blocking)).toEqual([]);
    expect(visibleShapes(blocking).length).toBeGreaterThan(0); // axes and grid
    expect(blocking).toContain('0 pairs, 0 new');
  });

  it('empty inputs everywhere', () => {
    const d: ReportData = {
      title: 't',
      generatedAt: '',
      summary: [],
      threshold: { weight: 0, probability: 0.5 },
      weightHistogram: { binStart: 0, binWidth: 1, counts: [] },
      comparisons: [],
      prior: { lambda: 0.5, weight: 0 },
      clusterSizes: [],
      blocking: [],
      waterfalls: [],
    };
    const html = renderReport(d);
    expect(checkMarkup(html)).toEqual([]);
    expect(html).not.toMatch(GARBAGE);
    expect(sectionIds(html)).toEqual(SECTIONS);
    expect(svgs(html, 'chart')).toEqual([]);
    for (const msg of ['histogram is empty', 'No comparisons.', 'No clusters.', 'No blocking rules.', 'No sample pairs.']) expect(html).toContain(msg);
  });

  it('one cluster: a single bar', () => {
    const d = sampleReportData();
    d.clusterSizes = [{ size: 4, count: 1 }];
    const cb = bars(svgs(renderReport(d), 'clusters')[0]);
    expect(cb.map((b) => b.tip)).toEqual(['size 4: 1 cluster, 4 records']);
    expect(cb[0].h).toBeGreaterThan(50);
  });

  it('NaN and Infinity: shown as —, never drawn, never printed', () => {
    const d = sampleReportData();
    d.threshold = { weight: NaN, probability: NaN };
    d.prior = { lambda: Infinity, weight: -Infinity };
    d.weightHistogram.counts[45] = NaN;
    d.weightHistogram.counts[46] = -3;
    d.weightHistogram.counts[47] = Infinity;
    d.comparisons[0].levels[0].weight = Infinity;
    d.comparisons[0].levels[1].m = NaN;
    d.comparisons[1].levels[0].weight = NaN;
    d.clusterSizes.push({ size: NaN, count: 3 }, { size: 2.5, count: 1 }, { size: 7, count: Infinity });
    d.blocking[1].pairs = NaN;
    d.blocking[2].newPairs = 1e9; // more new pairs than pairs
    d.waterfalls[0].steps[1].weight = NaN;
    d.waterfalls[1].total = Infinity;
    d.waterfalls[2].prior = -Infinity;
    const html = renderReport(d);
    expect(checkMarkup(html)).toEqual([]);
    expect(outsideViewBox(html)).toEqual([]);
    expect(html).not.toMatch(GARBAGE);
    expect(html).toContain('\u2014');
    expect(shapes(html).some((t) => cls(t) === 'threshold')).toBe(false);
    expect(html).toContain('The threshold (\u2014) cannot be placed on the weight axis');
    expect(html).toContain('3 bin(s) hold no valid count');
    expect(html).toContain('3 entries have an invalid size or count');
    expect(html).toContain('2 rule(s) have invalid counts');
    // The histogram still draws its valid bins.
    expect(bars(svgs(html, 'histogram')[0]).length).toBe(d.weightHistogram.counts.filter((c) => c > 0 && c < Infinity).length);
    // Waterfall 0: the NaN step and every step after it are not drawn; prior and the first step are.
    const w0 = bars(svgs(html, 'waterfall')[0]);
    expect(w0.map((b) => b.cls)).toEqual(['bar bar-prior', 'bar bar-neg', 'bar bar-total']);
    // Waterfall 2 (prior −∞): only the total.
    expect(bars(svgs(html, 'waterfall')[2]).map((b) => b.cls)).toEqual(['bar bar-total']);
    // Levels with non-finite weights have no bar but keep the axis line.
    const wbars = svgs(html, 'wbar');
    expect(shapes(wbars[0]).map((t) => t.name)).toEqual(['line']);
    expect(shapes(wbars[4]).map((t) => t.name)).toEqual(['line']);
  });

  it('an unusable histogram axis is reported, not drawn', () => {
    for (const h of [
      { binStart: 0, binWidth: NaN, counts: [1, 2] },
      { binStart: 0, binWidth: 0, counts: [1, 2] },
      { binStart: 0, binWidth: -1, counts: [1, 2] },
      { binStart: -Infinity, binWidth: 1, counts: [1, 2] },
      { binStart: 1e300, binWidth: 1e300, counts: [1, 2] },
    ]) {
      const d = sampleReportData();
      d.weightHistogram = h;
      const html = renderReport(d);
      expect(svgs(html, 'histogram')).toEqual([]);
      expect(html).toContain('The histogram cannot be drawn');
    }
  });

  it('absurd magnitudes are not placed on an axis', () => {
    const d = sampleReportData();
    d.threshold.weight = 1e300;
    d.blocking[0].pairs = 1e300;
    d.blocking[0].newPairs = 1e299;
    d.waterfalls[0].steps[0].weight = -1e300;
    d.comparisons[2].levels[1].weight = 1e200;
    const html = renderReport(d);
    expect(checkMarkup(html)).toEqual([]);
    expect(outsideViewBox(html)).toEqual([]);
    expect(html).not.toMatch(GARBAGE);
    // The other level bars keep a readable scale (largest finite |weight| = 18.71 bits → 88 px).
    const [rect] = shapes(svgs(html, 'wbar')[0]).filter((t) => t.name === 'rect');
    expect(num(rect, 'width')).toBeCloseTo(88, 0);
  });

  it('rejects bad options and bad data with the documented codes', () => {
    const d = sampleReportData();
    for (const o of [{ maxWaterfalls: -1 }, { maxWaterfalls: 1.5 }, { maxHistogramBins: 0 }, { maxHistogramBins: NaN }]) {
      expect(() => renderReport(d, o)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(svgs(renderReport(d, { maxWaterfalls: 0 }), 'waterfall')).toEqual([]);
    try {
      renderReport({ ...d, comparisons: 'x' } as unknown as ReportData);
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('renderReport — fuzzed data', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '<', '>', '&', '"', "'", 'ễ', 'Đ', '😀', '\u0000', '\ud800', '/'), maxLength: 10 });
  const number = fc.oneof(
    fc.integer({ min: -40, max: 40 }),
    fc.integer({ min: 0, max: 5_000_000 }),
    fc.double({ min: -50, max: 50 }),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e300, -1e300, 5e-324),
  );
  const data: fc.Arbitrary<ReportData> = fc.record({
    title: text,
    generatedAt: text,
    summary: fc.array(fc.record({ label: text, value: text }), { maxLength: 3 }),
    threshold: fc.record({ weight: number, probability: number }),
    weightHistogram: fc.record({ binStart: number, binWidth: number, counts: fc.array(number, { maxLength: 40 }) }),
    comparisons: fc.array(
      fc.record({
        name: text,
        levels: fc.array(fc.record({ label: text, m: number, u: number, weight: number, count: fc.option(number, { nil: undefined }) }), { maxLength: 4 }),
      }),
      { maxLength: 3 },
    ),
    prior: fc.record({ lambda: number, weight: number }),
    clusterSizes: fc.array(fc.record({ size: number, count: number }), { maxLength: 50 }),
    blocking: fc.array(fc.record({ rule: text, pairs: number, newPairs: number, skippedPairs: number, skippedBlocks: number }), { maxLength: 4 }),
    waterfalls: fc.array(
      fc.record({
        left: text,
        right: text,
        prior: number,
        steps: fc.array(fc.record({ field: text, level: text, weight: number, tfAdjustment: number }), { maxLength: 5 }),
        total: number,
        probability: number,
      }),
      { maxLength: 3 },
    ),
  });

  it('never throws, never emits broken markup, garbage text or off-chart shapes', () => {
    fc.assert(
      fc.property(data, (d) => {
        const html = renderReport(d);
        expect(checkMarkup(html)).toEqual([]);
        expect(outsideViewBox(html)).toEqual([]);
        expect(html.replace(/<!DOCTYPE html>/, '')).not.toMatch(GARBAGE);
        expect(sectionIds(html)).toEqual(SECTIONS);
      }),
      { numRuns: 150 },
    );
  });
});
