/**
 * The benchmark's data: deterministic rows of the course's shape, generated inside MariaDB (its
 * SEQUENCE engine, no client-side loop), and the PostgreSQL warehouse states each scenario starts
 * from. Only the bench's own databases are touched: MySQL `bench_source`, PostgreSQL
 * `bench_warehouse`.
 */
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { WAREHOUSE_DDL } from '../scripts/course-data';

export const SOURCE_DB = 'bench_source';
export const WAREHOUSE_DB = 'bench_warehouse';
export const MYSQL_SERVER = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const POSTGRES_SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432';
export const SOURCE_URL = `${MYSQL_SERVER}/${SOURCE_DB}`;
export const WAREHOUSE_URL = `${POSTGRES_SERVER}/${WAREHOUSE_DB}`;

/** The warehouse table every contender loads into, and the N-row copy the incremental runs start from. */
export const TARGET = 'sales_data';
const BASE = 'sales_base';

export const SOURCE_COLUMNS = ['rowid', 'product_id', 'customer_id', 'quantity'];

/** Staging as in the course's sales.sql: four INT columns, rowid the primary key. */
const SOURCE_DDL = (table: string) => `CREATE TABLE \`${table}\` (
  rowid INT NOT NULL PRIMARY KEY,
  product_id INT NOT NULL,
  customer_id INT NOT NULL,
  quantity INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;

/** Row `i` of every source table: the same values whatever the table's size. */
const ROW_SQL = 'seq, 5000 + (seq * 7919) % 4000, 1 + (seq * 104729) % 99991, 1 + (seq * 31) % 5';

export function sourceTableName(rows: number): string {
  return `sales_${rows}`;
}

export interface Fingerprint {
  count: number;
  maxKey: number;
  /** Sum over rows of a mix of every column: equal fingerprints mean, in practice, equal rows. */
  sum: string;
}

/** Creates `sales_<rows>` holding rows 1..rows, unless a table with exactly those rows is already there. */
export async function ensureSourceTable(rows: number, log: (line: string) => void): Promise<string> {
  const table = sourceTableName(rows);
  const conn = await mysql.createConnection({ uri: MYSQL_SERVER, supportBigNumbers: true, bigNumberStrings: true });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${SOURCE_DB}\``);
    await conn.query(`USE \`${SOURCE_DB}\``);
    const [found] = await conn.query(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [SOURCE_DB, table],
    );
    if ((found as unknown[]).length > 0) {
      const [stats] = await conn.query(`SELECT COUNT(*) AS n, MAX(rowid) AS m FROM \`${table}\``);
      const { n, m } = (stats as Array<{ n: string | number; m: string | number | null }>)[0];
      if (Number(n) === rows && Number(m) === rows) return table;
      await conn.query(`DROP TABLE \`${table}\``);
    }
    const started = Date.now();
    await conn.query(SOURCE_DDL(table));
    // Chunks keep each transaction's undo log small; SEQUENCE tables generate the keys server-side.
    const chunk = 1_000_000;
    for (let low = 1; low <= rows; low += chunk) {
      const high = Math.min(rows, low + chunk - 1);
      await conn.query(
        `INSERT INTO \`${table}\` (${SOURCE_COLUMNS.join(', ')}) SELECT ${ROW_SQL} FROM ` + `seq_${low}_to_${high}`,
      );
    }
    await conn.query(`ANALYZE TABLE \`${table}\``);
    log(
      `generated ${SOURCE_DB}.${table} (${rows.toLocaleString('en')} rows) in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return table;
  } finally {
    await conn.end();
  }
}

export async function sourceFingerprint(table: string, upTo: number): Promise<Fingerprint> {
  const conn = await mysql.createConnection({
    uri: `${MYSQL_SERVER}/${SOURCE_DB}`,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    const [rows] = await conn.query(
      `SELECT COUNT(*) AS n, COALESCE(MAX(rowid), 0) AS m, CAST(COALESCE(SUM(${MIX_SQL}), 0) ` +
        `AS CHAR) AS s FROM \`${table}\` WHERE rowid <= ${upTo}`,
    );
    const { n, m, s } = (rows as Array<{ n: string; m: string; s: string }>)[0];
    return { count: Number(n), maxKey: Number(m), sum: s };
  } finally {
    await conn.end();
  }
}

/** Same expression in both databases (integer arithmetic only). */
const MIX_SQL = 'rowid * 7 + product_id * 3 + customer_id * 5 + quantity * 11';

/** The warehouse connection used for resets and checks between timed runs (never during one). */
export class WarehouseState {
  private constructor(
    private readonly client: Client,
    private readonly index: boolean,
  ) {}

  /** `index`: the target table gets an index on rowid (the course's has none). */
  static async open(index = false): Promise<WarehouseState> {
    const admin = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [WAREHOUSE_DB]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${WAREHOUSE_DB}`);
    } finally {
      await admin.end();
    }
    const client = new Client({ connectionString: WAREHOUSE_URL });
    await client.connect();
    return new WarehouseState(client, index);
  }

  /** Recreates the target table (empty) and drops any base copy of another size. */
  async recreate(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${TARGET}`);
    await this.client.query(WAREHOUSE_DDL(TARGET));
    if (this.index) await this.client.query(`CREATE INDEX ${TARGET}_rowid ON ${TARGET} (rowid)`);
    // Background vacuum/analyze of a table that is truncated and reloaded every few seconds only adds noise.
    await this.client.query(`ALTER TABLE ${TARGET} SET (autovacuum_enabled = false)`);
  }

  async truncate(): Promise<void> {
    await this.client.query(`TRUNCATE ${TARGET}`);
  }

  /** Saves the target's current rows as the base the incremental scenario restarts from. */
  async saveBase(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${BASE}`);
    await this.client.query(`CREATE TABLE ${BASE} AS SELECT * FROM ${TARGET}`);
  }

  /** Brings the target back to exactly rows 1..rows: deletes what a run added above, or reloads from the base. */
  async resetTo(rows: number): Promise<void> {
    await this.client.query(`DELETE FROM ${TARGET} WHERE rowid > ${rows}`);
    const now = await this.fingerprint();
    if (now.count !== rows || now.maxKey !== rows) {
      await this.client.query(`TRUNCATE ${TARGET}`);
      await this.client.query(`INSERT INTO ${TARGET} SELECT * FROM ${BASE} WHERE rowid <= ${rows}`);
    }
    await this.settle();
  }

  /** Vacuums and checkpoints so that no run pays for the previous run's dirty pages. */
  async settle(): Promise<void> {
    await this.client.query(`VACUUM ANALYZE ${TARGET}`);
    await this.client.query('CHECKPOINT');
  }

  async fingerprint(): Promise<Fingerprint & { nullPrices: number }> {
    const res = await this.client.query<{ n: string; m: string; s: string; p: string }>(
      `SELECT count(*) AS n, coalesce(max(rowid), 0) AS m, coalesce(sum(${MIX_SQL}::bigint), 0)::text AS s,
              count(*) FILTER (WHERE price IS NULL AND "timestamp" IS NULL) AS p FROM ${TARGET}`,
    );
    const { n, m, s, p } = res.rows[0];
    return { count: Number(n), maxKey: Number(m), sum: s, nullPrices: Number(p) };
  }

  async serverVersion(): Promise<string> {
    return (await this.client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export async function mysqlVersion(): Promise<string> {
  const conn = await mysql.createConnection({ uri: MYSQL_SERVER });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return (rows as Array<{ v: string }>)[0].v;
  } finally {
    await conn.end();
  }
}
