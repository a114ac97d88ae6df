// Naive, allocating reference implementations written straight from the definitions, used as
// oracles for the allocation-free kernels in src/compare. Test-only.

/** Full-matrix Levenshtein distance. */
export function naiveLevenshtein(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push([]);
    for (let j = 0; j <= b.length; j++) {
      if (i === 0) d[i]![j] = j;
      else if (j === 0) d[i]![j] = i;
      else {
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** Full-matrix optimal string alignment distance (Wikipedia's OSA pseudo-code). */
export function naiveOsa(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d.push(new Array<number>(b.length + 1).fill(0));
    d[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Textbook Jaro–Winkler with arrays and slices (p = 0.1, ℓ ≤ 4, boost when jaro > 0.7). */
export function naiveJaroWinkler(a: string, b: string): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const ma: boolean[] = Array.from({ length: a.length }, () => false);
  const mb: boolean[] = Array.from({ length: b.length }, () => false);
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = true;
        mb[j] = true;
        break;
      }
    }
  }
  const sa = [...a].filter((_, i) => ma[i]);
  const sb = [...b].filter((_, j) => mb[j]);
  const m = sa.length;
  if (m === 0) return 0;
  const t = Math.floor(sa.filter((c, i) => c !== sb[i]).length / 2);
  const jaro = (m / a.length + m / b.length + (m - t) / m) / 3;
  if (jaro <= 0.7) return jaro;
  let l = 0;
  while (l < 4 && l < a.length && l < b.length && a[l] === b[l]) l++;
  return jaro + l * 0.1 * (1 - jaro);
}

/** Fold for test fixtures: NFD, strip combining marks, đ→d, lower case, single spaces. */
export function testFold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐÐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ').trim();
}

/** A code-unit view of a string as bytes (only for ASCII strings) or UTF-16 units. */
export function bytesOf(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
