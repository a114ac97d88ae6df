/**
 * Two lists of rejections (or anything with an input position), each in position order, as
 * one list in position order — rejections found in different places (the reader, the calling
 * thread, a worker) reported as one input-ordered list.
 */
export function mergeByIndex<T extends { readonly index: number }>(a: readonly T[], b: readonly T[]): T[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i]!.index < b[j]!.index) ? a[i++]! : b[j++]!);
  return out;
}
