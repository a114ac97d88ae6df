/**
 * The match-weight histogram of the scored candidate pairs, with the acceptance threshold
 * drawn as a dashed vertical line — the chart that shows whether the threshold sits in the
 * valley between the non-match and the match populations.
 *
 * Trade-off: bins are drawn as given (no re-estimation); only when there are more than
 * `maxBins` bins are adjacent bins merged by a whole factor, which is exact (counts add, the
 * width multiplies). The count axis switches to log10(1 + count) when counts span more than
 * LOG_SCALE_RATIO, because non-match pairs usually outnumber matches by orders of magnitude.
 * Bins whose count is not a finite number ≥ 0 are not drawn and are reported under the chart.
 * A bin is styled "at or above threshold" by its centre; the line itself carries the meaning,
 * so the chart reads the same without colour.
 */
import { escapeHtml } from './html-escape.js';
import { MISSING, formatCompactCount, formatCount, formatCountOf, formatTick, formatWeight } from './format-number.js';
import {
  type IdSource,
  MAX_PLOTTED_MAGNITUDE,
  countScale,
  countValue,
  isPlottable,
  niceTicks,
  scaleLinear,
  svgLine,
  svgOpen,
  svgRect,
  svgText,
  wantsLogScale,
} from './svg.js';

const WIDTH = 720;
const HEIGHT = 280;
const LEFT = 64;
const RIGHT = 16;
const TOP = 28;
const BOTTOM = 48;

/** The histogram as it is drawn, after merging bins. */
interface Bins {
  start: number;
  width: number;
  /** Counts; NaN marks an invalid bin (any merged source bin invalid). */
  counts: Float64Array;
  invalid: number;
  total: number;
  max: number;
}

/** Merges `counts` by `factor` (≥ 1); a merged bin is NaN when any source bin is not a finite count ≥ 0. */
function mergeBins(binStart: number, binWidth: number, counts: readonly number[], factor: number): Bins {
  const n = Math.ceil(counts.length / factor);
  const out = new Float64Array(n);
  let invalid = 0;
  let total = 0;
  let max = 0;
  for (let j = 0; j < n; j++) {
    let sum = 0;
    const end = Math.min(counts.length, (j + 1) * factor);
    for (let i = j * factor; i < end; i++) {
      const c = counts[i];
      // Written negated so that NaN (for which every comparison is false) is invalid too.
      if (!(c >= 0 && c <= MAX_PLOTTED_MAGNITUDE)) sum = NaN;
      else sum += c;
    }
    out[j] = sum;
    if (Number.isNaN(sum)) invalid++;
    else {
      total += sum;
      if (sum > max) max = sum;
    }
  }
  return { start: binStart, width: binWidth * factor, counts: out, invalid, total, max };
}

/**
 * The histogram section body: an SVG chart, notes and a data table, or an empty-state
 * paragraph when nothing can be drawn. `threshold` is the threshold weight (bits).
 */
export function renderWeightHistogram(
  hist: { binStart: number; binWidth: number; counts: number[] },
  threshold: number,
  ids: IdSource,
  maxBins: number,
): string {
  if (hist.counts.length === 0) return '<p class="empty">No scored candidate pairs: the histogram is empty.</p>';
  const unusable = '<p class="empty">The histogram cannot be drawn: its bin start and width must be finite numbers and the width positive.</p>';
  if (!isPlottable(hist.binStart) || !isPlottable(hist.binWidth) || !(hist.binWidth > 0)) return unusable;
  if (!isPlottable(hist.binStart + hist.counts.length * hist.binWidth)) return unusable;
  const factor = Math.max(1, Math.ceil(hist.counts.length / maxBins));
  const bins = mergeBins(hist.binStart, hist.binWidth, hist.counts, factor);
  const notes: string[] = [];
  if (factor > 1) notes.push(`${formatCount(hist.counts.length)} bins merged by ${factor} into ${bins.counts.length} for drawing.`);
  if (bins.invalid > 0) notes.push(`${bins.invalid} bin(s) hold no valid count (not a finite number ≥ 0) and are not drawn.`);
  if (bins.total === 0) {
    notes.unshift('No scored candidate pairs: every bin is empty.');
    return notes.map((n) => `<p class="empty">${escapeHtml(n)}</p>`).join('');
  }

  const nb = bins.counts.length;
  const dataLo = bins.start;
  const dataHi = bins.start + nb * bins.width;
  let lo = dataLo;
  let hi = dataHi;
  let thresholdOff: 'left' | 'right' | null = null;
  const thresholdFinite = isPlottable(threshold);
  if (thresholdFinite) {
    // Widen the axis to show the threshold unless it is far away (it would squash the bars).
    const reach = (dataHi - dataLo) * 0.5;
    if (threshold < lo) {
      if (threshold >= lo - reach) lo = threshold;
      else thresholdOff = 'left';
    } else if (threshold > hi) {
      if (threshold <= hi + reach) hi = threshold;
      else thresholdOff = 'right';
    }
  } else {
    notes.push(`The threshold (${formatWeight(threshold)}) cannot be placed on the weight axis: it is not drawn.`);
  }
  const xt = niceTicks(lo, hi, 8);
  const logScale = wantsLogScale(bins.counts);
  const ys = countScale(bins.max, logScale);
  const x0 = LEFT;
  const x1 = WIDTH - RIGHT;
  const yBase = HEIGHT - BOTTOM;
  const yTop = TOP;
  const sx = (v: number): number => scaleLinear(v, xt.lo, xt.hi, x0, x1);
  const sy = (c: number): number => scaleLinear(countValue(ys, c), 0, ys.top, yBase, yTop);

  const parts: string[] = [];
  const desc =
    `Histogram of match weights (bits) of ${formatCount(bins.total)} scored candidate pairs in ${nb} bins ` +
    `of width ${formatTick(bins.width, bins.width)} from ${formatTick(dataLo, bins.width)} to ${formatTick(dataHi, bins.width)}` +
    `${logScale ? ', pair counts on a logarithmic scale' : ''}` +
    `${thresholdFinite ? `; threshold at ${formatWeight(threshold)} bits` : ''}.`;
  parts.push(svgOpen(ids, 'histogram', WIDTH, HEIGHT, 'Match weight histogram', desc));

  // Grid and count axis.
  for (const t of ys.ticks) {
    const y = sy(t);
    parts.push(svgLine(x0, y, x1, y, 'grid'));
    // On a log scale the 0 tick sits just below the 1 tick: the baseline speaks for itself.
    if (!(logScale && t === 0)) parts.push(svgText(x0 - 6, y + 4, logScale ? formatCompactCount(t) : formatTick(t, ys.step), 'tick', 'end'));
  }
  // Bars.
  for (let j = 0; j < nb; j++) {
    const c = bins.counts[j];
    if (!(c > 0)) continue; // zero and invalid bins draw nothing
    const a = bins.start + j * bins.width;
    const b = a + bins.width;
    let bx0 = sx(a);
    let bx1 = sx(b);
    if (bx1 - bx0 > 3) {
      bx0 += 0.5; // a hairline gap between wide bars
      bx1 -= 0.5;
    }
    const above = thresholdFinite && a + bins.width / 2 >= threshold;
    const tip = `[${formatWeight(a)}, ${formatWeight(b)}) bits: ${formatCountOf(c, 'pair', 'pairs')}`;
    parts.push(svgRect(bx0, sy(c), bx1, yBase, above ? 'bar bar-accept' : 'bar bar-reject', tip));
  }
  // Weight axis.
  parts.push(svgLine(x0, yBase, x1, yBase, 'axis'));
  for (const t of xt.values) {
    const x = sx(t);
    parts.push(svgLine(x, yBase, x, yBase + 5, 'axis'));
    parts.push(svgText(x, yBase + 18, formatTick(t, xt.step), 'tick', 'middle'));
  }
  parts.push(svgText((x0 + x1) / 2, HEIGHT - 8, 'match weight (bits)', 'axis-title', 'middle'));
  parts.push(svgText(14, yTop - 12, logScale ? 'pairs (log scale)' : 'pairs', 'axis-title'));
  // Threshold.
  if (thresholdFinite) {
    const label = `threshold ${formatWeight(threshold)}`;
    if (thresholdOff === null) {
      const x = sx(threshold);
      parts.push(svgLine(x, yTop - 6, x, yBase, 'threshold'));
      const right = x < (x0 + x1) / 2;
      parts.push(svgText(right ? x + 4 : x - 4, yTop - 8, label, 'threshold-label', right ? 'start' : 'end'));
    } else if (thresholdOff === 'left') {
      parts.push(svgText(x0, yTop - 8, `\u2190 ${label} (off the chart)`, 'threshold-label'));
    } else {
      parts.push(svgText(x1, yTop - 8, `${label} (off the chart) \u2192`, 'threshold-label', 'end'));
    }
  }
  parts.push('</svg>');

  for (const n of notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
  // Data table: the non-empty bins (and the invalid ones), for screen readers and for copying.
  const rows: string[] = [];
  for (let j = 0; j < nb; j++) {
    const c = bins.counts[j];
    if (c === 0) continue;
    const a = bins.start + j * bins.width;
    rows.push(`<tr><td>${formatWeight(a)}</td><td>${formatWeight(a + bins.width)}</td><td>${Number.isNaN(c) ? MISSING : formatCount(c)}</td></tr>`);
  }
  parts.push(
    '<details><summary>Histogram data (non-empty bins)</summary><table class="data"><thead><tr>' +
      '<th scope="col">from (bits)</th><th scope="col">to (bits)</th><th scope="col">pairs</th></tr></thead><tbody>' +
      rows.join('') +
      '</tbody></table></details>',
  );
  return parts.join('');
}
