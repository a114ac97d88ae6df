import { describe, expect, it } from 'vitest';
import {
  BASE_MASK,
  COMPOSE,
  FOREIGN_BIT,
  KIND_LETTER,
  KIND_SHIFT,
  LETTER_INFO,
  SHAPE_SHIFT,
  TONE_SHIFT,
  VOWEL_BIT,
  isValidShape,
} from '../../src/text/vietnamese-letters.js';

function info(ch: string): { base: string; shape: number; tone: number; letter: boolean; foreign: boolean; vowel: boolean } {
  const v = LETTER_INFO[ch.charCodeAt(0)]!;
  return {
    base: String.fromCharCode(v & BASE_MASK),
    shape: (v >>> SHAPE_SHIFT) & 3,
    tone: (v >>> TONE_SHIFT) & 7,
    letter: ((v >>> KIND_SHIFT) & 3) === KIND_LETTER,
    foreign: (v & FOREIGN_BIT) !== 0,
    vowel: (v & VOWEL_BIT) !== 0,
  };
}

describe('Vietnamese letter tables', () => {
  it('decompose letters into lower-case base, shape and tone', () => {
    expect(info('\u1ec4')).toEqual({ base: 'e', shape: 1, tone: 3, letter: true, foreign: false, vowel: true }); // Ễ
    expect(info('\u1eef')).toEqual({ base: 'u', shape: 3, tone: 3, letter: true, foreign: false, vowel: true }); // ữ
    expect(info('\u1eb7')).toEqual({ base: 'a', shape: 2, tone: 5, letter: true, foreign: false, vowel: true }); // ặ
    expect(info('\u0110')).toEqual({ base: '\u0111', shape: 0, tone: 0, letter: true, foreign: false, vowel: false }); // Đ
    expect(info('B')).toEqual({ base: 'b', shape: 0, tone: 0, letter: true, foreign: false, vowel: false });
    expect(info('\u00eb').foreign).toBe(true); // ë
    expect(info('\u00f8').foreign).toBe(true); // ø
    expect(info('\u014f').foreign).toBe(true); // ŏ: breve on o is not Vietnamese
    expect(info('1').letter).toBe(false);
  });

  it('compose every Vietnamese vowel × tone to one precomposed code unit', () => {
    let n = 0;
    for (let v = 0; v < 6; v++) {
      const base = 'aeiouy'.charCodeAt(v);
      for (let shape = 0; shape < 4; shape++) {
        if (!isValidShape(base, shape)) continue;
        for (let tone = 0; tone < 6; tone++) {
          const c = COMPOSE[(v * 4 + shape) * 6 + tone]!;
          expect(c).not.toBe(0);
          const i = info(String.fromCharCode(c));
          expect([i.base.charCodeAt(0), i.shape, i.tone]).toEqual([base, shape, tone]);
          n++;
        }
      }
    }
    expect(n).toBe(72); // 12 vowels × 6 tones
  });
});
