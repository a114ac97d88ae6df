/**
 * The part the line-oriented readers (CSV, NDJSON) share: a byte input decoded to text chunks,
 * the batch being filled, and the counters their summaries and progress report. One concept:
 * "a record source reading decoded text from a ByteInput".
 */
import type { ByteInput } from './byte-source.js';
import { BatchRecordSource, type ProgressFacts, type ReadOptionsBase } from './record-source.js';
import type { RecordItem, TextEncodingName } from './record-types.js';

export abstract class TextInputSource extends BatchRecordSource {
  protected readonly input: ByteInput;
  protected readonly text: AsyncIterator<string>;
  /** Items produced since the last take(). */
  protected batch: RecordItem[] = [];
  /** Data rows seen (accepted or rejected), for row numbers. */
  protected rowNumber = 0;
  /** Blank lines skipped. */
  protected blank = 0;
  /** The text iterator is exhausted. */
  protected eof = false;
  /** Anything but blank lines was read. */
  protected sawContent = false;

  protected constructor(input: ByteInput, text: AsyncIterator<string>, encoding: TextEncodingName, delimiter: string | null, base: ReadOptionsBase) {
    super(encoding, delimiter, base);
    this.input = input;
    this.text = text;
  }

  /** The items produced so far; starts a new batch. */
  protected take(): RecordItem[] {
    const b = this.batch;
    this.batch = [];
    return b;
  }

  protected release(): Promise<void> {
    return this.input.close();
  }

  protected progressFacts(): ProgressFacts {
    return { done: this.input.bytesRead, total: this.input.size, unit: 'bytes' };
  }

  protected blankLineCount(): number {
    return this.blank;
  }

  protected bytesReadSoFar(): number {
    return this.input.bytesRead;
  }
}
