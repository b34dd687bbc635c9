/** Loading rows held in memory (late rows, new rows for a warehouse without a streaming path, repairs). */
import { ValueError } from '../errors';
import { KeyRange } from '../key-range';
import {
  failedCheckMessage,
  failsCheck,
  isZeroDateText,
  rowValueMessage,
  valueChecks,
  zeroDate,
} from '../value-checks';
import type { Warehouse } from '../warehouse/warehouse';
import type { Row } from '../rows';
import { keyOf, type TablePlan } from './plan';
import { recoverOrThrow } from './retry';

/** One batch of a load, read and loaded once the run's time budget allows (runBatches). */
export type Batch = () => Promise<void>;

/**
 * Does `batches` in order, asking `outOfTime` before each: true when all are done, false when
 * time ran out first (the rest are dropped unread where they can be).
 */
export async function runBatches(batches: AsyncGenerator<Batch>, outOfTime: () => boolean): Promise<boolean> {
  for await (const batch of batches) {
    if (outOfTime()) return false;
    await batch();
  }
  return true;
}

/** What a load of new rows tells the run: each batch committed, and where it was held back. */
export interface LoadProgress {
  loaded(rows: number, lastKey: bigint): void;
  /** The load stopped before a row whose source transaction stayed open; null: before its first row. */
  held(settledTo: bigint | null): void;
}

/**
 * The batches of rows `pages` reads, each loaded whole; `progress` hears of each committed one, and
 * of a page held back (Source.pages with a CommitWait), after which there is none.
 */
export async function* rowBatches(
  plan: TablePlan,
  warehouse: Warehouse,
  pages: AsyncGenerator<{ rows: Row[]; heldBack: boolean }>,
  progress: LoadProgress,
): AsyncGenerator<Batch> {
  let last: bigint | null = null;
  for await (const { rows, heldBack } of pages) {
    yield async () => {
      if (rows.length > 0) {
        last = keyOf(rows[rows.length - 1], plan.keyIndex);
        progress.loaded(await loadBatch(plan, warehouse, rows), last);
      }
      if (heldBack) progress.held(last);
    };
  }
}

/**
 * Loads one batch in one warehouse transaction and returns how many of its rows are now in the
 * warehouse. A transient fault (dropped connection, deadlock, lock timeout) rolls it back; after
 * reconnecting, rows the warehouse already has are dropped (the commit may have landed before the
 * connection died) and the rest retried with backoff.
 */
export async function loadBatch(plan: TablePlan, warehouse: Warehouse, rows: Row[]): Promise<number> {
  checkRows(plan, rows);
  let pending = rows;
  for (let attempt = 1; ; attempt++) {
    try {
      if (pending.length > 0) await warehouse.load(plan.target, pending);
      // Rows dropped after a fault were committed by this run's failed attempt (the run holds the lock).
      return rows.length;
    } catch (error) {
      await recoverOrThrow(plan, warehouse, error, attempt);
      const batch = new KeyRange(
        keyOf(pending[0], plan.keyIndex) - 1n,
        keyOf(pending[pending.length - 1], plan.keyIndex),
      );
      const present = new Set((await warehouse.listKeys(plan.warehouse, plan.target.key, batch)).map(String));
      pending = pending.filter((r) => !present.has(String(keyOf(r, plan.keyIndex))));
    }
  }
}

/** The last net for values no warehouse column can hold: rows committed in staging since the preflight looked. */
function checkRows(plan: TablePlan, rows: Row[]): void {
  for (const check of valueChecks(plan.pairs)) {
    for (const row of rows) {
      if (failsCheck(check.kind, row[check.index])) {
        throw new ValueError(
          `table ${plan.pair.label}: ` +
            `${failedCheckMessage(check, plan.sourceKey.name, String(keyOf(row, plan.keyIndex)), row[check.index])}`,
        );
      }
    }
  }
  for (const i of plan.dateIndexes) {
    for (const row of rows) {
      const v = row[i];
      if (typeof v === 'string' && isZeroDateText(v)) {
        const { what, why } = zeroDate(v);
        const key = String(keyOf(row, plan.keyIndex));
        const message = rowValueMessage(plan.sourceKey.name, key, what, plan.sourceColumns[i].name, why);
        throw new ValueError(`table ${plan.pair.label}: ${message}`);
      }
    }
  }
}
