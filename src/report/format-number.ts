/**
 * Number formatting for the report: counts, weights, probabilities and axis ticks.
 *
 * Trade-off: fixed, locale-independent formats built on `toFixed` / `toExponential` (both
 * exactly specified by ECMAScript) instead of `Intl` / `toLocaleString`, so the same data gives
 * the same bytes on every machine and in every locale. Every formatter shows NaN and ±Infinity
 * as '—' (an em dash): a missing number must never look like a plausible one.
 *
 * Negative numbers use U+2212 MINUS SIGN, which is as wide as '+' and reads better in tables.
 */

/** Shown for NaN and ±Infinity. */
export const MISSING = '\u2014';

const MINUS = '\u2212';

/** Adds thousands separators (',') to a string of decimal digits. */
function groupDigits(digits: string): string {
  let out = '';
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

/** `s` (a toFixed result) with '-' replaced by U+2212 and "-0.00" shown as "0.00". */
function signed(s: string, plus: boolean): string {
  if (s.charCodeAt(0) === 0x2d) {
    // "-0.00" arises for tiny negative numbers: it is zero at this precision.
    for (let i = 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x31 && c <= 0x39) return MINUS + s.slice(1);
    }
    return s.slice(1);
  }
  if (plus) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x31 && c <= 0x39) return '+' + s;
    }
  }
  return s;
}

/**
 * A count: integers with thousands separators ("1,234,567"); a non-integer with two decimals;
 * '—' when not finite. Counts of 1e21 and above (never real) fall back to exponent form.
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  if (Math.abs(n) >= 1e21) return signed(n.toExponential(3), false);
  if (!Number.isInteger(n)) {
    const s = signed(n.toFixed(2), false);
    const neg = s.startsWith(MINUS);
    const body = neg ? s.slice(1) : s;
    const dot = body.indexOf('.');
    return (neg ? MINUS : '') + groupDigits(body.slice(0, dot)) + body.slice(dot);
  }
  return (n < 0 ? MINUS : '') + groupDigits(String(Math.abs(n)));
}

/** A match weight in bits with an explicit sign and two decimals ("+3.32", "−1.20", "0.00"); '—' when not finite. */
export function formatWeight(w: number): string {
  if (!Number.isFinite(w)) return MISSING;
  return signed(w.toFixed(2), true);
}

/**
 * A probability: four decimals from 0.01 up ("0.9500"), three significant digits in exponent
 * form below ("1.23e-7"), "0" for zero; '—' when not finite. Values outside [0, 1] are shown
 * as they are (the report does not hide a wrong estimate).
 */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return MISSING;
  if (p === 0) return '0';
  if (Math.abs(p) >= 0.01) return signed(p.toFixed(4), false);
  return signed(p.toExponential(2), false);
}

/**
 * An axis tick value: with as many decimals as the tick step needs (step 0.5 → one decimal,
 * step 20 → none), thousands separators on the integer part; '—' when not finite.
 */
export function formatTick(v: number, step: number): string {
  if (!Number.isFinite(v)) return MISSING;
  let decimals = 0;
  if (Number.isFinite(step) && step > 0 && step < 1) decimals = Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  const s = signed(v.toFixed(decimals), false);
  const neg = s.startsWith(MINUS);
  const body = neg ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot);
  return (neg ? MINUS : '') + groupDigits(int) + frac;
}

/** A compact count for chart labels: "950", "12.3k", "10k", "4.5M", "1.2G"; '—' when not finite. */
export function formatCompactCount(n: number): string {
  if (!Number.isFinite(n)) return MISSING;
  const a = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  if (a < 1000) return sign + (Number.isInteger(a) ? String(a) : a.toFixed(1));
  const units = ['k', 'M', 'G', 'T', 'P'];
  let v = a;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  let digits = v >= 100 ? v.toFixed(0) : v.toFixed(1);
  // 999.6k rounds to "1000k": show it in the next unit instead ("1M").
  if (digits === '1000' && u < units.length - 1) {
    v /= 1000;
    u++;
    digits = v.toFixed(1);
  }
  if (digits.endsWith('.0')) digits = digits.slice(0, -2); // "10.0k" reads better as "10k"
  return sign + digits + units[u];
}

/** `n` formatted as a count followed by the singular or plural noun ("1 cluster", "2,048 pairs"). */
export function formatCountOf(n: number, singular: string, plural: string): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
