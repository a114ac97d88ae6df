/**
 * A dedupe result's clusters (each row's cluster id: a record id, a row index, or null for a
 * rejected row) as dense numeric labels 0, 1, 2, … in order of first appearance — the form
 * pairwiseMetrics / clusterMetrics take. Rows of one cluster id share a label; null rows share
 * one too (the generators' data has none).
 */
export function clusterLabels(clusters: readonly unknown[]): Uint32Array {
  const ids = new Map<unknown, number>();
  return Uint32Array.from(clusters, (c) => {
    let v = ids.get(c);
    if (v === undefined) ids.set(c, (v = ids.size));
    return v;
  });
}
