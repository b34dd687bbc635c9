/**
 * One watermark-extract-load cycle per table:
 *   1. read the watermark (largest key) from the warehouse, under the table's writer lock;
 *   2. extract from MySQL every row above it, up to the source's high key fixed at the start;
 *   3. load them in batches, each inserted and committed in one warehouse transaction, so the
 *      watermark advances atomically with the data.
 * MySQL AUTO_INCREMENT keys become visible out of order: before step 2 the run waits, with a
 * locking read, for source transactions still holding keys up to the high key, and goes no further
 * than the keys proven committed (settledHighKey). As a second net it compares, key by key, a window
 * of keys just below the watermark and loads rows found missing there (lateKeyPages).
 */
import { matchColumns, unprovenKey, type Column, type ColumnPair } from './columns';
import { failedCheckMessage, failsCheck, valueChecks } from './value-checks';
import type { SyncConfig, TablePair } from './config';
import { ConnectionError, oneLine, RunError, SchemaError, SyncError, ValueError, exitCodeOf } from './errors';
import { KeyRange } from './key-range';
import { MySqlSource } from './source/mysql/mysql-source';
import type { CopyPage, Source, SourceTable } from './source/source';
import { collectGarbage, steadyYoungGeneration } from './memory';
import { openWarehouse } from './warehouse/open-warehouse';
import { dropCreatedTables, missingTableMessage, prepareWarehouseTables, withAlterHints } from './schema/prepare-tables';
import { ddlDialect } from './schema/table-ddl';
import type { Dialect } from './schema/type-map';
import type { LoadTarget, Row, Warehouse, WarehouseTable } from './warehouse/warehouse';

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

/** Everything one table's cycle needs, resolved and checked before anything is written. */
export interface TablePlan {
  pair: TablePair;
  source: SourceTable;
  warehouse: WarehouseTable;
  /** Source columns to read, in order; `target.columns` are where they land. */
  sourceColumns: Column[];
  sourceKey: Column;
  target: LoadTarget;
  pairs: ColumnPair[];
  sourceOnly: string[];
  /** Indexes (in row order) of date/timestamp columns, checked for MySQL zero dates. */
  dateIndexes: number[];
  keyIndex: number;
}

const MAX_ATTEMPTS = 5;

export function keyJson(key: bigint | null): KeyJson {
  if (key === null) return null;
  return key <= BigInt(Number.MAX_SAFE_INTEGER) && key >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(key) : key.toString();
}

/** Opens both databases, runs `work`, and always closes them (`detach`: see Warehouse.close). */
export async function withConnections<T>(
  config: SyncConfig, work: (source: Source, warehouse: Warehouse) => Promise<T>, detach = false,
): Promise<T> {
  // Both connections at once: their handshakes are most of a small run's fixed cost. The warehouse
  // is dialled first: its server starts a session (~5 ms for PostgreSQL's new backend) while mysql2
  // initialises (~8 ms), which would otherwise come first, as both load on the one JS thread.
  // Settled at once: a warehouse that fails before the yield below (no DB2 driver, a missing
  // sslrootcert, a closed port) would otherwise be a rejection nobody handles yet, which kills the process.
  const warehouseOpening = settled(openWarehouse(config.warehouse));
  await new Promise((resolve) => setImmediate(resolve));
  const [opened, openedWarehouse] = await Promise.all([settled(MySqlSource.open(config.source)), warehouseOpening]);
  if (opened.status === 'rejected' || openedWarehouse.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    if (openedWarehouse.status === 'fulfilled') await openedWarehouse.value.close();
    throw opened.status === 'rejected' ? opened.reason : (openedWarehouse as PromiseRejectedResult).reason;
  }
  const source = opened.value;
  const warehouse = openedWarehouse.value;
  // Rows are written only under a table's writer lock: before the first lock is asked for, nothing was.
  let locking = false;
  const lockWriter = warehouse.lockWriter.bind(warehouse);
  warehouse.lockWriter = (table, waitMs) => {
    locking = true;
    return lockWriter(table, waitMs);
  };
  try {
    return await work(source, warehouse);
  } catch (error) {
    throw await namedConnectionLoss(error, config, source, locking);
  } finally {
    await Promise.all([source.close(detach), warehouse.close(detach)]);
  }
}

/**
 * A connection lost where no step named it (e.g. while tables are checked) reaches here as the
 * driver's bare words; they say neither which database nor what to do. The source is asked once
 * whether it still answers: if it does, the warehouse is the one that went.
 */
async function namedConnectionLoss(error: unknown, config: SyncConfig, source: Source, mayHaveWritten: boolean): Promise<unknown> {
  if (error instanceof SyncError) return error;
  const e = error as { fatal?: unknown; code?: unknown; message?: unknown };
  // Only a lost connection: a lock timeout or deadlock (also transient) is its own message already.
  const lost = e.fatal === true || ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE'].includes(String(e.code)) ||
    /Connection lost|Connection terminated|connection is closed|Client was closed|closed state/i.test(String(e.message ?? ''));
  if (!lost) return error;
  const sourceAnswers = await source.answers();
  const [role, target] = sourceAnswers ? ['warehouse', config.warehouse] : ['source', config.source];
  const what = `lost the connection to the ${role} (${target.redacted}): ${oneLine(error)}; check that it is up and reachable from here ` +
    `(a restart, a network cut or a proxy's idle timeout ends sessions), then run again`;
  return mayHaveWritten ? new RunError(`${what}: whole batches already committed stay`) : new ConnectionError(`${what}; nothing was written`);
}

/** The outcome of `promise`, observed from now on, so its rejection is never unhandled. */
function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason: unknown) => ({ status: 'rejected', reason }) as const,
  );
}

/** Resolves every table and checks every column before anything is written; throws SchemaError listing all problems. */
export async function planTables(config: SyncConfig, source: Source, warehouse: Warehouse): Promise<TablePlan[]> {
  const problems: string[] = [];
  const plans: TablePlan[] = [];
  for (const pair of config.tables) {
    const [s, w] = await Promise.all([source.describeTable(pair.source), warehouse.describeTable(pair.warehouse)]);
    if (!s) problems.push(`table ${pair.label}: source table ${fmt(pair.source)} not found in ${config.source.redacted}`);
    if (!w) problems.push(missingTableMessage(pair.label, fmt(pair.warehouse), config));
    if (!s || !w) continue;
    const match = matchColumns(s.columns, w.columns, config.key);
    if (match.problems.length) {
      const hinted = withAlterHints(await ddlDialect(warehouse.kind as Dialect), w, match);
      problems.push(...hinted.map((p) => `table ${pair.label}: ${p}`));
      continue;
    }
    const keyPair = match.pairs.find((p) => p.source.name.toLowerCase() === config.key.toLowerCase())!;
    const keyIndex = match.pairs.indexOf(keyPair);
    // Only what writes needs a proven key: verify without --repair counts duplicated and NULL keys.
    const writes = config.command === 'run' || config.repair;
    const unproven = writes ? unprovenKey(keyPair.source, s.uniqueColumns) : null;
    if (unproven) {
      problems.push(`table ${pair.label}: ${unproven}`);
      continue;
    }
    const checks = writes ? valueChecks(match.pairs) : [];
    if (checks.length > 0) {
      // The rows this command may load: a run those above its late window (the watermark read
      // again under the lock can only be higher), a repair any row.
      const watermark = config.command === 'run' ? await warehouse.maxKey(w, keyPair.warehouse) : null;
      const after = watermark === null ? null : watermark - BigInt(config.lateWindow);
      const failing = await source.firstFailingRow(s, keyPair.source, checks, after);
      if (failing) {
        problems.push(`table ${pair.label}: ${failedCheckMessage(failing.check, keyPair.source.name, failing.key, failing.value)}`);
        continue;
      }
    }
    plans.push({
      pair,
      source: s,
      warehouse: w,
      sourceColumns: match.pairs.map((p) => p.source),
      sourceKey: keyPair.source,
      target: { table: w, columns: match.pairs.map((p) => p.warehouse), key: keyPair.warehouse },
      pairs: match.pairs,
      sourceOnly: match.sourceOnly,
      dateIndexes: match.pairs.flatMap((p, i) => (['date', 'timestamp'].includes(p.source.type.kind) ? [i] : [])),
      keyIndex,
    });
  }
  if (problems.length) throw new SchemaError(problems.length === 1 ? problems[0] : problems.join('; '));
  return plans;
}

/** `run`: one cycle per table, in order. Stops at the first table that fails. */
export async function runSync(config: SyncConfig, options: RunOptions = {}): Promise<SyncReport> {
  const tables: TableReport[] = [];
  let current: TableReport | undefined;
  try {
    return await withConnections(config, async (source, warehouse) => {
      const changes = await prepareWarehouseTables(config, source, warehouse);
      const plans = await planTables(config, source, warehouse).catch(async (error: unknown) => {
        await dropCreatedTables(config, warehouse, changes);
        throw error;
      });
      for (const plan of plans) {
        current = { ...emptyReport(plan, config), ...changes.get(plan.pair.label) };
        tables.push(current);
        await syncTable(plan, config, source, warehouse, current, options);
        options.hooks?.log?.({ event: 'table-synced', ...current });
      }
      current = undefined;
      return { ok: true, tables, exitCode: 0 as const };
    }, options.exitsAfter);
  } catch (error) {
    const message = oneLine(error);
    if (current) current.error = message;
    options.hooks?.log?.({ event: 'run-failed', error: message });
    return { ok: false, tables, error: message, exitCode: exitCodeOf(error) };
  }
}

async function syncTable(plan: TablePlan, config: SyncConfig, source: Source, warehouse: Warehouse, report: TableReport, options: RunOptions): Promise<void> {
  const started = Date.now();
  // Waiting for another run's lock spends this run's budget too: never past its deadline.
  const lockWaitMs = Math.max(0, Math.min(config.lockWaitSeconds * 1000, (options.deadline ?? Infinity) - started));
  const lock = config.dryRun ? null : await warehouse.lockWriter(plan.warehouse, lockWaitMs);
  if (!config.dryRun && !lock) {
    report.skipped = true;
    options.hooks?.log?.({ event: 'table-skipped', table: plan.pair.label, reason: 'another run holds the writer lock' });
    return;
  }
  try {
    // The source's high key does not depend on the watermark: both are read at once.
    const [watermark, highKey] = await Promise.all([
      warehouse.maxKey(plan.warehouse, plan.target.key),
      source.maxKey(plan.source, plan.sourceKey),
    ]);
    report.watermarkBefore = keyJson(watermark);
    report.watermarkAfter = keyJson(watermark);
    if (highKey === null) return;

    // A key at or below the high key whose transaction is still open would commit behind the
    // watermark, where no later run looks for new rows: the run goes only as far as the source
    // proves every row committed (a dry run, which moves nothing, does not wait for writers).
    const settled = config.dryRun ? highKey : await settledHighKey(plan, config, source, watermark, highKey, report, options);
    const upTo = settled ?? watermark;
    const nothingNew = watermark !== null && (upTo === null || watermark >= upTo);
    // New rows are counted only when the run will not load them all: a complete run loads exactly
    // the rows in (watermark, high key], so its count is what it inserted (a COUNT costs ~90 ms per
    // million rows). Rows held back behind an open transaction are new rows too.
    const countNew = async () => {
      const range = new KeyRange(watermark, highKey);
      report.newRows = range.empty ? 0 : await source.countKeys(plan.source, plan.sourceKey, range);
    };
    if (upTo === null) {
      await countNew();
      return;
    }
    const deadline = options.deadline ?? null;
    const outOfTime = () => (deadline !== null && Date.now() >= deadline) || (options.outOfTime?.() ?? false);
    if (watermark !== null) {
      // Page by page: memory holds one page of keys and one batch of rows, however many are late.
      steadyYoungGeneration();
      for await (const late of lateKeyPages(plan, config, source, warehouse, watermark)) {
        if (config.dryRun) {
          report.repaired += late.length;
          continue;
        }
        // Late rows are held as rows between the two sides (no streaming path by key): a batch of
        // them is capped so that memory stays flat whatever --batch-size the new rows use.
        const lateBatch = Math.min(config.batchSize, LATE_BATCH_ROWS);
        for (let i = 0; i < late.length; i += lateBatch) {
          if (outOfTime()) {
            report.more = true;
            await countNew();
            return;
          }
          const rows = await source.rowsByKeys(plan.source, plan.sourceColumns, plan.sourceKey, late.slice(i, i + lateBatch));
          report.repaired += await loadBatch(plan, warehouse, rows, report);
        }
      }
    }
    if (config.dryRun) {
      await countNew();
      return;
    }

    if (nothingNew) {
      if (report.heldBack) await countNew();
      return;
    }
    const low = watermark ?? (await source.minKey(plan.source, plan.sourceKey))! - 1n;
    const span = Number(upTo - low);
    const progress = (last: bigint) => options.hooks?.progress?.(plan.pair.label, report.inserted, Number(last - low) / span);
    if (warehouse.openCopyTextBatch) {
      try {
        await streamNewRows(plan, config, source, warehouse, report, watermark, upTo, outOfTime, progress);
      } catch (error) {
        // A failed run still reports how many rows it found (batches before the failure committed).
        await countNew().catch(() => undefined);
        throw error;
      }
      if (report.more) await countNew();
      else report.newRows = report.inserted;
      return;
    }
    const pages = source.pages(plan.source, plan.sourceColumns, plan.sourceKey, new KeyRange(watermark, upTo), config.batchSize);
    try {
      for await (const rows of pages) {
        if (outOfTime()) {
          report.more = true;
          await pages.return(undefined);
          break;
        }
        report.inserted += await loadBatch(plan, warehouse, rows, report);
        const last = keyOf(rows[rows.length - 1], plan.keyIndex);
        report.watermarkAfter = keyJson(last);
        progress(last);
      }
    } catch (error) {
      await countNew().catch(() => undefined);
      throw error;
    }
    if (report.more) await countNew();
    else report.newRows = report.inserted;
  } finally {
    report.durationMs = Math.max(1, Date.now() - started);
    report.rowsPerSecond = Math.round(((report.inserted + report.repaired) * 1000) / report.durationMs);
    await lock?.release();
  }
}

/**
 * New rows through the warehouse's streaming path: each keyset page is read as COPY text straight
 * into its batch's transaction, never held as rows, and the next page is already being read while
 * the current batch commits. Batches commit whole and in key order, so after a transient fault the
 * warehouse's largest key says exactly which batches landed (this run holds the writer lock): the
 * run reconnects and goes on from there, and a batch whose COMMIT reply was lost is not sent twice.
 */
async function streamNewRows(
  plan: TablePlan, config: SyncConfig, source: Source, warehouse: Warehouse, report: TableReport,
  watermark: bigint | null, upTo: bigint, outOfTime: () => boolean, progress: (last: bigint) => void,
): Promise<void> {
  const read = (after: bigint | null) => source.copyPage(plan.source, plan.sourceColumns, plan.sourceKey, new KeyRange(after, upTo), config.batchSize);
  const drop = async (page: CopyPage | null) => {
    page?.discard();
    await page?.done.catch(() => undefined);
  };
  steadyYoungGeneration();
  let after = watermark;
  let page: CopyPage | null = read(after);
  let failures = 0;
  while (page !== null) {
    if (outOfTime()) {
      await drop(page);
      report.more = true;
      return;
    }
    const batch = warehouse.openCopyTextBatch!(plan.target);
    page.attach(batch);
    let rows: number;
    let lastKey: bigint | null;
    try {
      ({ rows, lastKey } = await page.done);
    } catch (error) {
      await batch.abort(error as Error);
      throw error instanceof ValueError ? new ValueError(`table ${plan.pair.label}: ${error.message}`) : error;
    }
    if (rows === 0 || lastKey === null) return;
    const more: boolean = rows === config.batchSize && lastKey < upTo;
    let next: CopyPage | null = more ? read(lastKey) : null;
    try {
      await batch.commit();
    } catch (error) {
      await drop(next);
      next = null;
      await recoverOrThrow(plan, warehouse, error, ++failures);
      const committed = await warehouse.maxKey(plan.warehouse, plan.target.key);
      if (committed !== after && committed !== lastKey) {
        throw new RunError(
          `after reconnecting, ${plan.warehouse.display} ends at key ${committed} where this run expected ${after} or ${lastKey}; stopped (run verify)`,
        );
      }
      if (committed === after) {
        page = read(after);
        continue;
      }
    }
    failures = 0;
    report.inserted += rows;
    report.batches++;
    report.watermarkAfter = keyJson(lastKey);
    after = lastKey;
    progress(lastKey);
    page = next ?? (more ? read(lastKey) : null);
  }
}

/**
 * Waits (within the run's budget and --timeout) for the source's open transactions that hold keys
 * in (watermark, high key], and returns the key up to which every row is committed, so the run
 * never moves past a row that can still appear (see Source.settleRange). Short of the high
 * key, the run reports `more` and says which writer it waited for.
 */
async function settledHighKey(
  plan: TablePlan, config: SyncConfig, source: Source, watermark: bigint | null, highKey: bigint, report: TableReport, options: RunOptions,
): Promise<bigint | null> {
  const { settledTo, locking, waitS } = await settleAbove(plan, config, source, watermark, highKey, options.deadline ?? null);
  if (!locking) {
    options.hooks?.log?.({
      event: 'late-rows-unguarded', table: plan.pair.label,
      reason: 'the source user may not lock rows for reading (grant UPDATE or LOCK TABLES on the table); only the late window re-checks',
    });
  }
  if (settledTo !== highKey) {
    report.more = true;
    report.heldBack = `a source transaction keeps rows above key ${settledTo ?? watermark ?? 'the first'} uncommitted; the run stopped below them (waited ${Math.floor(waitS)} s), run again to continue`;
    options.hooks?.log?.({
      event: 'uncommitted-source-rows', table: plan.pair.label, settledTo: keyJson(settledTo), highKey: keyJson(highKey),
      reason: `a source transaction kept rows above key ${settledTo ?? 'the first'} uncommitted for ${Math.floor(waitS)} s; the run stops below them and the next run goes on`,
    });
  }
  return settledTo;
}

/**
 * The locking read over (watermark, high] that every writer moving the watermark goes through (run,
 * and verify --repair above the watermark): how far every source row is committed.
 */
export async function settleAbove(
  plan: TablePlan, config: SyncConfig, source: Source, watermark: bigint | null, high: bigint, deadline: number | null,
): Promise<{ settledTo: bigint | null; locking: boolean; waitS: number }> {
  const budgetS = deadline === null ? Infinity : (deadline - Date.now()) / 1000;
  // Half of --timeout, as for PostgreSQL's lock_timeout: the statement's own limit must not fire first.
  const waitS = Math.max(1, Math.min(config.timeoutSeconds / 2, budgetS));
  return { ...(await source.settleRange(plan.source, plan.sourceKey, new KeyRange(watermark, high), waitS)), waitS };
}

/** Rows in the late window below `watermark` that the warehouse lacks (what a run would load as late). */
export async function countLateRows(plan: TablePlan, config: SyncConfig, source: Source, warehouse: Warehouse, watermark: bigint): Promise<number> {
  let late = 0;
  for await (const keys of lateKeyPages(plan, config, source, warehouse, watermark)) late += keys.length;
  return late;
}

/** Late rows per warehouse transaction, at most: they are held in memory as rows. */
const LATE_BATCH_ROWS = 10_000;

/** Keys per page of the late window's comparison: what one page holds in memory. */
const LATE_PAGE_KEYS = 10_000;

/**
 * Keys in the window just below the watermark that the source has and the warehouse lacks, a page
 * at a time. Keys are compared one by one, never counts alone: a row deleted in staging and a late
 * row would cancel out in a count. Only a window where the source has every possible key and the
 * warehouse (cheaply counted, see Warehouse.countKeysAtLeast) at least as many rows is passed
 * without listing: the warehouse's keys there, unique, can only be those same keys.
 */
async function* lateKeyPages(plan: TablePlan, config: SyncConfig, source: Source, warehouse: Warehouse, watermark: bigint): AsyncGenerator<bigint[]> {
  if (config.lateWindow === 0) return;
  const window = new KeyRange(watermark - BigInt(config.lateWindow), watermark);
  const [inSource, atLeast] = await Promise.all([
    source.countKeys(plan.source, plan.sourceKey, window),
    warehouse.countKeysAtLeast
      ? warehouse.countKeysAtLeast(plan.warehouse, plan.target.key, window)
      : warehouse.countKeys(plan.warehouse, plan.target.key, window),
  ]);
  if (inSource === config.lateWindow && atLeast >= inSource) return;
  for (let rest = window; !rest.empty; ) {
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
 * Loads one batch in one warehouse transaction. A transient fault (dropped connection, deadlock,
 * lock timeout) rolls it back; after reconnecting, rows the warehouse already has are dropped (the
 * commit may have landed before the connection died) and the rest retried with backoff.
 */
export async function loadBatch(plan: TablePlan, warehouse: Warehouse, rows: Row[], report: TableReport): Promise<number> {
  checkValues(plan, rows);
  let pending = rows;
  for (let attempt = 1; ; attempt++) {
    try {
      if (pending.length > 0) await warehouse.load(plan.target, pending);
      report.batches++;
      // Rows dropped after a fault were committed by this run's failed attempt (we hold the lock).
      return rows.length;
    } catch (error) {
      await recoverOrThrow(plan, warehouse, error, attempt);
      const batch = new KeyRange(keyOf(pending[0], plan.keyIndex) - 1n, keyOf(pending[pending.length - 1], plan.keyIndex));
      const present = new Set((await warehouse.listKeys(plan.warehouse, plan.target.key, batch)).map(String));
      pending = pending.filter((r) => !present.has(String(keyOf(r, plan.keyIndex))));
    }
  }
}

/**
 * After attempt `attempt` at a batch failed: rethrows what is not worth retrying (or the last
 * attempt's fault) as one line; otherwise waits its backoff and reconnects, re-taking the lock.
 */
async function recoverOrThrow(plan: TablePlan, warehouse: Warehouse, error: unknown, attempt: number): Promise<void> {
  if (error instanceof SyncError || !warehouse.isTransient(error) || attempt >= MAX_ATTEMPTS) {
    throw error instanceof SyncError ? error : new RunError(
      `loading ${plan.pair.label} into ${plan.warehouse.display} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${oneLine(error)}`,
    );
  }
  await sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)));
  await reconnectWithRetry(warehouse, attempt);
}

/** Reconnects after a fault mid-run; giving up is a failure of the run (exit 1), not a refusal. */
async function reconnectWithRetry(warehouse: Warehouse, attempt: number): Promise<void> {
  for (let tries = attempt; ; tries++) {
    try {
      await warehouse.reconnect();
      return;
    } catch (error) {
      if (error instanceof RunError) throw error;
      if (tries >= MAX_ATTEMPTS) {
        throw new RunError(`lost the warehouse connection during a batch and could not reconnect after ${tries} attempts: ${oneLine(error)}`);
      }
      await sleep(Math.min(5_000, 200 * 2 ** tries));
    }
  }
}

function checkValues(plan: TablePlan, rows: Row[]): void {
  // The preflight looked for these already; rows committed in staging since then are caught here.
  for (const check of valueChecks(plan.pairs)) {
    for (const row of rows) {
      if (failsCheck(check.kind, row[check.index])) {
        throw new ValueError(`table ${plan.pair.label}: ${failedCheckMessage(check, plan.sourceKey.name, String(keyOf(row, plan.keyIndex)), row[check.index])}`);
      }
    }
  }
  for (const i of plan.dateIndexes) {
    for (const row of rows) {
      const v = row[i];
      if (typeof v === 'string' && /^0000-|^\d{4}-00-|^\d{4}-\d\d-00/.test(v)) {
        throw new ValueError(
          `table ${plan.pair.label}: row ${plan.sourceKey.name}=${keyOf(row, plan.keyIndex)} has the MySQL zero date "${v}" in column ` +
            `${plan.sourceColumns[i].name}, which the warehouse cannot hold; fix that row in staging (e.g. set it to NULL)`,
        );
      }
    }
  }
}

export function keyOf(row: Row, keyIndex: number): bigint {
  return BigInt(row[keyIndex] as string | number);
}

function emptyReport(plan: TablePlan, config: SyncConfig): TableReport {
  return {
    table: plan.pair.label, watermarkBefore: null, watermarkAfter: null, newRows: 0, inserted: 0, repaired: 0,
    batches: 0, durationMs: 0, rowsPerSecond: 0, more: false, dryRun: config.dryRun, skipped: false,
    sourceOnlyColumns: plan.sourceOnly,
  };
}

function fmt(name: { schema: string | null; name: string }): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
