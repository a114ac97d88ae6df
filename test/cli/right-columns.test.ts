import { describe, expect, it } from 'vitest';
import { renameRows, rightColumnNames, rightColumns, type RightColumnsRequest } from '../../src/cli/right-columns.js';
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
  it('reads a field from the same column, else the right header\'s one column of its kind', async () => {
    const m = await rightColumns(req(['so_cccd', 'hoten', 'ngaysinh', 'ghi_chu']));
    expect([...m.columns]).toEqual([
      ['so_cccd', 'so_cccd'],
      ['ho_ten', 'hoten'],
      ['ngay_sinh', 'ngaysinh'],
    ]);
    expect(m.renamed).toBe(true);
    expect(m.notes.join('\n')).toContain('hoten              → ho_ten (personName) (guessed; override with --map-right)');
  });

  it('passes rows through when the right header has every column', async () => {
    const m = await rightColumns(req(['ngay_sinh', 'ho_ten', 'so_cccd']));
    expect(m.renamed).toBe(false);
    expect(m.notes).toEqual([]);
    const row = { so_cccd: '001090012345', ho_ten: 'An', ngay_sinh: '1990' };
    const out = await collect(renameRows(of([row]), m, undefined));
    expect(out[0]).toBe(row);
  });

  it('does not guess between two columns of one kind, nor for two fields of one kind', async () => {
    // ngay_sinh_cha (a father's birth date) is a look-alike the guesser gives no field: the
    // date of birth is ngaysinh.
    expect((await rightColumns(req(['so_cccd', 'hoten', 'ngay_sinh_cha', 'ngaysinh']))).columns.get('ngay_sinh')).toBe('ngaysinh');
    const twoDates = defineSchema({ ngay_sinh: { kind: 'date' }, ngay_cap: { kind: 'date' }, ho_ten: { kind: 'personName' } });
    await expect(rightColumns({ ...req(['ngaysinh', 'ngay', 'ho_ten']), schema: twoDates })).rejects.toThrow(/columns not in the header of r\.csv: "ngay_sinh" \(field "ngay_sinh"\), "ngay_cap" \(field "ngay_cap"\); name the right file's columns with --map-right/);
  });

  it('renames the right rows to the schema columns (and the record id to the left\'s column)', async () => {
    const m = await rightColumns(req(['ma', 'so_dinh_danh', 'hoten', 'ngaysinh'], { idField: 'stt', idFieldRight: 'ma' }));
    expect(m.idField).toBe('ma');
    const out = await collect(renameRows(of([{ ma: 'R1', so_dinh_danh: '001090012345', hoten: 'Lê An', ngaysinh: '1990-01-02', other: 'x' }, { ma: 'R2', hoten: '' }]), m, 'stt'));
    expect(out).toEqual([
      { so_cccd: '001090012345', ho_ten: 'Lê An', ngay_sinh: '1990-01-02', stt: 'R1' },
      { ho_ten: '', stt: 'R2' },
    ]);
  });

  it('keeps a column missing from the first NDJSON records, with a note, rather than stopping', async () => {
    const m = await rightColumns(req(['so_cccd', 'ho_ten'], { strictColumns: false }));
    expect(m.columns.get('ngay_sinh')).toBe('ngay_sinh');
    expect(m.notes.join('\n')).toContain('not in the first records of r.csv: "ngay_sinh" (field "ngay_sinh")');
  });

  it('takes the right file\'s guessed record-id column when the left\'s is not in its header', async () => {
    expect((await rightColumns(req(['stt', 'so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'ma_ho_so' }))).idField).toBe('stt');
    await expect(rightColumns(req(['so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'ma_ho_so' }))).rejects.toThrow(/--id-field-right/);
  });

  it('never takes a column a field reads as the record id, nor one holding ID numbers', async () => {
    const withId = defineSchema({ id: { kind: 'nationalId', column: 'so_cccd' }, name: { kind: 'personName', column: 'ho_ten' } });
    // --map-right gives `id` to the ID field: it is not also guessed as the record id.
    await expect(rightColumns({ ...req(['id', 'ho_ten']), schema: withId, idField: 'stt', mapRight: 'id=id' })).rejects.toThrow(/record id: column "stt" is not in the header of r\.csv; name the right file's record-id column with --id-field-right/);
    // A guessed record-id column whose first values are CCCD numbers is not taken either.
    await expect(rightColumns({ ...req(['so_cccd', 'ho_ten', 'uid']), schema: withId, idField: 'stt', sampleColumn: async () => ['001090012345', '079185000111'] })).rejects.toThrow(/--id-field-right/);
    expect((await rightColumns({ ...req(['so_cccd', 'ho_ten', 'uid']), schema: withId, idField: 'stt', sampleColumn: async () => ['1', '2'] })).idField).toBe('uid');
  });

  it("a left record-id column that is a field's column: the right's is that field's column, never a second value over it", async () => {
    const m = await rightColumns(req(['so_dinh_danh', 'ho_ten', 'ngay_sinh', 'ma'], { idField: 'so_cccd' }));
    expect(m.idField).toBe('so_dinh_danh');
    const out = await collect(renameRows(of([{ so_dinh_danh: '001090012345', ho_ten: 'An', ngay_sinh: '1990', ma: 'R1' }]), m, 'so_cccd'));
    expect(out).toEqual([Object.assign(Object.create(null), { so_cccd: '001090012345', ho_ten: 'An', ngay_sinh: '1990' })]);
    await expect(rightColumns(req(['so_dinh_danh', 'ho_ten', 'ngay_sinh', 'ma'], { idField: 'so_cccd', idFieldRight: 'ma' }))).rejects.toThrow(/--id-field-right: the left's record-id column "so_cccd" is also the column of the field "so_cccd", so the right's must be that field's column "so_dinh_danh"/);
  });

  it('reads a field from its own column name only when --map-right gave that column to no other field', async () => {
    const ids = defineSchema({ id: { kind: 'nationalId', column: 'so_cccd' }, oldId: { kind: 'nationalId', column: 'so_cmnd' }, name: { kind: 'personName', column: 'ho_ten' } });
    const m = await rightColumns({ ...req(['so_cmnd', 'cmnd_cu', 'hoten']), schema: ids, mapRight: 'id=so_cmnd' });
    expect([...m.columns]).toEqual([['so_cccd', 'so_cmnd'], ['so_cmnd', 'cmnd_cu'], ['ho_ten', 'hoten']]);
  });

  it("rejection reasons of right rows name the right file's columns", async () => {
    const m = await rightColumns(req(['ma', 'so_dinh_danh', 'hoten', 'ngaysinh'], { idField: 'stt', idFieldRight: 'ma' }));
    expect(rightColumnNames('the record id column "stt" has no usable value', m, 'stt')).toBe('the record id column "ma" has no usable value');
    expect(rightColumnNames('the record id (column "stt") is that of row 3; column "ho_ten" holds a number', m, 'stt')).toBe('the record id (column "ma") is that of row 3; column "hoten" holds a number');
  });


  it("finds the ID field in a right column read as a record id when its first values are ID numbers", async () => {
    const withId = defineSchema({ id: { kind: 'nationalId', column: 'so_cccd' }, name: { kind: 'personName', column: 'ho_ten' } });
    const ids = async () => ['001090012345', '079185000111', ''];
    const m = await rightColumns({ ...req(['id', 'ho_ten']), schema: withId, sampleColumn: ids });
    expect(m.columns.get('so_cccd')).toBe('id');
    expect(m.notes.join('\n')).toContain('id                 → id (nationalId) (guessed; override with --map-right)');
    await expect(rightColumns({ ...req(['id', 'ho_ten']), schema: withId, sampleColumn: async () => ['1', '2'] })).rejects.toThrow(/"so_cccd" \(field "id"\); name the right file's columns with --map-right/);
  });

  it("a guessed left record id without a counterpart on the right: both sides go by row number, with a note", async () => {
    const m = await rightColumns(req(['so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'stt', idGuessed: true }));
    expect([m.idField, m.dropLeftId]).toEqual([undefined, true]);
    expect(m.notes.join('\n')).toContain(`record id: the row number on both sides (the left's "stt" has no counterpart in r.csv; give --id-field and --id-field-right to use columns)`);
    // Named by --id-field, it stays required.
    await expect(rightColumns(req(['so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'stt' }))).rejects.toThrow(/--id-field-right/);
  });

  it('notes a right record id guessed without a look at its values (standard input), and maps names with quotes literally', async () => {
    const m = await rightColumns(req(['uid', 'so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'stt', unsampled: true }));
    expect(m.idField).toBe('uid');
    expect(m.notes.join('\n')).toContain('note: r.csv is not read twice, so the values of "uid" were not checked');
    const q = await rightColumns(req(['ma', 'so_cccd', 'ho_ten', 'ngay_sinh'], { idField: 'm"a\\', idFieldRight: 'ma' }));
    expect(rightColumnNames('the record id column "m"a\\" has no usable value', q, 'm"a\\')).toBe('the record id column "ma" has no usable value');
  });
});
