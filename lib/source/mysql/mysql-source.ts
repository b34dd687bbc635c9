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
import type { RangeDigest, Row } from '../../warehouse/warehouse';
import { keyRangeSql, rangeDigestsSql, rowDigestsSql, toRangeDigests, toRowDigests } from '../../mysql/mysql-canonical';
import { ident, openMysql, unquote } from '../../mysql/mysql-connection';
import { COLUMNS_SQL, InformationSchemaColumn, toColumn } from '../../mysql/mysql-introspector';

export interface SourceTable {
  sql: string;
  display: string;
  columns: Column[];
}

export class MySqlSource {
  private constructor(
    private readonly connection: Connection,
    private readonly database: string,
    private readonly secrets: string[],
  ) {}

  static async open(target: ConnectionTarget): Promise<MySqlSource> {
    const { connection, database, secrets } = await openMysql(target, 'source');
    return new MySqlSource(connection, database, secrets);
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
    const select = `SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM ${table.sql}`;
    const fetch = (low: bigint | null) =>
      this.query(`${select} WHERE ${range(key, low, upTo)} ORDER BY ${ident(key.name)} LIMIT ${pageSize}`).then(([rows]) => rows);
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

  /** Runs SQL with rows as arrays; errors become one clear line without secrets. */
  async query(sql: string): Promise<[Row[]]> {
    try {
      const [rows] = await this.connection.query({ sql, rowsAsArray: true });
      return [rows as Row[]];
    } catch (error) {
      throw new RunError(`source query failed: ${scrub((error as Error).message, this.secrets)}`);
    }
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

function range(key: Column, low: bigint | null, high: bigint): string {
  return keyRangeSql(ident(key.name), low, high);
}

function toKey(value: unknown): bigint | null {
  return value === null || value === undefined ? null : BigInt(value as string | number);
}
