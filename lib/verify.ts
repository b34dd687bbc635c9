/**
 * `verify [--repair]`: compares source and warehouse over the whole key range without pulling every
 * row. Both sides compute, in SQL, a row count and checksum per bucket of keys; only buckets that
 * differ are split further, down to a per-row digest comparison on small ranges. Missing rows are
 * reported as key ranges (and loaded with --repair); rows that differ are reported by key and never
 * overwritten.
 */
import type { SyncConfig } from './config';
import { exitCodeOf, oneLine } from './errors';
import type { MySqlSource } from './source/mysql/mysql-source';
import { keyJson, loadBatch, planTables, withConnections, type KeyJson, type TablePlan, type TableReport } from './sync-cycle';
import type { RangeDigest, Warehouse } from './warehouse/warehouse';

export interface TableVerification {
  table: string;
  sourceRows: number;
  warehouseRows: number;
  /** Keys the source has and the warehouse lacks (before repair). */
  missing: number;
  missingRanges: string[];
  /** Keys present on both sides whose common columns differ. */
  differing: KeyJson[];
  /** Keys the warehouse has and the source lacks (deleted in staging; never propagated). */
  extra: number;
  repaired: number;
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
/** Ranges this narrow are compared row by row. */
const ROW_LEVEL_WIDTH = 2_000n;
const MAX_REPORTED_KEYS = 1_000;

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
    return { ok: false, tables: [], error: oneLine(error), exitCode: exitCodeOf(error) };
  }
}

async function verifyTable(plan: TablePlan, config: SyncConfig, source: MySqlSource, warehouse: Warehouse): Promise<TableVerification> {
  const result: TableVerification = {
    table: plan.pair.label, sourceRows: 0, warehouseRows: 0, missing: 0, missingRanges: [], differing: [], extra: 0, repaired: 0, inStep: true,
  };
  const [min, max, whMax] = await Promise.all([
    source.minKey(plan.source, plan.sourceKey),
    source.maxKey(plan.source, plan.sourceKey),
    warehouse.readWatermark(plan.warehouse, plan.target.key),
  ]);
  if (min === null || max === null) return result;
  const low = min - 1n;
  const high = whMax !== null && whMax > max ? whMax : max;
  const missing: bigint[] = [];
  const differing: bigint[] = [];

  const compare = async (lo: bigint, hi: bigint, width: bigint): Promise<void> => {
    const [s, w] = await Promise.all([
      source.rangeDigests(plan.source, plan.sourceKey, plan.pairs, lo, hi, width),
      warehouse.rangeDigests(plan.warehouse, plan.target.key, plan.pairs, lo, hi, width),
    ]);
    if (lo === low) {
      result.sourceRows = sum(s);
      result.warehouseRows = sum(w);
    }
    const wByLow = new Map(w.map((d) => [d.low, d]));
    const sByLow = new Map(s.map((d) => [d.low, d]));
    const lows = [...new Set([...sByLow.keys(), ...wByLow.keys()])].sort((a, b) => (a < b ? -1 : 1));
    for (const bucketLow of lows) {
      const a = sByLow.get(bucketLow);
      const b = wByLow.get(bucketLow);
      if (a && b && a.count === b.count && a.checksum === b.checksum) continue;
      const bucketHigh = bucketLow + width > hi ? hi : bucketLow + width;
      if (width <= ROW_LEVEL_WIDTH) {
        const [sr, wr] = await Promise.all([
          source.rowDigests(plan.source, plan.sourceKey, plan.pairs, bucketLow, bucketHigh),
          warehouse.rowDigests(plan.warehouse, plan.target.key, plan.pairs, bucketLow, bucketHigh),
        ]);
        for (const [key, digest] of sr) {
          const other = wr.get(key);
          if (other === undefined) missing.push(key);
          else if (other !== digest) differing.push(key);
        }
        for (const key of wr.keys()) if (!sr.has(key)) result.extra++;
      } else {
        const next = width / SPLIT > ROW_LEVEL_WIDTH ? width / SPLIT : ROW_LEVEL_WIDTH;
        await compare(bucketLow, bucketHigh, next);
      }
    }
  };
  const span = high - low;
  await compare(low, high, span / BUCKETS + 1n);

  missing.sort((a, b) => (a < b ? -1 : 1));
  differing.sort((a, b) => (a < b ? -1 : 1));
  result.missing = missing.length;
  result.missingRanges = toRanges(missing);
  result.differing = differing.slice(0, MAX_REPORTED_KEYS).map(keyJson);

  if (config.repair && missing.length > 0 && !config.dryRun) {
    const lock = await warehouse.lockWriter(plan.warehouse, config.lockWaitSeconds * 1000);
    if (lock) {
      try {
        const report = { batches: 0 } as TableReport;
        for (let i = 0; i < missing.length; i += config.batchSize) {
          const rows = await source.rowsByKeys(plan.source, plan.sourceColumns, plan.sourceKey, missing.slice(i, i + config.batchSize));
          result.repaired += await loadBatch(plan, warehouse, rows, report);
        }
      } finally {
        await lock.release();
      }
    }
  }
  result.inStep = result.missing - result.repaired === 0 && differing.length === 0;
  return result;
}

function sum(digests: RangeDigest[]): number {
  return digests.reduce((n, d) => n + d.count, 0);
}

/** [1,2,3,7,9,10] → ["1-3", "7", "9-10"]. */
export function toRanges(keys: bigint[]): string[] {
  const ranges: string[] = [];
  let start: bigint | null = null;
  let prev: bigint | null = null;
  for (const k of keys) {
    if (start !== null && prev !== null && k === prev + 1n) {
      prev = k;
      continue;
    }
    if (start !== null) ranges.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = k;
    prev = k;
  }
  if (start !== null) ranges.push(start === prev ? `${start}` : `${start}-${prev}`);
  return ranges;
}
