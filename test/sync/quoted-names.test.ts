/**
 * A quoted table name with a doubled quote inside ("we""ird" is the table we"ird) names the same
 * table on the MySQL source and on every warehouse, as the built CLI reads it from --table.
 */
import mysql from 'mysql2/promise';
import { cliProcess, freshDatabases, freshMySqlDatabase, MYSQL_SERVER, type TestDatabases } from '../support/databases';

const DB = 'h5_quoted_names';
const MYSQL_WAREHOUSE = 'h5_quoted_names_wh';
let db: TestDatabases;
let mysqlWarehouse: mysql.Connection;

beforeAll(async () => {
  db = await freshDatabases(DB);
  mysqlWarehouse = await freshMySqlDatabase(MYSQL_WAREHOUSE);
  await db.mysql.query('CREATE TABLE `we"ird` (id INT NOT NULL PRIMARY KEY, v VARCHAR(10))');
  await db.mysql.query("INSERT INTO `we\"ird` VALUES (1, 'one'), (2, 'two'), (3, NULL)");
  await db.pg.query('CREATE TABLE "we""ird" (id integer NOT NULL, v varchar(10))');
  await mysqlWarehouse.query('CREATE TABLE `we"ird` (id INT NOT NULL, v VARCHAR(10))');
});
afterAll(async () => {
  await db.close();
  await mysqlWarehouse.end();
});

const warehouses = () =>
  [
    ['PostgreSQL', db.warehouseUrl, async () => (await db.pg.query('SELECT id, v FROM "we""ird" ORDER BY id')).rows],
    [
      'MySQL',
      `${MYSQL_SERVER}/${MYSQL_WAREHOUSE}`,
      async () => (await mysqlWarehouse.query('SELECT id, v FROM `we"ird` ORDER BY id'))[0],
    ],
  ] as const;

test.each(['PostgreSQL', 'MySQL'])('%s warehouse: run and verify with --table \'"we""ird"\'', async (kind) => {
  const [, url, rows] = warehouses().find(([name]) => name === kind)!;
  const args = ['--source', db.sourceUrl, '--warehouse', url, '--table', '"we""ird"', '--key', 'id', '--json'];
  const run = await cliProcess(['run', ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({
    table: '"we""ird"',
    watermarkBefore: null,
    watermarkAfter: 3,
    newRows: 3,
    inserted: 3,
  });
  expect(await rows()).toEqual([
    { id: 1, v: 'one' },
    { id: 2, v: 'two' },
    { id: 3, v: null },
  ]);
  const verify = await cliProcess(['verify', ...args]);
  expect(verify.stderr).toBe('');
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout).tables[0]).toMatchObject({ inStep: true, sourceRows: 3, warehouseRows: 3 });
});
