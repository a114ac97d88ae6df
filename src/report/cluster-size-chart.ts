/**
 * The cluster-size distribution: a bar per cluster size with the number of clusters of that
 * size, and a table with the records those clusters hold.
 *
 * Trade-off: sizes are categories (one bar each) while there are at most MAX_SIZE_BARS distinct
 * sizes; beyond that, sizes are grouped into power-of-two ranges (1, 2, 3–4, 5–8, 9–16, …) so a
 * long tail of giant clusters — the usual sign of an over-eager threshold — stays visible
 * without thousands of hairline bars. Singletons usually outnumber everything else, so the
 * count axis becomes log10(1 + count) when counts span more than LOG_SCALE_RATIO.
 * Entries whose size is not an integer ≥ 1 or whose count is not a finite number ≥ 0 are left
 * out of the chart and reported under it; entries with the same size are added together.
 */
import { escapeHtml } from './html-escape.js';
import { formatCompactCount, formatCount, formatCountOf, formatTick } from './format-number.js';
import { type IdSource, MAX_PLOTTED_MAGNITUDE, countScale, countValue, scaleLinear, svgLine, svgOpen, svgRect, svgText, wantsLogScale } from './svg.js';

/** Most bars drawn one per size; more distinct sizes are grouped by powers of two. */
export const MAX_SIZE_BARS = 40;

const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 64;
const RIGHT = 16;
const TOP = 30;
const BOTTOM = 48;

interface SizeBar {
  label: string;
  /** Smallest and largest size in the bar. */
  min: number;
  max: number;
  count: number;
  records: number;
}

/** Smallest k ≥ 0 with 2^k ≥ size (size ≥ 1): the power-of-two group of a size. */
function groupOf(size: number): number {
  return size <= 1 ? 0 : Math.ceil(Math.log2(size));
}

/** The cluster-size section body: chart, notes and table, or an empty-state paragraph. */
export function renderClusterSizes(entries: ReadonlyArray<{ size: number; count: number }>, ids: IdSource): string {
  if (entries.length === 0) return '<p class="empty">No clusters.</p>';
  let invalid = 0;
  const bySize = new Map<number, number>();
  for (const e of entries) {
    // Written so that NaN fails every test: Number.isInteger(NaN) is false, NaN >= 0 is false.
    if (!Number.isInteger(e.size) || !(e.size >= 1 && e.size <= MAX_PLOTTED_MAGNITUDE) || !(e.count >= 0 && e.count <= MAX_PLOTTED_MAGNITUDE)) {
      invalid++;
      continue;
    }
    bySize.set(e.size, (bySize.get(e.size) ?? 0) + e.count);
  }
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const notes: string[] = [];
  if (invalid > 0) notes.push(`${invalid} entr${invalid === 1 ? 'y has' : 'ies have'} an invalid size or count and ${invalid === 1 ? 'is' : 'are'} not shown.`);

  let bars: SizeBar[];
  const grouped = sizes.length > MAX_SIZE_BARS;
  if (!grouped) {
    bars = sizes.map((s) => {
      const c = bySize.get(s) ?? 0;
      return { label: String(s), min: s, max: s, count: c, records: s * c };
    });
  } else {
    bars = [];
    for (const s of sizes) {
      const g = groupOf(s);
      // Group g ≥ 1 covers sizes 2^(g−1) + 1 … 2^g; group 0 is size 1 alone.
      const lo = g === 0 ? 1 : 2 ** (g - 1) + 1;
      const hi = 2 ** g;
      const c = bySize.get(s) ?? 0;
      let bar = bars.length > 0 ? bars[bars.length - 1] : undefined;
      if (bar === undefined || bar.max !== hi) {
        bar = { label: lo === hi ? String(lo) : `${lo}\u2013${hi}`, min: lo, max: hi, count: 0, records: 0 };
        bars.push(bar);
      }
      bar.count += c;
      bar.records += s * c;
    }
    notes.push(`${sizes.length} distinct sizes, grouped into power-of-two ranges.`);
  }
  let totalClusters = 0;
  let totalRecords = 0;
  let maxCount = 0;
  for (const b of bars) {
    totalClusters += b.count;
    totalRecords += b.records;
    if (b.count > maxCount) maxCount = b.count;
  }
  if (totalClusters === 0) {
    notes.unshift('No clusters.');
    return notes.map((n) => `<p class="empty">${escapeHtml(n)}</p>`).join('');
  }

  const counts = bars.map((b) => b.count);
  const logScale = wantsLogScale(counts);
  const ys = countScale(maxCount, logScale);
  const x0 = LEFT;
  const x1 = WIDTH - RIGHT;
  const yBase = HEIGHT - BOTTOM;
  const sy = (c: number): number => scaleLinear(countValue(ys, c), 0, ys.top, yBase, TOP);
  const band = (x1 - x0) / bars.length;
  const barW = Math.max(1, Math.min(48, band * 0.7));
  const labelEvery = Math.max(1, Math.ceil(bars.length / 24)); // keep size labels from overlapping

  const parts: string[] = [];
  const first = bars[0];
  const last = bars[bars.length - 1];
  parts.push(
    svgOpen(
      ids,
      'clusters',
      WIDTH,
      HEIGHT,
      'Cluster sizes',
      `Bar chart: number of clusters per cluster size, ${formatCount(totalClusters)} clusters of sizes ` +
        `${first.min} to ${last.max}${logScale ? ', cluster counts on a logarithmic scale' : ''}.`,
    ),
  );
  for (const t of ys.ticks) {
    const y = sy(t);
    parts.push(svgLine(x0, y, x1, y, 'grid'));
    // On a log scale the 0 tick sits just below the 1 tick: the baseline speaks for itself.
    if (!(logScale && t === 0)) parts.push(svgText(x0 - 6, y + 4, logScale ? formatCompactCount(t) : formatTick(t, ys.step), 'tick', 'end'));
  }
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    const cx = x0 + band * (i + 0.5);
    if (b.count > 0) {
      const y = sy(b.count);
      parts.push(svgRect(cx - barW / 2, y, cx + barW / 2, yBase, 'bar', `size ${b.label}: ${formatCountOf(b.count, 'cluster', 'clusters')}, ${formatCountOf(b.records, 'record', 'records')}`));
      if (bars.length <= 24) parts.push(svgText(cx, y - 4, formatCompactCount(b.count), 'value', 'middle'));
    }
    if (i % labelEvery === 0) parts.push(svgText(cx, yBase + 18, b.label, 'tick', 'middle'));
  }
  parts.push(svgLine(x0, yBase, x1, yBase, 'axis'));
  parts.push(svgText((x0 + x1) / 2, HEIGHT - 8, 'cluster size (records per cluster)', 'axis-title', 'middle'));
  parts.push(svgText(14, TOP - 14, logScale ? 'clusters (log scale)' : 'clusters', 'axis-title'));
  parts.push('</svg>');
  for (const n of notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);

  const rows = bars.map((b) => `<tr><td>${escapeHtml(b.label)}</td><td>${formatCount(b.count)}</td><td>${formatCount(b.records)}</td></tr>`);
  parts.push(
    '<details><summary>Cluster size data</summary><table class="data"><thead><tr>' +
      '<th scope="col">size</th><th scope="col">clusters</th><th scope="col">records</th></tr></thead><tbody>' +
      rows.join('') +
      `</tbody><tfoot><tr><th scope="row">total</th><td>${formatCount(totalClusters)}</td><td>${formatCount(totalRecords)}</td></tr></tfoot></table></details>`,
  );
  return parts.join('');
}
