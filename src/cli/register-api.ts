/**
 * The Register API as the command line uses it — the one place src/cli touches src/register.
 */
export { Register, DEFAULT_BATCH_SIZE } from '../register/register.js';
export { MAX_CANDIDATES } from '../register/verdict.js';
export { authenticateClaimsFile } from '../register/claims-file.js';
export { VerdictRows } from '../register/verdict-rows.js';
export type { RegisterBuildOptions } from '../register/register-options.js';
export type { Verdict } from '../register/verdict.js';
