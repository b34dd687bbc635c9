/**
 * The contract of the staging source (mysql/: MySQL and MariaDB). The sync cycle knows only this
 * interface and Warehouse; the reads both sides share (KeyReads) have one name on both.
 */
import type { Column } from '../columns';
import type { TableName } from '../config';
import type { KeyRange, KeyReads } from '../key-range';
import type { ValueCheck } from '../value-checks';
import type { ChunkSink, Row } from '../rows';

export interface SourceTable {
  sql: string;
  display: string;
  columns: Column[];
  /** Columns that alone make up a PRIMARY KEY or UNIQUE index (as named in the table). */
  uniqueColumns: string[];
}

export interface FailingRow {
  key: string;
  check: ValueCheck;
  value: unknown;
}

/**
 * How a page read waits for rows whose transactions are still open: up to `seconds()` (asked before
 * each page), with a locking read that returns only committed rows. A page that cannot get past an
 * open transaction in that time ends early, `heldBack`, with the committed rows before it.
 */
export interface CommitWait {
  seconds(): number;
}

/** One keyset page being read as COPY text (see Source.copyPage). */
export interface CopyPage {
  /** Where the page's COPY text goes; until this is called the connection waits. */
  attach(sink: ChunkSink): void;
  /**
   * Settles when the last row is written: how many rows, the last key (null when none), and whether
   * the page ended early before a row whose transaction stayed open (see CommitWait).
   */
  readonly done: Promise<{ rows: number; lastKey: bigint | null; heldBack: boolean }>;
  /** Reads the rest of the page without keeping it (a run that stops early). */
  discard(): void;
}

export interface Source extends KeyReads<SourceTable> {
  /** Null when the table does not exist. */
  describeTable(name: TableName): Promise<SourceTable | null>;
  /** Smallest key in the table; null when the table is empty. */
  minKey(table: SourceTable, key: Column): Promise<bigint | null>;
  /**
   * Whether this user may read `table` with a locking read (CommitWait); when not, only the late
   * window guards against rows that commit behind the watermark.
   */
  locksRows(table: SourceTable, key: Column): Promise<boolean>;
  /**
   * Waits until every row with key in `range` is committed, or `waitSeconds` pass, and returns the
   * key up to which every row is committed: `range.high` when all are; else the last key settled
   * before a row whose transaction stayed open past the wait (`range.low` if none). `locking: false`
   * when the source refuses the locking read: only the late window guards then.
   */
  settleRange(
    table: SourceTable,
    key: Column,
    range: KeyRange,
    waitSeconds: number,
  ): Promise<{ settledTo: bigint | null; locking: boolean }>;
  /**
   * Keyset pages of at most `pageSize` rows with key in `range`, in key order, as values. With
   * `wait`, only committed rows (see CommitWait); the page held back is the last one.
   */
  pages(
    table: SourceTable,
    columns: Column[],
    key: Column,
    range: KeyRange,
    pageSize: number,
    wait?: CommitWait,
  ): AsyncGenerator<{ rows: Row[]; heldBack: boolean }>;
  /**
   * One keyset page of at most `limit` rows with key in `range`, in key order, read as PostgreSQL
   * COPY text into the sink it is attached to, never held as rows. With `wait`, see CommitWait.
   */
  copyPage(
    table: SourceTable,
    columns: Column[],
    key: Column,
    range: KeyRange,
    limit: number,
    wait?: CommitWait,
  ): CopyPage;
  /** The rows with these keys, in key order. */
  rowsByKeys(table: SourceTable, columns: Column[], key: Column, keys: bigint[]): Promise<Row[]>;
  /** The first row with key above `after` (all rows when null) whose value fails one of `checks`. */
  firstFailingRow(
    table: SourceTable,
    key: Column,
    checks: ValueCheck[],
    after: bigint | null,
  ): Promise<FailingRow | null>;
  /** True when the source still answers (after a connection was lost somewhere). */
  answers(): Promise<boolean>;
  /** See Warehouse.close. */
  close(detach?: boolean): Promise<void>;
}
