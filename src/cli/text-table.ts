/**
 * Plain-text tables for the terminal: columns padded to their widest cell, a dashed rule under
 * the header, numeric columns right-aligned. Cells are plain strings already formatted.
 */
import { displayWidth, padEndDisplay, padStartDisplay } from './text-width.js';

/** Render a table; `rightAlign[j]` right-aligns column j. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAlign: readonly boolean[]): string {
  const widths = header.map((h, j) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[j] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, j) => (rightAlign[j] === true ? padStartDisplay(c, widths[j]!) : padEndDisplay(c, widths[j]!)))
      .join('  ')
      .trimEnd() + '\n';
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

/** Prefix every line of `text` with `indent`. */
export function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : indent + l))
    .join('\n');
}
