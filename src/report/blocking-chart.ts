/**
 * Blocking-rule pair counts: one horizontal stacked bar per rule — the pairs the rule found
 * first ("new") and the pairs an earlier rule had already produced — and a table with the
 * full rule descriptions and the pairs skipped because their block exceeded the size cap.
 *
 * Trade-off: a linear axis, because the two stacked segments only add up on a linear scale;
 * every bar is also labelled with its numbers, so a rule with few pairs beside one with
 * millions is still readable. Rules are numbered (#1, #2…) in the chart and described in full
 * in the table (descriptions can be long); each bar's tooltip carries the full description.
 * Skipped pairs stay out of the chart: a skipped giant block can outnumber every produced
 * pair by orders of magnitude and would flatten the bars. A row whose counts are not finite
 * numbers ≥ 0, or whose new pairs exceed its pairs, is not drawn and is marked in the table.
 */
import { escapeHtml } from './html-escape.js';
import { MISSING, formatCompactCount, formatCount, formatTick } from './format-number.js';
import { type IdSource, MAX_PLOTTED_MAGNITUDE, niceTicks, scaleLinear, svgLine, svgOpen, svgRect, svgText } from './svg.js';

const WIDTH = 720;
const LEFT = 44;
const RIGHT = 190;
const TOP = 44;
const ROW = 28;
const BOTTOM = 44;

export interface BlockingRow {
  rule: string;
  pairs: number;
  newPairs: number;
  skippedPairs: number;
  skippedBlocks: number;
}

/** A count that can be drawn: 0 ≤ n ≤ MAX_PLOTTED_MAGNITUDE (false for NaN). */
function isCount(n: number): boolean {
  return n >= 0 && n <= MAX_PLOTTED_MAGNITUDE;
}

/** True when the row can be drawn: finite counts ≥ 0 and newPairs ≤ pairs. */
function drawable(r: BlockingRow): boolean {
  return isCount(r.pairs) && isCount(r.newPairs) && r.newPairs <= r.pairs;
}

/** Sum of `values`, or NaN as soon as one is not a finite count. */
function sumCounts(rows: readonly BlockingRow[], pick: (r: BlockingRow) => number): number {
  let s = 0;
  for (const r of rows) {
    const v = pick(r);
    if (!isCount(v)) return NaN;
    s += v;
  }
  return s;
}

/** The blocking section body: chart, legend, table; or an empty-state paragraph. */
export function renderBlocking(rows: readonly BlockingRow[], ids: IdSource): string {
  if (rows.length === 0) return '<p class="empty">No blocking rules.</p>';
  let max = 0;
  let undrawn = 0;
  for (const r of rows) {
    if (!drawable(r)) undrawn++;
    else if (r.pairs > max) max = r.pairs;
  }
  const parts: string[] = [];
  const height = TOP + ROW * rows.length + BOTTOM;
  const xt = niceTicks(0, max > 0 ? max : 1, 5);
  const x0 = LEFT;
  const x1 = WIDTH - RIGHT;
  const sx = (v: number): number => scaleLinear(v, 0, xt.hi, x0, x1);
  const yBottom = TOP + ROW * rows.length;

  parts.push(
    svgOpen(
      ids,
      'blocking',
      WIDTH,
      height,
      'Candidate pairs per blocking rule',
      `Horizontal stacked bar chart, one bar per blocking rule (${rows.length} rules, numbered as in the table below): ` +
        'pairs first produced by the rule, then pairs an earlier rule already produced.',
    ),
  );
  // Legend: swatch + text, so the two segments are told apart without colour too.
  parts.push(svgRect(x0, 10, x0 + 14, 24, 'bar bar-new'));
  parts.push(svgText(x0 + 20, 21, 'new pairs (first found by this rule)', 'legend'));
  parts.push(svgRect(x0 + 260, 10, x0 + 274, 24, 'bar bar-dup'));
  parts.push(svgText(x0 + 280, 21, 'already produced by an earlier rule', 'legend'));
  for (const t of xt.values) {
    const x = sx(t);
    parts.push(svgLine(x, TOP - 4, x, yBottom, 'grid'));
    parts.push(svgText(x, yBottom + 18, xt.step >= 1000 ? formatCompactCount(t) : formatTick(t, xt.step), 'tick', 'middle'));
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const yMid = TOP + ROW * i + ROW / 2;
    parts.push(svgText(x0 - 8, yMid + 4, `#${i + 1}`, 'label', 'end'));
    if (!drawable(r)) {
      parts.push(svgText(x0 + 4, yMid + 4, 'counts invalid: not drawn', 'value'));
      continue;
    }
    const tip = `#${i + 1} ${r.rule}: ${formatCount(r.pairs)} pairs, ${formatCount(r.newPairs)} new`;
    if (r.newPairs > 0) parts.push(svgRect(x0, yMid - 9, sx(r.newPairs), yMid + 9, 'bar bar-new', tip));
    if (r.pairs > r.newPairs) parts.push(svgRect(sx(r.newPairs), yMid - 9, sx(r.pairs), yMid + 9, 'bar bar-dup', tip));
    parts.push(svgText(sx(r.pairs) + 6, yMid + 4, `${formatCompactCount(r.pairs)} pairs, ${formatCompactCount(r.newPairs)} new`, 'value'));
  }
  parts.push(svgLine(x0, TOP - 4, x0, yBottom, 'axis'));
  parts.push(svgLine(x0, yBottom, x1, yBottom, 'axis'));
  parts.push(svgText((x0 + x1) / 2, height - 8, 'candidate pairs', 'axis-title', 'middle'));
  parts.push('</svg>');
  if (undrawn > 0) parts.push(`<p class="note">${undrawn} rule(s) have invalid counts (not finite numbers ≥ 0, or more new pairs than pairs) and are not drawn.</p>`);

  const body = rows.map((r, i) => {
    const flag = drawable(r) ? '' : ' <span class="flag">(invalid counts)</span>';
    return (
      `<tr><td>#${i + 1}</td><td class="t"><code>${escapeHtml(r.rule)}</code>${flag}</td><td>${formatCount(r.pairs)}</td>` +
      `<td>${formatCount(r.newPairs)}</td><td>${formatCount(r.skippedPairs)}</td><td>${formatCount(r.skippedBlocks)}</td></tr>`
    );
  });
  const total = (pick: (r: BlockingRow) => number): string => {
    const s = sumCounts(rows, pick);
    return Number.isNaN(s) ? MISSING : formatCount(s);
  };
  parts.push(
    '<table class="data"><thead><tr><th scope="col">#</th><th scope="col" class="l">rule</th><th scope="col">pairs</th>' +
      '<th scope="col">new pairs</th><th scope="col">skipped pairs</th><th scope="col">skipped blocks</th></tr></thead><tbody>' +
      body.join('') +
      `</tbody><tfoot><tr><td></td><th scope="row">total</th><td>${total((r) => r.pairs)}</td>` +
      `<td>${total((r) => r.newPairs)}</td><td>${total((r) => r.skippedPairs)}</td><td>${total((r) => r.skippedBlocks)}</td></tr></tfoot></table>` +
      '<p class="meta">The total of new pairs is the number of distinct candidate pairs. Skipped pairs were not produced ' +
      'because their block exceeded the block-size cap.</p>',
  );
  return parts.join('');
}
