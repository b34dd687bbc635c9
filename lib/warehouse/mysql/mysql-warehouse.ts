/**
 * MySQL/MariaDB warehouse: multi-row INSERTs inside one transaction per batch; the writer lock is a
 * named lock (GET_LOCK) held by the loading connection, which blocks no reader and vanishes with a
 * dead connection. The session is strict, so a value the table cannot hold is an error, never a
 * silent truncation.
 */
import { createHash } from 'crypto';
import type { Connection } from 'mysql2/promise';
import type { Column, ColumnPair } from '../../columns';
import type { TableName } from '../../config';
import { ConnectionTarget, scrub } from '../../connection-url';
import { RunError, SchemaError } from '../../errors';
import {
  countKeysSql,
  ident,
  isQuoted,
  keyStatsSql,
  listKeysSql,
  maxKeySql,
  rangeDigestsSql,
  rowDigestsSql,
  unquote,
} from '../../dialect/mysql/mysql-sql';
import { closeMysql, openMysql } from '../../dialect/mysql/mysql-connection';
import { COLUMNS_SQL, InformationSchemaColumn, toColumn } from '../../dialect/mysql/mysql-introspector';
import { seconds, stalledHolderMs, timeoutOf } from '../../time-budget';
import { keyStatsOf, rangeDigestsOf, rowDigestsOf } from '../../key-range';
import type { KeyRange, KeyStats, RangeDigest } from '../../key-range';
import type { LoadTarget, Warehouse, WarehouseTable, WriterLock } from '../warehouse';
import type { Row } from '../../rows';
import { retakeWriterLocks } from '../writer-lock';
import { byBytes, insertSql, STATEMENT_BYTES } from './mysql-load';

const TRANSIENT_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
]);
const STRICT_SESSION = "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'";

export class MySqlWarehouse implements Warehouse {
  readonly kind = 'mysql';
  private readonly lockNames = new Set<string>();

  private constructor(
    private connection: Connection,
    private readonly database: string,
    private readonly secrets: string[],
    private readonly target: ConnectionTarget,
  ) {}

  static async open(target: ConnectionTarget): Promise<MySqlWarehouse> {
    const { connection, database, secrets } = await openMysql(target, 'warehouse');
    await connection.query(STRICT_SESSION);
    return new MySqlWarehouse(connection, database, secrets, target);
  }

  /** Quoted names match exactly; unquoted ones exactly, or else case-insensitively if only one table fits. */
  async describeTable(name: TableName): Promise<WarehouseTable | null> {
    const schema =
      name.schema === null
        ? this.database
        : await this.resolve(
            'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE',
            'SCHEMA_NAME',
            name.schema,
            [],
          );
    if (schema === null) return null;
    const table = await this.resolve(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND',
      'TABLE_NAME',
      name.name,
      [schema],
    );
    if (table === null) return null;
    const [rows] = await this.connection.query(COLUMNS_SQL, [schema, table]);
    return {
      sql: `${ident(schema)}.${ident(table)}`,
      display: `${schema}.${table}`,
      columns: (rows as InformationSchemaColumn[]).map(toColumn),
    };
  }

  private async resolve(select: string, column: string, written: string, params: string[]): Promise<string | null> {
    const exact = unquote(written);
    const [rows] = await this.connection.query({
      sql: `${select} (${column} = ? OR (? AND LOWER(${column}) = LOWER(?)))`,
      values: [...params, exact, !isQuoted(written), exact],
      rowsAsArray: true,
    });
    const names = (rows as string[][]).map((r) => String(r[0]));
    if (names.includes(exact)) return exact;
    if (names.length > 1) {
      throw new SchemaError(
        `warehouse name ${written} matches ${names.join(', ')}, which differ only in case; ` +
          `write the one you mean in double quotes`,
      );
    }
    return names[0] ?? null;
  }

  async lockWriter(table: WarehouseTable, waitMs: number): Promise<WriterLock | null> {
    const name = lockName(table);
    // Waited for in slices shorter than the timeout: one long GET_LOCK would be a statement the
    // server cancels and a silence the client takes for a stall.
    const slice = timeoutOf(this.target) / 2;
    for (let left = waitMs; ; left -= slice) {
      const [rows] = await this.connection.query({
        sql: 'SELECT GET_LOCK(?, ?)',
        values: [name, Math.max(0, Math.min(left, slice)) / 1000],
        rowsAsArray: true,
      });
      if (Number((rows as unknown[][])[0][0]) === 1) break;
      if (left <= slice) {
        await this.refuseStalledHolder(table, name);
        return null;
      }
    }
    this.lockNames.add(name);
    return {
      release: async () => {
        this.lockNames.delete(name);
        await this.connection.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      },
    };
  }

  /**
   * Another session holds the lock: a live run is skipped (exit 0); a holder idle, or on one
   * statement, for longer than any run would is stalled or orphaned, and every later run would
   * skip for as long as it lives: a problem, reported (see PostgresWarehouse.refuseStalledHolder).
   */
  private async refuseStalledHolder(table: WarehouseTable, name: string): Promise<void> {
    const [rows] = await this.connection.query({
      sql: `SELECT p.ID, p.COMMAND, p.TIME, p.USER, p.HOST, LEFT(REGEXP_REPLACE(p.INFO, '[[:space:]]+', ' '), 60)
        FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)`,
      values: [name],
      rowsAsArray: true,
    });
    const holder = (rows as unknown[][])[0];
    // A session this user may not see (no PROCESS privilege) cannot be judged: treated as live.
    if (!holder) return;
    const [id, command, time, user, host, info] = holder as [number, string, number, string, string, string | null];
    const limit = stalledHolderMs(timeoutOf(this.target));
    if (Number(time) * 1000 < limit) return;
    const doing = command === 'Sleep' ? 'idle' : `running "${info ?? command}"`;
    throw new RunError(
      `the writer lock on ${table.display} is held by MySQL connection ${id} ` +
        `(${user}@${host}), ${doing} for ${time} s, ` +
        `longer than a live run would (2 x --timeout + 5 s = ${seconds(limit)} s): a stalled ` +
        `or orphaned session, so runs cannot proceed. ` +
        `If no run is still going, end it with KILL ${id}; and run again`,
    );
  }

  async executeDdl(statement: string): Promise<void> {
    await this.connection.query(statement);
  }

  async maxKey(table: WarehouseTable, key: Column): Promise<bigint | null> {
    const [[max]] = await this.rows(maxKeySql(table.sql, key.name));
    return max === null ? null : BigInt(max as string);
  }

  async listKeys(table: WarehouseTable, key: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    const rows = await this.rows(listKeysSql(table.sql, key.name, range, limit));
    return rows.map((r) => BigInt(r[0] as string));
  }

  async countKeys(table: WarehouseTable, key: Column, range: KeyRange): Promise<number> {
    const [[count]] = await this.rows(countKeysSql(table.sql, key.name, range));
    return Number(count);
  }

  async load(target: LoadTarget, rows: Row[]): Promise<void> {
    const insert = insertSql(target);
    await this.connection.query('START TRANSACTION');
    try {
      for (const chunk of byBytes(rows, STATEMENT_BYTES)) await this.connection.query(insert, [chunk]);
      await this.connection.query('COMMIT');
    } catch (error) {
      await this.connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async rangeDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
    width: bigint,
  ): Promise<RangeDigest[]> {
    return rangeDigestsOf(
      await this.rows(rangeDigestsSql(table.sql, key.name, pairs, 'warehouse', range, width)),
      range,
      width,
    );
  }

  async rowDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
  ): Promise<Map<bigint, string>> {
    return rowDigestsOf(await this.rows(rowDigestsSql(table.sql, key.name, pairs, 'warehouse', range)));
  }

  async keyStats(table: WarehouseTable, key: Column): Promise<KeyStats> {
    const [totals, duplicates] = keyStatsSql(table.sql, key.name);
    return keyStatsOf((await this.rows(totals))[0], (await this.rows(duplicates))[0]);
  }

  isTransient(error: unknown): boolean {
    const e = error as { code?: string; fatal?: boolean; message?: string };
    if ((e.code && TRANSIENT_CODES.has(e.code)) || e.fatal === true) return true;
    return /connection is in closed state|Connection lost/i.test(e.message ?? '');
  }

  async reconnect(): Promise<void> {
    this.connection.destroy();
    const { connection } = await openMysql(this.target, 'warehouse');
    this.connection = connection;
    await connection.query(STRICT_SESSION);
    await retakeWriterLocks(this.lockNames, async (name) => {
      const [rows] = await connection.query({ sql: 'SELECT GET_LOCK(?, 0)', values: [name], rowsAsArray: true });
      return Number((rows as unknown[][])[0][0]) === 1;
    });
  }

  async close(detach = false): Promise<void> {
    await closeMysql(this.connection, detach);
  }

  private async rows(sql: string): Promise<unknown[][]> {
    try {
      const [rows] = await this.connection.query({ sql, rowsAsArray: true });
      return rows as unknown[][];
    } catch (error) {
      const e = error as Error;
      e.message = scrub(e.message, this.secrets);
      throw e;
    }
  }
}

/** GET_LOCK names are at most 64 characters: long table names are hashed. */
function lockName(table: WarehouseTable): string {
  const name = `warehouse-sync:${table.display}`;
  return name.length <= 64 ? name : `warehouse-sync:${createHash('sha1').update(table.display).digest('hex')}`;
}
