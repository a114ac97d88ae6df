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

// comparators and comparison levels
export { jaroWinklerSimilarity } from './compare/jaro-winkler.js';
export { levenshteinDistance } from './compare/levenshtein.js';
export { damerauLevenshteinWithin } from './compare/damerau-levenshtein.js';
export { compareDates, compareTypedDates, DateLevel, DATE_LEVELS } from './compare/date-level.js';
export { compareNationalIds, compareNationalIdStrings, NationalIdLevel, NATIONAL_ID_LEVELS } from './compare/national-id-level.js';
export {
  comparePersonName,
  FamilyNameLevel,
  MiddleNameLevel,
  GivenNameLevel,
  FAMILY_NAME_LEVELS,
  MIDDLE_NAME_LEVELS,
  GIVEN_NAME_LEVELS,
  PERSON_NAME_COMPARISONS,
} from './compare/person-name.js';
export { compareSex, SexLevel, SEX_LEVELS } from './compare/sex-level.js';
export { compareCategories, buildProvinceEquivalence, CategoryLevel, CATEGORY_LEVELS, CategorySpelling } from './compare/category-level.js';
export { compareIdentifiers, IdentifierLevel, IDENTIFIER_LEVELS } from './compare/identifier-level.js';
export { compareTextOverlapStrings, TextOverlapLevel, TEXT_OVERLAP_LEVELS } from './compare/text-overlap.js';
export type { NameColumns } from './compare/person-name.js';
export type { ComparisonLevel } from './compare/levels.js';
export type { CategoryEquivalence } from './compare/category-level.js';
export { StringColumn } from './block/text-column.js';
export type { TextColumnReader, CodeUnits } from './block/text-column.js';

// scoring: Fellegi–Sunter, u sampling, EM, term frequencies
export { FellegiSunterModel } from './score/fellegi-sunter.js';
export type { FellegiSunterParameters, Explanation, ExplainedComparison } from './score/fellegi-sunter.js';
export { MODEL_JSON_FORMAT, MODEL_JSON_VERSION } from './score/model-json.js';
export type { FellegiSunterModelJson } from './score/model-json.js';
export { LEVEL_STRIDE, NULL_LEVEL } from './score/comparison-spec.js';
export type { ComparisonSpec, ComparisonLevelSpec } from './score/comparison-spec.js';
export { matchProbabilityFromWeight, matchWeightFromProbability } from './score/probability.js';
export { TermFrequencyTable, termFrequencyAdjustment } from './score/term-frequency.js';
export type { TermFrequencyInputs } from './score/term-frequency.js';
export { estimateU } from './score/estimate-u.js';
export type { EstimateUOptions, UEstimate } from './score/estimate-u.js';
export { sampleRandomPairs } from './score/random-pairs.js';
export type { RandomPairs, LinkRows } from './score/random-pairs.js';
export { trainEM } from './score/expectation-maximisation.js';
export type { EmSession, EmOptions, EmResult, EmSessionDiagnostics } from './score/expectation-maximisation.js';

// clustering
export { UnionFind } from './cluster/union-find.js';
export { clusterPairs, clusterSizeHistogram } from './cluster/clusters.js';
export type { ClusterOptions, ClusterSizeCount } from './cluster/clusters.js';

// text: normalisation and parsing
export {
  normalizeText,
  foldToAscii,
  parsePersonName,
  parseDate,
  typedDateDigits,
  formatPackedDate,
  isValidPackedDate,
  DEFAULT_DATE_OPTIONS,
  parseNationalId,
  latestBirthYear,
  parseSex,
  checkIdConsistency,
  isVietnameseSyllable,
  isKnownFamilyName,
} from './text/index.js';
export type {
  ParsedPersonName,
  PersonNameNote,
  DateParseOptions,
  DateResult,
  ParsedDate,
  DateFailure,
  DateFailureReason,
  DatePrecision,
  NationalIdResult,
  ParsedNationalId,
  Sex,
  IdClaim,
  IdConsistency,
  IdContradiction,
} from './text/index.js';
export type { NationalIdOptions, CccdId, Cmnd9Id, NationalIdFailure, NationalIdFailureReason } from './text/national-id.js';
export { DEFAULT_MISSING_VALUES } from './text/missing-values.js';

// keys: phonetic encoders
export { vietnamesePhoneticKey, vietnameseSyllableKey } from './keys/vietnamese-phonetic.js';
export { soundex } from './keys/soundex.js';
export { nysiis } from './keys/nysiis.js';
export { doubleMetaphone } from './keys/double-metaphone.js';
export type { NysiisOptions } from './keys/nysiis.js';
export type { DoubleMetaphoneOptions, DoubleMetaphoneCodes } from './keys/double-metaphone.js';

// files: readers, writers, progress, column mapping
export { openRecords } from './io/record-reader.js';
export { readCsv } from './io/csv-reader.js';
export { readNdjson } from './io/ndjson-reader.js';
export { readParquet } from './io/parquet-reader.js';
export { CsvCellRun, CsvWriter, writeCsvRows } from './io/csv-writer.js';
export { NdjsonWriter, writeNdjsonRows } from './io/ndjson-writer.js';
export { RejectedRowWriter, writeRejected } from './io/rejected-writer.js';
export { createProgressReporter } from './io/progress.js';
export { suggestColumnMapping, parseMapArgument } from './io/column-mapping.js';
export type {
  RecordSource,
  RecordItem,
  RowItem,
  RejectedItem,
  RecordValues,
  RecordFormat,
  RejectCode,
  ReadSummary,
  ReadStatus,
} from './io/record-types.js';
export type { OpenRecordsOptions } from './io/record-reader.js';
export type { ProgressEvent, ProgressUnit, ProgressReporter, ProgressReporterOptions } from './io/progress.js';
export type { ColumnSuggestion, ColumnMapping } from './io/column-mapping.js';

// HTML report
export { renderReport, DEFAULT_RENDER_REPORT_OPTIONS } from './report/render-report.js';
export type { RenderReportOptions } from './report/render-report.js';
export type { ReportData, ReportLevel, ReportWaterfall, ReportWaterfallStep } from './report/report-data.js';

// synthetic population with ground truth, and quality metrics
export { generatePopulation, DEFAULT_POPULATION_OPTIONS } from './synth/population.js';
export { DEFAULT_CORRUPTION_RATES, CORRUPTION_KINDS } from './synth/corruption.js';
export { generateClaims, DEFAULT_CLAIM_MIX } from './synth/claims.js';
export { writeCsv, writeNdjson } from './synth/write.js';
export { pairwiseMetrics, clusterMetrics } from './eval/pairwise.js';
export { verdictConfusion, VERDICT_ORDER } from './eval/verdict-confusion.js';
export type { PopulationOptions, PopulationRow } from './synth/population.js';
export type { CorruptionKind, CorruptionRates, CorruptionKindInfo } from './synth/corruption.js';
export type { ClaimOptions, Claim, ClaimVerdict, ClaimMix } from './synth/claims.js';
export type { RegisterRowInput } from './synth/register-source.js';
export type { WriteResult } from './synth/write.js';
export type { PairwiseInput, PairwiseMetrics, PairList, ClusterInput, ClusterMetrics } from './eval/pairwise.js';
export type { VerdictConfusion, VerdictConfusionOptions, VerdictStats } from './eval/verdict-confusion.js';

// storage and blocking
export { RecordStore, DEFAULT_CHUNK_BITS } from './block/record-store.js';
export type { ColumnType, ColumnSpec, ColumnRef, CellValue, RecordStoreOptions, RecordStoreDescriptor, ColumnChunk } from './block/record-store.js';
export { BlockIndex, NO_BLOCK } from './block/block-index.js';
export type { BlockIndexOptions, BlockIndexDescriptor, BlockInfo } from './block/block-index.js';
export { buildBlockIndex, buildBlockIndexes } from './block/build-block-index.js';
export type { BuildBlockIndexOptions } from './block/build-block-index.js';
export {
  buildBlockIndexParallel,
  buildBlockIndexesParallel,
  blockIndexFromHashesParallel,
  DEFAULT_PARALLEL_INDEX_MIN_ROWS,
  DEFAULT_PARALLEL_INDEX_OWN_POOL_MIN_ROWS,
  DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES,
} from './pool/parallel-index.js';
export type { ParallelIndexOptions, ParallelHashIndexOptions, IndexBuildTimings } from './pool/parallel-index.js';
export { buildRuleKeys, rowKeyText, DEFAULT_KEY_SEED } from './block/blocking-keys.js';
export type { RuleKeys, BuildKeysOptions } from './block/blocking-keys.js';
export { describeRule, validateRules, rulesToJSON, rulesFromJSON } from './block/blocking-rule.js';
export type { BlockingRule, KeyPart, KeyTransform } from './block/blocking-rule.js';
export { candidatePairs, DEFAULT_MAX_BLOCK_SIZE } from './block/candidate-pairs.js';
export type { CandidatePairStream, CandidatePairsOptions, PairChunk, SkippedBlock, RulePairCounts, CandidatePairsReport } from './block/candidate-pairs.js';
export { analyzeBlocking } from './block/analyze-blocking.js';
export type { AnalyzeBlockingOptions, BlockingAnalysis, RuleBlockingStats, LargeBlock } from './block/analyze-blocking.js';
export { writeSnapshot, readSnapshot, SNAPSHOT_FORMAT_VERSION } from './io/snapshot.js';
export type { SnapshotContent, SnapshotSectionInput, SnapshotArray, Snapshot, ReadSnapshotOptions, WriteSnapshotOptions } from './io/snapshot.js';
export { saveIndexSnapshot, loadIndexSnapshot } from './block/index-snapshot.js';
export type { IndexSnapshot } from './block/index-snapshot.js';

// dedupe and link
export { dedupe, link, DEFAULT_MATCH_OPTIONS, DEFAULT_PARALLEL_MIN_PAIRS } from './pipeline/match.js';
export { DEFAULT_PARALLEL_PREPARE_MIN_BYTES, DEFAULT_PARALLEL_PREPARE_MIN_ROWS } from './pipeline/parallel-prepare.js';
export { DEFAULT_PARALLEL_INGEST_MIN_ROWS } from './register/parallel-ingest.js';
export type { MatchOptions, MatchResult, DedupeResult, LinkResult, LinkRejectedRow, MatchPairs, MatchStats, MatchProgress, PhaseStat } from './pipeline/match.js';
export type { MatchWarning } from './pipeline/model-warnings.js';
export { defaultBlockingRules } from './pipeline/default-rules.js';
export type { RejectedRow } from './pipeline/prepare.js';

// register: authenticate claims against a population register
export { Register, DEFAULT_BATCH_SIZE, DEFAULT_TABLE_BATCH_SIZE, AUTO_THREADS_MIN_CLAIMS } from './register/register.js';
export type { AuthenticateManyOptions, AddResult, RegisterStats } from './register/register.js';
export { DEFAULT_VERIFICATION_POLICY } from './register/policy.js';
export type { VerificationPolicy } from './register/policy.js';
export type { Verdict, FieldVerdict, AuthenticateOptions, VerdictStatus, FieldResult, VerdictCandidate, ExplainedField } from './register/verdict.js';
export { FIELD_RESULTS } from './register/verdict.js';
export { VerdictTable } from './register/verdict-table.js';
export { VERDICT_STATUSES } from './register/verdict-codec.js';
export type { RegisterBuildOptions } from './register/register-options.js';
export type { RegisterLoadOptions } from './register/register.js';
export { KEYED_ID_MIN_SECRET_BYTES } from './hash/keyed-id-hash.js';
export type { RegisterRejectedRow } from './register/row-ingest.js';

// worker pool
export { KhopPool, DEFAULT_POOL_OPTIONS, MAX_POOL_THREADS, MAX_TASK_TIMEOUT_MS, MAX_TASKS_PER_WORKER, TASKS_PER_WORKER } from './pool/pool.js';
export type { KhopPoolOptions, KhopPoolStats } from './pool/pool.js';
export { estimateMemory, DEFAULT_ESTIMATE_SAMPLE_SIZE } from './pipeline/estimate-memory.js';
export type { EstimateMemoryOptions, MemoryEstimate, ColumnEstimate, RuleEstimate } from './pipeline/estimate-memory.js';
