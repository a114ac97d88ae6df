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

/** The stored number of canonical ID digits (see the file header). */
export function idNumber(digits: string): number {
  return Number(digits);
}

/** Canonical digits of a stored ID number: 12 digits when ≥ 10^9, else 9. */
export function idDigits(n: number): string {
  return String(n).padStart(n >= ONE_BILLION ? 12 : 9, '0');
}
