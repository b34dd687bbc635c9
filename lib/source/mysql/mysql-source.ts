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
import { RunError } from '../../errors';
import type { ChunkSink, KeyStats, RangeDigest, Row } from '../../warehouse/warehouse';
import { CopyTextEncoder, fieldModes, releaseChunk } from '../../mysql/mysql-copy-text';
import { keyRangeSql, keyStatsSql, rangeDigestsSql, rowDigestsSql, toKeyStats, toRangeDigests, toRowDigests } from '../../mysql/mysql-canonical';
import { closeMysql, ident, openMysql, unquote } from '../../mysql/mysql-connection';
import { COLUMNS_SQL, InformationSchemaColumn, toColumn } from '../../mysql/mysql-introspector';

export interface SourceTable {
  sql: string;
  display: string;
  columns: Column[];
}

/** One keyset page being read as COPY text (see MySqlSource.copyPage). */
export interface CopyPage {
  /** Where the page's COPY text goes; until this is called the connection waits. */
  attach(sink: ChunkSink): void;
  /** Settles when the last row is written: how many rows and the last key (null when none). */
  readonly done: Promise<{ rows: number; lastKey: bigint | null }>;
  /** Reads the rest of the page without keeping it (a run that stops early). */
  discard(): void;
}

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

export class MySqlSource {
  private constructor(
    private readonly mysql: QueryFactory,
    private readonly connection: Connection,
    private readonly database: string,
    private readonly secrets: string[],
  ) {}

  static async open(target: ConnectionTarget): Promise<MySqlSource> {
    const [{ connection, database, secrets }, mysql] = await Promise.all([openMysql(target, 'source'), import('mysql2')]);
    return new MySqlSource(mysql as unknown as QueryFactory, connection, database, secrets);
  }

  async describeTable(name: TableName): Promise<SourceTable | null> {
    const schema = name.schema ? unquote(name.schema) : this.database;
    const table = unquote(name.name);
    const [rows] = await this.connection.query(COLUMNS_SQL, [schema, table]);
    const columns = (rows as InformationSchemaColumn[]).map(toColumn);
    if (columns.length === 0) return null;
    return { sql: `${ident(schema)}.${ident(table)}`, display: `${schema}.${table}`, columns };
  }

  async maxKey(table: SourceTable, key: Column): Promise<bigint | null> {
    const [rows] = await this.query(`SELECT MAX(${ident(key.name)}) FROM ${table.sql}`);
    return toKey(rows[0][0]);
  }

  /** Rows with key in (low, high]; low null = from the start. */
  async countRange(table: SourceTable, key: Column, low: bigint | null, high: bigint): Promise<number> {
    const [rows] = await this.query(`SELECT COUNT(*) FROM ${table.sql} WHERE ${range(key, low, high)}`);
    return Number(rows[0][0]);
  }

  async listKeys(table: SourceTable, key: Column, low: bigint, high: bigint): Promise<bigint[]> {
    const k = ident(key.name);
    const [rows] = await this.query(`SELECT ${k} FROM ${table.sql} WHERE ${range(key, low, high)} ORDER BY ${k}`);
    return rows.map((r) => BigInt(r[0] as string | number));
  }

  /**
   * Keyset pages of rows with key in (after, upTo], in key order. The next page is requested as
   * soon as the current one arrives, so reading overlaps the caller's loading.
   */
  async *pages(table: SourceTable, columns: Column[], key: Column, after: bigint | null, upTo: bigint, pageSize: number): AsyncGenerator<Row[]> {
    const keyIndex = columns.indexOf(key);
    const fetch = (low: bigint | null) => this.query(pageSql(table, columns, key, low, upTo, pageSize)).then(([rows]) => rows);
    let next: Promise<Row[]> = fetch(after);
    try {
      for (;;) {
        const rows = await next;
        if (rows.length === 0) return;
        const last = BigInt(rows[rows.length - 1][keyIndex] as string | number);
        next = rows.length < pageSize || last >= upTo ? Promise.resolve([]) : fetch(last);
        next.catch(() => undefined); // awaited on the next turn; a consumer that stops early must not crash the process
        yield rows;
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  /**
   * Keyset page of keys in (after, upTo], at most `limit` rows, in key order, read as PostgreSQL
   * COPY text (lib/mysql/mysql-copy-text.ts): each row is encoded from the packet bytes as it
   * arrives and written to the attached sink, so a page is never held as rows. Until `attach`, and
   * whenever the sink is full, the connection is paused: the server waits, not memory. Starting
   * the next page before the current batch commits lets the read overlap the commit.
   */
  copyPage(table: SourceTable, columns: Column[], key: Column, after: bigint | null, upTo: bigint, limit: number): CopyPage {
    const core = (this.connection as unknown as { connection: CoreConnection }).connection;
    const sql = pageSql(table, columns, key, after, upTo, limit);
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
    const done = new Promise<{ rows: number; lastKey: bigint | null }>((resolve, reject) => {
      const command = this.mysql.createQuery(sql, [], (error: Error | null) => {
        finished = true;
        if (error) return reject(new RunError(`source query failed: ${scrub(error.message, this.secrets)}`));
        if (failure) return reject(failure);
        encoder.flush();
        const last = encoder.lastKey();
        resolve({ rows: encoder.rows, lastKey: last === null ? null : BigInt(last) });
      }, core.config);
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
    const [rows] = await this.query(
      `SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM ${table.sql} WHERE ${ident(key.name)} IN (${keys.join(',')}) ORDER BY ${ident(key.name)}`,
    );
    return rows;
  }

  async minKey(table: SourceTable, key: Column): Promise<bigint | null> {
    const [rows] = await this.query(`SELECT MIN(${ident(key.name)}) FROM ${table.sql}`);
    return toKey(rows[0][0]);
  }

  /** Same buckets and checksums as Warehouse.rangeDigests, over the source. */
  async rangeDigests(table: SourceTable, key: Column, pairs: ColumnPair[], low: bigint, high: bigint, width: bigint): Promise<RangeDigest[]> {
    const [rows] = await this.query(rangeDigestsSql(table.sql, key.name, pairs, 'source', low, high, width));
    return toRangeDigests(rows, low, width);
  }

  async rowDigests(table: SourceTable, key: Column, pairs: ColumnPair[], low: bigint, high: bigint): Promise<Map<bigint, string>> {
    const [rows] = await this.query(rowDigestsSql(table.sql, key.name, pairs, 'source', low, high));
    return toRowDigests(rows);
  }

  /** Same statistics as Warehouse.keyStats, over the source. */
  async keyStats(table: SourceTable, key: Column): Promise<KeyStats> {
    const [totals, duplicates] = keyStatsSql(table.sql, key.name);
    const [[totalsRow], [duplicatesRow]] = [(await this.query(totals))[0], (await this.query(duplicates))[0]];
    return toKeyStats(totalsRow, duplicatesRow);
  }

  /** Runs SQL with rows as arrays; errors become one clear line without secrets. */
  async query(sql: string): Promise<[Row[]]> {
    try {
      const [rows] = await this.connection.query({ sql, rowsAsArray: true });
      return [rows as Row[]];
    } catch (error) {
      throw new RunError(`source query failed: ${scrub((error as Error).message, this.secrets)}`);
    }
  }

  async close(detach = false): Promise<void> {
    await closeMysql(this.connection, detach);
  }
}

/** One keyset page: keys in (after, upTo], at most `limit` rows, in key order. */
function pageSql(table: SourceTable, columns: Column[], key: Column, after: bigint | null, upTo: bigint, limit: number): string {
  return `SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM ${table.sql} WHERE ${range(key, after, upTo)} ORDER BY ${ident(key.name)} LIMIT ${limit}`;
}

function range(key: Column, low: bigint | null, high: bigint): string {
  return keyRangeSql(ident(key.name), low, high);
}

function toKey(value: unknown): bigint | null {
  return value === null || value === undefined ? null : BigInt(value as string | number);
}
