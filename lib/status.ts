/**
 * `status`: per table, the warehouse's watermark, the source's high key, the rows pending between
 * them and the late rows the next run's window would load below the watermark.
 */
import type { SyncConfig } from './config';
import { failedReport, failureOf } from './errors';
import { KeyRange } from './key-range';
import { withConnections } from './cycle/connections';
import { countLateRows } from './cycle/late-window';
import { planTables } from './cycle/plan';
import { keyJson, type KeyJson } from './cycle/report';

export interface TableStatus {
  table: string;
  watermark: KeyJson;
  sourceHighKey: KeyJson;
  /** Rows above the watermark, up to the source's high key: what the next run loads as new. */
  pending: number;
  /**
   * Present when there are any: rows in the late window below the watermark that the warehouse
   * lacks (the next run loads them).
   */
  late?: number;
}

export interface StatusReport {
  ok: boolean;
  tables: TableStatus[];
  error?: string;
  exitCode: 0 | 1 | 2;
}

export async function readStatus(config: SyncConfig): Promise<StatusReport> {
  try {
    return await withConnections(config, async (source, warehouse) => {
      const tables: TableStatus[] = [];
      for (const plan of await planTables(config, source, warehouse)) {
        const watermark = await warehouse.maxKey(plan.warehouse, plan.target.key);
        const high = await source.maxKey(plan.source, plan.sourceKey);
        const found = high === null ? null : new KeyRange(watermark, high);
        const pending = found === null || found.empty ? 0 : await source.countKeys(plan.source, plan.sourceKey, found);
        const late = watermark === null ? 0 : await countLateRows(plan, config, source, warehouse, watermark);
        tables.push({
          table: plan.pair.label,
          watermark: keyJson(watermark),
          sourceHighKey: keyJson(high),
          pending,
          ...(late > 0 ? { late } : {}),
        });
      }
      return { ok: true, tables, exitCode: 0 as const };
    });
  } catch (error) {
    return failedReport(failureOf(error));
  }
}
