/**
 * Finding a column of a header by name, whatever Unicode form either is written in.
 *
 * "Họ tên" has two spellings of the same text: composed (NFC: `ọ` one code point, as most
 * keyboards and Windows write it) and decomposed (NFD: `o` + U+0323, as macOS file systems and
 * some exporters write it). A schema, a `--map` or an `--id-field` typed in one form must find a
 * header written in the other; compared as strings they differ, and the column was "not in the
 * header" (or, unchecked, read as missing in every row).
 *
 * Trade-off: a name is looked up as written first, then by its NFC form (Unicode UAX #15), and
 * the header's OWN spelling is returned — rows are keyed by the header as written, so the caller
 * reads `row[found]`, never `row[name]`. Nothing else is folded (case, spaces and diacritics
 * still count: `ho_ten` is not `Họ tên`). Two headers that are one text in two forms: the name
 * as written wins, else the first. Built once per header, not in a row loop.
 */
export class HeaderLookup {
  private readonly exact: ReadonlySet<string>;
  /** NFC form → the first header with it. */
  private readonly byNfc = new Map<string, string>();

  constructor(readonly headers: readonly string[]) {
    this.exact = new Set(headers);
    for (const h of headers) {
      const k = h.normalize('NFC');
      if (!this.byNfc.has(k)) this.byNfc.set(k, h);
    }
  }

  /** The header's spelling of `name` (itself when written the same), or undefined when the header has no such column. */
  find(name: string): string | undefined {
    if (this.exact.has(name)) return name;
    return this.byNfc.get(name.normalize('NFC'));
  }

  /** Whether the header has `name`, in any Unicode form. */
  has(name: string): boolean {
    return this.find(name) !== undefined;
  }
}

/** The spelling `headers` give `name` (see HeaderLookup), or undefined. For a single lookup; build a HeaderLookup for several. */
export function findHeader(headers: readonly string[], name: string): string | undefined {
  return new HeaderLookup(headers).find(name);
}
