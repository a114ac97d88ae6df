/**
 * RowLines: the first physical line of each row read from a file but not yet taken in by the
 * pipeline that reads it — so that a row rejected later (by the register, possibly on a
 * worker) can say where it is in the file without every row's line kept for the whole run.
 *
 *   positions  base ............ base + length
 *   lines      [l(base), l(base+1), …]      push() appends; dropBefore(p) forgets < p
 *
 * Trade-off: a window, not a map: memory is the rows in flight (chunks sent, not yet taken),
 * 4 bytes each; a position outside the window has no line (undefined), nor has a row whose
 * source gives none (Parquet: line 0).
 */
export class RowLines {
  private data = new Uint32Array(1024);
  /** Index in `data` of position `base`. */
  private head = 0;
  private n = 0;

  /** @param base the position of the first row pushed */
  constructor(private base = 0) {}

  /** Append the line of the next position (0: none). */
  push(line: number): void {
    if (this.head + this.n === this.data.length) {
      if (this.head >= this.data.length >>> 1) {
        this.data.copyWithin(0, this.head, this.head + this.n);
      } else {
        const next = new Uint32Array(this.data.length * 2);
        next.set(this.data.subarray(this.head, this.head + this.n));
        this.data = next;
      }
      this.head = 0;
    }
    this.data[this.head + this.n++] = line;
  }

  /** The line of `position`, or undefined when it is not in the window or has none. */
  get(position: number): number | undefined {
    const i = position - this.base;
    if (i < 0 || i >= this.n) return undefined;
    const line = this.data[this.head + i]!;
    return line === 0 ? undefined : line;
  }

  /** Forget the positions before `position`. */
  dropBefore(position: number): void {
    const k = Math.min(this.n, position - this.base);
    if (k <= 0) return;
    this.head += k;
    this.n -= k;
    this.base += k;
  }

  /** Positions in the window (for tests). */
  get length(): number {
    return this.n;
  }
}
