/**
 * `verify [--repair]`: compares source and warehouse over the whole key range without pulling every
 * row. Both sides compute, in SQL, a row count and checksum per bucket of keys; only buckets that
 * differ are split further, down to a per-row digest comparison on small ranges. Missing rows are
 * reported as key ranges (and loaded with --repair); rows that differ are reported by key and never
 * overwritten. Duplicated and NULL keys are counted on both sides in SQL: a doubled row is the one
 * failure the product exists to prevent, so it is never "in step".
 *
 * Memory stays bounded whatever the table's size or the number of differences: buckets are
 * compared a few dozen at a time, missing keys are kept only as a count, a capped list of ranges
 * for the report and the (merged) key ranges that hold them, never one by one.
 *
 * --repair runs after the comparison, under the table's writer lock: once it holds the lock it
 * looks again, range by range, at which keys are missing (a run or another repair may have loaded
 * them meanwhile) and loads only those. Nobody else writes while it holds the lock, so nothing it
 * loads can be there twice.
 */
import { rowsIn } from './canonical';
import type { SyncConfig } from './config';
import { failedReport, failureOf, oneLine, RunError } from './errors';
import { KeyRange, type KeyStats } from './key-range';
import type { Source } from './source/source';
import { collectGarbage, steadyYoungGeneration } from './memory';
import { withConnections } from './cycle/connections';
import { loadBatch } from './cycle/load';
import { planTables, type TablePlan } from './cycle/plan';
import { keyJson, type KeyJson } from './cycle/report';
import { heldRows, settleAbove } from './cycle/settle';
import { fillBatch } from './cycle/stream';
import type { Warehouse } from './warehouse/warehouse';

export interface TableVerification {
  table: string;
  /** All rows on each side, including rows with a NULL key. */
  sourceRows: number;
  warehouseRows: number;
  /** Keys the source has and the warehouse lacks (before repair). */
  missing: number;
  /** Those keys as ranges, ascending; at most MAX_REPORTED_RANGES (missingRangesTruncated says so). */
  missingRanges: string[];
  missingRangesTruncated?: boolean;
  /** Keys present on both sides whose common columns differ (at most MAX_REPORTED_KEYS listed). */
  differing: KeyJson[];
  differingCount?: number;
  /** Rows the warehouse has under keys the source lacks (deleted in staging; never propagated). */
  extra: number;
  /** Rows beyond the first of each duplicated key: rows that are doubled. */
  sourceDuplicates: number;
  warehouseDuplicates: number;
  /** The smallest duplicated keys on each side. */
  sourceDuplicateKeys: KeyJson[];
  warehouseDuplicateKeys: KeyJson[];
  sourceNullKeys: number;
  warehouseNullKeys: number;
  repaired: number;
  /** Why --repair loaded nothing although rows were missing. */
  repairSkipped?: string;
  inStep: boolean;
}

export interface VerifyReport {
  ok: boolean;
  tables: TableVerification[];
  error?: string;
  exitCode: 0 | 1 | 2;
}

const BUCKETS = 64n;
const SPLIT = 16n;
/**
 * Ranges this narrow are compared row by row: at most this many keys' digests per side in memory.
 * Wide enough that a warehouse without an index on the key (each range query a full scan) is not
 * scanned a thousand times for a million rows with scattered differences: each narrower range is
 * one more full scan.
 */
const ROW_LEVEL_WIDTH = 16_384n;
const MAX_REPORTED_KEYS = 1_000;
const MAX_REPORTED_RANGES = 1_000;
/** Keys looked at per step of a repair (source and warehouse key lists of at most this many). */
const REPAIR_SPAN = 20_000n;
/** Rows per repair batch fetched by key, at most: they are held in memory between the two sides. */
const REPAIR_BATCH = 2_000;
/** Missing keys in a row from which a repair streams them rather than fetching rows by key. */
const STREAM_MIN = 1_000;

export async function verify(config: SyncConfig): Promise<VerifyReport> {
  try {
    return await withConnections(config, async (source, warehouse) => {
      const tables: TableVerification[] = [];
      for (const plan of await planTables(config, source, warehouse)) {
        tables.push(await verifyTable(plan, config, source, warehouse));
      }
      const inStep = tables.every((t) => t.inStep);
      return { ok: inStep, tables, exitCode: inStep ? 0 : 1 } as VerifyReport;
    });
  } catch (error) {
    return failedReport(failureOf(error));
  }
}

/** Key ranges, added in ascending order and kept merged: the ranges a repair must look at again. */
class RangeList {
  readonly ranges: KeyRange[] = [];
  add(range: KeyRange): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last && last.high >= range.low!)
      this.ranges[this.ranges.length - 1] = last.upTo(range.high > last.high ? range.high : last.high);
    else this.ranges.push(range);
  }
}

/** Missing keys, seen in ascending order, as a count and at most MAX_REPORTED_RANGES ranges. */
class MissingKeys {
  count = 0;
  readonly ranges: string[] = [];
  truncated = false;
  private start: bigint | null = null;
  private prev: bigint | null = null;
  add(key: bigint): void {
    this.count++;
    if (this.prev !== null && key === this.prev + 1n) {
      this.prev = key;
      return;
    }
    this.flush();
    this.start = key;
    this.prev = key;
  }
  finish(): string[] {
    this.flush();
    return this.ranges;
  }
  private flush(): void {
    if (this.start === null || this.prev === null) return;
    if (this.ranges.length < MAX_REPORTED_RANGES)
      this.ranges.push(this.start === this.prev ? `${this.start}` : `${this.start}-${this.prev}`);
    else this.truncated = true;
    this.start = null;
  }
}

async function verifyTable(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
): Promise<TableVerification> {
  steadyYoungGeneration();
  const [sourceStats, warehouseStats] = await Promise.all([
    source.keyStats(plan.source, plan.sourceKey),
    warehouse.keyStats(plan.warehouse, plan.target.key),
  ]);
  const result: TableVerification = {
    table: plan.pair.label,
    sourceRows: sourceStats.rows,
    warehouseRows: warehouseStats.rows,
    missing: 0,
    missingRanges: [],
    differing: [],
    extra: 0,
    sourceDuplicates: sourceStats.duplicateRows,
    warehouseDuplicates: warehouseStats.duplicateRows,
    sourceDuplicateKeys: sourceStats.duplicateSample.map(keyJson),
    warehouseDuplicateKeys: warehouseStats.duplicateSample.map(keyJson),
    sourceNullKeys: sourceStats.nullKeys,
    warehouseNullKeys: warehouseStats.nullKeys,
    repaired: 0,
    inStep: true,
  };
  const span = keySpan(sourceStats, warehouseStats);
  const missing = new MissingKeys();
  const toRepair = new RangeList();
  let differingCount = 0;

  if (span) {
    const rowLevel = async (range: KeyRange): Promise<void> => {
      collectGarbage();
      const [sr, wr] = await Promise.all([
        source.rowDigests(plan.source, plan.sourceKey, plan.pairs, range),
        warehouse.rowDigests(plan.warehouse, plan.target.key, plan.pairs, range),
      ]);
      let lacking = false;
      for (const key of [...sr.keys()].sort(ascending)) {
        const theirs = wr.get(key);
        if (theirs === undefined) {
          missing.add(key);
          lacking = true;
        } else if (!sameDigests(sr.get(key)!, theirs)) {
          if (differingCount++ < MAX_REPORTED_KEYS) result.differing.push(keyJson(key));
        }
      }
      for (const [key, digests] of wr) if (!sr.has(key)) result.extra += rowsIn(digests);
      if (lacking) toRepair.add(range);
    };
    const compare = async (range: KeyRange, width: bigint): Promise<void> => {
      const [s, w] = await Promise.all([
        source.rangeDigests(plan.source, plan.sourceKey, plan.pairs, range, width),
        warehouse.rangeDigests(plan.warehouse, plan.target.key, plan.pairs, range, width),
      ]);
      const wByLow = new Map(w.map((d) => [d.low, d]));
      const sByLow = new Map(s.map((d) => [d.low, d]));
      const lows = [...new Set([...sByLow.keys(), ...wByLow.keys()])].sort(ascending);
      for (const bucketLow of lows) {
        const a = sByLow.get(bucketLow);
        const b = wByLow.get(bucketLow);
        if (a && b && a.count === b.count && a.checksum === b.checksum) continue;
        const bucket = new KeyRange(bucketLow, bucketLow + width > range.high ? range.high : bucketLow + width);
        if (!b && (a!.count <= Number(REPAIR_SPAN) || width <= ROW_LEVEL_WIDTH)) {
          // Nothing of this range in the warehouse: every source key is missing; no digests needed.
          for (const key of await source.listKeys(plan.source, plan.sourceKey, bucket)) missing.add(key);
          toRepair.add(bucket);
        } else if (!a && b) {
          result.extra += b.count;
        } else if (width <= ROW_LEVEL_WIDTH) {
          // Both sides have rows here (a range without warehouse rows was listed above).
          await rowLevel(bucket);
        } else {
          const next = width / SPLIT > ROW_LEVEL_WIDTH ? width / SPLIT : ROW_LEVEL_WIDTH;
          await compare(bucket, next);
        }
      }
    };
    await compare(span, span.size / BUCKETS + 1n);
  }

  result.missing = missing.count;
  result.missingRanges = missing.finish();
  if (missing.truncated) result.missingRangesTruncated = true;
  if (differingCount > MAX_REPORTED_KEYS) result.differingCount = differingCount;

  let stillMissing = missing.count;
  if (config.repair && !config.dryRun && missing.count > 0) {
    const repair = await repairMissing(plan, config, source, warehouse, sourceStats, toRepair.ranges);
    result.repaired = repair.loaded;
    if (repair.skipped) result.repairSkipped = repair.skipped;
    else stillMissing = 0;
  }
  result.inStep =
    stillMissing === 0 &&
    differingCount === 0 &&
    result.sourceDuplicates === 0 &&
    result.warehouseDuplicates === 0 &&
    result.sourceNullKeys === 0 &&
    result.warehouseNullKeys === 0;
  return result;
}

/**
 * Loads what is missing in `ranges`, under the writer lock, looking again at each range once the
 * lock is held. Holds at most REPAIR_SPAN keys of each side and REPAIR_BATCH rows at a time. A run
 * of at least STREAM_MIN missing keys goes through the warehouse's streaming path when it has one
 * (as COPY text, never held as rows), the rest as rows fetched by key.
 */
async function repairMissing(
  plan: TablePlan,
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
  sourceStats: KeyStats,
  ranges: KeyRange[],
): Promise<{ loaded: number; skipped?: string }> {
  if (sourceStats.duplicateRows > 0 || sourceStats.nullKeys > 0) {
    return {
      loaded: 0,
      skipped: `the source key ${plan.sourceKey.name} is not unique and NOT NULL; repairing would double rows`,
    };
  }
  const lock = await warehouse.lockWriter(plan.warehouse, config.lockWaitSeconds * 1000);
  if (!lock)
    return {
      loaded: 0,
      skipped: 'another run holds the writer lock; run verify --repair again, or give it --lock-wait',
    };
  let loaded = 0;
  let held: string | undefined;
  const batchSize = Math.min(config.batchSize, REPAIR_BATCH);
  let byKey: bigint[] = [];
  const loadByKey = async () => {
    for (let i = 0; i < byKey.length; i += batchSize) {
      const rows = await source.rowsByKeys(
        plan.source,
        plan.sourceColumns,
        plan.sourceKey,
        byKey.slice(i, i + batchSize),
      );
      loaded += await loadBatch(plan, warehouse, rows);
    }
    byKey = [];
  };
  /** Missing keys `run`, all the source has in (after, last key of run]. */
  const loadRun = async (after: bigint, run: bigint[]) => {
    if (warehouse.openCopyTextBatch && run.length >= STREAM_MIN) {
      loaded += await streamRange(plan, source, warehouse, new KeyRange(after, run[run.length - 1]), config.batchSize);
    } else {
      byKey.push(...run);
      if (byKey.length >= batchSize) await loadByKey();
    }
  };
  try {
    // Above the warehouse's largest key a repair moves the watermark, as a run does, so it must not
    // pass a source key whose transaction may still commit: that row would land below the next
    // run's watermark, out of its sight. The same locking read as the run's decides how far it goes.
    const watermark = await warehouse.maxKey(plan.warehouse, plan.target.key);
    const top = ranges.length ? ranges[ranges.length - 1].high : null;
    let limit: bigint | null = top;
    if (top !== null && (watermark === null || top > watermark)) {
      ({ settledTo: limit } = await settleAbove(plan, config, source, new KeyRange(watermark, top), null));
      if (limit !== top) {
        held = `${heldRows(limit ?? watermark)}; they are left for the next run or repair`;
      }
    }
    for (const whole of ranges) {
      if (limit === null || whole.low! >= limit) break;
      const high = whole.high > limit ? limit : whole.high;
      for (let from = whole.low!; from < high; from += REPAIR_SPAN) {
        const step = new KeyRange(from, from + REPAIR_SPAN < high ? from + REPAIR_SPAN : high);
        collectGarbage();
        if (warehouse.openCopyTextBatch && (await warehouse.countKeys(plan.warehouse, plan.target.key, step)) === 0) {
          // Nothing of this range in the warehouse: streamed whole, without listing its keys.
          loaded += await streamRange(plan, source, warehouse, step, config.batchSize);
          continue;
        }
        const [sourceKeys, present] = await Promise.all([
          source.listKeys(plan.source, plan.sourceKey, step),
          warehouse.listKeys(plan.warehouse, plan.target.key, step),
        ]);
        // Sorted here, not trusted to come sorted (PostgreSQL's listKeys orders its text); then one
        // merge walk finds the runs of source keys the warehouse lacks.
        sourceKeys.sort(ascending);
        present.sort(ascending);
        let after = from;
        let run: bigint[] = [];
        let p = 0;
        for (const key of sourceKeys) {
          while (p < present.length && present[p] < key) p++;
          if (p >= present.length || present[p] !== key) {
            run.push(key);
            continue;
          }
          if (run.length) await loadRun(after, run);
          run = [];
          after = key;
        }
        if (run.length) await loadRun(after, run);
      }
    }
    await loadByKey();
  } finally {
    await lock.release();
  }
  return held ? { loaded, skipped: held } : { loaded };
}

/**
 * Every source row with key in `range` (all missing from the warehouse; the caller holds the
 * writer lock), as COPY text in batches of `batchSize`, each committed whole. A failed batch is
 * rolled back and ends the repair with its error: a batch whose COMMIT reply was lost is found
 * present by the next repair, never loaded twice.
 */
async function streamRange(
  plan: TablePlan,
  source: Source,
  warehouse: Warehouse,
  range: KeyRange,
  batchSize: number,
): Promise<number> {
  let loaded = 0;
  for (let rest = range; ;) {
    const page = source.copyPage(plan.source, plan.sourceColumns, plan.sourceKey, rest, batchSize);
    const { batch, rows, lastKey } = await fillBatch(plan, warehouse, page);
    if (rows === 0 || lastKey === null) return loaded;
    try {
      await batch.commit();
    } catch (error) {
      throw new RunError(`repairing ${plan.pair.label} in ${plan.warehouse.display} failed: ${oneLine(error)}`);
    }
    loaded += rows;
    if (rows < batchSize || lastKey >= range.high) return loaded;
    rest = rest.above(lastKey);
  }
}

/** The keys covering every non-NULL key on both sides, or null when both are empty. */
function keySpan(a: KeyStats, b: KeyStats): KeyRange | null {
  const mins = [a.min, b.min].filter((k): k is bigint => k !== null);
  const maxes = [a.max, b.max].filter((k): k is bigint => k !== null);
  if (mins.length === 0 || maxes.length === 0) return null;
  return new KeyRange(
    mins.reduce((x, y) => (y < x ? y : x)) - 1n,
    maxes.reduce((x, y) => (y > x ? y : x)),
  );
}

/** Same rows under one key: the same set of digests (extra copies are counted as duplicates). */
function sameDigests(a: string, b: string): boolean {
  if (a === b) return true;
  const x = new Set(a.split(','));
  const y = new Set(b.split(','));
  return x.size === y.size && [...x].every((d) => y.has(d));
}

function ascending(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
