/**
 * renderReport: one self-contained HTML file describing a dedupe / link run — summary,
 * match-weight histogram with the threshold, the model's levels (m, u, weight), cluster sizes,
 * blocking-rule pair counts and a waterfall per sample pair near the threshold.
 *
 * Trade-offs:
 * - Self-contained and static: inline CSS, inline SVG generated here, NO script and no URL
 *   (only the SVG namespace URI, which is never fetched). It renders offline, with scripts
 *   disabled, in a mail attachment or a print. Interactivity is limited to native <details>
 *   and SVG <title> tooltips.
 * - A Content-Security-Policy meta tag (`default-src 'none'`, inline styles only) forbids any
 *   script and any fetch, as defence in depth behind the escaping: even a bug that let caller
 *   text through unescaped could not run code or phone home.
 * - Every piece of caller text goes through `escapeHtml`; numbers through the formatters of
 *   format-number.ts, which show NaN / ±Infinity as '—'. Output is a pure function of the
 *   data and options (no clock, no locale, no randomness): same data → same bytes.
 * - Size is bounded by the options: at most `maxHistogramBins` bars and `maxWaterfalls`
 *   sample pairs are drawn (cluster sizes group themselves, see cluster-size-chart.ts).
 */
import { KhopError } from '../errors.js';
import { renderBlocking } from './blocking-chart.js';
import { renderClusterSizes } from './cluster-size-chart.js';
import { formatCount, formatProbability, formatWeight } from './format-number.js';
import { escapeHtml } from './html-escape.js';
import { renderLevels } from './levels-table.js';
import { type ReportData, assertReportData } from './report-data.js';
import { REPORT_CSS } from './report-style.js';
import { IdSource } from './svg.js';
import { renderWaterfall } from './waterfall-chart.js';
import { renderWeightHistogram } from './weight-histogram-chart.js';

/** Options of `renderReport`. */
export interface RenderReportOptions {
  /** Most sample-pair waterfalls drawn (the first ones, in the given order); an integer ≥ 0. Default 20. */
  maxWaterfalls?: number;
  /** Most histogram bars drawn; more bins are merged by a whole factor. An integer ≥ 1. Default 200. */
  maxHistogramBins?: number;
}

/** Defaults of `RenderReportOptions`. */
export const DEFAULT_RENDER_REPORT_OPTIONS: Readonly<Required<RenderReportOptions>> = Object.freeze({
  maxWaterfalls: 20,
  maxHistogramBins: 200,
});

/** The Content-Security-Policy of every report: nothing may load or run; inline styles only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function resolveOptions(options: RenderReportOptions | undefined): Required<RenderReportOptions> {
  const o = options ?? {};
  const maxWaterfalls = o.maxWaterfalls ?? DEFAULT_RENDER_REPORT_OPTIONS.maxWaterfalls;
  const maxHistogramBins = o.maxHistogramBins ?? DEFAULT_RENDER_REPORT_OPTIONS.maxHistogramBins;
  const problems: string[] = [];
  if (!Number.isInteger(maxWaterfalls) || maxWaterfalls < 0) problems.push('maxWaterfalls must be an integer ≥ 0');
  if (!Number.isInteger(maxHistogramBins) || maxHistogramBins < 1) problems.push('maxHistogramBins must be an integer ≥ 1');
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', `renderReport: ${problems.join('; ')}`, { details: { problems } });
  return { maxWaterfalls, maxHistogramBins };
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(title)}</h2>${body}</section>`;
}

function renderSummary(data: ReportData): string {
  const rows = data.summary.map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`);
  rows.push(
    `<tr><th scope="row">match threshold</th><td>${formatWeight(data.threshold.weight)} bits ` +
      `(probability ${formatProbability(data.threshold.probability)})</td></tr>`,
  );
  rows.push(`<tr><th scope="row">prior λ</th><td>${formatProbability(data.prior.lambda)} (${formatWeight(data.prior.weight)} bits)</td></tr>`);
  return `<table class="data summary"><caption class="sr">Run summary</caption><tbody>${rows.join('')}</tbody></table>`;
}

function renderWaterfalls(data: ReportData, max: number, ids: IdSource): string {
  const n = data.waterfalls.length;
  if (n === 0) return '<p class="empty">No sample pairs.</p>';
  const shown = Math.min(n, max);
  const parts: string[] = [
    '<p>Each chart starts from the prior weight; every comparison moves the match weight up (evidence for a match) ' +
      'or down (evidence against); the last bar is the total, compared with the dashed threshold.</p>',
  ];
  if (shown < n) parts.push(`<p class="note">Showing ${formatCount(shown)} of ${formatCount(n)} sample pairs.</p>`);
  for (let i = 0; i < shown; i++) parts.push(renderWaterfall(data.waterfalls[i], i, data.threshold.weight, ids));
  return parts.join('');
}

/**
 * The report of one run as a complete HTML document (UTF-8; write it as is to a `.html` file).
 * Throws KhopError('INVALID_ARGUMENT') when `data` is structurally wrong (every problem listed)
 * and KhopError('INVALID_OPTION') for a bad option. NaN / ±Infinity numbers are shown as '—'.
 */
export function renderReport(data: ReportData, options?: RenderReportOptions): string {
  assertReportData(data);
  const opts = resolveOptions(options);
  const ids = new IdSource();
  const sections: Array<[string, string, string]> = [
    ['summary', 'Summary', renderSummary(data)],
    ['weights', 'Match weights', renderWeightHistogram(data.weightHistogram, data.threshold.weight, ids, opts.maxHistogramBins)],
    ['levels', 'Comparison levels', renderLevels(data.comparisons, data.prior)],
    ['clusters', 'Cluster sizes', renderClusterSizes(data.clusterSizes, ids)],
    ['blocking', 'Blocking rules', renderBlocking(data.blocking, ids)],
    ['waterfalls', 'Sample pairs near the threshold', renderWaterfalls(data, opts.maxWaterfalls, ids)],
  ];
  const nav = sections.map(([id, title]) => `<li><a href="#${id}">${escapeHtml(title)}</a></li>`).join('');
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="generator" content="khop">' +
    `<title>${escapeHtml(data.title)}</title><style>${REPORT_CSS}</style></head>\n<body>` +
    `<header><h1>${escapeHtml(data.title)}</h1><p class="meta">Generated ${escapeHtml(data.generatedAt)}</p>` +
    `<nav aria-label="Sections"><ul>${nav}</ul></nav></header>\n<main>` +
    sections.map(([id, title, body]) => section(id, title, body)).join('\n') +
    '</main>\n<footer><p class="meta">khop report \u00b7 self-contained: this file loads nothing from the network.</p></footer>' +
    '</body></html>\n'
  );
}
