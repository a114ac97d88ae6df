import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryLines } from '../../src/cli/run-summary.js';
import { renderTable } from '../../src/cli/text-table.js';
import { displayWidth, padEndDisplay, padStartDisplay } from '../../src/cli/text-width.js';

const VIETNAMESE = 'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ';

describe('displayWidth', () => {
  it('counts what a terminal shows: marks and zero-width characters none, wide characters two', () => {
    expect(displayWidth('so_cccd')).toBe(7);
    expect(displayWidth('Họ tên')).toBe(6);
    expect(displayWidth('Họ tên'.normalize('NFD'))).toBe(6);
    expect(displayWidth('姓名')).toBe(4);
    expect(displayWidth('성명')).toBe(4);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('a\u200bb\ufeff')).toBe(2);
    expect(displayWidth('\u{1F600}x')).toBe(3);
    expect(displayWidth('')).toBe(0);
  });

  it('is the same for Vietnamese text composed and decomposed, and its length when composed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VIETNAMESE), { maxLength: 40 }), (chars) => {
        const nfc = chars.join('').normalize('NFC');
        expect(displayWidth(nfc)).toBe(nfc.length);
        expect(displayWidth(nfc.normalize('NFD'))).toBe(nfc.length);
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });

  it('pads to a width in columns, never cutting', () => {
    const nfd = 'Ngày sinh'.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(9);
    expect(padEndDisplay(nfd, 12)).toBe(`${nfd}   `);
    expect(padStartDisplay('姓名', 6)).toBe('  姓名');
    expect(padEndDisplay('toolong', 3)).toBe('toolong');
  });
});

describe("khop's padded stderr lines line up whatever the Unicode form of their labels", () => {
  const column = (line: string, mark: string): number => displayWidth(line.slice(0, line.indexOf(mark)));

  it('summary lines and tables', () => {
    const label = 'Họ tên người khai';
    const lines = summaryLines([
      [label.normalize('NFD'), 'one'],
      [label.normalize('NFC'), 'two'],
      ['id', 'three'],
    ]);
    expect(new Set(lines.map((l) => column(l, l.endsWith('one') ? 'one' : l.endsWith('two') ? 'two' : 'three'))).size).toBe(1);
    const table = renderTable(['cột', 'n'], [['Ngày sinh'.normalize('NFD'), '1'], ['Ngày sinh', '22'], ['姓名', '333']], [false, true]);
    const rows = table.trimEnd().split('\n');
    expect(new Set(rows.map((r) => displayWidth(r))).size).toBe(1); // right-aligned last column: every line ends at one column
  });
});
