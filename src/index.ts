/**
 * khop — match person records at national scale.
 *
 * The one public entry. Explicit named exports only; types are exported apart.
 */
export { KhopError, isKhopError } from './errors.js';
export type { KhopErrorCode } from './errors.js';

// schema
export { defineSchema, vietnamesePersonSchema, FIELD_KINDS } from './schema.js';
export type { Schema, SchemaField, FieldSpec, FieldKind, NameLocale } from './schema.js';

// hashing
export { xxh64 } from './hash/xxh64-reference.js';
export { KeyHasher } from './hash/key-hasher.js';
export type { KeyHasherOptions } from './hash/key-hasher.js';
export type { HashKernelKind } from './hash/hash-kernel.js';
