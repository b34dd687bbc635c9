/**
 * `run`: one watermark-extract-load cycle per table, in order:
 *   1. watermark: under the table's writer lock, read the warehouse's largest key and the source's
 *      high key;
 *   2. extract the late rows the window just below the watermark lacks, and every row above the
 *      watermark with locking reads that wait for source transactions still holding keys there, so
 *      the run stops below a row that can still commit;
 *   3. load them in batches, each inserted and committed in one warehouse transaction, so the
 *      watermark advances atomically with the data.
 * Before each batch the run asks whether its time budget is spent; it then stops with `more: true`.
 */
import type { SyncConfig } from './config';
import { failedReport, failureOf } from './errors';
import { KeyRange } from './key-range';
import { steadyYoungGeneration } from './memory';
import { dropCreatedTables, prepareWarehouseTables } from './schema/prepare-tables';
import type { CommitWait, Source } from './source/source';
import type { Warehouse } from './warehouse/warehouse';
import { withConnections } from './cycle/connections';
import { countLateRows, lateBatches } from './cycle/late-window';
import { rowBatches, runBatches, type Batch } from './cycle/load';
import { planTables, type TablePlan } from './cycle/plan';
import { emptyReport, keyJson, type RunOptions, type SyncReport, type TableReport } from './cycle/report';
import { commitWait, heldRows } from './cycle/settle';
import { streamedBatches } from './cycle/stream';

export type { RunEvent, RunOptions, SyncHooks, SyncReport, TableReport } from './cycle/report';

/** `run`: one cycle per table, in order. Stops at the first table that fails. */
export async function runSync(config: SyncConfig, options: RunOptions = {}): Promise<SyncReport> {
  const tables: TableReport[] = [];
  let finished = false;
  try {
    return await withConnections(
      config,
      async (source, warehouse) => {
        await syncTables(config, source, warehouse, options, tables);
        finished = true;
        return { ok: true, tables, exitCode: 0 as const };
      },
      options.exitsAfter,
    );
  } catch (error) {
    const failure = failureOf(error);
    // The table whose cycle failed is the last one started.
    if (!finished && tables.length > 0) tables[tables.length - 1].error = failure.message;
    options.hooks?.log?.({ event: 'run-failed', error: failure.message });
    return { ...failedReport(failure), tables };
  }
}

/** The cycles over open connections; each table's report is added to `tables` as its cycle starts. */
export async function syncTables(
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  options: RunOptions,
  tables: TableReport[],
): Promise<void> {
  const changes = await prepareWarehouseTables(config, source, warehouse);
  const plans = await planTables(config, source, warehouse).catch(async (error: unknown) => {
    await dropCreatedTables(config, warehouse, changes);
    throw error;
  });
  for (const plan of plans) {
    const report: TableReport = { ...emptyReport(plan, config.dryRun), ...changes.get(plan.pair.label) };
    tables.push(report);
    await syncTable(plan, config, source, warehouse, report, options);
    options.hooks?.log?.({ event: 'table-synced', ...report });
  }
}

async function syncTable(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  report: TableReport,
  options: RunOptions,
): Promise<void> {
  const started = Date.now();
  const deadline = options.deadline ?? null;
  // Waiting for another run's lock spends this run's budget too: never past its deadline.
  const lockWaitMs = Math.max(0, Math.min(config.lockWaitSeconds * 1000, (deadline ?? Infinity) - started));
  const lock = config.dryRun ? null : await warehouse.lockWriter(plan.warehouse, lockWaitMs);
  if (!config.dryRun && !lock) {
    report.skipped = true;
    options.hooks?.log?.({
      event: 'table-skipped',
      table: plan.pair.label,
      reason: 'another run holds the writer lock',
    });
    return;
  }
  try {
    // 1. The watermark, the new rows above it, and how far this run may go.
    const step = await watermarkStep(plan, config, source, warehouse, report, options);
    if (step === null) return;
    const { watermark, found, load, wait } = step;
    // New rows are counted only when the run will not load them all: a complete run loads exactly
    // the rows it found, so its count is what it inserted (a COUNT reads every new row's key).
    // Rows held back behind an open transaction are new rows too.
    const countFound = async () => (found.empty ? 0 : source.countKeys(plan.source, plan.sourceKey, found));
    if (watermark !== null) steadyYoungGeneration();
    if (config.dryRun) {
      if (watermark !== null) report.repaired = await countLateRows(plan, config, source, warehouse, watermark);
      report.newRows = await countFound();
      return;
    }
    // 2 and 3. Extract and load, batch by batch: the late rows, then the new rows.
    const outOfTime = () => (deadline !== null && Date.now() >= deadline) || (options.outOfTime?.() ?? false);
    const phase = { newRows: false };
    try {
      if (
        !(await runBatches(
          batches(plan, config, source, warehouse, report, { watermark, load, wait }, phase, options),
          outOfTime,
        ))
      )
        report.more = true;
    } catch (error) {
      // A failed load of new rows still reports how many it found (batches before the failure
      // committed); a source that cannot count any more leaves the rows this run inserted, a floor.
      if (phase.newRows) report.newRows = await countFound().catch(() => Math.max(report.newRows, report.inserted));
      throw error;
    }
    report.newRows = report.more ? await countFound() : report.inserted;
  } finally {
    report.durationMs = Math.max(1, Date.now() - started);
    report.rowsPerSecond = Math.round(((report.inserted + report.repaired) * 1000) / report.durationMs);
    await lock?.release();
  }
}

/**
 * Step 1: the watermark and the source's high key (read at once: neither depends on the other).
 * `found` holds the new rows above the watermark; `load` is what this run loads of them (null when
 * nothing), read with `wait` (see commitWait) unless the source user may not lock rows or the run
 * is dry (it moves nothing, so it waits for no writer). Null when the source is empty.
 */
async function watermarkStep(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  report: TableReport,
  options: RunOptions,
): Promise<{ watermark: bigint | null; found: KeyRange; load: KeyRange | null; wait?: CommitWait } | null> {
  const [watermark, highKey, locking] = await Promise.all([
    warehouse.maxKey(plan.warehouse, plan.target.key),
    source.maxKey(plan.source, plan.sourceKey),
    config.dryRun ? false : source.locksRows(plan.source, plan.sourceKey),
  ]);
  report.watermarkBefore = keyJson(watermark);
  report.watermarkAfter = keyJson(watermark);
  if (highKey === null) return null;
  const found = new KeyRange(watermark, highKey);
  if (!config.dryRun && !locking) {
    options.hooks?.log?.({
      event: 'late-rows-unguarded',
      table: plan.pair.label,
      reason:
        'the source user may not lock rows for reading (grant UPDATE or LOCK TABLES on the ' +
        'table); only the late window re-checks',
    });
  }
  const wait = locking ? commitWait(config, options.deadline ?? null) : undefined;
  return { watermark, found, load: found.empty ? null : found, wait };
}

/**
 * A page of new rows ended before a row whose source transaction stayed open past the wait: the run
 * stops at `settledTo` (the last key loaded, or the watermark), reports `more` and says which writer
 * it waited for.
 */
function heldBackAt(
  plan: TablePlan,
  report: TableReport,
  options: RunOptions,
  settledTo: bigint | null,
  highKey: bigint,
  waitS: number,
): void {
  report.more = true;
  const waited = `(waited ${Math.floor(waitS)} s)`;
  report.heldBack = `${heldRows(settledTo)}; the run stopped below them ${waited}, run again to continue`;
  options.hooks?.log?.({
    event: 'uncommitted-source-rows',
    table: plan.pair.label,
    settledTo: keyJson(settledTo),
    highKey: keyJson(highKey),
    reason: `${heldRows(settledTo)} ${waited}; the run stops below them and the next run goes on`,
  });
}

/**
 * Steps 2 and 3 as batches: the late rows below the watermark, then the new rows in `load`, through
 * the warehouse's streaming path when it has one, as rows otherwise.
 */
async function* batches(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  report: TableReport,
  { watermark, load, wait }: { watermark: bigint | null; load: KeyRange | null; wait?: CommitWait },
  phase: { newRows: boolean },
  options: RunOptions,
): AsyncGenerator<Batch> {
  if (watermark !== null) {
    yield* lateBatches(plan, config, source, warehouse, watermark, (rows) => {
      report.repaired += rows;
      report.batches++;
    });
  }
  if (load === null) return;
  const low = load.low ?? (await source.minKey(plan.source, plan.sourceKey))! - 1n;
  const span = Number(load.high - low);
  const loaded = (rows: number, lastKey: bigint) => {
    report.inserted += rows;
    report.batches++;
    report.watermarkAfter = keyJson(lastKey);
    options.hooks?.progress?.(plan.pair.label, report.inserted, Number(lastKey - low) / span);
  };
  const held = (settledTo: bigint | null) =>
    heldBackAt(plan, report, options, settledTo ?? load.low, load.high, wait?.seconds() ?? 0);
  phase.newRows = true;
  yield* warehouse.openCopyTextBatch
    ? streamedBatches(plan, config, source, warehouse, load, { loaded, held }, wait)
    : rowBatches(
        plan,
        warehouse,
        source.pages(plan.source, plan.sourceColumns, plan.sourceKey, load, config.batchSize, wait),
        { loaded, held },
      );
}
