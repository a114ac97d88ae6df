import { describe, expect, it } from 'vitest';
import { renameRows, rightColumns, type RightColumnsRequest } from '../../src/cli/right-columns.js';
import { defineSchema } from '../../src/schema.js';
import { isKhopError } from '../../src/errors.js';

// A schema as --schema gives it: keyed by the LEFT file's column names, so no field name is one
// the header guesser uses — the right file's columns are found by kind.
const schema = defineSchema({ so_cccd: { kind: 'nationalId' }, ho_ten: { kind: 'personName' }, ngay_sinh: { kind: 'date' } });
const req = (headers: string[], extra: Partial<RightColumnsRequest> = {}): RightColumnsRequest => ({ schema, idField: undefined, headers, label: 'r.csv', strictColumns: true, ...extra });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function* of<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

describe('rightColumns', () => {
  it('reads a field from the same column, else the right header\'s one column of its kind', () => {
    const m = rightColumns(req(['so_cccd', 'hoten', 'ngaysinh', 'ghi_chu']));
    expect([...m.columns]).toEqual([
      ['so_cccd', 'so_cccd'],
      ['ho_ten', 'hoten'],
      ['ngay_sinh', 'ngaysinh'],
    ]);
    expect(m.renamed).toBe(true);
    expect(m.notes.join('\n')).toContain('hoten              → ho_ten (personName) (guessed; override with --map-right)');
  });

  it('passes rows through when the right header has every column', async () => {
    const m = rightColumns(req(['ngay_sinh', 'ho_ten', 'so_cccd']));
    expect(m.renamed).toBe(false);
    expect(m.notes).toEqual([]);
    const row = { so_cccd: '001090012345', ho_ten: 'An', ngay_sinh: '1990' };
    const out = await collect(renameRows(of([row]), m, undefined));
    expect(out[0]).toBe(row);
  });

  it('does not guess between two columns of one kind, nor for two fields of one kind', () => {
    // ngay_sinh_cha (a father's birth date) is a look-alike the guesser gives no field: the
    // date of birth is ngaysinh.
    expect(rightColumns(req(['so_cccd', 'hoten', 'ngay_sinh_cha', 'ngaysinh'])).columns.get('ngay_sinh')).toBe('ngaysinh');
    const twoDates = defineSchema({ ngay_sinh: { kind: 'date' }, ngay_cap: { kind: 'date' }, ho_ten: { kind: 'personName' } });
    expect(() => rightColumns({ ...req(['ngaysinh', 'ngay', 'ho_ten']), schema: twoDates })).toThrow(/columns not in the header of r\.csv: "ngay_sinh" \(field "ngay_sinh"\), "ngay_cap" \(field "ngay_cap"\); name the right file's columns with --map-right/);
  });

  it('renames the right rows to the schema columns (and the record id to the left\'s column)', async () => {
    const m = rightColumns(req(['ma', 'so_dinh_danh', 'hoten', 'ngaysinh'], { idField: 'stt', idFieldRight: 'ma' }));
    expect(m.idField).toBe('ma');
    const out = await collect(renameRows(of([{ ma: 'R1', so_dinh_danh: '001090012345', hoten: 'Lê An', ngaysinh: '1990-01-02', other: 'x' }, { ma: 'R2', hoten: '' }]), m, 'stt'));
    expect(out).toEqual([
      { so_cccd: '001090012345', ho_ten: 'Lê An', ngay_sinh: '1990-01-02', stt: 'R1' },
      { ho_ten: '', stt: 'R2' },
    ]);
  });

  it('keeps a column missing from the first NDJSON records, with a note, rather than stopping', () => {
    const m = rightColumns(req(['so_cccd', 'ho_ten'], { strictColumns: false }));
    expect(m.columns.get('ngay_sinh')).toBe('ngay_sinh');
    expect(m.notes.join('\n')).toContain('not in the first records of r.csv: "ngay_sinh" (field "ngay_sinh")');
  });

  it('takes the right file\'s guessed record-id column when the left\'s is not in its header', () => {
    expect(rightColumns(req(['stt', 'so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'ma_ho_so' })).idField).toBe('stt');
    expect(() => rightColumns(req(['so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'ma_ho_so' }))).toThrow(/--id-field-right/);
  });
});
