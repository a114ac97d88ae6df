/**
 * A schema field whose column no row of an input holds: refused (dedupe, link, Register.build).
 */
import { KhopError } from '../errors.js';

/**
 * The refusal of fields no row holds, or null: a schema field whose column is in no row of an
 * input (that has rows) is a column named otherwise in the rows — its comparison would be
 * "missing" for every pair, and the run would go on without it and without a word (the command
 * line refuses a schema column not in a file's header for the same reason). `labels` name the
 * sources ("the rows"; "the left rows", "the right rows").
 */
export function absentFieldsProblem(
  prepared: { readonly absentFields: ReadonlyArray<ReadonlyArray<{ readonly name: string; readonly column: string }>>; readonly sourceRows: readonly number[] },
  labels: readonly string[],
): KhopError | null {
  const parts: string[] = [];
  const problems: string[] = [];
  // Per source, the fields it lacks (a caller that knows the sources' files says it in their terms).
  const absent: Array<Array<{ name: string; column: string }>> = [];
  prepared.absentFields.forEach((fields, s) => {
    absent[s] = [];
    if (fields.length === 0 || (prepared.sourceRows[s] ?? 0) === 0) return;
    absent[s] = fields.map((f) => ({ name: f.name, column: f.column }));
    const list = fields.map((f) => (f.column === f.name ? JSON.stringify(f.name) : `${JSON.stringify(f.name)} (column ${JSON.stringify(f.column)})`));
    parts.push(`${list.join(', ')} in no row of ${labels[s] ?? `input ${s + 1}`}`);
    for (const f of fields) problems.push(`column "${f.column}" of field "${f.name}" is in no row of ${labels[s] ?? `input ${s + 1}`}`);
  });
  if (parts.length === 0) return null;
  return new KhopError(
    'INVALID_SCHEMA',
    `schema fields ${parts.join('; ')} — name the rows' key as the field's \`column\`, or remove the field from the schema if the data has none`,
    { details: { problems, absent } },
  );
}
