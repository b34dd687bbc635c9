/**
 * The README shows what `warehouse-sync ddl` prints for the course's table on each warehouse: the
 * block is compared with the built CLI's output for the course's staging table (sales.sql), and each
 * warehouse's statement is run as printed (PostgreSQL, MariaDB, and DB2 through the real ibm_db and
 * the stand-in), so the README never shows DDL the warehouse would not take.
 */
import fs from 'fs';
import mysql from 'mysql2/promise';
import path from 'path';
import { Client } from 'pg';
import { loadStaging } from '../../scripts/course-data';
import { cliProcess, MYSQL_SERVER, POSTGRES_SERVER, ROOT } from '../support/databases';
import { startStandin, type Standin } from '../warehouse/db2-standin';

const DB = 'h4_readme_ddl';
/** Warehouses nobody listens on: ddl reads only the source. */
const WAREHOUSES = [
  'postgres://root@127.0.0.1:1/nowhere',
  'mysql://root@127.0.0.1:1/nowhere',
  'db2://db2inst1@127.0.0.1:1/NOWHERE',
];

let printed: string[];

beforeAll(async () => {
  await loadStaging(`${MYSQL_SERVER}/mysql`, DB, { reset: true });
  printed = [];
  for (const warehouse of WAREHOUSES) {
    const result = await cliProcess(['ddl', '--source', `${MYSQL_SERVER}/${DB}`, '--warehouse', warehouse]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    printed.push(result.stdout);
  }
});
afterAll(async () => {
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql` });
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
});

test("README.md shows ddl's output for the course's table on PostgreSQL, MySQL/MariaDB and DB2, as printed", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /For the course's table, `warehouse-sync ddl` prints, per warehouse:\n\n```sql\n([\s\S]*?)```/.exec(
    readme,
  );
  expect(block?.[1]).toBe(printed.join(''));
  expect(printed.map((p) => p.split('\n')[0])).toEqual([
    '-- sales_data (PostgreSQL)',
    '-- sales_data (MySQL/MariaDB)',
    '-- sales_data (DB2)',
  ]);
});

describe('each statement runs as printed', () => {
  test('PostgreSQL', async () => {
    const admin = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
    const pg = new Client({ connectionString: `${POSTGRES_SERVER}/${DB}` });
    await pg.connect();
    try {
      await pg.query(printed[0]);
      expect(
        (
          await pg.query(
            `SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'sales_data'::regclass AND ` + `indisprimary`,
          )
        ).rows,
      ).toEqual([{ n: 1 }]);
    } finally {
      await pg.end();
      const cleanup = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${DB}`);
      await cleanup.end();
    }
  });

  test('MariaDB', async () => {
    const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${DB}_wh; CREATE DATABASE ${DB}_wh; USE ${DB}_wh`);
      await admin.query(printed[1]);
      const [rows] = await admin.query(
        `SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '${DB}_wh' ` +
          `AND INDEX_NAME = 'PRIMARY'`,
      );
      expect(rows).toEqual([{ COLUMN_NAME: 'rowid' }]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${DB}_wh`);
      await admin.end();
    }
  });

  test('DB2 (real ibm_db → stand-in)', async () => {
    const standin: Standin = await startStandin();
    const db2 = await standin.driver.open(standin.connectionString);
    try {
      await db2.query(printed[2]);
      expect(
        await db2.query(
          "SELECT COLNAME, TYPENAME, NULLS FROM SYSCAT.COLUMNS WHERE TABNAME = 'SALES_DATA' " + 'ORDER BY COLNO',
        ),
      ).toEqual(
        ['ROWID', 'PRODUCT_ID', 'CUSTOMER_ID', 'QUANTITY'].map((c) => ({
          COLNAME: c,
          TYPENAME: 'INTEGER',
          NULLS: 'N',
        })),
      );
      await db2.query('INSERT INTO SALES_DATA VALUES (1, 1, 1, 1)');
      await expect(db2.query('INSERT INTO SALES_DATA VALUES (1, 2, 2, 2)')).rejects.toMatchObject({
        sqlstate: '23505',
      });
    } finally {
      await db2.close();
      await standin.stop();
    }
  });
});
