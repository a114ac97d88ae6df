/**
 * Text made safe to print on a terminal. khop prints names that come from the user's files on
 * stderr — a CSV header's column names in the mapping lines, notes and errors, a file's name — and
 * a header cell may hold any character. Printed raw, a control character acts on the terminal:
 * ESC starts an escape sequence (colours, cursor moves, erasing lines, the window title), CR
 * returns to the start of the line so that the rest overwrites it, a line break (a header cell
 * typed with Alt+Enter in Excel) splits one mapping line in two.
 *
 * Trade-off: every C0 control (U+0000–U+001F), DEL (U+007F) and C1 control (U+0080–U+009F:
 * U+009B alone starts an escape sequence on some terminals) is written as the escape JSON would
 * write it — `\n`, `\r`, `\t`, else `\u001b` — visible and unambiguous, at the cost of a column
 * name that no longer reads exactly as in the file. Other characters (marks, wide scripts,
 * invisible format characters) are left as they are: they do not act on the terminal.
 * Applied where lines leave for stderr (run.ts, exit.ts), not in the hot path.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `text` with each control character written as its escape (see the file header). */
export function printable(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
