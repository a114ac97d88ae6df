/**
 * Command-line argument parsing: `util.parseArgs` (strict) per command, the options every
 * command shares, and the parsers of option values (counts, probabilities, formats).
 *
 * Trade-off: Node's own parser, no dependency; its errors are rewritten into one KhopError
 * INVALID_ARGUMENT line naming the option (exit code 2), so a typo such as `--treshold` stops
 * the run before any file is read instead of being ignored.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KhopError } from '../errors.js';
import { KEYED_ID_MIN_SECRET_BYTES } from '../hash/keyed-id-hash.js';
import { RESERVED_NAMES, reservedNameReason } from '../schema.js';
import { TEXT_ENCODINGS, type EncodingOption } from '../io/text-decoding.js';
import { duplicateKeyPlace, firstDuplicateJsonKey } from '../util/json-duplicate-key.js';
import type { CommandContext, OptionValues } from './command.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
};

/** Help lines of the common options (appended to every command's help). */
export const COMMON_OPTIONS_HELP = `  -q, --quiet           no progress, mapping or summary on stderr (errors still print)
      --debug           print the stack trace of an error
  -h, --help            show this help`;

/** Options of the commands that read an input file: how its text is read (openRecords' options). */
export const INPUT_OPTIONS: OptionSpecs = {
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'rename-bad-columns': { type: 'boolean' },
};

export const INPUT_OPTIONS_HELP = `      --encoding ENC    utf-8, utf-16le, utf-16be or windows-1258 (cp1258: the Vietnamese Windows
                        code page): a CSV or NDJSON file's encoding (default: from its
                        byte-order mark, else utf-8)
      --delimiter C     a CSV file's field delimiter: one character, or tab, comma, semicolon,
                        pipe (default: Excel's sep= line, else detected: , ; tab |)
      --rename-bad-columns
                        a CSV header's empty name becomes column_N and a repeated one name_N
                        (N its position); without it such a header is refused`;

/** Other names --encoding accepts for the Vietnamese Windows code page. */
const ENCODING_ALIASES: Readonly<Record<string, string>> = { cp1258: 'windows-1258', windows1258: 'windows-1258' };

/** Names --delimiter accepts besides a character (a tab is awkward to type in a shell). */
const DELIMITER_NAMES: Readonly<Record<string, string>> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

/** openRecords' options from INPUT_OPTIONS, as InputFile takes them. */
export interface InputReadOptions {
  encoding?: EncodingOption;
  delimiter?: string;
  renameBadColumns?: boolean;
}

/** openRecords' options from INPUT_OPTIONS (checked: a bad --encoding or --delimiter is a usage error). */
export function inputReadOptions(values: OptionValues): InputReadOptions {
  const out: InputReadOptions = {};
  const delimiter = values['delimiter'];
  if (typeof delimiter === 'string') {
    const d = DELIMITER_NAMES[delimiter.toLowerCase()] ?? delimiter;
    if (d.length !== 1 || d === '"' || d === '\r' || d === '\n') {
      throw new KhopError('INVALID_ARGUMENT', '--delimiter: expected one character other than a double quote or a line break, or tab, comma, semicolon, pipe');
    }
    out.delimiter = d;
  }
  const encoding = values['encoding'];
  if (typeof encoding === 'string') {
    const lower = encoding.toLowerCase();
    const e = ENCODING_ALIASES[lower] ?? lower.replace(/^utf(?=\d)/, 'utf-');
    if (!(TEXT_ENCODINGS as readonly string[]).includes(e)) throw new KhopError('INVALID_ARGUMENT', `--encoding: expected ${TEXT_ENCODINGS.slice(0, -1).join(', ')} or ${TEXT_ENCODINGS.at(-1)}`);
    out.encoding = e as EncodingOption;
  }
  if (values['rename-bad-columns'] === true) out.renameBadColumns = true;
  return out;
}

/** Options of the commands that read a person file and need a schema. */
export const SCHEMA_OPTIONS: OptionSpecs = {
  schema: { type: 'string' },
  map: { type: 'string' },
  'id-field': { type: 'string' },
};

export const SCHEMA_OPTIONS_HELP = `      --schema FILE     JSON schema: the object defineSchema takes, e.g.
                        {"so_cccd":{"kind":"nationalId"},"ho_ten":{"kind":"personName"}}
      --map PAIRS       field=column pairs, e.g. id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh
                        (kinds from the field names: id name dob sex province address …)
                        Without --schema and --map, the mapping is guessed from the header
                        and printed on stderr.
      --id-field COL    column holding your record id (default: the row number)`;

/** Parse `argv` against a command's options. */
export function parseCommandArgs(
  argv: readonly string[],
  options: OptionSpecs,
  positionals: { min: number; max: number; names: string },
  command: string,
): { values: OptionValues; positionals: string[] } {
  let parsed: { values: OptionValues; positionals: string[]; tokens?: Array<{ kind: string; name?: string }> };
  const specs = { ...COMMON_OPTIONS, ...options };
  try {
    parsed = parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: true, tokens: true }) as typeof parsed;
  } catch (e) {
    throw usageFromParseArgs(e, command);
  }
  if (parsed.values.help === true) return parsed;
  // An option given twice: the last would win without a word (--threshold 0.5 … --threshold 0.9).
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    if (seen.has(t.name) && specs[t.name]?.multiple !== true) {
      throw new KhopError('INVALID_ARGUMENT', `${command}: option --${t.name} is given more than once (see khop ${command} --help)`);
    }
    seen.add(t.name);
  }
  delete parsed.tokens;
  const n = parsed.positionals.length;
  if (n < positionals.min) {
    throw new KhopError('INVALID_ARGUMENT', `${command}: missing argument ${positionals.names} (see khop ${command} --help)`);
  }
  if (n > positionals.max) {
    throw new KhopError(
      'INVALID_ARGUMENT',
      positionals.max === 0
        ? `${command}: takes no file argument (see khop ${command} --help)`
        : `${command}: too many arguments, expected ${positionals.names} (see khop ${command} --help)`,
    );
  }
  return parsed;
}

/** Rewrite a parseArgs error as one KhopError line naming the option (never its value). */
function usageFromParseArgs(e: unknown, command: string): KhopError {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : '';
  // Node writes e.g. "Option '-o, --out <value>' argument missing": name the long form.
  const option = /(--[A-Za-z0-9][A-Za-z0-9-]*)/.exec(message)?.[1] ?? /'(-[^' ,]+)/.exec(message)?.[1] ?? 'an option';
  let text: string;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      text = `unknown option ${option}`;
      break;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      text = message.includes('argument missing')
        ? `option ${option} needs a value`
        : message.includes('ambiguous')
          ? `option ${option} needs a value; one that starts with "-" (a negative number) is written ${option}=-…`
          : `option ${option} takes no value`;
      break;
    default:
      text = 'cannot parse the arguments';
  }
  return new KhopError('INVALID_ARGUMENT', `${command}: ${text} (see khop ${command} --help)`, { cause: e });
}

/** A string option's value, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new KhopError('INVALID_ARGUMENT', `--${name}: expected a non-empty value`);
  return v;
}

/**
 * A column-name option's value (--id-field, --id-field-right, --earlier-ids), or undefined.
 * A name JavaScript reserves (`__proto__`, `constructor`, `prototype`) is refused here, before
 * any file is read, saying why — as a schema refuses it as a field or column name (--map,
 * --schema): the library would refuse it only after the mapping was printed, without the reason.
 */
export function columnOption(values: OptionValues, name: string): string | undefined {
  const v = stringOption(values, name);
  if (v !== undefined && RESERVED_NAMES.has(v)) {
    throw new KhopError('INVALID_ARGUMENT', `--${name}: column "${v}" is not allowed: ${reservedNameReason(v)}; rename the column in the file`);
  }
  return v;
}

/**
 * The register's ID secret named by `--id-secret-env NAME`: the value of environment variable
 * NAME (never the secret on the command line, where process lists and shell histories show
 * it). Undefined without the option. The error names the variable, never its value.
 */
export function idSecretOption(values: OptionValues, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = stringOption(values, 'id-secret-env');
  if (name === undefined) return undefined;
  const secret = env[name];
  if (secret === undefined || secret === '') {
    throw new KhopError('INVALID_ARGUMENT', `--id-secret-env: environment variable ${name} is not set or empty`);
  }
  // The library's own check says "idSecret must be at least 16 bytes long": an option the command
  // line does not have. Said here naming the variable (its length in bytes, never the secret).
  if (Buffer.byteLength(secret, 'utf8') < KEYED_ID_MIN_SECRET_BYTES) {
    throw new KhopError('INVALID_ARGUMENT', `--id-secret-env: the secret in environment variable ${name} is shorter than ${KEYED_ID_MIN_SECRET_BYTES} bytes (use 32 random bytes, e.g. \`openssl rand -hex 32\`)`);
  }
  return secret;
}

/** Help line of --id-secret-env. */
export const ID_SECRET_HELP = `      --id-secret-env NAME  keyed register: read the ID secret from environment variable NAME
                        (IDs indexed by HMAC-SHA256, no ID number stored; see docs/privacy.md)`;

/** A required string option. */
export function requiredOption(values: OptionValues, name: string, command: string): string {
  const v = stringOption(values, name);
  if (v === undefined) throw new KhopError('INVALID_ARGUMENT', `${command}: --${name} is required (see khop ${command} --help)`);
  return v;
}

/**
 * A count such as `20000`, `20k`, `1.5M` (k = 10^3, M = 10^6), within [min, max].
 * @returns `fallback` when the option is absent.
 */
export function countOption(values: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new KhopError('INVALID_ARGUMENT', `--${name}: expected a whole number in ${min}..${max} (suffixes k and M allowed)`);
  }
  return n;
}

/** An integer option within [min, max] (no suffixes), or `fallback`. */
export function integerOption(values: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new KhopError('INVALID_ARGUMENT', `--${name}: expected an integer in ${min}..${max}`);
  return n;
}

/** A probability strictly between 0 and 1, or undefined. */
export function probabilityOption(values: OptionValues, name: string): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const p = /^[0-9.eE+-]+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(p > 0 && p < 1)) throw new KhopError('INVALID_ARGUMENT', `--${name}: expected a probability between 0 and 1 (exclusive), e.g. 0.5`);
  return p;
}

/** Output file formats. */
export type OutputFormat = 'csv' | 'ndjson';

/** `--format csv|ndjson` (default csv). */
export function formatOption(values: OptionValues): OutputFormat {
  const text = stringOption(values, 'format');
  if (text === undefined) return 'csv';
  if (text !== 'csv' && text !== 'ndjson') throw new KhopError('INVALID_ARGUMENT', '--format: expected csv or ndjson');
  return text;
}

/** `--format csv|ndjson`, or undefined when not given: an output's file name then decides (output-format.ts). */
export function givenFormatOption(values: OptionValues): OutputFormat | undefined {
  return stringOption(values, 'format') === undefined ? undefined : formatOption(values);
}

/** `--id-conflicts split|ignore` (MatchOptions.idConflicts), or undefined: the library's default ('split'). */
export function idConflictsOption(values: OptionValues): 'split' | 'ignore' | undefined {
  const text = stringOption(values, 'id-conflicts');
  if (text === undefined) return undefined;
  if (text !== 'split' && text !== 'ignore') throw new KhopError('INVALID_ARGUMENT', '--id-conflicts: expected split or ignore');
  return text;
}

/** `--linkage average|single` (MatchOptions.linkage), or undefined: the library's default ('average'). */
export function linkageOption(values: OptionValues): 'average' | 'single' | undefined {
  const text = stringOption(values, 'linkage');
  if (text === undefined) return undefined;
  if (text !== 'average' && text !== 'single') throw new KhopError('INVALID_ARGUMENT', '--linkage: expected average or single');
  return text;
}

/** `--threads N` (1..256), or undefined: the library's default. */
export function threadsOption(values: OptionValues): number | undefined {
  return values.threads === undefined ? undefined : integerOption(values, 'threads', 1, 1, 256);
}

/** A path option resolved against the working directory, or undefined. */
export function optionalPath(values: OptionValues, name: string, ctx: CommandContext): string | undefined {
  const v = stringOption(values, name);
  return v === undefined ? undefined : ctx.resolvePath(v);
}

/** An output option's path, or undefined for standard output: the option left out, or `-` (the usual spelling). */
export function outputPath(values: OptionValues, name: string, ctx: CommandContext): string | undefined {
  return stringOption(values, name) === '-' ? undefined : optionalPath(values, name, ctx);
}

/** `text` without a leading byte-order mark (an editor's, Notepad's): JSON.parse refuses one. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A JSON file given on the command line (a BOM allowed): `what` names it in the errors —
 * IO_ERROR when it cannot be read, `invalid` (the caller's code) when it is not JSON or an
 * object in it holds a key twice (JSON.parse would keep the last value without a word: a field
 * defined twice, or `"kind"` given twice in one field). The parser's message (which quotes the
 * text around the error) is not repeated; a repeated key is named — it is configuration, a
 * field or option name, not a record value.
 */
export async function readJsonFile(path: string, what: string, invalid: 'INVALID_OPTION' | 'INVALID_SCHEMA'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KhopError('IO_ERROR', `cannot read the ${what} ${path}`, { cause: e });
  }
  const json = withoutBom(text);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new KhopError(invalid, `the ${what} ${path} is not valid JSON`);
  }
  const repeated = firstDuplicateJsonKey(json);
  if (repeated !== null) {
    throw new KhopError(invalid, `the ${what} ${path} has the key "${repeated.key}" twice ${duplicateKeyPlace(repeated.path)}: JSON would keep only the last value; remove or rename one`, {
      details: { problems: [`key "${repeated.key}" given twice ${duplicateKeyPlace(repeated.path)}`] },
    });
  }
  return value;
}
