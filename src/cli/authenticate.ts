/**
 * `khop authenticate --register register.khop <claims> -o verdicts.csv`: check each claimed
 * identity (ID + name + date of birth + sex) against a saved register.
 *
 * Claims are read like register rows: each register field from the claims file's column of the
 * same name as the register's column, else of the field's name; `--map field=column` points a
 * field at another column. The ID field must be found one way or the other (else exit 2).
 * Verdicts come in input order into
 *
 *   row_number,status,record_id,matched_by,weight,reason,<field>,<field>_reason,…
 *
 * one line per accepted claim (field results: exact / equivalent / close / mismatch / missing,
 * reasons are stable value-free strings). Rows the reader refuses go to the rejected-rows file
 * (default `<out>.rejected.csv`) and the exit code is then 1.
 *
 * Two paths, one output byte for byte: with threads > 1 and a claims file in UTF-8 — CSV with an
 * ASCII delimiter, or NDJSON — the file is cut into pieces that workers read, authenticate and
 * format as CSV or NDJSON lines (src/register/claims-file.ts), the calling thread left to write
 * them; otherwise (standard input or a pipe, gzip, another encoding, one thread) the claims stream row by row through
 * Register.authenticateMany (batched, on the pool when threads > 1) and each verdict is written
 * here.
 */
import { basename } from 'node:path';
import { KhopError, isKhopError } from '../errors.js';
import { headerLooksLikeValue, parseMapArgument, suggestColumnMapping, valueLikeHeaderPositions, valueLikeNote } from '../io/column-mapping.js';
import type { RecordValues } from '../io/record-types.js';
import type { Schema } from '../schema.js';
import { VERDICT_ORDER } from '../eval/verdict-confusion.js';
import { authenticateClaimsFile, DEFAULT_BATCH_SIZE, MAX_CANDIDATES, Register, VerdictRows } from './register-api.js';
import { COMMON_OPTIONS_HELP, ID_SECRET_HELP, INPUT_OPTIONS, INPUT_OPTIONS_HELP, inputReadOptions, givenFormatOption, idSecretOption, integerOption, requiredOption, stringOption, optionalPath, outputPath, threadsOption } from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { EXIT_OK, EXIT_REJECTED_ROWS } from './exit.js';
import { caseMatchNotes, HeaderLookup } from '../io/header-lookup.js';
import { AUTO_THREADS_MIN_MIB, defaultThreadsFor, InputFile } from './input.js';
import { formatHelp, tableFormatFor } from './output-format.js';
import { openTableWriter, writeRejectedRows, rejectedLine, defaultRejectedPath, StagedOutputs } from './outputs.js';
import { takePieceFileOf } from '../io/file-pieces.js';
import { accountingText, formatCount, formatDuration, rowAccounting, summaryLines } from './run-summary.js';
import { dateOrderConflictNotes, ID_SAMPLE_ROWS, noColumnsError, refuseJoinedHeader } from './schema-loading.js';

const HELP = `Usage: khop authenticate --register <register.khop> <claims> [options]

Check each claimed identity (ID + name + date of birth + sex) against a register built with
\`khop register build\`. One verdict per claim: VERIFIED, MISMATCH, NOT_FOUND, INVALID_ID,
INCONSISTENT_ID or AMBIGUOUS, with a result per field. <claims> of - is read from
standard input (CSV or NDJSON), as is a pipe: <(zcat claims.csv.gz), a mkfifo, /dev/stdin.

Options:
      --register FILE   the register snapshot (required)
  -o, --out FILE        verdicts: row_number,status,record_id,matched_by,weight,reason,
                        then <field>,<field>_reason per register field (default or -: stdout);
                        record_id is the register's --id-field value, else its row number
      --map PAIRS       field=column pairs for claims whose columns are named differently
                        from the register's (e.g. id=cccd,name=ho_ten)
      --rejected FILE   unreadable claim rows (default: <out>.rejected.csv, or with the output on
                        stdout <claims>.rejected.csv in the working directory; written when rows
                        are rejected or an earlier run left one)
${formatHelp('--out')}
      --candidates N    "did you mean": for a claim whose ID is absent, invalid or not found,
                        the N (1–100) best register records by name + date of birth, in a last
                        column \`candidates\` — [{"record_id","weight"}…], best first (JSON
                        text in a CSV cell); 0: none (default: none searched, no column)
      --batch-size N    claims per batch (default ${DEFAULT_BATCH_SIZE})
      --threads N       threads (1–256): the calling thread and N − 1 workers over the
                        register's shared memory, verdicts in claim order (default: every core
                        for a claims file of ${AUTO_THREADS_MIN_MIB} MiB or more, else 1; standard input: 1)
${INPUT_OPTIONS_HELP}
${ID_SECRET_HELP}
${COMMON_OPTIONS_HELP}

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure or a full disk.

Example:
  khop authenticate --register dan_cu.khop yeu_cau.csv -o verdicts.csv
`;

export const authenticateCommand: CliCommand = {
  name: 'authenticate',
  summary: 'check claimed identities against a register snapshot',
  help: HELP,
  options: {
    register: { type: 'string' },
    out: { type: 'string', short: 'o' },
    map: { type: 'string' },
    rejected: { type: 'string' },
    format: { type: 'string' },
    'batch-size': { type: 'string' },
    candidates: { type: 'string' },
    threads: { type: 'string' },
    ...INPUT_OPTIONS,
    'id-secret-env': { type: 'string' },
  },
  positionals: { min: 1, max: 1, names: '<claims>' },
  run: runAuthenticate,
  defaultRejected: (values, positionals, ctx) => defaultRejectedPath(outputPath(values, 'out', ctx), positionals[0]!, ctx.resolvePath),
};

/**
 * How each register field is read from a claims row: the claims column to copy into the
 * register's column, or null when the row already holds it under the register's column or
 * the field's name.
 */
export function claimColumns(schema: Schema, headers: readonly string[], map: string | undefined, strict: boolean, label: string, format?: string, lookup = new HeaderLookup(headers, label)): Array<{ field: string; target: string; source: string | null; found: boolean; column: string | null; byName: boolean }> {
  // A CSV without a single byte (a query that printed nothing into the pipe) has no header: said
  // so, not "no column for the ID field; give --map", which sends the user after a column name.
  // An NDJSON file of no JSON object (zero bytes, blank lines) is refused the same, as every
  // other command refuses it: nothing tells a failed export from one that found no claim (it
  // went through as 0 claims, exit 0). A CSV with its header line alone is the way to say "no claims".
  if (headers.length === 0) throw noColumnsError(label, format);
  const mapping = map === undefined ? null : parseMapArgument(map, headers, lookup);
  if (mapping !== null) {
    const unknown = Object.keys(mapping).filter((f) => !schema.fields.some((x) => x.name === f));
    if (unknown.length > 0) {
      throw new KhopError('INVALID_ARGUMENT', `--map: ${unknown.map((f) => `"${f}"`).join(', ')} not a field of the register (fields: ${schema.fields.map((f) => f.name).join(', ')})`);
    }
  }
  // Found in any Unicode form, or in other letter case when one header alone matches so
  // (header-lookup.ts): a claims header written "Họ tên" decomposed, or `Ho_Ten`, is read under
  // the register's column `ho_ten` — moved there, as a --map is. A mapped field looks up nothing
  // else (two headers equal but for case refuse only a name that is read).
  const plan = schema.fields.map((f) => {
    const mapped = mapping?.[f.name];
    const byColumn = mapped === undefined ? lookup.find(f.column) : undefined;
    const byName = mapped === undefined && byColumn === undefined ? lookup.find(f.name) : undefined;
    const source = mapped ?? (byColumn !== undefined ? byColumn : byName !== undefined && byName !== f.name ? byName : null);
    const column = mapped ?? byColumn ?? byName ?? null;
    // byName: read from the claims' column named like the field, the register's column absent.
    return { field: f.name, target: f.column, source: source !== null && source !== f.column ? source : null, found: column !== null, column, byName: mapped === undefined && byColumn === undefined && byName !== undefined };
  });
  // One claims column read as two fields — `--map name=ho_ten,dob=ho_ten`, or `--map name=so_cccd`
  // beside the ID field reading so_cccd — is a slip the register's own schema refuses ("column …
  // is already used by another field"); a claim's name then read as its date, every verdict a
  // MISMATCH for the wrong reason. Refused when a --map made it (header names only).
  if (mapping !== null) {
    const shared: string[] = [];
    for (let i = 0; i < plan.length; i++) {
      const a = plan[i]!;
      if (a.column === null) continue;
      const others = plan.filter((b, j) => j > i && b.column === a.column);
      if (others.length > 0 && !shared.some((t) => t.startsWith(`column "${a.column}" `))) {
        shared.push(`column "${a.column}" would be read by the fields ${[a, ...others].map((b) => `"${b.field}"${mapping[b.field] === undefined ? ` (its register column "${b.target}", not in --map)` : ''}`).join(' and ')}`);
      }
    }
    if (shared.length > 0) {
      throw new KhopError('INVALID_ARGUMENT', `--map: ${shared.join('; ')}; a column is one field's, as in the register's schema: map each field to its own column`, { details: { problems: shared } });
    }
  }
  const idField = schema.fields.find((f) => f.kind === 'nationalId');
  const idPlan = plan.find((p) => p.field === idField?.name);
  if (strict && idPlan !== undefined && !idPlan.found) {
    // A header that is a record (the header line missing) gets the why, as every command says it
    // (positions only, never the text).
    const valueLike = valueLikeHeaderPositions(headers);
    const why = valueLike.length > 0 ? `; ${label}: ${valueLikeNote(valueLike)}` : '';
    throw new KhopError('INVALID_ARGUMENT', `${label} has no column for the register's ID field "${idPlan.field}" (column "${idPlan.target}"); give --map ${idPlan.field}=COLUMN${why}`);
  }
  return plan;
}

async function* claimsOf(rows: AsyncIterable<RecordValues>, plan: ReadonlyArray<{ target: string; source: string | null }>): AsyncGenerator<Record<string, unknown>> {
  const moves = plan.filter((p) => p.source !== null);
  if (moves.length === 0) {
    yield* rows;
    return;
  }
  for await (const row of rows) {
    const claim: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, row);
    for (const m of moves) claim[m.target] = row[m.source!];
    yield claim;
  }
}

async function runAuthenticate(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const registerPath = ctx.resolvePath(requiredOption(values, 'register', 'authenticate'));
  const out = outputPath(values, 'out', ctx);
  const rejectedOption = optionalPath(values, 'rejected', ctx);
  // The verdicts' format from the file name, else --format (output-format.ts).
  const table = tableFormatFor('--out', out, givenFormatOption(values));
  const batchSize = integerOption(values, 'batch-size', DEFAULT_BATCH_SIZE, 1, 1 << 20);
  // Not given: no search. The library's default (3 a claim, in the Verdict) would be searched
  // for every claim without a record and never written — 11 % of a run's CPU on the e2e claims.
  const candidates = integerOption(values, 'candidates', 0, 0, MAX_CANDIDATES);
  const threadsGiven = threadsOption(values);

  const tLoad = performance.now();
  const idSecret = idSecretOption(values);
  const register = await Register.load(registerPath, idSecret !== undefined ? { idSecret } : undefined).catch((e: unknown) => {
    throw keyedLoadError(e, requiredOption(values, 'register', 'authenticate'), stringOption(values, 'id-secret-env'));
  });
  const loadMs = performance.now() - tLoad;
  // Progress is counted in claims authenticated (the reader's bytes are not shown too).
  const input = await InputFile.openArgument(positionals[0]!, ctx, undefined, inputReadOptions(values));
  // The verdicts and the rejected rows replace the previous ones together, once the run has succeeded.
  const staged = new StagedOutputs();
  try {
    const schema = register.schema;
    refuseJoinedHeader(input.headers, input.source.format, input.label);
    const lookup = new HeaderLookup(input.headers, input.label);
    const plan = claimColumns(schema, input.headers, stringOption(values, 'map'), input.completeHeader, input.label, input.source.format, lookup);
    // The register's columns (and --map's) found in the claims' header by letter case only: said.
    for (const line of caseMatchNotes(lookup, input.label, (h) => plan.some((p) => p.column === h && !p.byName))) ctx.info(line);
    const sampling = input.schemaSampling(ID_SAMPLE_ROWS);
    if ('sampleColumn' in sampling) {
      const columnOf = (f: Schema['fields'][number]) => plan.find((p) => p.field === f.name)?.column ?? f.column;
      for (const line of await dateOrderConflictNotes(schema, columnOf, sampling.sampleColumn, "the claims'", 'the register reads claims')) ctx.info(line.trim());
    }
    // NDJSON records may differ in their keys, so a missing ID key is not an error; but when the
    // first record lacks it, every claim may come back INVALID_ID: say so.
    const idField = schema.fields.find((f) => f.kind === 'nationalId');
    if (idField !== undefined && plan.find((p) => p.field === idField.name)?.found === false) {
      ctx.info(`note: the first records of ${input.label} have no key "${idField.column}" (the register's ID field "${idField.name}"); give --map ${idField.name}=KEY if the claims name it otherwise`);
    }
    // A field read from the claims' column named like the field (the register's column absent) is
    // said: a claims file `id,so_cccd,…` whose `id` numbers its rows had every claim INVALID_ID
    // without a word — the ID read from the row number. For the ID field, the claims' columns
    // the header guesser reads as a national ID are named (header names only, never a value).
    const byName = plan.filter((p) => p.byName);
    if (byName.length > 0) {
      const many = byName.length > 1;
      const list = byName.map((p) => `"${p.field}" ("${p.target}")`).join(', ');
      const idByName = byName.find((p) => p.field === idField?.name);
      const idLike = idByName === undefined ? [] : suggestColumnMapping(input.headers).filter((s) => s.kind === 'nationalId' && s.header !== idByName.column && !headerLooksLikeValue(s.header)).map((s) => s.header);
      const plain = idLike.length === 1 && /^[^\s,="]+$/.test(idLike[0]!) ? idLike[0]! : 'COLUMN';
      const hint = idLike.length > 0
        ? `; ${idLike.map((h) => `"${h}"`).join(', ')} look${idLike.length === 1 ? 's' : ''} like an ID column: give --map ${idByName!.field}=${plain} if the claims' ID is there`
        : `; give --map FIELD=COLUMN to read ${many ? 'others' : 'another'}`;
      ctx.info(`note: ${input.label} has not the register's column${many ? 's' : ''} for field${many ? 's' : ''} ${list}: read from its column${many ? 's' : ''} named like the field${many ? 's' : ''}${hint}`);
    }
    // The other fields: a register field the claims have no column for is read as missing in
    // every claim — without a word, a file whose dates sit under another name came back MISMATCH.
    const absent = plan.filter((p) => !p.found && p.field !== idField?.name);
    if (absent.length > 0) {
      const fieldsText = `field${absent.length > 1 ? 's' : ''} ${absent.map((p) => `"${p.field}" (column "${p.target}")`).join(', ')}`;
      const them = absent.length > 1 ? 'them' : 'it';
      // NDJSON's columns are the keys of its first records: a later record may have them.
      ctx.info(
        input.completeHeader
          ? `note: ${input.label} has no column for the register's ${fieldsText}: read as missing in every claim; give --map FIELD=COLUMN if the claims name ${them} otherwise`
          : `note: the first records of ${input.label} have no key for the register's ${fieldsText}: read as missing where a claim lacks ${them}; give --map FIELD=KEY if the claims name ${them} otherwise`,
      );
    }
    const fields = schema.fields.map((f) => f.name);
    const columns = verdictColumns(fields);
    columns.slice(VERDICT_COLUMNS.length).forEach((c, i) => {
      if (i % 2 === 0 && c !== fields[i / 2]) ctx.info(`note: the register field "${fields[i / 2]}" is written as the columns ${c} and ${c}_reason (its name is taken by another column)`);
    });
    const withCandidates = candidates > 0;
    if (withCandidates) {
      let name = 'candidates';
      while (columns.includes(name)) name = `khop_${name}`;
      columns.push(name);
    }
    const writer = openTableWriter(out ?? ctx.io.stdout, columns, table);
    const rowSpec = { fields, textIds: register.idField !== null, withCandidates, candidatesAsText: table.format === 'csv' };
    const counts = new Map<string, number>();
    let p = 0;
    ctx.progress({ phase: 'authenticate', done: 0, unit: 'claims' });
    try {
      const threads = threadsGiven ?? defaultThreadsFor(input);
      // On a pool, a claims file in UTF-8 (CSV with an ASCII delimiter, or NDJSON) is read in
      // pieces where it is authenticated and its verdict lines formatted (claims-file.ts): the
      // same file, the calling thread left to write it.
      const taken = threads > 1 ? takePieceFileOf(input.rows(), 0) : null;
      if (taken !== null) {
        const read = plan.map((x) => x.column);
        const lines = { ...rowSpec, table: writer.lines.format };
        let shown = 0;
        await authenticateClaimsFile(register, taken, {
          threads,
          work: { read, candidates, batchSize, lines },
          write: (piece) => {
            for (const status in piece.statuses) counts.set(status, (counts.get(status) ?? 0) + piece.statuses[status]!);
            p += piece.verdicts;
            if (p - shown >= 0x10000) {
              shown = p;
              ctx.progress({ phase: 'authenticate', done: p, unit: 'claims' });
            }
            return writer.lines.write(piece.texts, piece.verdicts);
          },
        });
      } else {
        const rows = new VerdictRows(rowSpec, (cells) => writer.run(cells));
        const options = { batchSize, candidates, threads };
        for await (const v of register.authenticateMany(claimsOf(input.rows(), plan), options)) {
          const w = writer.writeRow(rows.cells(input.rowNumbers.get(p), v));
          if (w !== undefined) await w;
          counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
          p++;
          if ((p & 0xffff) === 0) ctx.progress({ phase: 'authenticate', done: p, unit: 'claims' });
        }
      }
    } catch (e) {
      await writer.abort(); // a failed run leaves no verdict file that reads as complete
      throw e;
    }
    await staged.write(writer, async () => undefined); // every row written: finished, renamed with the rejected rows below
    ctx.progress({ phase: 'authenticate', done: p, unit: 'claims', final: true });
    ctx.progress.end();

    const entries = input.rejectedEntries([]);
    const accounting = rowAccounting(input.rowsRead, input.rejected.length, 0);
    const rejectedPath = await writeRejectedRows(rejectedOption, entries, false, () => defaultRejectedPath(out, input.path, ctx.resolvePath), staged);
    await staged.commit();

    const elapsed = performance.now() - started;
    // A CSV with its header line alone is a legitimate "no claims today" (its producer ran and
    // found none): exit 0, and the summary says so in words, not only as a row of zeros.
    const claimsText = input.rowsRead === 0 ? `none: ${input.label} has its columns and no row (nothing to authenticate)` : accountingText(accounting);
    const rows: Array<[string, string]> = [['claims', claimsText]];
    const order = [...VERDICT_ORDER.filter((v) => counts.has(v)), ...[...counts.keys()].filter((v) => !VERDICT_ORDER.includes(v))];
    for (const status of order) rows.push([status, formatCount(counts.get(status)!)]);
    rows.push(['time', `${formatDuration(elapsed)} (load ${formatDuration(loadMs)}; ${formatCount(Math.round((p * 1000) / Math.max(1, elapsed - loadMs)))} claims/s)`]);
    ctx.info(`authenticate ${input.label} against ${basename(registerPath)}:`);
    for (const line of summaryLines(rows)) ctx.info(line);
    for (const line of rejectedLine(rejectedPath, entries.length)) ctx.info(line);
    return accounting.rejected > 0 ? EXIT_REJECTED_ROWS : EXIT_OK;
  } catch (e) {
    await staged.abort();
    await input.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Register.load's refusal of a missing, wrong or needless secret in the command line's words:
 * the library's names `idSecret`, an option the command line does not have (`--id-secret-env`
 * names the environment variable that holds it). Never the secret itself. Other errors as they are.
 */
export function keyedLoadError(e: unknown, register: string, env: string | undefined): unknown {
  if (!isKhopError(e) || e.code !== 'INVALID_OPTION') return e;
  const problem = (e.details as { option?: unknown; problem?: unknown } | undefined)?.option === 'idSecret' ? (e.details as { problem?: unknown }).problem : undefined;
  const text =
    problem === 'missing' ? `--register ${register}: the register is keyed (built with --id-secret-env): give --id-secret-env NAME, the environment variable holding the secret it was built with`
    : problem === 'wrong' ? `--id-secret-env ${env ?? ''}: the secret in that environment variable is not the one the register ${register} was built with`
    : problem === 'not-keyed' ? `--id-secret-env ${env ?? ''}: the register ${register} is not keyed (built without --id-secret-env; it stores ID numbers): drop the option`
    : undefined;
  return text === undefined ? e : new KhopError('INVALID_ARGUMENT', text, { cause: e });
}

/** The columns of a verdict file before the register's fields. */
const VERDICT_COLUMNS = ['row_number', 'status', 'record_id', 'matched_by', 'weight', 'reason'] as const;

/**
 * The verdict file's columns: VERDICT_COLUMNS, then `<field>`, `<field>_reason` per register
 * field — a field whose two columns would repeat another column's name ("status", "reason",
 * "weight"; "x" beside a field "x_reason") is written `field_<field>` (again until unique): an
 * NDJSON record with two "status" keys kept the field's result and lost the verdict's status,
 * and a CSV header with two could not be read back.
 */
export function verdictColumns(fields: readonly string[]): string[] {
  const columns: string[] = [...VERDICT_COLUMNS];
  const taken = new Set<string>(columns);
  // Every field's own names count as taken first, so that a later field's "x_reason" cannot be
  // claimed away by a renamed earlier field.
  const own = new Set<string>();
  for (const f of fields) own.add(f).add(`${f}_reason`);
  for (const f of fields) {
    let name = f;
    const clashes = (n: string) => taken.has(n) || taken.has(`${n}_reason`) || (n !== f && (own.has(n) || own.has(`${n}_reason`)));
    while (clashes(name) || (name === f && fields.some((g) => g !== f && `${g}_reason` === f))) name = `field_${name}`;
    columns.push(name, `${name}_reason`);
    taken.add(name).add(`${name}_reason`);
  }
  return columns;
}
