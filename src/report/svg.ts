/**
 * SVG building blocks for the report's charts: coordinates, scales, "nice" axis ticks, the
 * accessible <svg> wrapper and unique element ids.
 *
 * Trade-off: charts are static SVG strings generated here, not drawn by client-side script,
 * so the report renders with scripts disabled, prints, and is byte-for-byte deterministic.
 * Coordinates are rounded to 0.1 px: far below what a screen shows, and it keeps the file
 * small and free of float noise ("12.300000000000001").
 *
 * Axis ticks use the "nice numbers" method of Paul Heckbert, "Nice Numbers for Graph Labels",
 * Graphics Gems (1990): the step is 1, 2 or 5 × a power of ten, and the axis is widened to
 * whole multiples of the step.
 */
import { escapeHtml } from './html-escape.js';

/**
 * Largest magnitude a chart places on an axis (weights in bits, counts, bin edges): 10^15.
 * Real values stay far below (a level weight is within ±30 bits; 10^15 pairs is beyond any
 * run); anything larger — or NaN / ±Infinity — is treated as "cannot be drawn": it is shown
 * as a number (or '—') but never placed on an axis, so it can neither overflow a scale into
 * NaN coordinates nor squash every other bar to nothing.
 */
export const MAX_PLOTTED_MAGNITUDE = 1e15;

/** True when `v` can be placed on an axis: finite and |v| ≤ MAX_PLOTTED_MAGNITUDE (false for NaN). */
export function isPlottable(v: number): boolean {
  return Math.abs(v) <= MAX_PLOTTED_MAGNITUDE;
}

/** A coordinate rounded to 0.1 px, as text ("-0" printed as "0"). */
export function coord(x: number): string {
  const r = Math.round(x * 10) / 10;
  return r === 0 ? '0' : String(r);
}

/** Maps `v` from the domain [d0, d1] to the range [r0, r1] (linear; a zero-width domain maps to r0). */
export function scaleLinear(v: number, d0: number, d1: number, r0: number, r1: number): number {
  const span = d1 - d0;
  if (span === 0) return r0;
  return r0 + ((v - d0) / span) * (r1 - r0);
}

/** Ticks of an axis: the widened domain [lo, hi], the step and the tick values lo, lo + step, …, hi. */
export interface AxisTicks {
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

/** Heckbert's nice number near `x` > 0: 1, 2, 5 or 10 × 10^k, rounded (`round`) or at least `x`. */
function niceNumber(x: number, round: boolean): number {
  const exp = Math.floor(Math.log10(x));
  const base = 10 ** exp;
  const f = x / base;
  let nf: number;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * base;
}

/**
 * Nice ticks covering [min, max] with about `count` intervals. `min` and `max` must be
 * plottable (see isPlottable). An empty or vanishingly narrow interval (width below 10^−9 of
 * its magnitude, where float steps would be noise) is widened to [min − p, max + p] with
 * p = max(1, 10 % of |min|), except that a non-negative min is not widened below 0.
 */
export function niceTicks(min: number, max: number, count: number): AxisTicks {
  let a = Math.min(min, max);
  let b = Math.max(min, max);
  if (!(b - a > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))) {
    const pad = Math.max(1, Math.abs(a) * 0.1);
    a = a >= 0 && a - pad < 0 ? 0 : a - pad; // an axis of counts must not grow negative ticks
    b += pad;
  }
  const range = niceNumber(b - a, false);
  const step = niceNumber(range / Math.max(1, count), true);
  let lo = Math.floor(a / step) * step;
  let hi = Math.ceil(b / step) * step;
  // b / step can underflow (b a subnormal number): make sure the ends still cover [a, b].
  if (lo > a) lo -= step;
  if (hi < b) hi += step;
  const values: number[] = [];
  const n = Math.round((hi - lo) / step);
  // Each tick is computed from its index (not by repeated addition) so rounding errors do not
  // accumulate; the division by a power-of-ten-ish step then snaps it back to a short decimal.
  for (let i = 0; i <= n; i++) values.push(roundToStep(lo + i * step, step));
  return { lo: values[0], hi: values[values.length - 1], step, values };
}

/** `v` rounded to the decimal precision of `step` (removes float noise such as 0.30000000000000004). */
function roundToStep(v: number, step: number): number {
  const decimals = step >= 1 ? 0 : Math.min(12, Math.ceil(-Math.log10(step)) + 1);
  const r = Number(v.toFixed(decimals));
  return r === 0 ? 0 : r;
}

/**
 * The count scale of a bar chart: linear, or log10(1 + count) when the counts span more than
 * `LOG_SCALE_RATIO` (largest / smallest positive), so that small bars stay visible beside huge
 * ones. A zero count is 0 on both scales.
 */
export const LOG_SCALE_RATIO = 50;

/** True when the positive finite values of `counts` span more than LOG_SCALE_RATIO. */
export function wantsLogScale(counts: ArrayLike<number>): boolean {
  let max = 0;
  let minPositive = Infinity;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c > 0) || !Number.isFinite(c)) continue;
    if (c > max) max = c;
    if (c < minPositive) minPositive = c;
  }
  return max > 0 && max / minPositive > LOG_SCALE_RATIO;
}

/** A count scale: the transform and its tick values in count units. */
export interface CountScale {
  log: boolean;
  /** Top of the transformed domain (bottom is 0). */
  top: number;
  /** Tick values in count units. */
  ticks: number[];
  /** Tick step (count units) of a linear scale, 1 for a log scale. */
  step: number;
}

/** Transformed value of a count on `scale` (log10(1 + c) or c). */
export function countValue(scale: CountScale, c: number): number {
  return scale.log ? Math.log10(1 + c) : c;
}

/** A count scale for counts up to `max` (finite, ≥ 0). */
export function countScale(max: number, log: boolean): CountScale {
  if (log) {
    const ticks: number[] = [0];
    let t = 1;
    while (t <= max) {
      ticks.push(t);
      t *= 10;
    }
    ticks.push(t); // one decade above the largest count closes the axis
    return { log, top: Math.log10(1 + t), ticks, step: 1 };
  }
  const t = niceTicks(0, max > 0 ? max : 1, 4);
  // Fractional ticks make no sense for counts below 4: widen to whole numbers.
  if (t.step < 1) return { log, top: Math.max(1, Math.ceil(max)), ticks: [0, Math.max(1, Math.ceil(max))], step: 1 };
  return { log, top: t.hi, ticks: t.values, step: t.step };
}

/** Hands out ids unique within one rendered report ("k1", "k2", …). One per renderReport call. */
export class IdSource {
  private n = 0;
  /** A fresh id. */
  next(): string {
    this.n++;
    return `k${this.n}`;
  }
}

/**
 * Opening tag of an accessible chart: role="img", labelled by its <title> and described by
 * its <desc> (both escaped here). Width and height are the natural size; CSS lets it shrink.
 */
export function svgOpen(ids: IdSource, className: string, width: number, height: number, title: string, desc: string): string {
  const id = ids.next();
  return (
    `<svg class="chart ${className}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>`
  );
}

/** A <text> element; `text` is escaped. */
export function svgText(x: number, y: number, text: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  const a = anchor === 'start' ? '' : ` text-anchor="${anchor}"`;
  return `<text class="${cls}" x="${coord(x)}" y="${coord(y)}"${a}>${escapeHtml(text)}</text>`;
}

/** A <line> element. */
export function svgLine(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${cls}" x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}"/>`;
}

/**
 * A <rect> spanning [x0, x1] × [y0, y1] in any order, with an optional tooltip <title>
 * (escaped). Its size is at least 1 px wide / high so a tiny non-zero value stays visible.
 */
export function svgRect(x0: number, y0: number, x1: number, y1: number, cls: string, tooltip?: string): string {
  let x = Math.min(x0, x1);
  let w = Math.abs(x1 - x0);
  let y = Math.min(y0, y1);
  let h = Math.abs(y1 - y0);
  if (w < 1) {
    x -= (1 - w) / 2;
    w = 1;
  }
  if (h < 1) {
    y -= (1 - h) / 2;
    h = 1;
  }
  const attrs = `class="${cls}" x="${coord(x)}" y="${coord(y)}" width="${coord(w)}" height="${coord(h)}"`;
  return tooltip === undefined ? `<rect ${attrs}/>` : `<rect ${attrs}><title>${escapeHtml(tooltip)}</title></rect>`;
}

/** `s` cut to at most `max` characters (code points are not split), with '…' when cut. */
export function truncateLabel(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // do not leave a lone high surrogate
  return s.slice(0, end) + '\u2026';
}
