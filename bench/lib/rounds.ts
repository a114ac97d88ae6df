/**
 * The order in which a benchmark round measures its configurations, so that over the rounds
 * each one runs in each position alike (a cyclic Latin square): round r starts at configuration
 * r mod k and goes on in a circle. Over any k consecutive rounds, every configuration runs once
 * first, once second, … once last — so neither going first (after the previous round's garbage,
 * on a cold cache) nor a slow moment of a shared machine favours one of them, whatever the
 * number of rounds' parity. (Reversing the order every other round balances positions only over
 * an even number of rounds: with the default 3, the first configuration went first twice and
 * the last one last twice, and the median keeps the majority.)
 */
export function roundOrder(configs: number, round: number): number[] {
  if (!Number.isSafeInteger(configs) || configs < 1) throw new RangeError('configs must be a whole number ≥ 1');
  if (!Number.isSafeInteger(round) || round < 0) throw new RangeError('round must be a whole number ≥ 0');
  return Array.from({ length: configs }, (_, j) => (round + j) % configs);
}
