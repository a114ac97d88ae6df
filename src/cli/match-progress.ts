/**
 * The pipeline's progress events (MatchProgress) shown through the io progress reporter.
 *
 * Two adaptations:
 * - Most pipeline phases report only their final event, so the reporter (which times a phase
 *   from its first event) would show them as taking 0 ms. The pipeline's phases run in a fixed
 *   order, so when a phase ends the adapter opens the next one at once (done 0): the reporter
 *   then times each phase from the end of the previous one, and a terminal shows which phase is
 *   running while it runs.
 * - 'index' and 'train' count blocking rules (1 for train), which says little and is not a
 *   ProgressUnit; they are shown in what they work through instead: the prepared rows (from
 *   the 'prepare' event) for 'index', the candidate pairs (from the 'compare' event) for 'train'.
 * - A streamed run (a given model, or a run too large to hold its candidate pairs) makes and
 *   compares its pairs window by window, so 'pairs' and 'compare' events alternate — and each
 *   change of phase ended a line: two lines a window. Once a 'compare' event arrives before the
 *   pairs are all made, the 'pairs' line stands for both (its time includes the comparisons)
 *   and the compare events are not shown.
 * - The rows are prepared as they are read. When the reader's progress is shown too (a file's
 *   bytes: the command line's inputs), the two would interleave and each close the other's line;
 *   the 'prepare' events are then not shown and the read line is named 'read + prepare'
 *   ({@link readAndPrepare}): it lasts until the last row is prepared. It used to be followed
 *   by a 'prepare' line timed from its only (final) event: "prepare: 1,000,000 rows in 0 ms".
 *   Without a read line (rows already in memory: the demo), 'prepare' is shown timed from its
 *   first event, which dedupe/link send before the first row.
 * The reporter prints only phase names, numbers and units: no record value passes through it.
 */
import type { MatchProgress } from '../pipeline/match.js';
import type { ProgressEvent, ProgressReporter, ProgressUnit } from '../io/progress.js';

type Phase = MatchProgress['phase'];

/** The phase that starts when one ends, and the unit it is shown in. */
const NEXT_PHASE: Readonly<Record<Phase, { phase: Phase; unit: ProgressUnit } | null>> = {
  prepare: { phase: 'index', unit: 'rows' },
  index: { phase: 'pairs', unit: 'pairs' },
  pairs: { phase: 'compare', unit: 'pairs' },
  compare: { phase: 'train', unit: 'pairs' },
  train: { phase: 'score', unit: 'pairs' },
  score: { phase: 'cluster', unit: 'rows' },
  cluster: null,
};

/**
 * `progress` for a reader whose rows dedupe/link prepare as they are read: its 'read' phase
 * (or 'read <file>') is shown as 'read + prepare' (see the file header).
 */
export function readAndPrepare(progress: ProgressReporter): ProgressReporter {
  const named = (event: Parameters<ProgressReporter>[0]) => progress(/^read\b/.test(event.phase) ? { ...event, phase: `read + prepare${event.phase.slice(4)}` } : event);
  return Object.assign(named, { end: () => progress.end() });
}

/**
 * An `onProgress` callback for dedupe() / link() that feeds `reporter`.
 * @param given a trained model was given (--model): there is no training to show — its 'train'
 *   event is dropped and 'score' follows 'compare'.
 * @param read the inputs' reading is shown (through {@link readAndPrepare}): the 'prepare'
 *   events are not (see the file header).
 */
export function matchProgress(reporter: ProgressReporter, given = false, read = false): (e: MatchProgress) => void {
  let rows = 0;
  let pairs = 0;
  let pairsDone = false;
  let streamed = false;
  let pairsShown = 0;
  return (e) => {
    if (given && e.phase === 'train') return;
    if (e.phase === 'pairs' && e.final === true) pairsDone = true;
    if (e.phase === 'compare' && !pairsDone) streamed = true;
    if (streamed && e.phase === 'compare') {
      if (e.final === true) {
        pairs = e.done;
        const next = given ? NEXT_PHASE.train : NEXT_PHASE.compare;
        if (next) reporter({ phase: next.phase, done: 0, unit: next.unit });
      }
      return;
    }
    // Streamed training reads the candidates more than once (counting, EM, evidence): the
    // pairs line counts up to the most seen, not back down on each pass.
    if (e.phase === 'pairs' && e.final !== true) {
      if (streamed && e.done <= pairsShown) return;
      pairsShown = Math.max(pairsShown, e.done);
    }
    if (e.phase === 'prepare' && e.final === true) rows = e.done;
    if (read && e.phase === 'prepare') {
      const next = NEXT_PHASE.prepare!;
      if (e.final === true) reporter({ phase: next.phase, done: 0, unit: next.unit });
      return;
    }
    if (e.phase === 'compare' && e.final === true) pairs = e.done;
    let event: ProgressEvent;
    if (e.unit === 'rules') {
      const n = e.phase === 'train' ? pairs : rows;
      event = { phase: e.phase, done: e.final === true ? n : 0, total: n, unit: e.phase === 'train' ? 'pairs' : 'rows' };
    } else {
      event = { phase: e.phase, done: e.done, unit: e.unit };
      if (e.total !== undefined) event.total = e.total;
    }
    if (e.final === true) event.final = true;
    reporter(event);
    const next = e.final !== true || (streamed && e.phase === 'pairs') ? null : given && e.phase === 'compare' ? NEXT_PHASE.train : NEXT_PHASE[e.phase];
    if (next) reporter({ phase: next.phase, done: 0, unit: next.unit });
  };
}
