/**
 * MySQL AUTO_INCREMENT keys become visible out of order: a key at or below the source's high key
 * whose transaction is still open would commit behind the watermark, where no later run looks for
 * new rows. Every writer that moves the watermark goes no further than the keys proven committed:
 * run reads its new rows with locking reads that wait for open transactions (commitWait); verify
 * --repair above the watermark first waits over the range it will load (settleAbove).
 */
import type { SyncConfig } from '../config';
import type { KeyRange } from '../key-range';
import type { CommitWait, Source } from '../source/source';
import type { TablePlan } from './plan';

/**
 * Why a run or repair stopped below `settledTo` (null: below the first key): a source transaction
 * holds the next row, inserted and not yet committed, or locked by an UPDATE or DELETE.
 */
export function heldRows(settledTo: bigint | null): string {
  const rows = settledTo === null ? 'rows from the first key on' : `rows above key ${settledTo}`;
  return `a source transaction keeps ${rows} uncommitted or locked`;
}

/**
 * How long a read of new rows waits for a transaction still open: half of --timeout, as for
 * PostgreSQL's lock_timeout (the statement's own limit must not fire first), and never past the
 * run's budget (`deadline`), asked again before each page; at least 1 s.
 */
export function commitWait(config: SyncConfig, deadline: number | null): CommitWait {
  const budgetS = () => (deadline === null ? Infinity : (deadline - Date.now()) / 1000);
  return { seconds: () => Math.max(1, Math.min(config.timeoutSeconds / 2, budgetS())) };
}

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
  const waitS = commitWait(config, deadline).seconds();
  return { ...(await source.settleRange(plan.source, plan.sourceKey, range, waitS)), waitS };
}
