// Shared by the failure tests (not a test file itself): a pool whose threads carry an injected
// fault — src/pool/worker.ts reads KHOP_POOL_FAULT when a thread starts, e.g.
// `{ "task": "match.compare", "part": 1, "mode": "throw" | "exit" | "hang" }`.
import { KhopPool, type KhopPoolOptions } from '../../src/pool/pool.js';

/** A pool of `options` (default: 2 threads) whose worker threads carry `fault`. */
export function faultyPool(fault: object, options: KhopPoolOptions = { threads: 2 }): KhopPool {
  process.env['KHOP_POOL_FAULT'] = JSON.stringify(fault);
  try {
    return KhopPool.create(options);
  } finally {
    delete process.env['KHOP_POOL_FAULT'];
  }
}
