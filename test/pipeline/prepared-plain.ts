import type { PreparedDataset } from '../../src/pipeline/prepare.js';

/** Everything prepareRows returns, as plain data (store cells read back column by column). */
export function plain(p: PreparedDataset & { rejectedBySource: unknown }): unknown {
  const cols = p.store.columns.map((c) => c.name);
  const cells: unknown[] = [];
  for (let row = 0; row < p.store.rowCount; row++) {
    for (const c of cols) {
      const spec = p.store.column(c);
      cells.push(p.store.isNull(c, row) ? null : spec.type === 'ascii' || spec.type === 'utf8' ? p.store.getString(c, row) : p.store.getNumber(c, row));
    }
  }
  return {
    cells,
    source: Array.from(p.source),
    sourceRows: p.sourceRows,
    rejectedBySource: p.rejectedBySource,
    inputIndex: Array.from(p.inputIndex),
    userIds: p.userIds,
    rejected: p.rejected,
    inputRows: p.inputRows,
    issues: JSON.stringify(p.issues), // key order matters (first seen)
    locales: p.nameGroups.map((g) => g.locale),
    dictionaries: [...p.dictionaries].map(([k, m]) => [k, [...m]]),
  };
}
