/**
 * HTML escaping for every piece of caller text that enters the report.
 *
 * One function serves both text and double- or single-quoted attribute contexts: it escapes
 * the five characters that can end a text run or an attribute (& < > " ') as character
 * references. Trade-off: escaping more than a given context needs costs a few bytes and
 * removes the chance of using the wrong escaper for a context. Unquoted attributes, URLs,
 * <script> and <style> contents are never built from data in the report, so no other
 * escaper exists.
 *
 * Characters that HTML parsing would treat as errors or drop — C0 controls other than tab,
 * line feed and carriage return, DEL, and lone UTF-16 surrogates — become U+FFFD, so the
 * output is always well-formed UTF-16 that encodes to valid UTF-8 and parses the same in
 * every browser. (The SVG is inline HTML, parsed by the HTML parser, so the same rules hold.)
 */

/** `s` safe to place in HTML text or in a quoted attribute value. */
export function escapeHtml(s: string): string {
  let out = '';
  let start = 0; // start of the pending run of characters copied unchanged
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x26) rep = '&amp;';
    else if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (c === 0x22) rep = '&quot;';
    else if (c === 0x27) rep = '&#39;';
    else if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) rep = '\uFFFD';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate followed by a low surrogate is one valid code point: keep both.
      if (c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
      }
      rep = '\uFFFD';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}
