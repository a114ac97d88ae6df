/**
 * khop — match person records at national scale.
 *
 * The one public entry. Explicit named exports only; types are exported apart.
 */
export { KhopError, isKhopError } from './errors.js';
export type { KhopErrorCode } from './errors.js';
