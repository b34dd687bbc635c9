/**
 * The MySQL/MariaDB staging source. Reads in keyset pages (`key > ? ORDER BY key LIMIT n`), never
 * OFFSET and never the whole table, with the next page already in flight while the caller loads
 * the current one. Values arrive lossless: DECIMAL/BIGINT as exact strings, temporal values as
 * text in a UTC session (no host time-zone shift), JSON as text, binary as Buffers.
 */
import type { Connection } from 'mysql2/promise';
import type { Column, ColumnPair } from '../../columns';
import type { TableName } from '../../config';
import { ConnectionTarget, scrub } from '../../connection-url';
import { RunError, StalledError } from '../../errors';
import { keyStatsOf, rangeDigestsOf, rowDigestsOf } from '../../key-range';
import type { KeyRange, KeyStats, RangeDigest } from '../../key-range';
import type { ChunkSink, Row } from '../../rows';
import type { CommitWait, CopyPage, FailingRow, Source, SourceTable } from '../source';
import { CopyTextEncoder, fieldModes, releaseChunk } from './mysql-copy-text';
import {
  countKeysSql,
  ident,
  keyStatsSql,
  listKeysSql,
  maxKeySql,
  rangeDigestsSql,
  rowDigestsSql,
  unquote,
} from '../../dialect/mysql/mysql-sql';
import { closeMysql, innerConnection, openMysql } from '../../dialect/mysql/mysql-connection';
import { float32Text, float64Text } from '../../float-text';
import { failsCheck, type ValueCheck } from '../../value-checks';
import { COLUMNS_SQL, InformationSchemaColumn, toColumn } from '../../dialect/mysql/mysql-introspector';

/** The part of mysql2's connection and query command the COPY text path uses. */
interface CoreConnection {
  config: unknown;
  query(command: QueryCommand): void;
  pause(): void;
  resume(): void;
}
interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
  isEOF(): boolean;
}
type RowState = (this: QueryCommand, packet: RowPacket) => unknown;
interface QueryCommand {
  row: RowState;
}
/** mysql2's exported `createQuery`, untyped in its typings. */
interface QueryFactory {
  createQuery(sql: string, values: unknown[], callback: (error: Error | null) => void, config: unknown): QueryCommand;
}

/**
 * A locking read that ended before a row whose transaction stayed open: 1205 lock wait timeout,
 * 1213 deadlock (a writer waiting for a row this read locked), 1969/3024 the statement's time limit
 * (a lock wait of 1 s under a 1 s --timeout).
 */
const HELD_BACK_ERRNOS = new Set([1205, 1213, 1969, 3024]);
/** The user may not lock rows for reading (MySQL 8 needs LOCK TABLES, UPDATE or DELETE besides SELECT). */
const NO_LOCKING_ERRNOS = new Set([1142, 1044, 1227]);
const errnoOf = (error: unknown) => (error as { errno?: number }).errno ?? 0;

export class MySqlSource implements Source {
  /** The session's innodb_lock_wait_timeout as last set for locking page reads (null: not known). */
  private lockWaitS: number | null = null;

  private constructor(
    private readonly mysql: QueryFactory,
    private readonly connection: Connection,
    private readonly database: string,
    private readonly secrets: string[],
  ) {}

  static async open(target: ConnectionTarget): Promise<MySqlSource> {
    const [{ connection, database, secrets }, mysql] = await Promise.all([
      openMysql(target, 'source'),
      import('mysql2'),
    ]);
    return new MySqlSource(mysql as unknown as QueryFactory, connection, database, secrets);
  }

  async describeTable(name: TableName): Promise<SourceTable | null> {
    const schema = name.schema ? unquote(name.schema) : this.database;
    const table = unquote(name.name);
    const [[rows], [unique]] = await Promise.all([
      this.connection.query(COLUMNS_SQL, [schema, table]),
      this.connection.query(UNIQUE_COLUMNS_SQL, [schema, table]),
    ]);
    const columns = (rows as InformationSchemaColumn[]).map(toColumn);
    if (columns.length === 0) return null;
    const uniqueColumns = (unique as Array<{ COLUMN_NAME: string }>).map((r) => r.COLUMN_NAME);
    return { sql: `${ident(schema)}.${ident(table)}`, display: `${schema}.${table}`, columns, uniqueColumns };
  }

  async maxKey(table: SourceTable, key: Column): Promise<bigint | null> {
    const [rows] = await this.query(maxKeySql(table.sql, key.name));
    return toKey(rows[0][0]);
  }

  async countKeys(table: SourceTable, key: Column, range: KeyRange): Promise<number> {
    const [rows] = await this.query(countKeysSql(table.sql, key.name, range));
    return Number(rows[0][0]);
  }

  async listKeys(table: SourceTable, key: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    const [rows] = await this.query(listKeysSql(table.sql, key.name, range, limit));
    return rows.map((r) => BigInt(r[0] as string));
  }

  /**
   * Waits until every row with key in `range` is committed, or `waitSeconds` pass. InnoDB
   * allocates an AUTO_INCREMENT key before its transaction commits and its insert holds an
   * exclusive lock on the new record until then: a locking read over the range waits for each such
   * record (READ COMMITTED: no gap locks, so writers inserting new keys above `high` are never
   * blocked). The range is locked in chunks of `chunkRows` rows, each released by its own COMMIT at
   * once, so rows just written stay blocked for UPDATE/DELETE only while one chunk is scanned.
   * Returns the key up to which every row is committed: `range.high` when all are; else the last
   * key settled before a record whose transaction stayed open past the wait (`range.low` if none;
   * null for nothing, when that is null). `locking: false` when the server refuses locking reads (MySQL 8
   * needs LOCK TABLES, UPDATE or DELETE besides SELECT): only the late window guards then.
   */
  async settleRange(
    table: SourceTable,
    key: Column,
    range: KeyRange,
    waitSeconds: number,
    chunkRows = 50_000,
  ): Promise<{ settledTo: bigint | null; locking: boolean }> {
    const k = ident(key.name);
    const [[saved]] = await this.query('SELECT @@SESSION.innodb_lock_wait_timeout');
    await this.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.floor(waitSeconds))}`);
    let rest = range;
    try {
      for (;;) {
        await this.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        await this.query('START TRANSACTION');
        let rows: Row[];
        try {
          // The row `chunkRows` on ends the chunk; the rows before it are locked (and so waited
          // for) on the way, as InnoDB locks each row it hands to the server, OFFSET or not.
          [rows] = (await this.connection.query({
            sql:
              `SELECT ${k} FROM ${table.sql} WHERE ${rest.sql(k)} ORDER BY ${k} LIMIT 1 OFFSET ` +
              `${chunkRows - 1} LOCK IN SHARE MODE`,
            rowsAsArray: true,
          })) as unknown as [Row[]];
        } catch (error) {
          await this.query('ROLLBACK');
          if (HELD_BACK_ERRNOS.has(errnoOf(error))) return { settledTo: rest.low, locking: true };
          if (NO_LOCKING_ERRNOS.has(errnoOf(error))) return { settledTo: range.high, locking: false };
          throw this.failed(error);
        }
        await this.query('COMMIT');
        if (rows.length === 0) return { settledTo: range.high, locking: true };
        rest = rest.above(toKey(rows[0][0]));
      }
    } finally {
      this.lockWaitS = null;
      await this.query(`SET SESSION innodb_lock_wait_timeout = ${Number(saved[0])}`);
    }
  }

  /**
   * Readies the session for locking page reads (CommitWait): READ COMMITTED, so a locking read
   * takes no gap locks and never blocks writers of new keys; each statement here is its own
   * transaction, so nothing else this source reads changes. False when the user may not lock rows.
   */
  async locksRows(table: SourceTable, key: Column): Promise<boolean> {
    await this.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    try {
      await this.connection.query(`SELECT ${ident(key.name)} FROM ${table.sql} WHERE 1 = 0 LOCK IN SHARE MODE`);
      return true;
    } catch (error) {
      if (NO_LOCKING_ERRNOS.has(errnoOf(error))) return false;
      throw this.failed(error);
    }
  }

  /** The statement that makes the session's lock waits last `wait.seconds()`; null when they already do. */
  private lockWaitSql(wait: CommitWait): string | null {
    const seconds = Math.max(1, Math.floor(wait.seconds()));
    if (seconds === this.lockWaitS) return null;
    this.lockWaitS = seconds;
    return `SET SESSION innodb_lock_wait_timeout = ${seconds}`;
  }

  /**
   * Keyset pages of rows with key in `range`, in key order. The next page is requested as soon as
   * the current one arrives, so reading overlaps the caller's loading.
   */
  async *pages(
    table: SourceTable,
    columns: Column[],
    key: Column,
    range: KeyRange,
    pageSize: number,
    wait?: CommitWait,
  ): AsyncGenerator<{ rows: Row[]; heldBack: boolean }> {
    const keyIndex = columns.indexOf(key);
    const fetch = (rest: KeyRange) =>
      wait
        ? this.committedPage(table, columns, key, rest, pageSize, wait)
        : this.readRows(pageSql(table, columns, key, rest, pageSize), columns).then((rows) => ({
            rows,
            heldBack: false,
          }));
    const end = Promise.resolve({ rows: [], heldBack: false });
    let next: Promise<{ rows: Row[]; heldBack: boolean }> = fetch(range);
    try {
      for (;;) {
        const page = await next;
        if (page.rows.length === 0) {
          if (page.heldBack) yield page;
          return;
        }
        const last = BigInt(page.rows[page.rows.length - 1][keyIndex] as string | number);
        next = page.heldBack || page.rows.length < pageSize || last >= range.high ? end : fetch(range.above(last));
        next.catch(() => undefined); // awaited on the next turn; a consumer that stops early must not crash the process
        yield page;
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  /**
   * A page of committed rows (CommitWait) as values: the keys first, with the locking read (as COPY
   * text, so the keys before a row that stays open past the wait arrive even though the statement
   * then fails), then the rows up to the last of them with a plain read, which sees every one of
   * them since each was committed before the locking read returned it.
   */
  private async committedPage(
    table: SourceTable,
    columns: Column[],
    key: Column,
    range: KeyRange,
    limit: number,
    wait: CommitWait,
  ): Promise<{ rows: Row[]; heldBack: boolean }> {
    const keys = this.copyPage(table, [key], key, range, limit, wait);
    // Only the last key is kept: the text is dropped as it arrives.
    const drop = (chunk: Buffer, release?: (chunk: Buffer) => void) => {
      release?.(chunk);
      return true;
    };
    keys.attach({ write: drop, onDrain: () => undefined });
    const { lastKey, heldBack } = await keys.done;
    if (lastKey === null) return { rows: [], heldBack };
    return { rows: await this.readRows(pageSql(table, columns, key, range.upTo(lastKey), limit), columns), heldBack };
  }

  /**
   * Keyset page of keys in `range`, at most `limit` rows, in key order, read as PostgreSQL
   * COPY text (mysql-copy-text.ts): each row is encoded from the packet bytes as it
   * arrives and written to the attached sink, so a page is never held as rows. Until `attach`, and
   * whenever the sink is full, the connection is paused: the server waits, not memory. Starting
   * the next page before the current batch commits lets the read overlap the commit.
   */
  copyPage(
    table: SourceTable,
    columns: Column[],
    key: Column,
    range: KeyRange,
    limit: number,
    wait?: CommitWait,
  ): CopyPage {
    const core = innerConnection<CoreConnection>(this.connection);
    const sql = pageSql(table, columns, key, range, limit, wait !== undefined);
    const set = wait ? this.lockWaitSql(wait) : null;
    let sink: ChunkSink | null = null;
    let waiting: Buffer[] = [];
    let paused = false;
    let finished = false;
    let discarding = false;
    let failure: Error | null = null;
    const pause = () => {
      if (!paused && !finished) {
        paused = true;
        core.pause();
      }
    };
    const resume = () => {
      if (paused) {
        paused = false;
        core.resume();
      }
    };
    const encoder = new CopyTextEncoder(columns, fieldModes(columns), columns.indexOf(key), (chunk) => {
      if (discarding) return;
      if (sink === null) {
        waiting.push(chunk);
        pause();
      } else if (!sink.write(chunk, releaseChunk)) {
        pause();
        sink.onDrain(resume);
      }
    });
    const done = new Promise<{ rows: number; lastKey: bigint | null; heldBack: boolean }>((resolve, reject) => {
      let setFailed: Error | null = null;
      if (set) core.query(this.mysql.createQuery(set, [], (error) => (setFailed = error), core.config));
      const command = this.mysql.createQuery(
        sql,
        [],
        (error: Error | null) => {
          finished = true;
          if (setFailed) return reject(this.failed(setFailed));
          // A locking read that waited past the wait ends here: the rows before were committed.
          const heldBack = error !== null && wait !== undefined && HELD_BACK_ERRNOS.has(errnoOf(error));
          if (error && !heldBack) return reject(this.failed(error));
          if (failure) return reject(failure);
          encoder.flush();
          const last = encoder.lastKey();
          resolve({ rows: encoder.rows, lastKey: last === null ? null : BigInt(last), heldBack });
        },
        core.config,
      );
      // mysql2's query command does the protocol (COM_QUERY, column definitions, errors, end of
      // rows); only its per-row step is replaced, so no row is parsed into JavaScript values.
      const parseRow = command.row;
      command.row = function row(this: QueryCommand, packet: RowPacket) {
        if (packet.isEOF()) return parseRow.call(this, packet);
        if (!discarding) {
          try {
            encoder.row(packet.buffer, packet.offset, packet.end);
          } catch (error) {
            failure = error as Error;
            discarding = true;
          }
        }
        return row;
      };
      core.query(command);
    });
    done.catch(() => undefined); // awaited by the caller; a page it abandons must not crash the process
    return {
      done,
      attach(to) {
        sink = to;
        const queued = waiting;
        waiting = [];
        let open = true;
        for (const chunk of queued) open = to.write(chunk, releaseChunk) && open;
        if (open) resume();
        else to.onDrain(resume);
      },
      discard() {
        discarding = true;
        waiting = [];
        resume();
      },
    };
  }

  async rowsByKeys(table: SourceTable, columns: Column[], key: Column, keys: bigint[]): Promise<Row[]> {
    if (keys.length === 0) return [];
    return this.readRows(
      `SELECT ${selectList(columns)} FROM ${table.sql} WHERE ${ident(key.name)} IN ` +
        `(${keys.join(',')}) ORDER BY ${ident(key.name)}`,
      columns,
    );
  }

  /**
   * Rows of `columns` as values: mysql2's own float parsing (digit by digit, for texts up to 17
   * characters) misses a double's last bit, so floats arrive as text (selectList) and become their
   * shortest round-trip text here.
   */
  private async readRows(sql: string, columns: Column[]): Promise<Row[]> {
    const floats = columns.flatMap((c, i) =>
      c.type.kind === 'float' ? [[i, c.type.bits === 32 ? float32Text : float64Text] as const] : [],
    );
    let rows: Row[];
    try {
      // A typeCast function is called for every field of every row: only where floats need it.
      const [result] = await this.connection.query(
        floats.length ? { sql, rowsAsArray: true, typeCast: floatsAsText } : { sql, rowsAsArray: true },
      );
      rows = result as Row[];
    } catch (error) {
      throw this.failed(error);
    }
    for (const row of rows) {
      for (const [i, text] of floats) if (row[i] !== null) row[i] = text(Number(row[i]));
    }
    return rows;
  }

  /**
   * The first row with key above `after` (all rows when null) whose value fails one of `checks`
   * (lib/value-checks.ts), found in SQL: one pass over those rows, stopping at the first found.
   */
  async firstFailingRow(
    table: SourceTable,
    key: Column,
    checks: ValueCheck[],
    after: bigint | null,
  ): Promise<FailingRow | null> {
    if (checks.length === 0) return null;
    const k = ident(key.name);
    const test = (check: ValueCheck) => {
      const c = ident(check.pair.source.name);
      // _bin: no collation may take U+0000 for ignorable; utf8mb4 holds every source charset's NUL.
      return check.kind === 'nul'
        ? `INSTR(${c}, CHAR(0 USING utf8mb4) COLLATE utf8mb4_bin) > 0`
        : `(${c} < '00:00:00' OR ${c} > '24:00:00')`;
    };
    const where = `(${checks.map(test).join(' OR ')})${after === null ? '' : ` AND ${k} > ${after}`}`;
    const columns = checks.map((c) => ident(c.pair.source.name)).join(', ');
    const [rows] = await this.query(
      `SELECT CAST(${k} AS CHAR), ${columns} FROM ${table.sql} WHERE ${where} ORDER BY ${k} LIMIT 1`,
    );
    if (rows.length === 0) return null;
    const [found, ...values] = rows[0];
    const i = checks.findIndex((check, j) => failsCheck(check.kind, values[j]));
    return { key: String(found), check: checks[Math.max(0, i)], value: values[Math.max(0, i)] };
  }

  async minKey(table: SourceTable, key: Column): Promise<bigint | null> {
    const [rows] = await this.query(`SELECT MIN(${ident(key.name)}) FROM ${table.sql}`);
    return toKey(rows[0][0]);
  }

  /** Same buckets and checksums as Warehouse.rangeDigests, over the source. */
  async rangeDigests(
    table: SourceTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
    width: bigint,
  ): Promise<RangeDigest[]> {
    const [rows] = await this.query(rangeDigestsSql(table.sql, key.name, pairs, 'source', range, width));
    return rangeDigestsOf(rows, range, width);
  }

  async rowDigests(
    table: SourceTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
  ): Promise<Map<bigint, string>> {
    const [rows] = await this.query(rowDigestsSql(table.sql, key.name, pairs, 'source', range));
    return rowDigestsOf(rows);
  }

  /** Same statistics as Warehouse.keyStats, over the source. */
  async keyStats(table: SourceTable, key: Column): Promise<KeyStats> {
    const [totals, duplicates] = keyStatsSql(table.sql, key.name);
    const [[totalsRow], [duplicatesRow]] = [(await this.query(totals))[0], (await this.query(duplicates))[0]];
    return keyStatsOf(totalsRow, duplicatesRow);
  }

  async answers(): Promise<boolean> {
    return this.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /** Runs SQL with rows as arrays; errors become one clear line without secrets. */
  async query(sql: string): Promise<[Row[]]> {
    try {
      const [rows] = await this.connection.query({ sql, rowsAsArray: true });
      return [rows as Row[]];
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** A failed source statement as one line without secrets; a stall stays a stall (see namedConnectionLoss). */
  private failed(error: unknown): RunError {
    const message = `source query failed: ${scrub((error as Error).message, this.secrets)}`;
    return error instanceof StalledError ? new StalledError(message) : new RunError(message);
  }

  async close(detach = false): Promise<void> {
    await closeMysql(this.connection, detach);
  }
}

/**
 * Which columns have only one column in a unique index (PRIMARY KEY or UNIQUE): a key proven
 * unique. An index over several columns proves nothing about one of them.
 */
const UNIQUE_COLUMNS_SQL = `SELECT MIN(COLUMN_NAME) AS COLUMN_NAME FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND SUB_PART IS NULL
  GROUP BY INDEX_NAME HAVING COUNT(*) = 1`;

/**
 * The select list of a row read. A FLOAT or DOUBLE column is read as `col + 0e0`: MySQL prints a
 * FLOAT column with 6 significant digits (16777217 → 16777200) and a DOUBLE(M,D) column with D
 * decimals, while a double expression is printed with the shortest digits of the exact double
 * (a FLOAT widens to it exactly). 0e0 rather than CAST(… AS DOUBLE), which MySQL 5.7 lacks.
 */
function selectList(columns: Column[]): string {
  return columns.map((c) => (c.type.kind === 'float' ? `(${ident(c.name)} + 0e0)` : ident(c.name))).join(', ');
}

/** mysql2 typeCast: floats as the server's text, everything else as the connection's options say. */
function floatsAsText(field: { type: string; string(): string | null }, next: () => unknown): unknown {
  return field.type === 'DOUBLE' || field.type === 'FLOAT' ? field.string() : next();
}

/** One keyset page: keys in `range`, at most `limit` rows, in key order. */
/**
 * A keyset page. `locking`: a locking read (READ COMMITTED, see locksRows), which waits for each row
 * whose transaction is still open and returns only committed rows.
 */
function pageSql(
  table: SourceTable,
  columns: Column[],
  key: Column,
  range: KeyRange,
  limit: number,
  locking = false,
): string {
  return (
    `SELECT ${selectList(columns)} FROM ${table.sql} WHERE ${range.sql(ident(key.name))} ` +
    `ORDER BY ${ident(key.name)} LIMIT ${limit}${locking ? ' LOCK IN SHARE MODE' : ''}`
  );
}

function toKey(value: unknown): bigint | null {
  return value === null || value === undefined ? null : BigInt(value as string | number);
}
