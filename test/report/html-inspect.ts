/**
 * Test helpers that read the report's HTML with plain regular expressions. They can, because
 * the report is generated with a strict shape: every attribute double-quoted, no '<' or '>'
 * outside tags (text is escaped, the style sheet has none), so a tag is `<name attr="v" …>`.
 * `checkMarkup` turns that shape into assertions: an injected tag, an attribute that broke out
 * of its quotes, or an event handler shows up as a violation.
 */

/** Every tag name used in the report (lower case; closing tags included as the same name). */
export const ALLOWED_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'nav', 'ul', 'li', 'a',
  'main', 'section', 'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'code',
  'span', 'sub', 'details', 'summary', 'figure', 'figcaption', 'footer', 'svg', 'desc', 'rect', 'line', 'text',
]);

/** Every attribute name used in the report. */
export const ALLOWED_ATTRIBUTES = new Set([
  'class', 'id', 'href', 'lang', 'charset', 'http-equiv', 'content', 'name', 'scope', 'xmlns', 'width', 'height',
  'viewBox', 'role', 'aria-labelledby', 'aria-label', 'aria-hidden', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'text-anchor',
]);

/** Attributes that are coordinates or sizes: must be plain decimal numbers. */
export const NUMERIC_ATTRIBUTES = new Set(['width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2']);

/** All tags as raw strings ("<rect class=… />"), in document order, without the doctype. */
export function tags(html: string): string[] {
  return html.replace(/^<!DOCTYPE html>\n/, '').match(/<[^>]*>/g) ?? [];
}

/** One parsed tag. */
export interface Tag {
  raw: string;
  name: string;
  closing: boolean;
  attrs: Array<[string, string]>;
}

const TAG_SHAPE = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[a-zA-Z][a-zA-Z0-9:-]*="[^"<>]*")*)\s*\/?>$/;

/** Parses one tag; undefined when it does not have the strict shape. */
export function parseTag(raw: string): Tag | undefined {
  const m = TAG_SHAPE.exec(raw);
  if (m === null) return undefined;
  const attrs: Array<[string, string]> = [];
  for (const a of m[3].matchAll(/\s([a-zA-Z][a-zA-Z0-9:-]*)="([^"]*)"/g)) attrs.push([a[1], a[2]]);
  return { raw, name: m[2], closing: m[1] === '/', attrs };
}

/** Every way the markup departs from the report's strict shape (empty when it is clean). */
export function checkMarkup(html: string): string[] {
  const problems: string[] = [];
  if (!html.startsWith('<!DOCTYPE html>\n')) problems.push('missing doctype');
  // Outside tags, '<' and '>' never occur: text is escaped.
  const outside = html.replace(/^<!DOCTYPE html>\n/, '').replace(/<[^<>]*>/g, '');
  if (/[<>]/.test(outside)) problems.push('stray < or > in text');
  for (const raw of tags(html)) {
    const t = parseTag(raw);
    if (t === undefined) {
      problems.push(`malformed tag ${raw.slice(0, 80)}`);
      continue;
    }
    if (!ALLOWED_TAGS.has(t.name)) problems.push(`unexpected tag <${t.name}>`);
    for (const [name, value] of t.attrs) {
      if (!ALLOWED_ATTRIBUTES.has(name)) problems.push(`unexpected attribute ${name} on <${t.name}>`);
      if (name === 'href' && !/^#[a-z]+$/.test(value)) problems.push(`href not a fragment: ${value}`);
      if (NUMERIC_ATTRIBUTES.has(name) && !/^-?\d+(\.\d+)?$/.test(value)) problems.push(`non-numeric ${name}="${value}" on <${t.name}>`);
      if ((name === 'width' || name === 'height') && value.startsWith('-')) problems.push(`negative ${name} on <${t.name}>`);
    }
  }
  return problems;
}

/** The <svg …>…</svg> blocks with the given class (e.g. "chart", "wbar"), in order. */
export function svgs(html: string, cls: string): string[] {
  const re = new RegExp(`<svg class="(?:[a-z ]* )?${cls}(?: [a-z-]+)*"[\\s\\S]*?</svg>`, 'g');
  return html.match(re) ?? [];
}

/** Numeric attribute of a tag (NaN when absent). */
export function num(t: Tag, name: string): number {
  const a = t.attrs.find(([n]) => n === name);
  return a === undefined ? NaN : Number(a[1]);
}

/** Class attribute of a tag ('' when absent). */
export function cls(t: Tag): string {
  return t.attrs.find(([n]) => n === 'class')?.[1] ?? '';
}

/** The parsed drawing elements (rect, line) of a fragment. */
export function shapes(fragment: string): Tag[] {
  return tags(fragment)
    .map(parseTag)
    .filter((t): t is Tag => t !== undefined && !t.closing && (t.name === 'rect' || t.name === 'line'));
}

/** Drawing elements with a non-zero size: rects with width and height > 0, lines of length > 0. */
export function visibleShapes(fragment: string): Tag[] {
  return shapes(fragment).filter((t) =>
    t.name === 'rect' ? num(t, 'width') > 0 && num(t, 'height') > 0 : num(t, 'x1') !== num(t, 'x2') || num(t, 'y1') !== num(t, 'y2'),
  );
}

/** Decodes the five entities escapeHtml produces (for checking that text survives). */
export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
}

/** Text of every <title> inside `fragment`, unescaped. */
export function titles(fragment: string): string[] {
  return [...fragment.matchAll(/<title(?: id="[^"]*")?>([^<]*)<\/title>/g)].map((m) => unescapeHtml(m[1]));
}

/** '−' (U+2212) back to '-' and thousands commas removed, then Number(). */
export function parseShown(s: string): number {
  return Number(s.replace(/\u2212/g, '-').replace(/,/g, ''));
}

/** True when `s` has no lone UTF-16 surrogate (String#isWellFormed is ES2024, beyond our lib). */
export function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
