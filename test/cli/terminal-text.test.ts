import { describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/terminal-text.js';

describe('printable', () => {
  it('writes C0 controls, DEL and C1 controls as escapes, as JSON would', () => {
    expect(printable('ho\nten')).toBe('ho\\nten');
    expect(printable('a\rb\tc')).toBe('a\\rb\\tc');
    expect(printable('\u001b[2J\u0000\u007f\u0085\u009b')).toBe('\\u001b[2J\\u0000\\u007f\\u0085\\u009b');
  });

  it('leaves every other character as it is: Vietnamese (composed or not), wide scripts, a BOM, a zero-width space', () => {
    for (const s of ['Họ và tên', 'Ho\u0323 te\u0302n', '氏名', '\uFEFFid', 'a\u200Bb', 'Ä ÿ ¡', '']) expect(printable(s)).toBe(s);
  });
});
