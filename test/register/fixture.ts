/**
 * Small hand-written registers shared by the register tests. Every value is made up.
 */
import { Register } from '../../src/register/register.js';
import type { RegisterBuildOptions } from '../../src/register/register-options.js';

export const SCHEMA = {
  id: { kind: 'nationalId', country: 'VN' },
  name: { kind: 'personName', locale: 'vi' },
  dob: { kind: 'date' },
  sex: { kind: 'sex' },
} as const;

/** Register rows: `rid` is the record id column, `old` the earlier IDs. */
export const ROWS = [
  { rid: 'P1', id: '001090012345', name: 'Nguyễn Văn An', dob: '01/05/1990', sex: 'Nam', old: '012345678' },
  { rid: 'P2', id: '079185001234', name: 'Trần Thị Thu Hòa', dob: '15/08/1985', sex: 'Nữ', old: '' },
  { rid: 'P3', id: '036300004321', name: 'NGUYỄN THỊ TRÂM', dob: '2000-02-29', sex: 'Nữ', old: '' },
  { rid: 'P4', id: '024072000111', name: 'Lê Hoàng Long', dob: '1972', sex: 'Nam', old: '' },
  { rid: 'P5', id: '048098765432', name: 'Phạm Minh Khôi', dob: '03/04/1998', sex: 'M', old: '' },
  { rid: 'P6', id: '031301000777', name: 'Võ Thị Mai', dob: '01/01/2001', sex: 'Nữ', old: '' },
  { rid: 'P7', id: '001190999888', name: 'Đặng Thu Thảo', dob: '12/11/1990', sex: 'Nữ', old: '' },
  { rid: 'P8', id: '092099000555', name: 'Hồ   Văn   Bình', dob: '5/6/1999', sex: '1', old: '' },
] as const;

export function build(options?: RegisterBuildOptions, rows: readonly unknown[] = ROWS): Promise<Register> {
  return Register.build(SCHEMA, rows, { idField: 'rid', earlierIdsField: 'old', ...options });
}

/** A claim for row `i` of ROWS with some fields replaced. */
export function claimOf(i: number, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const r = ROWS[i]!;
  return { id: r.id, name: r.name, dob: r.dob, sex: r.sex, ...changes };
}
