/**
 * The model's comparison levels: per comparison a table of its levels with m, u, the level
 * weight log2(m / u) (Fellegi & Sunter 1969) and a bar for the weight, plus the prior.
 *
 * Trade-off: one small inline SVG bar per row, on ONE scale shared by every comparison (the
 * largest |weight| of any level), so the strength of evidence can be compared across fields at
 * a glance. The bar grows right of the zero line for evidence for a match and left for evidence
 * against, so its sign reads without colour; the signed number sits beside it. The bars repeat
 * the number in the row, so they are hidden from screen readers (aria-hidden) and keep a
 * tooltip. A weight that is not finite shows '—' and no bar.
 */
import { escapeHtml } from './html-escape.js';
import { formatCount, formatProbability, formatWeight } from './format-number.js';
import { isPlottable, svgLine, svgRect } from './svg.js';
import type { ReportData } from './report-data.js';

const BAR_W = 180;
const BAR_H = 16;

/** Inline weight bar: zero line in the middle, bar right (positive) or left (negative). */
function weightBar(w: number, maxAbs: number): string {
  const mid = BAR_W / 2;
  const parts = [`<svg class="wbar" xmlns="http://www.w3.org/2000/svg" width="${BAR_W}" height="${BAR_H}" viewBox="0 0 ${BAR_W} ${BAR_H}" aria-hidden="true">`];
  if (isPlottable(w) && w !== 0) {
    const end = mid + (w / maxAbs) * (mid - 2);
    parts.push(svgRect(mid, 3, end, BAR_H - 3, w > 0 ? 'bar bar-pos' : 'bar bar-neg', `weight ${formatWeight(w)} bits`));
  }
  parts.push(svgLine(mid, 0, mid, BAR_H, 'axis'));
  parts.push('</svg>');
  return parts.join('');
}

/** The levels section body. */
export function renderLevels(comparisons: ReportData['comparisons'], prior: ReportData['prior']): string {
  const parts: string[] = [];
  parts.push(
    `<p>Prior: λ = ${formatProbability(prior.lambda)} (probability that two random records are the same person), ` +
      `prior weight ${formatWeight(prior.weight)} bits. Level weight = log<sub>2</sub>(m / u); bars share one scale.</p>`,
  );
  if (comparisons.length === 0) {
    parts.push('<p class="empty">No comparisons.</p>');
    return parts.join('');
  }
  let maxAbs = 0;
  for (const c of comparisons) {
    for (const l of c.levels) {
      const a = Math.abs(l.weight);
      if (isPlottable(a) && a > maxAbs) maxAbs = a;
    }
  }
  if (maxAbs === 0) maxAbs = 1;
  for (const c of comparisons) {
    parts.push(`<h3>${escapeHtml(c.name)}</h3>`);
    if (c.levels.length === 0) {
      parts.push('<p class="empty">No levels.</p>');
      continue;
    }
    const withCount = c.levels.some((l) => l.count !== undefined);
    parts.push(
      `<table class="data levels"><caption class="sr">Levels of ${escapeHtml(c.name)}</caption>` +
        `<colgroup><col><col class="c-num"><col class="c-num"><col class="c-num"><col class="c-bar">${withCount ? '<col class="c-num">' : ''}</colgroup><thead><tr><th scope="col">level</th>` +
        '<th scope="col">m</th><th scope="col">u</th><th scope="col">weight</th>' +
        `<th scope="col" class="c"><span class="sr">weight bar: </span>against \u2190 0 \u2192 for</th>${withCount ? '<th scope="col">pairs</th>' : ''}</tr></thead><tbody>`,
    );
    for (const l of c.levels) {
      parts.push(
        `<tr><th scope="row">${escapeHtml(l.label)}</th><td>${formatProbability(l.m)}</td><td>${formatProbability(l.u)}</td>` +
          `<td class="num">${formatWeight(l.weight)}</td><td class="bar-cell">${weightBar(l.weight, maxAbs)}</td>` +
          `${withCount ? `<td>${l.count === undefined ? '' : formatCount(l.count)}</td>` : ''}</tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  return parts.join('');
}
