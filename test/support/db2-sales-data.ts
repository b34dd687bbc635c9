/**
 * The set-up the DB2 suites that run the CLI share: the stand-in DB2 engine behind the real ibm_db
 * (test/warehouse/db2-standin.ts), a connection to it, and a fresh MySQL source database whose
 * sales_data holds keys 1..rows (quantity = rowid % 7).
 */
import mysql from 'mysql2/promise';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { startStandin, type Standin } from '../warehouse/db2-standin';
import { MYSQL_SERVER } from './databases';

export interface Db2SalesData {
  standin: Standin;
  /** A connection to the stand-in, for the test's own statements. */
  db2: IbmDbConnection;
  /** The CLI's arguments for this source and warehouse: batches of 100 rows, the JSON report. */
  args: string[];
}

export async function startDb2SalesData(database: string, rows: number): Promise<Db2SalesData> {
  const standin = await startStandin();
  let db2: IbmDbConnection | undefined;
  try {
    db2 = await standin.driver.open(standin.connectionString);
    const source = `${MYSQL_SERVER}/${database}`;
    const args = ['--source', source, '--warehouse', standin.url, '--batch-size', '100', '--json'];
    const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}; USE ${database};
      CREATE TABLE sales_data (rowid INT NOT NULL PRIMARY KEY, quantity INT NOT NULL);
      INSERT INTO sales_data (rowid, quantity)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${rows}) SELECT n, n % 7 FROM seq`);
    await admin.end();
    return { standin, db2, args };
  } catch (error) {
    // The suite's afterAll has nothing to stop when this set-up fails, so it stops what it started.
    await stopDb2SalesData({ standin, db2 });
    throw error;
  }
}

/** Closes the connection and stops the stand-in; either may be missing when set-up failed. */
export async function stopDb2SalesData(fixture: Partial<Db2SalesData> | undefined): Promise<void> {
  await fixture?.db2?.close();
  await fixture?.standin?.stop();
}
