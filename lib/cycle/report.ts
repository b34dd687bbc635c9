/** What a run reports, per table and as a whole, and the hooks and options its caller gives it. */
import type { TablePlan } from './plan';

export type KeyJson = number | string | null;

export interface TableReport {
  table: string;
  watermarkBefore: KeyJson;
  watermarkAfter: KeyJson;
  /** Rows above the watermark, up to the source's high key at the start of the run. */
  newRows: number;
  inserted: number;
  /** Late rows found missing below the watermark and loaded. */
  repaired: number;
  batches: number;
  durationMs: number;
  rowsPerSecond: number;
  /** True when the time budget ended the run before the high key: run again to continue. */
  more: boolean;
  dryRun: boolean;
  /** True when another run held this table's writer lock. */
  skipped: boolean;
  sourceOnlyColumns: string[];
  /** Why the run stopped short of the high key other than its time budget (a source transaction still open). */
  heldBack?: string;
  /** --create-table: this run created the warehouse table. */
  createdTable?: boolean;
  /** --add-columns: columns this run added to the warehouse table (rows loaded before hold NULL there). */
  addedColumns?: string[];
  error?: string;
}

export interface SyncReport {
  ok: boolean;
  tables: TableReport[];
  /** Present when ok is false: one line naming what to fix. */
  error?: string;
  exitCode: 0 | 1 | 2;
}

/** What a run tells its log (lib/log.ts) as it goes: JSON-serialisable, no secrets. */
export type RunEvent =
  /** A table's cycle ended; its report as it stands. */
  | ({ event: 'table-synced' } & TableReport)
  /** Another run holds the table's writer lock; nothing written. */
  | { event: 'table-skipped'; table: string; reason: string }
  /** The run ended with an error (the report's one line). */
  | { event: 'run-failed'; error: string }
  /** The source user may not lock rows for reading: only the late window catches rows that commit late. */
  | { event: 'late-rows-unguarded'; table: string; reason: string }
  /** A source transaction kept keys above `settledTo` uncommitted: the run stopped below them. */
  | { event: 'uncommitted-source-rows'; table: string; settledTo: KeyJson; highKey: KeyJson; reason: string };

export interface SyncHooks {
  /** Called after each committed batch: rows loaded so far, and how far through the key range (0..1). */
  progress?(table: string, rowsLoaded: number, fraction: number): void;
  /** One structured event per notable step. */
  log?(event: RunEvent): void;
}

export interface RunOptions {
  /** Epoch ms after which no new batch starts. */
  deadline?: number | null;
  /** Asked before each batch: true ends the run cleanly with `more: true` (e.g. Lambda's remaining time). */
  outOfTime?: () => boolean;
  hooks?: SyncHooks;
  /** The caller exits right after the run: close connections without waiting for the servers. */
  exitsAfter?: boolean;
}

/** A key as JSON: a number while it is exact, else its decimal text. */
export function keyJson(key: bigint | null): KeyJson {
  if (key === null) return null;
  return key <= BigInt(Number.MAX_SAFE_INTEGER) && key >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(key)
    : key.toString();
}

export function emptyReport(plan: TablePlan, dryRun: boolean): TableReport {
  return {
    table: plan.pair.label,
    watermarkBefore: null,
    watermarkAfter: null,
    newRows: 0,
    inserted: 0,
    repaired: 0,
    batches: 0,
    durationMs: 0,
    rowsPerSecond: 0,
    more: false,
    dryRun,
    skipped: false,
    sourceOnlyColumns: plan.sourceOnly,
  };
}
