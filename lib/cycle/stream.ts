/**
 * New rows through the warehouse's streaming path: each keyset page is read as COPY text straight
 * into its batch's transaction, never held as rows, and the next page is already being read while
 * the current batch commits. Batches commit whole and in key order, so after a transient fault the
 * warehouse's largest key says exactly which batches landed (this run holds the writer lock): the
 * run reconnects and goes on from there, and a batch whose COMMIT reply was lost is not sent twice.
 */
import type { SyncConfig } from '../config';
import { RunError, ValueError } from '../errors';
import type { KeyRange } from '../key-range';
import { steadyYoungGeneration } from '../memory';
import type { CommitWait, CopyPage, Source } from '../source/source';
import type { CopyTextBatch, Warehouse } from '../warehouse/warehouse';
import type { Batch, LoadProgress } from './load';
import type { TablePlan } from './plan';
import { recoverOrThrow } from './retry';

/**
 * Attaches `page` to a new batch of the warehouse's streaming path and waits until its last row is
 * written there (not yet committed). A page that fails (a value no warehouse can hold) is rolled back.
 */
export async function fillBatch(
  plan: TablePlan,
  warehouse: Warehouse,
  page: CopyPage,
): Promise<{ batch: CopyTextBatch; rows: number; lastKey: bigint | null; heldBack: boolean }> {
  const batch = warehouse.openCopyTextBatch!(plan.target);
  page.attach(batch);
  try {
    return { batch, ...(await page.done) };
  } catch (error) {
    await batch.abort(error as Error);
    throw error instanceof ValueError ? new ValueError(`table ${plan.pair.label}: ${error.message}`) : error;
  }
}

/**
 * The batches that stream the rows of `range` (the watermark up to the source's high key) with
 * `wait` (see CommitWait); `progress` hears of each committed one, and of a page held back, whose
 * rows before the open transaction are the last batch. Stopping early (the generator's return)
 * drops the page being read.
 */
export async function* streamedBatches(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  range: KeyRange,
  { loaded, held }: LoadProgress,
  wait?: CommitWait,
): AsyncGenerator<Batch> {
  const read = (rest: KeyRange) =>
    source.copyPage(plan.source, plan.sourceColumns, plan.sourceKey, rest, config.batchSize, wait);
  steadyYoungGeneration();
  /** What is still to load: above the last batch committed. */
  let rest = range;
  let failures = 0;
  /** Loads `page` and returns the page that follows it (null at the end). */
  const load = async (page: CopyPage): Promise<CopyPage | null> => {
    const { batch, rows, lastKey, heldBack } = await fillBatch(plan, warehouse, page);
    if (rows === 0 || lastKey === null) {
      // Nothing was written, so nothing was sent to the warehouse (see openCopyTextBatch).
      if (heldBack) held(rest.low);
      return null;
    }
    const more = !heldBack && rows === config.batchSize && lastKey < range.high;
    let next: CopyPage | null = more ? read(rest.above(lastKey)) : null;
    try {
      await batch.commit();
    } catch (error) {
      await drop(next);
      next = null;
      await recoverOrThrow(plan, warehouse, error, ++failures);
      const committed = await warehouse.maxKey(plan.warehouse, plan.target.key);
      if (committed !== rest.low && committed !== lastKey) {
        // Rows another writer added hide where this run's batches end: the batch's own keys say
        // whether its commit landed, so the report counts exactly what this run inserted.
        if ((await warehouse.countKeys(plan.warehouse, plan.target.key, rest.upTo(lastKey))) === rows)
          loaded(rows, lastKey);
        throw new RunError(
          `after reconnecting, ${plan.warehouse.display} ends at key ${committed} where this run ` +
            `expected ${rest.low} or ${lastKey}; stopped (run verify)`,
        );
      }
      if (committed === rest.low) return read(rest);
    }
    failures = 0;
    rest = rest.above(lastKey);
    loaded(rows, lastKey);
    if (heldBack) held(lastKey);
    return next ?? (more ? read(rest) : null);
  };
  let page: CopyPage | null = read(rest);
  try {
    while (page !== null) {
      const current: CopyPage = page;
      yield async () => {
        page = await load(current);
      };
    }
  } finally {
    await drop(page);
  }
}

/** Reads the rest of a page without keeping it, and waits until it is done. */
async function drop(page: CopyPage | null): Promise<void> {
  page?.discard();
  await page?.done.catch(() => undefined);
}
