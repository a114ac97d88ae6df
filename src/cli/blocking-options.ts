/**
 * `--rules FILE` and `--max-block-size N` of `khop dedupe`, `khop link` and
 * `khop analyze-blocking`: a rule set analysed by the one is run by the others, as written.
 */
import { KhopError } from '../errors.js';
import type { BlockingRule } from '../block/blocking-rule.js';
import { DEFAULT_MAX_BLOCK_SIZE } from '../block/candidate-pairs.js';
import { integerOption, optionalPath, readJsonFile, type OptionSpecs } from './args.js';
import type { CommandContext, OptionValues } from './command.js';

export const BLOCKING_OPTIONS: OptionSpecs = {
  rules: { type: 'string' },
  'max-block-size': { type: 'string' },
};

export const BLOCKING_OPTIONS_HELP = `      --rules FILE      blocking rules: a JSON array, e.g. [{"name":"dob","parts":[{"column":"dob"}]}]
                        (default: the schema's default rules; see khop analyze-blocking)
      --max-block-size N  blocks above N rows are skipped and reported (default ${DEFAULT_MAX_BLOCK_SIZE})`;

/** The rules of `--rules` (undefined: the defaults) and `--max-block-size`. */
export async function blockingOptions(values: OptionValues, ctx: CommandContext): Promise<{ rules: BlockingRule[] | undefined; maxBlockSize: number }> {
  const maxBlockSize = integerOption(values, 'max-block-size', DEFAULT_MAX_BLOCK_SIZE, 2, 2 ** 31 - 1);
  const path = optionalPath(values, 'rules', ctx);
  return { rules: path === undefined ? undefined : await readRules(path), maxBlockSize };
}

/**
 * A rules file: a non-empty JSON array (a BOM allowed). The rules themselves are checked by the
 * command's pipeline, against the schema, before any row is read.
 * @throws KhopError IO_ERROR when it cannot be read, INVALID_OPTION when it is not such an array.
 */
export async function readRules(path: string): Promise<BlockingRule[]> {
  const value = await readJsonFile(path, 'rules file', 'INVALID_OPTION');
  if (!Array.isArray(value) || value.length === 0) {
    throw new KhopError('INVALID_OPTION', `the rules file ${path} must hold a non-empty JSON array of rules { name, parts }`);
  }
  return value as BlockingRule[];
}
