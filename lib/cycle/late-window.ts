/**
 * The late window: the keys just below the watermark, compared key by key on both sides each run,
 * so that a row whose transaction committed after an earlier run moved past its key is still loaded.
 */
import type { SyncConfig } from '../config';
import { KeyRange } from '../key-range';
import { collectGarbage } from '../memory';
import type { Source } from '../source/source';
import type { Warehouse } from '../warehouse/warehouse';
import { loadBatch, type Batch } from './load';
import type { TablePlan } from './plan';

/** Late rows per warehouse transaction, at most: they are held in memory as rows. */
export const LATE_BATCH_ROWS = 10_000;

/** Keys per page of the late window's comparison: what one page holds in memory. */
export const LATE_PAGE_KEYS = 10_000;

/** The late window below `watermark`: the --late-window keys up to it. */
export function lateWindow(config: SyncConfig, watermark: bigint): KeyRange {
  return new KeyRange(watermark - BigInt(config.lateWindow), watermark);
}

/** Rows in the late window below `watermark` that the warehouse lacks (what a run would load as late). */
export async function countLateRows(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  watermark: bigint,
): Promise<number> {
  let late = 0;
  for await (const keys of lateKeyPages(plan, config, source, warehouse, watermark)) late += keys.length;
  return late;
}

/**
 * Keys in the window just below the watermark that the source has and the warehouse lacks, a page
 * at a time. Keys are compared one by one, never counts alone: a row deleted in staging and a late
 * row would cancel out in a count. Only a window where the source has every possible key and the
 * warehouse (cheaply counted, see Warehouse.countKeysAtLeast) at least as many rows is passed
 * without listing: the warehouse's keys there, unique, can only be those same keys.
 */
export async function* lateKeyPages(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  watermark: bigint,
): AsyncGenerator<bigint[]> {
  if (config.lateWindow === 0) return;
  const window = lateWindow(config, watermark);
  const [inSource, atLeast] = await Promise.all([
    source.countKeys(plan.source, plan.sourceKey, window),
    warehouse.countKeysAtLeast
      ? warehouse.countKeysAtLeast(plan.warehouse, plan.target.key, window)
      : warehouse.countKeys(plan.warehouse, plan.target.key, window),
  ]);
  if (inSource === config.lateWindow && atLeast >= inSource) return;
  for (let rest = window; !rest.empty;) {
    // The previous page's keys and rows were promoted while they waited on the databases.
    collectGarbage();
    const keys = await source.listKeys(plan.source, plan.sourceKey, rest, LATE_PAGE_KEYS);
    const page = keys.length < LATE_PAGE_KEYS ? rest : rest.upTo(keys[keys.length - 1]);
    const present = new Set((await warehouse.listKeys(plan.warehouse, plan.target.key, page)).map(String));
    const missing = keys.filter((k) => !present.has(String(k)));
    if (missing.length > 0) yield missing;
    rest = rest.above(page.high);
  }
}

/**
 * The batches that load the late rows below `watermark`, page by page: memory holds one page of keys
 * and one batch of rows, however many are late. Late rows are held as rows between the two sides (no
 * streaming path by key), so a batch of them is capped to keep memory flat whatever --batch-size
 * the new rows use. `loaded` hears of each committed batch.
 */
export async function* lateBatches(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  watermark: bigint,
  loaded: (rows: number) => void,
): AsyncGenerator<Batch> {
  const size = Math.min(config.batchSize, LATE_BATCH_ROWS);
  for await (const late of lateKeyPages(plan, config, source, warehouse, watermark)) {
    for (let i = 0; i < late.length; i += size) {
      yield async () => {
        const rows = await source.rowsByKeys(plan.source, plan.sourceColumns, plan.sourceKey, late.slice(i, i + size));
        loaded(await loadBatch(plan, warehouse, rows));
      };
    }
  }
}
