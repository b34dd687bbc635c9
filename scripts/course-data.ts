/**
 * The course's data, loaded into local databases: `data/seed/sales.sql` into MySQL (staging) and
 * `data/seed/sales.csv` into a PostgreSQL warehouse table with the course's six columns. Used by
 * `npm run demo` and by the tests.
 */
import fs from 'fs';
import path from 'path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export const SEED_DIR = path.join(__dirname, '..', 'data', 'seed');

/** MariaDB 10.11 has no utf8mb4_0900_ai_ci (a MySQL 8 collation); its nearest equivalent does. */
export function mariadbCompatibleDump(sql: string): string {
  return sql.replace(/utf8mb4_0900_ai_ci/g, 'utf8mb4_general_ci');
}

/** Loads sales.sql into `database` (created if needed). Returns false if the table was already there. */
export async function loadStaging(
  serverUrl: string,
  database: string,
  options: { reset?: boolean; table?: string } = {},
): Promise<boolean> {
  const table = options.table ?? 'sales_data';
  const conn = await mysql.createConnection({ uri: serverUrl, multipleStatements: true });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
    await conn.query(`USE \`${database}\``);
    if (options.reset) await conn.query(`DROP TABLE IF EXISTS \`${table}\``);
    const [exists] = await conn.query(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [database, table],
    );
    if ((exists as unknown[]).length > 0) return false;
    let dump = mariadbCompatibleDump(fs.readFileSync(path.join(SEED_DIR, 'sales.sql'), 'utf8'));
    if (table !== 'sales_data') dump = dump.replace(/`sales_data`/g, `\`${table}\``);
    await conn.query(dump);
    return true;
  } finally {
    await conn.end();
  }
}

/** The course warehouse table: price and timestamp, which staging lacks, are nullable. */
export const WAREHOUSE_DDL = (table: string) => `CREATE TABLE ${table} (
  rowid integer NOT NULL,
  product_id integer NOT NULL,
  customer_id integer NOT NULL,
  price integer,
  quantity integer NOT NULL,
  "timestamp" timestamp
)`;

/** Parses sales.csv (stray spaces in the header and before every timestamp). */
export function readCourseCsv(): string[][] {
  const lines = fs
    .readFileSync(path.join(SEED_DIR, 'sales.csv'), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0].split(',').map((h) => h.trim());
  const expected = ['rowid', 'product_id', 'customer_id', 'price', 'quantity', 'timestamp'];
  if (header.join() !== expected.join())
    throw new Error(`sales.csv header is ${header.join()}, expected ${expected.join()}`);
  return lines.slice(1).map((l) => l.split(',').map((f) => f.trim()));
}

/** Creates database `database` (if needed) and loads sales.csv. Returns false if the table was already there. */
export async function loadWarehouse(
  serverUrl: string,
  database: string,
  options: { reset?: boolean; table?: string } = {},
): Promise<boolean> {
  const table = options.table ?? 'sales_data';
  const admin = new Client({ connectionString: serverUrl.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const client = new Client({ connectionString: serverUrl.replace(/\/[^/]*$/, `/${database}`) });
  await client.connect();
  try {
    if (options.reset) await client.query(`DROP TABLE IF EXISTS ${table}`);
    const exists = await client.query('SELECT to_regclass($1) AS t', [table]);
    if (exists.rows[0].t !== null) return false;
    await client.query('BEGIN');
    await client.query(WAREHOUSE_DDL(table));
    const stream = client.query(
      copyFrom(
        `COPY ${table} (rowid, product_id, customer_id, price, quantity, "timestamp") FROM ` +
          `STDIN WITH (FORMAT csv)`,
      ),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      stream.end(
        readCourseCsv()
          .map((r) => r.join(','))
          .join('\n') + '\n',
      );
    });
    await client.query('COMMIT');
    return true;
  } finally {
    await client.end();
  }
}
