/**
 * Finding a column of a header by name, whatever Unicode form or letter case either is written in.
 *
 * "Họ tên" has two spellings of the same text: composed (NFC: `ọ` one code point, as most
 * keyboards and Windows write it) and decomposed (NFD: `o` + U+0323, as macOS file systems and
 * some exporters write it). A schema, a `--map` or an `--id-field` typed in one form must find a
 * header written in the other; compared as strings they differ, and the column was "not in the
 * header" (or, unchecked, read as missing in every row). Letter case is the same slip one step
 * further: `--map id=SO_CCCD` against a header `so_cccd`, a claims file headed `Ho_Ten` against
 * a register built from `ho_ten` (exports from SQL Server and Excel change case at will).
 *
 * Trade-off: a name is looked up as written first, then by its NFC form (Unicode UAX #15), then
 * by its NFC form in lower case (String#toLowerCase: locale-free) — and the header's OWN
 * spelling is returned: rows are keyed by the header as written, so the caller reads
 * `row[found]`, never `row[name]`. A column found only by letter case is recorded
 * (`caseMatches`) for the caller to say so. Two headers equal but for case (`id` and `ID`), the
 * name matching neither as written: refused naming both, never a pick. Marks, spaces and
 * punctuation still count: `ho_ten` is not `Họ tên` — in Vietnamese a mark makes another word
 * (`ma` / `mã`), and the header guesser already reads unmarked names. Two headers that are one
 * text in two forms: the name as written wins, else the first. Built once per header, not in a
 * row loop.
 */
import { KhopError } from '../errors.js';

export class HeaderLookup {
  private readonly exact: ReadonlySet<string>;
  /** NFC form → the first header with it. */
  private readonly byNfc = new Map<string, string>();
  /** NFC form in lower case → every header with it (distinct spellings). */
  private readonly byCase = new Map<string, string[]>();
  /** Names found only by letter case → the header found. */
  private readonly folded = new Map<string, string>();

  /**
   * @param headers the header as written
   * @param label   the file's name, for the refusal of a name two headers match by case
   */
  constructor(
    readonly headers: readonly string[],
    private readonly label?: string,
  ) {
    this.exact = new Set(headers);
    for (const h of headers) {
      const k = h.normalize('NFC');
      if (!this.byNfc.has(k)) this.byNfc.set(k, h);
      const c = k.toLowerCase();
      const list = this.byCase.get(c);
      if (list === undefined) this.byCase.set(c, [h]);
      else if (!list.includes(h)) list.push(h);
    }
  }

  /**
   * The header's spelling of `name` (itself when written the same), or undefined when the header
   * has no such column.
   * @throws KhopError INVALID_ARGUMENT when `name` is found only by letter case, in two headers.
   */
  find(name: string): string | undefined {
    if (this.exact.has(name)) return name;
    const nfc = name.normalize('NFC');
    const byForm = this.byNfc.get(nfc);
    if (byForm !== undefined) return byForm;
    const byCase = this.byCase.get(nfc.toLowerCase());
    if (byCase === undefined) return undefined;
    if (byCase.length > 1) {
      const where = this.label === undefined ? 'the header' : `the header of ${this.label}`;
      throw new KhopError(
        'INVALID_ARGUMENT',
        `column "${name}" is not in ${where} as written, and ${byCase.map((h) => `"${h}"`).join(' and ')} differ from it in letter case only: name the column to read as the header writes it`,
        { details: { column: name, headers: byCase.slice() } },
      );
    }
    this.folded.set(name, byCase[0]!);
    return byCase[0];
  }

  /** Whether the header has `name`, in any Unicode form or letter case (throws as `find`). */
  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The names `find` found only by letter case, and the header each was read from. */
  get caseMatches(): ReadonlyArray<{ readonly name: string; readonly header: string }> {
    return [...this.folded].map(([name, header]) => ({ name, header }));
  }
}

/**
 * The stderr notes for the columns a lookup found only by letter case (header names only, never
 * a value); `used`, given, keeps those of the headers actually read.
 */
export function caseMatchNotes(lookup: HeaderLookup, label: string, used?: (header: string) => boolean): string[] {
  const m = lookup.caseMatches.filter((x) => used === undefined || used(x.header));
  if (m.length === 0) return [];
  const s = m.length > 1 ? 's' : '';
  const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  return [`note: ${label} has no column${s} ${list(m.map((x) => x.name))} as written: read from its column${s} ${list(m.map((x) => x.header))} (the same name${s} in other letter case)`];
}

/** The spelling `headers` give `name` (see HeaderLookup), or undefined. For a single lookup; build a HeaderLookup for several. */
export function findHeader(headers: readonly string[], name: string): string | undefined {
  return new HeaderLookup(headers).find(name);
}
