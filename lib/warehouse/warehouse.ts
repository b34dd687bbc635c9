/**
 * The contract every warehouse implements (one folder each: db2/, mysql/, postgres/). The sync
 * cycle knows only this interface; nothing database-specific lives outside a warehouse's folder and
 * its dialect's (lib/dialect/<db>/: quoting and SQL, connection, catalog).
 */
import type { Column } from '../columns';
import type { TableName } from '../config';
import type { KeyRange, KeyReads } from '../key-range';
import type { ChunkSink, Row } from '../rows';

export interface WarehouseTable {
  /** Safe, quoted, schema-qualified SQL name for this warehouse. */
  sql: string;
  /** For messages: `public.sales_data`, `DB2INST1.SALES_DATA`. */
  display: string;
  columns: Column[];
}

/** Where a batch goes: the table and, in row-value order, the warehouse columns. */
export interface LoadTarget {
  table: WarehouseTable;
  columns: Column[];
  key: Column;
}

/**
 * One batch whose rows arrive as PostgreSQL COPY text (tab-separated, `\N` for NULL, `\\`, `\t`,
 * `\n`, `\r` escaped, bytea as `\\x` hex) while they are still being read, so that they are
 * never held in memory: inserted and committed in one transaction, all or nothing, like `load`.
 */
export interface CopyTextBatch extends ChunkSink {
  /** No more rows: waits for the commit and resolves with the number of rows the warehouse took. */
  commit(): Promise<number>;
  /** Nothing of this batch is committed; resolves once the warehouse has rolled it back. */
  abort(error: Error): Promise<void>;
}

export interface WriterLock {
  release(): Promise<void>;
}

export interface Warehouse extends KeyReads<WarehouseTable> {
  readonly kind: string;
  /** Null when the table does not exist. Name folding follows the warehouse's own rules. */
  describeTable(name: TableName): Promise<WarehouseTable | null>;
  /**
   * Takes the per-table writer lock for this connection, waiting up to `waitMs`; null if another
   * writer still holds it. Must not block the warehouse's readers. Throws a RunError naming the
   * holder and how to end it when the holder is not a live run but a stalled or orphaned session
   * (quiet for longer than stalledHolderMs, lib/time-budget.ts): a skip would then last for good.
   */
  lockWriter(table: WarehouseTable, waitMs: number): Promise<WriterLock | null>;
  /**
   * Optional: a count of rows with key in the range that is never more than countKeys' and far
   * cheaper on a large table without an index on its key (PostgreSQL: only the table's last blocks,
   * where the rows just below the watermark were appended). Used for the late-window check, which
   * counts exactly only when this falls short.
   */
  countKeysAtLeast?(table: WarehouseTable, key: Column, range: KeyRange): Promise<number>;
  /**
   * Inserts the rows and commits, in one transaction: all of them or none. A warehouse whose
   * transactions must stay smaller (DB2's log) may commit a larger batch as consecutive slices in
   * the rows' key order, each all or nothing, so that what is committed is always a key prefix.
   */
  load(target: LoadTarget, rows: Row[]): Promise<void>;
  /**
   * The streaming fast path, for warehouses that take COPY text (PostgreSQL): the sync cycle
   * uses it for new rows when present, `load` otherwise. The batch starts when its first chunk
   * or its commit arrives; until then nothing is sent.
   */
  openCopyTextBatch?(target: LoadTarget): CopyTextBatch;
  /**
   * Runs one DDL statement (lib/schema/table-ddl.ts: --create-table, --add-columns), committed on
   * its own. Errors are the driver's own, so that the dialect can tell "already exists" apart.
   */
  executeDdl(statement: string): Promise<void>;
  /** True for faults worth retrying the batch after `reconnect()`: dropped connection, deadlock, lock timeout. */
  isTransient(error: unknown): boolean;
  /** Opens a fresh connection and re-takes the writer lock (if held); throws if the lock was lost. */
  reconnect(): Promise<void>;
  /**
   * Ends the session. `detach`: return once the goodbye is sent, and do not let the connection keep
   * the process alive while the server closes its end (for a process that exits right after).
   */
  close(detach?: boolean): Promise<void>;
}
