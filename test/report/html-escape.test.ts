import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/report/html-escape.js';
import { isWellFormed, unescapeHtml } from './html-inspect.js';

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    ['" onmouseover="x', '&quot; onmouseover=&quot;x'],
    ["it's", 'it&#39;s'],
    ['&amp;', '&amp;amp;'],
    ['Nguyễn Văn An', 'Nguyễn Văn An'],
    ['tab\tand\nnewline\r', 'tab\tand\nnewline\r'],
    ['nul\u0000bell\u0007del\u007f', 'nul\uFFFDbell\uFFFDdel\uFFFD'],
    ['emoji 😀 ok', 'emoji 😀 ok'],
    ['lone \ud83d high', 'lone \uFFFD high'],
    ['lone \ude00 low', 'lone \uFFFD low'],
    ['high at end \ud83d', 'high at end \uFFFD'],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('never leaves a character that can open a tag or close an attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('<', '>', '&', '"', "'"), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 60 }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        // Every '&' starts one of the five references the escaper writes.
        expect(e.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
    );
  });

  it('round-trips text without controls or lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
        expect(unescapeHtml(escapeHtml(clean))).toBe(clean);
      }),
    );
  });

  it('produces well-formed UTF-16 for any code units', () => {
    expect(isWellFormed('a\ud800b')).toBe(false); // the checker itself can fail
    const units = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: units, maxLength: 30 }), (s) => {
        expect(isWellFormed(escapeHtml(s))).toBe(true);
      }),
    );
  });
});
