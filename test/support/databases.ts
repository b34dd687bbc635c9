/**
 * Test databases on the local MariaDB and PostgreSQL. Each test file uses its own database names,
 * so files never see each other's tables.
 */
import { spawn } from 'child_process';
import path from 'path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { runCli } from '../../functions/cli';
import { WAREHOUSE_DDL } from '../../scripts/course-data';

export const MYSQL_SERVER = 'mysql://root@127.0.0.1:3306';
export const POSTGRES_SERVER = 'postgres://root@127.0.0.1:5432';
export const ROOT = path.join(__dirname, '..', '..');
export const CLI_BUNDLE = path.join(ROOT, 'dist', 'cli.js');

export interface TestDatabases {
  name: string;
  sourceUrl: string;
  warehouseUrl: string;
  mysql: mysql.Connection;
  pg: Client;
  close(): Promise<void>;
}

/** A fresh (dropped and recreated) MySQL database named `name`, and a connection to it in a UTC session. */
export async function freshMySqlDatabase(
  name: string,
  options: Omit<mysql.ConnectionOptions, 'uri'> = {},
): Promise<mysql.Connection> {
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\``);
  await admin.end();
  const conn = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${name}`, multipleStatements: true, ...options });
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

/** Fresh (dropped and recreated) MySQL and PostgreSQL databases named `name`. */
export async function freshDatabases(name: string): Promise<TestDatabases> {
  const conn = await freshMySqlDatabase(name, { dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const pgAdmin = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
  await pgAdmin.connect();
  await pgAdmin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await pgAdmin.query(`CREATE DATABASE "${name}"`);
  await pgAdmin.end();
  const pg = new Client({ connectionString: `${POSTGRES_SERVER}/${name}` });
  await pg.connect();
  return {
    name,
    sourceUrl: `${MYSQL_SERVER}/${name}`,
    warehouseUrl: `${POSTGRES_SERVER}/${name}`,
    mysql: conn,
    pg,
    close: async () => {
      await conn.end();
      await pg.end();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (fast; for most tests). */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, env, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

export interface ChildResult extends CliResult {
  peakRssBytes: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the built CLI bundle as its own process, the way a user or scheduler does. */
export function cliProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onStart?: (kill: () => void) => void,
  nodeArgs: string[] = [],
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'report-rss.js'), ...nodeArgs, CLI_BUNDLE, ...args],
      {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const rss = /peak-rss-bytes=(\d+)/.exec(stderr);
      resolve({
        code: code ?? -1,
        signal,
        stdout,
        stderr: stderr.replace(/peak-rss-bytes=\d+\n/, ''),
        peakRssBytes: rss ? Number(rss[1]) : null,
      });
    });
    onStart?.(() => child.kill('SIGKILL'));
  });
}

/** Course-shaped tables: staging (4 columns, rowid PK) and warehouse (6 columns, no key, like the course's). */
export async function createCourseTables(db: TestDatabases, table = 'sales_data'): Promise<void> {
  await db.mysql.query(
    `CREATE TABLE ${table} (rowid INT NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id INT ` +
      `NOT NULL, customer_id INT NOT NULL, quantity INT NOT NULL)`,
  );
  await db.pg.query(WAREHOUSE_DDL(table));
}

/**
 * Inserts rows with keys from..to (inclusive), values derived from the key, generated in SQL
 * (MariaDB's sequence engine).
 */
export async function generateRows(db: TestDatabases, from: number, to: number, table = 'sales_data'): Promise<void> {
  await db.mysql.query(
    `INSERT INTO ${table} (rowid, product_id, customer_id, quantity)
     SELECT seq, seq % 10000, (seq * 7) % 100000, seq % 5 + 1 FROM seq_${from}_to_${to}`,
  );
}

export async function warehouseKeys(
  db: TestDatabases,
  table = 'sales_data',
): Promise<{ count: number; distinct: number; min: number | null; max: number | null }> {
  const r = await db.pg.query(
    `SELECT count(*)::int AS count, count(DISTINCT rowid)::int AS distinct, min(rowid) AS ` +
      `min, max(rowid) AS max FROM ${table}`,
  );
  return r.rows[0];
}
