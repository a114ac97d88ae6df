/**
 * Unknown option keys: a misspelt option (`tresh`, `candidtes`) would otherwise be ignored
 * without a word and the default used. Every public entry that takes an options object lists
 * its keys and refuses the others with INVALID_OPTION, naming them (keys only, never values).
 */
import { KhopError } from '../errors.js';

/** The keys of `options` that are not in `known`. */
export function unknownKeys(options: object, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(options)) if (!known.has(key)) out.push(key);
  return out;
}

/** Throw INVALID_OPTION naming the keys of `options` that are not in `known` (`what`: the entry, for the message). */
export function checkOptionKeys(what: string, options: object, known: ReadonlySet<string>): void {
  const bad = unknownKeys(options, known);
  if (bad.length === 0) return;
  const list = bad.map((k) => JSON.stringify(k)).join(', ');
  throw new KhopError('INVALID_OPTION', `${what}: unknown option${bad.length > 1 ? 's' : ''} ${list}; known: ${[...known].join(', ')}`, {
    details: { problems: bad.map((k) => `${k}: unknown option`) },
  });
}
