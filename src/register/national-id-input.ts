/**
 * National IDs as the register reads and stores them.
 *
 * Reading: parseNationalId (src/text), which cleans separators, restores the leading zeros a
 * spreadsheet drops (11 digits, and 10 digits for the 00x prefixes; 8 digits for a CMND) and
 * decodes the CCCD.
 *
 * Stored form: the canonical digits as a float64 NUMBER (8 bytes, no string pool):
 *
 *   12-digit CCCD  "001090012345" → 1090012345     always ≥ 10^9 (the prefix is ≥ 001)
 *    9-digit CMND  "012345678"    → 12345678       always < 10^9
 *
 * so the number alone says which scheme it is, and the digits come back by zero-padding to 12
 * (≥ 10^9) or 9 (< 10^9) places. Every value is < 10^12 < 2^53: exact in a double.
 */
import { parseNationalId, type NationalIdFailureReason, type ParsedNationalId } from '../text/national-id.js';

/** A parsed ID (as parseNationalId) or its failure reason. */
export type IdInput = ParsedNationalId | { readonly ok: false; readonly reason: NationalIdFailureReason };

const ONE_BILLION = 1e9;
const VN = Object.freeze({ country: 'VN' as const });

/** Parse a claimed or registered ID (Vietnamese scheme). Never throws on data. */
export function parseIdInput(raw: unknown): IdInput {
  return parseNationalId(raw, VN);
}

/**
 * The stored number of canonical ID digits (see the file header): 9 or 12 ASCII digits, so the
 * value (< 10^12) is exact. Summed digit by digit: Number() of the parser's sliced string took
 * ~35 ns a call against ~10 here (it flattens the slice and reads a number in any of its forms;
 * /tmp micro-benchmark, 2M sliced 12-digit strings) — once per claim and per row with an ID.
 */
export function idNumber(digits: string): number {
  let n = 0;
  for (let i = 0; i < digits.length; i++) n = n * 10 + (digits.charCodeAt(i) - 48);
  return n;
}

/** Canonical digits of a stored ID number: 12 digits when ≥ 10^9, else 9. */
export function idDigits(n: number): string {
  return String(n).padStart(n >= ONE_BILLION ? 12 : 9, '0');
}
