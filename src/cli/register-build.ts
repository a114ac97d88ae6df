/**
 * `khop register build <file> -o register.khop`: build a Register (national ID index, lean
 * columnar records, "did you mean" index) from a file and save its snapshot.
 *
 * The schema comes from --schema / --map / the header like every command's, and must have a
 * nationalId field. Rows the reader or the register refuses (no valid ID, wrong value types)
 * go to the rejected-rows file (default `<out>.rejected.csv`), and the exit code is then 1.
 *
 * The reader's source itself is handed to Register.build (not its rows one by one): with
 * --threads ≥ 2 a large UTF-8 CSV file is then cut into pieces parsed on the pool
 * (src/register/csv-ingest.ts), and every rejection comes back with its position (= data-row
 * number − 1), line, and — for a row the reader could not read — its raw text.
 *
 * Record ids without --id-field: the data-row number (firstRecordId 1), the number every other
 * command prints for a row (dedupe's record_id and row_number, the rejected-rows file): a claim's
 * verdict names the same row as a dedupe run over the same file.
 */
import { KhopError, isKhopError } from '../errors.js';
import { rejectionSummary } from '../pipeline/too-few-records.js';
import { snapshotTarget } from '../io/snapshot.js';
import { tableLikeExtension } from './output-format.js';
import { Register, type RegisterBuildOptions } from './register-api.js';
import { COMMON_OPTIONS_HELP, ID_SECRET_HELP, SCHEMA_OPTIONS, SCHEMA_OPTIONS_HELP, INPUT_OPTIONS, INPUT_OPTIONS_HELP, inputReadOptions, idSecretOption, requiredOption, stringOption, columnOption, threadsOption, optionalPath } from './args.js';
import type { CliCommand, CommandContext, OptionValues } from './command.js';
import { EXIT_OK, EXIT_REJECTED_ROWS } from './exit.js';
import { caseMatchNotes, HeaderLookup } from '../io/header-lookup.js';
import { AUTO_THREADS_MIN_MIB, defaultThreadsFor, InputFile } from './input.js';
import { writeRejectedRows, rejectedLine, type RejectedEntry, defaultRejectedPath, StagedOutputs } from './outputs.js';
import { readerReasonOf } from '../io/record-source-rows.js';
import { REGISTER_REJECT_CODES, type RegisterRejectedRow } from '../register/row-ingest.js';
import { accountingText, formatCount, formatDuration, issueLines, rowAccounting, summaryLines } from './run-summary.js';
import { ID_SAMPLE_ROWS, loadSchema } from './schema-loading.js';

const HELP = `Usage: khop register build <file> -o <register.khop> [options]

Build a register (the reference population that claims are authenticated against) from a
file and save it as a snapshot that \`khop authenticate --register\` loads. A <file> of - is
read from standard input (CSV or NDJSON; parsed on one thread), as is a pipe: <(zcat x.csv.gz).

Options:
${SCHEMA_OPTIONS_HELP}
${INPUT_OPTIONS_HELP}
  -o, --out FILE        the register snapshot to write (required)
      --earlier-ids COL column listing each person's earlier IDs (old CMND, re-issued),
                        separated by ; | or ,
      --rejected FILE   rejected rows (default: <out>.rejected.csv, written when rows are rejected
                        or an earlier run left one)
      --threads N       threads, the calling one included (default: every core for an input
                        file of ${AUTO_THREADS_MIN_MIB} MiB or more, else 1; standard input: 1); with 2 or more
                        a CSV file of 16 MiB or more is parsed in pieces on the pool
${ID_SECRET_HELP}
${COMMON_OPTIONS_HELP}

Without --id-field a record's id is its row number: 1 for the first data row (after the
header), rejected rows counted — the number khop dedupe prints and the rejected-rows file names.

Exit codes: 0 done, 1 done with rejected rows, 2 usage or input error, 3 unexpected failure or a full disk.

Example:
  khop register build dan_cu.csv --map id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh -o dan_cu.khop
`;

export const registerBuildCommand: CliCommand = {
  name: 'register build',
  summary: 'build a register snapshot from a file (for authenticate)',
  help: HELP,
  options: {
    ...SCHEMA_OPTIONS,
    ...INPUT_OPTIONS,
    out: { type: 'string', short: 'o' },
    'earlier-ids': { type: 'string' },
    rejected: { type: 'string' },
    threads: { type: 'string' },
    'id-secret-env': { type: 'string' },
  },
  positionals: { min: 1, max: 1, names: '<file>' },
  run: runRegisterBuild,
  defaultRejected: (values, positionals, ctx) => defaultRejectedPath(typeof values['out'] === 'string' ? ctx.resolvePath(values['out']) : undefined, positionals[0] ?? '', ctx.resolvePath),
};

/** The register's own rejection codes; any other is the reader's (a row it could not read). */
const REGISTER_CODES: ReadonlySet<string> = new Set(REGISTER_REJECT_CODES);

/** A build rejection as a line of the rejected-rows file (its position is the data-row number − 1). */
function rejectedEntry(r: RegisterRejectedRow): RejectedEntry {
  const read = !REGISTER_CODES.has(r.code);
  const e: { -readonly [K in keyof RejectedEntry]: RejectedEntry[K] } = {
    rowNumber: r.index + 1,
    line: r.line ?? 0,
    stage: read ? 'read' : 'prepare',
    code: r.code,
    reason: read ? readerReasonOf(r.reason) : r.reason,
  };
  if (r.raw !== undefined) e.raw = r.raw;
  if (r.rawTruncated === true) e.rawTruncated = true;
  return e;
}

async function runRegisterBuild(values: OptionValues, positionals: readonly string[], ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const outOption = requiredOption(values, 'out', 'register build');
  // A snapshot is a file written whole and renamed into place: not standard output, and not a
  // device or pipe — refused now, not after the build (snapshotTarget refuses them at save).
  if (outOption === '-') throw new KhopError('INVALID_ARGUMENT', 'register build -o -: a register snapshot is written to a file, not to standard output; give a file');
  // A snapshot is khop's own binary format: a table's name (`-o dan_cu.csv`, `-o reg.ndjson`) is a
  // slip — the user meant the verdicts of `authenticate`, or would hand the file to a tool that
  // reads it by its name.
  const tableName = tableLikeExtension(outOption);
  if (tableName !== null) {
    throw new KhopError('INVALID_ARGUMENT', `register build -o ${outOption}: a register snapshot is khop's own binary file, not ${tableName === 'NDJSON' ? 'an' : 'a'} ${tableName} table; name it .khop (e.g. -o dan_cu.khop)`);
  }
  const out = ctx.resolvePath(outOption);
  try {
    await snapshotTarget(out);
  } catch (e) {
    if (isKhopError(e)) throw new KhopError('INVALID_ARGUMENT', `-o ${outOption}: ${e.message.replace(/^snapshot: \S+ /, '')}`, { cause: e });
    throw e;
  }
  const threads = threadsOption(values);
  const rejectedOption = optionalPath(values, 'rejected', ctx);
  const earlierIdsOption = columnOption(values, 'earlier-ids');
  const idField = columnOption(values, 'id-field');
  const idSecret = idSecretOption(values);

  // Register.build reports the rows it reads: the reader's own progress is not shown too.
  const input = await InputFile.openArgument(positionals[0]!, ctx, undefined, inputReadOptions(values));
  try {
    // The header's spelling of the column, in whatever Unicode form the option names it (header-lookup.ts).
    // Found in other letter case too when one header alone matches so — said in a note, as for --map.
    const earlierLookup = new HeaderLookup(input.headers, input.label);
    const earlierHeader = earlierIdsOption === undefined ? undefined : earlierLookup.find(earlierIdsOption);
    const earlierIds = earlierHeader ?? earlierIdsOption;
    const choice = await loadSchema({
      ...input.schemaSampling(ID_SAMPLE_ROWS),
      schemaPath: optionalPath(values, 'schema', ctx),
      map: stringOption(values, 'map'),
      idField,
      headers: input.headers,
      inputLabel: input.label,
      inputFormat: input.source.format,
      strictColumns: input.completeHeader,
      // Records are numbered by data row (firstRecordId 1 below): every data row, read or not, has one.
      positionalId: 'the row number (1 = the first data row)',
      // A list of earlier IDs is not a field: guessed as one (`cmnd_cu` reads as an old ID), every
      // cell holding two numbers was counted missing and every verdict carried an empty column.
      reserved: earlierIds === undefined ? [] : [{ column: earlierIds, use: 'earlier IDs (--earlier-ids)' }],
      // Keyed: a guessed `id` column often holds the very ID numbers the key hides, and record
      // ids are stored as written — the snapshot held every ID in clear.
      ...(idSecret === undefined ? {} : { noGuessedId: 'a keyed register stores record ids in clear, so none is guessed: name the column with --id-field if it holds no ID numbers' }),
    });
    if (earlierIds !== undefined && input.completeHeader && earlierHeader === undefined) {
      throw new KhopError('INVALID_ARGUMENT', `--earlier-ids: column "${earlierIds}" is not in the header of ${input.label}`);
    }
    const both = earlierIds === undefined ? undefined : choice.schema.fields.find((f) => f.column === earlierIds);
    if (both !== undefined) throw new KhopError('INVALID_ARGUMENT', `--earlier-ids: column "${earlierIds}" is also the column of the field "${both.name}"; a column is either a field or the earlier IDs`);
    for (const line of choice.notes) ctx.info(line);
    for (const line of caseMatchNotes(earlierLookup, input.label)) ctx.info(line);
    // Register.build refuses a schema without an ID field in the library's words ("needs a
    // nationalId field in its schema"), which says nothing of the flags — a guess that found no ID
    // column (`id` beside `recordId` read from standard input, which is not sampled; the ID column
    // given as --earlier-ids) ended so. Said here with the way to name it.
    if (!choice.schema.fields.some((f) => f.kind === 'nationalId')) {
      const earlier = earlierIds === undefined ? '' : ` (the --earlier-ids column "${earlierIds}" lists earlier IDs: it is not that field)`;
      throw new KhopError(
        'INVALID_SCHEMA',
        `a register needs a national ID field, and the schema for ${input.label} has none${earlier}; name the ID column with --map id=COLUMN,… or give a --schema field of kind "nationalId"`,
      );
    }
    // An old-ID column guessed as a second compared ID (`cmnd_cu` beside a CCCD): a claim giving
    // that number then finds nobody (NOT_FOUND) — as earlier IDs it would resolve to the person.
    const secondId = earlierIds === undefined && stringOption(values, 'schema') === undefined && stringOption(values, 'map') === undefined
      ? choice.schema.fields.find((f) => f.kind === 'nationalId' && f.name !== choice.schema.fields.find((g) => g.kind === 'nationalId')!.name)
      : undefined;
    if (secondId !== undefined) {
      ctx.info(`note: column "${secondId.column}" is compared as a second ID field ("${secondId.name}"); if it holds each person's earlier ID (an old CMND), give --earlier-ids ${secondId.column}: a claim with that number then resolves to the person`);
    }
    const options: RegisterBuildOptions = { onProgress: ctx.progress };
    // Without a record-id column a record is its data row's number, 1-based (input position + 1)
    // — as dedupe, link and the rejected-rows file number rows — not the API's 0-based position.
    if (choice.idField !== undefined) options.idField = choice.idField;
    else options.firstRecordId = 1;
    if (earlierIds !== undefined) options.earlierIdsField = earlierIds;
    options.threads = threads ?? defaultThreadsFor(input);
    if (idSecret !== undefined) options.idSecret = idSecret;
    const register = await Register.build(choice.schema, input.source, options);
    ctx.progress.end();
    const entries = register.rejected.map(rejectedEntry);
    if (register.stats().records === 0) {
      // A register of nobody answers NOT_FOUND to every claim — plausible-looking and wrong: no
      // snapshot is written (the command line has no way to add records to it later), and the
      // rejected rows go where a finished run puts them, so the user can see why.
      const why = `${input.label} has no usable record${rejectionSummary(input.rowsRead, entries)}: no register written`;
      if (entries.length === 0 && rejectedOption === undefined) throw new KhopError('INVALID_INPUT', why);
      const path = await writeRejectedRows(rejectedOption, entries, false, () => defaultRejectedPath(out, positionals[0]!, ctx.resolvePath));
      throw new KhopError('INVALID_INPUT', `${why}; rejected rows written to ${path}`);
    }
    // The rejected rows are written first and renamed over their path only once the snapshot is
    // saved: a run that fails leaves both files of the previous run.
    const staged = new StagedOutputs();
    const rejectedPath = await writeRejectedRows(rejectedOption, entries, false, () => defaultRejectedPath(out, positionals[0]!, ctx.resolvePath), staged);
    const tSave = performance.now();
    try {
      await register.save(out);
    } catch (e) {
      await staged.abort();
      throw e;
    }
    await staged.commit();
    const saveMs = performance.now() - tSave;

    const unreadable = entries.reduce((n, e) => n + (e.stage === 'read' ? 1 : 0), 0);
    const accounting = rowAccounting(input.rowsRead, unreadable, entries.length - unreadable);

    const stats = register.stats();
    ctx.info(`register build ${input.label} → ${out}:`);
    for (const line of summaryLines([
      ['input rows', accountingText(accounting)],
      ['records', formatCount(stats.records)],
      ['memory', `${formatCount(Math.round(stats.bytesPerRecord))} bytes per record`],
      ['time', `${formatDuration(performance.now() - started)} (save ${formatDuration(saveMs)})`],
    ]))
      ctx.info(line);
    for (const line of issueLines(register.issues)) ctx.info(line);
    for (const line of rejectedLine(rejectedPath, entries.length)) ctx.info(line);
    return accounting.rejected > 0 ? EXIT_REJECTED_ROWS : EXIT_OK;
  } catch (e) {
    await input.close().catch(() => undefined);
    throw e;
  }
}
