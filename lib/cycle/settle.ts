/**
 * MySQL AUTO_INCREMENT keys become visible out of order: a key at or below the source's high key
 * whose transaction is still open would commit behind the watermark, where no later run looks for
 * new rows. Every writer that moves the watermark (run, and verify --repair above the watermark)
 * first waits, with a locking read, for the source's open transactions in the range it will load,
 * and goes no further than the keys proven committed.
 */
import type { SyncConfig } from '../config';
import type { KeyRange } from '../key-range';
import type { Source } from '../source/source';
import type { TablePlan } from './plan';

/**
 * The locking read over `range` (the watermark up to the key the writer would go to): how far every
 * source row is committed. It waits within the run's budget (`deadline`) and --timeout.
 */
export async function settleAbove(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  range: KeyRange,
  deadline: number | null,
): Promise<{ settledTo: bigint | null; locking: boolean; waitS: number }> {
  const budgetS = deadline === null ? Infinity : (deadline - Date.now()) / 1000;
  // Half of --timeout, as for PostgreSQL's lock_timeout: the statement's own limit must not fire first.
  const waitS = Math.max(1, Math.min(config.timeoutSeconds / 2, budgetS));
  return { ...(await source.settleRange(plan.source, plan.sourceKey, range, waitS)), waitS };
}
