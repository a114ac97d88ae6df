/**
 * `--model FILE` and `--save-model FILE` of `khop dedupe` and `khop link`: a trained
 * Fellegi–Sunter model as JSON (FellegiSunterModel.toJSON), so that a model trained on one run
 * — typically a sample of a file too large to train on whole — scores another. With a model,
 * the run skips training and scores the candidate pairs as they are made (match.ts), so it
 * holds only the pairs it keeps.
 *
 * The model file holds m / u probabilities per comparison level and the prior: statistics,
 * no record values.
 */
import { readFile } from 'node:fs/promises';
import { writeTextFile, type StagedOutputs } from './outputs.js';
import { KhopError, isKhopError } from '../errors.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import { optionalPath, withoutBom, type OptionSpecs } from './args.js';
import type { CommandContext, OptionValues } from './command.js';
import { duplicateKeyPlace, firstDuplicateJsonKey } from '../util/json-duplicate-key.js';

export const MODEL_OPTIONS: OptionSpecs = {
  model: { type: 'string' },
  'save-model': { type: 'string' },
};

export const MODEL_OPTIONS_HELP = `      --model FILE      score with this trained model (JSON from --save-model): no training,
                        candidate pairs scored as they are made (for files too large to train on)
      --save-model FILE write the run's model as JSON`;

/** The model of `--model`, or undefined. @throws KhopError INVALID_ARGUMENT naming the file when it cannot be read or is not a model. */
export async function loadModelOption(values: OptionValues, ctx: CommandContext): Promise<FellegiSunterModel | undefined> {
  const path = optionalPath(values, 'model', ctx);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KhopError('INVALID_ARGUMENT', `--model: cannot read ${path}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(withoutBom(text));
  } catch {
    // Not the parser's error as a cause: V8's message quotes the text (a data file given as
    // --model would show its first record under --debug).
    throw new KhopError('INVALID_ARGUMENT', `--model: ${path} is not JSON`);
  }
  // A hand-edited model with a key twice (an m given twice): JSON.parse keeps the last silently.
  const repeated = firstDuplicateJsonKey(withoutBom(text));
  if (repeated !== null) {
    throw new KhopError('INVALID_ARGUMENT', `--model: ${path} has the key "${repeated.key}" twice ${duplicateKeyPlace(repeated.path)}: JSON would keep only the last value`);
  }
  try {
    return FellegiSunterModel.fromJSON(json);
  } catch (e) {
    if (isKhopError(e)) throw new KhopError('INVALID_ARGUMENT', `--model: ${path} is not a khop model (${e.message})`, { cause: e });
    throw e;
  }
}

/** Write `model` to the `--save-model` path, when given (staged with the run's other outputs). */
export async function saveModelOption(path: string | undefined, model: FellegiSunterModel, candidatePairs: number, staged?: StagedOutputs): Promise<void> {
  if (path === undefined) return;
  // Without a candidate pair EM had nothing to learn m and λ from: the model would be its
  // starting values and λ its floor — a file that then matches nothing, without a word.
  if (candidatePairs === 0) {
    throw new KhopError('INVALID_INPUT', 'nothing to save with --save-model: no two records were paired by the blocking rules, so no model was trained (a larger sample gives the blocking rules pairs to learn from)');
  }
  try {
    await writeTextFile(path, JSON.stringify(model.toJSON(), null, 2) + '\n', staged);
  } catch (e) {
    throw new KhopError('IO_ERROR', `cannot write the model ${path}`, { cause: e });
  }
}
