/**
 * The first key that an object of a JSON text holds twice. JSON.parse keeps the last value of a
 * repeated key without a word, so a hand-written configuration file such as
 * `{"ho_ten": {"kind": "personName", "kind": "text"}}` reads as a text field, and a field given
 * twice loses its first definition. RFC 8259 §4: the names within an object SHOULD be unique;
 * "when the names … are not unique, the behavior of software that receives such an object is
 * unpredictable". JSON.parse has no hook that sees a repeat, hence this scan.
 *
 * Trade-off: a second pass over text JSON.parse has already accepted — the scan validates
 * nothing itself, so it stays small: it tracks only which string is a key (one that opens an
 * object or follows a comma in one) and one Set of keys per open object. Keys are compared as
 * JSON.parse reads them, after unescaping (`"a"` and `"\u0061"` are one key): each key's token
 * is unescaped by JSON.parse itself. For configuration files, never a hot path.
 */

/** A repeated key and where it is. */
export interface DuplicateJsonKey {
  /** The key, unescaped. */
  readonly key: string;
  /** The keys and array positions leading to the object that holds it ([] for the top level). */
  readonly path: ReadonlyArray<string | number>;
}

/** An open object or array. */
interface Frame {
  /** The object's keys so far; null for an array. */
  readonly keys: Set<string> | null;
  /** Where it sits in its parent: the parent's key or index ('' for the top level). */
  readonly at: string | number;
  /** Object: the next string is a key. */
  expectKey: boolean;
  /** Object: the last key read (a nested value sits under it). */
  lastKey: string;
  /** Array: the position of the current element. */
  index: number;
}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]

/**
 * The first repeated key of `json`, in text order, or null when every object's keys are unique.
 * @param json text that JSON.parse accepts (without a byte-order mark); other text gives an
 *   unspecified answer.
 */
export function firstDuplicateJsonKey(json: string): DuplicateJsonKey | null {
  const frames: Frame[] = [];
  const n = json.length;
  let i = 0;
  while (i < n) {
    const c = json.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      // The string's end: a backslash escapes the one unit after it (`\"`, `\\`; `\u` is
      // followed by hex digits, never a quote).
      let end = i + 1;
      while (end < n && json.charCodeAt(end) !== QUOTE) end += json.charCodeAt(end) === BACKSLASH ? 2 : 1;
      end++;
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const key = JSON.parse(json.slice(i, end)) as string;
        if (top.keys.has(key)) return { key, path: frames.slice(1).map((f) => f.at) };
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const at = top === undefined ? '' : top.keys === null ? top.index : top.lastKey;
      frames.push({ keys: c === OPEN_OBJECT ? new Set() : null, at, expectKey: true, lastKey: '', index: 0 });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
    } else if (c === COMMA && top !== undefined) {
      if (top.keys === null) top.index++;
      else top.expectKey = true;
    }
    i++;
  }
  return null;
}

/** Where a DuplicateJsonKey is, as text: `at the top level`, `in "ho_ten"`, `in "rules"[2]."on"`. */
export function duplicateKeyPlace(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'at the top level';
  return `in ${path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}"${p}"`)).join('')}`;
}
