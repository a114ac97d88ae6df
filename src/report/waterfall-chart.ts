/**
 * The waterfall of one scored pair: how its match weight builds up from the prior, one
 * comparison at a time, to the total, against the threshold (the "explain" view of Splink's
 * waterfall chart; weights are Fellegi–Sunter log2 Bayes factors, Fellegi & Sunter 1969).
 *
 *   prior        ▇▇▇▇▇▇▇▇▇▇|                 (bar from 0 to the prior weight)
 *   name: exact            |▇▇▇▇▇▇           (bar from the running sum, up or down)
 *   dob: else          ▇▇▇▇|                  …
 *   total        ▇▇▇▇▇▇    |      ┆threshold  (bar from 0 to the total)
 *
 * Trade-off: horizontal rows instead of vertical columns, so field and level labels stay
 * horizontal and readable (cut to LABEL_CHARS with the full text in a tooltip and in the
 * table). A step is the level weight plus its term-frequency adjustment (the table lists
 * both). A step's direction (right = towards a match, left = away) and its signed number
 * carry the meaning without colour. Once the running sum is not finite, later steps cannot be
 * placed and are not drawn (their numbers still show). When the steps do not add up to the
 * reported total, a note says so instead of silently drawing either.
 */
import { escapeHtml } from './html-escape.js';
import { MISSING, formatProbability, formatTick, formatWeight } from './format-number.js';
import { type IdSource, isPlottable, niceTicks, scaleLinear, svgLine, svgOpen, svgRect, svgText, truncateLabel } from './svg.js';
import type { ReportWaterfall } from './report-data.js';

const WIDTH = 720;
const LABEL_X = 214; // right edge of the label column
const PLOT_X0 = 222;
const PLOT_X1 = 640;
const VALUE_X = 712; // right edge of the value column
const TOP = 30;
const ROW = 22;
const BOTTOM = 40;
/** Longest row label drawn in the chart; longer labels are cut with '…'. */
export const LABEL_CHARS = 30;
/** Relative tolerance between the summed steps and the reported total. */
export const SUM_TOLERANCE = 1e-6;

interface Row {
  label: string;
  /** Bar from `from` to `to` (NaN: not drawable). */
  from: number;
  to: number;
  /** Value shown in the value column. */
  value: number;
  cls: string;
  tip: string;
}

/** The figure for one sample pair: caption, chart, notes and step table. */
export function renderWaterfall(w: ReportWaterfall, index: number, threshold: number, ids: IdSource): string {
  const rows: Row[] = [];
  let cum = w.prior;
  rows.push({ label: 'prior', from: 0, to: w.prior, value: w.prior, cls: 'bar bar-prior', tip: `prior ${formatWeight(w.prior)} bits` });
  for (const s of w.steps) {
    const v = s.weight + s.tfAdjustment;
    const next = cum + v;
    const label = `${s.field}: ${s.level}`;
    const tf = s.tfAdjustment !== 0 ? `, tf adjustment ${formatWeight(s.tfAdjustment)}` : '';
    rows.push({
      label,
      from: cum,
      to: next,
      value: v,
      cls: v >= 0 ? 'bar bar-pos' : 'bar bar-neg',
      tip: `${label}: level weight ${formatWeight(s.weight)}${tf}, running total ${formatWeight(next)} bits`,
    });
    cum = next;
  }
  const summed = cum;
  rows.push({ label: 'total', from: 0, to: w.total, value: w.total, cls: 'bar bar-total', tip: `total ${formatWeight(w.total)} bits, probability ${formatProbability(w.probability)}` });

  // Domain: zero, the threshold and every finite bar end.
  let lo = 0;
  let hi = 0;
  const include = (v: number): void => {
    if (!isPlottable(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  include(threshold);
  for (const r of rows) {
    if (isPlottable(r.from) && isPlottable(r.to)) {
      include(r.from);
      include(r.to);
    }
  }
  const xt = niceTicks(lo, hi, 6);
  const sx = (v: number): number => scaleLinear(v, xt.lo, xt.hi, PLOT_X0, PLOT_X1);
  const height = TOP + ROW * rows.length + BOTTOM;
  const yBottom = TOP + ROW * rows.length;

  const verdict =
    Number.isFinite(w.total) && Number.isFinite(threshold) ? (w.total >= threshold ? 'at or above the threshold' : 'below the threshold') : '';
  const caption =
    `Pair ${index + 1}: ${w.left} \u2194 ${w.right} \u2014 total ${formatWeight(w.total)} bits, ` +
    `probability ${formatProbability(w.probability)}${verdict === '' ? '' : `, ${verdict}`}`;

  const parts: string[] = [];
  parts.push(`<figure class="waterfall"><figcaption>${escapeHtml(caption)}</figcaption>`);
  parts.push(
    svgOpen(
      ids,
      'waterfall',
      WIDTH,
      height,
      `Match weight waterfall, pair ${index + 1}`,
      `Waterfall chart: starting from the prior weight, each comparison moves the match weight up or down; ` +
        `the last bar is the total (${formatWeight(w.total)} bits)` +
        `${isPlottable(threshold) ? `; the dashed line is the threshold (${formatWeight(threshold)} bits)` : ''}.`,
    ),
  );
  for (const t of xt.values) {
    const x = sx(t);
    parts.push(svgLine(x, TOP - 4, x, yBottom, t === 0 ? 'axis' : 'grid'));
    parts.push(svgText(x, yBottom + 16, formatTick(t, xt.step), 'tick', 'middle'));
  }
  let undrawn = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const y = TOP + ROW * i;
    parts.push(svgText(LABEL_X, y + ROW / 2 + 4, truncateLabel(r.label, LABEL_CHARS), i === rows.length - 1 || i === 0 ? 'label strong' : 'label', 'end'));
    if (isPlottable(r.from) && isPlottable(r.to)) {
      parts.push(svgRect(sx(r.from), y + 4, sx(r.to), y + ROW - 4, r.cls, r.tip));
      // Connector from this bar's end to the next step's start (steps only, not into the total).
      if (i < rows.length - 2 && isPlottable(rows[i + 1].to)) parts.push(svgLine(sx(r.to), y + ROW - 4, sx(r.to), y + ROW + 4, 'connector'));
    } else {
      undrawn++;
    }
    parts.push(svgText(VALUE_X, y + ROW / 2 + 4, formatWeight(r.value), i === rows.length - 1 ? 'value strong' : 'value', 'end'));
  }
  if (isPlottable(threshold)) {
    const x = sx(threshold);
    parts.push(svgLine(x, TOP - 10, x, yBottom, 'threshold'));
    const right = x < (PLOT_X0 + PLOT_X1) / 2;
    parts.push(svgText(right ? x + 4 : x - 4, TOP - 12, `threshold ${formatWeight(threshold)}`, 'threshold-label', right ? 'start' : 'end'));
  }
  parts.push(svgText((PLOT_X0 + PLOT_X1) / 2, height - 6, 'match weight (bits)', 'axis-title', 'middle'));
  parts.push('</svg>');

  const tol = SUM_TOLERANCE * Math.max(1, Math.abs(w.total));
  if (Number.isFinite(summed) && Number.isFinite(w.total) && Math.abs(summed - w.total) > tol) {
    parts.push(`<p class="note">The prior and the steps add up to ${formatWeight(summed)} bits, not the reported total ${formatWeight(w.total)} bits.</p>`);
  }
  if (undrawn > 0) {
    parts.push(
      `<p class="note">${undrawn} bar(s) cannot be placed on the weight axis (a weight is not a finite number, shown as \u2014, ` +
        'or is implausibly large) and are not drawn.</p>',
    );
  }

  const body: string[] = [];
  let run = w.prior;
  body.push(`<tr><th scope="row">prior</th><td></td><td>${formatWeight(w.prior)}</td><td></td><td>${formatWeight(run)}</td></tr>`);
  for (const s of w.steps) {
    run += s.weight + s.tfAdjustment;
    body.push(
      `<tr><th scope="row">${escapeHtml(s.field)}</th><td class="t">${escapeHtml(s.level)}</td><td>${formatWeight(s.weight)}</td>` +
        `<td>${s.tfAdjustment === 0 ? '' : formatWeight(s.tfAdjustment)}</td><td>${formatWeight(run)}</td></tr>`,
    );
  }
  parts.push(
    '<details><summary>Steps</summary><table class="data"><thead><tr><th scope="col">comparison</th><th scope="col" class="l">level</th>' +
      '<th scope="col">weight</th><th scope="col">tf adjustment</th><th scope="col">running total</th></tr></thead><tbody>' +
      body.join('') +
      `</tbody><tfoot><tr><th scope="row">total</th><td></td><td>${formatWeight(w.total)}</td><td></td><td>${Number.isFinite(w.probability) ? `p = ${formatProbability(w.probability)}` : MISSING}</td></tr></tfoot></table></details>`,
  );
  parts.push('</figure>');
  return parts.join('');
}
