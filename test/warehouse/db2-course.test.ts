/**
 * The course's data synced into DB2 through the real ibm_db (its JavaScript and prebuilt binding)
 * over the stand-in libdb2.so.1 and the project's DB2 engine (./db2-standin), the CLI in-process: staging from
 * sales.sql in MySQL, the warehouse's SALES_DATA seeded from sales.csv; the numbers the course expects.
 */
import mysql from 'mysql2/promise';
import { loadStaging, readCourseCsv } from '../../scripts/course-data';
import { type IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { cli, MYSQL_SERVER } from '../support/databases';
import { startStandin, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'test_db2_course';

/** The course's warehouse table as a DB2 user creates it (the README, "IBM DB2 as the warehouse"). */
const SALES_DATA_DDL = `CREATE TABLE SALES_DATA (
  rowid INTEGER NOT NULL, product_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
  price DECIMAL(10,2), quantity INTEGER NOT NULL, timestamp TIMESTAMP)`;

let standin: Standin;
let db2: IbmDbConnection;
let staging: mysql.Connection;
const args: string[] = [];

/** sales.csv into SALES_DATA with ibm_db array inserts, as an IMPORT would load it. */
async function seedWarehouse(): Promise<void> {
  await db2.query(SALES_DATA_DDL);
  const rows = readCourseCsv();
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    const params = [0, 1, 2, 3, 4, 5].map((j) => ({ ParamType: 'ARRAY' as const, Data: chunk.map((r) => r[j]) }));
    await db2.query({ sql: 'INSERT INTO SALES_DATA VALUES (?, ?, ?, ?, ?, ?)', params, ArraySize: chunk.length });
  }
}

beforeAll(async () => {
  standin = await startStandin();
  args.push('--source', `${MYSQL_SERVER}/${MYSQL_DATABASE}`, '--warehouse', standin.url);
  await loadStaging(`${MYSQL_SERVER}/mysql`, MYSQL_DATABASE, { reset: true });
  staging = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${MYSQL_DATABASE}` });
  db2 = await standin.driver.open(standin.connectionString);
  await seedWarehouse();
});
afterAll(async () => {
  await db2.close();
  await staging.end();
  await standin.stop();
});

test('the seeded warehouse holds the CSV: 12186 rows up to rowid 12289', async () => {
  expect(await db2.query('SELECT COUNT(*) AS N, MIN(rowid) AS LO, MAX(rowid) AS HI FROM SALES_DATA')).toEqual([
    { N: 12186, LO: 104, HI: 12289 },
  ]);
  expect(
    await db2.query(
      "SELECT rowid, VARCHAR(price) AS PRICE, VARCHAR_FORMAT(timestamp, 'YYYY-MM-DD " +
        "HH24:MI:SS') AS TS FROM SALES_DATA WHERE rowid = 104",
    ),
  ).toEqual([{ ROWID: 104, PRICE: '4277.00', TS: '2017-11-22 03:53:23' }]);
});

test('status before the first run shows 1650 pending rows', async () => {
  const { code, stdout, stderr } = await cli(['status', ...args]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toBe('sales_data: warehouse watermark = 12289, source high key = 13939, pending rows = 1650\n');
});

test('one run prints the course lines and loads exactly the 1650 new rows', async () => {
  const { code, stdout, stderr } = await cli(['run', ...args]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toBe(
    'Last row id on production datawarehouse = 12289\n' +
      'New rows on staging datawarehouse = 1650\n' +
      'New rows inserted into production datawarehouse = 1650\n',
  );
  expect(await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT rowid) AS D, MAX(rowid) AS HI FROM SALES_DATA')).toEqual(
    [{ N: 13836, D: 13836, HI: 13939 }],
  );
  const [expected] = await staging.query({
    sql: 'SELECT rowid, product_id, customer_id, quantity FROM sales_data WHERE rowid > 12289 ' + 'ORDER BY rowid',
    rowsAsArray: true,
  });
  const loaded = await db2.query(
    'SELECT rowid, product_id, customer_id, quantity, price, timestamp FROM SALES_DATA ' +
      'WHERE rowid > 12289 ORDER BY rowid',
  );
  expect(loaded.map((r) => [r.ROWID, r.PRODUCT_ID, r.CUSTOMER_ID, r.QUANTITY])).toEqual(expected);
  expect(loaded.every((r) => r.PRICE === null && r.TIMESTAMP === null)).toBe(true);
});

test('a second run right after finds 0 new rows', async () => {
  const { code, stdout } = await cli(['run', ...args]);
  expect(code).toBe(0);
  expect(stdout).toBe(
    'Last row id on production datawarehouse = 13939\n' +
      'New rows on staging datawarehouse = 0\n' +
      'New rows inserted into production datawarehouse = 0\n',
  );
  expect(await db2.query('SELECT COUNT(*) AS N FROM SALES_DATA')).toEqual([{ N: 13836 }]);
});

test('verify, with checksums computed in DB2 SQL, finds source and warehouse in step', async () => {
  const { code, stdout, stderr } = await cli(['verify', ...args]);
  expect(stderr).toBe('');
  expect(stdout).toBe('sales_data: source rows = 13836, warehouse rows = 13836\nsales_data: in step\n');
  expect(code).toBe(0);
});

test('the JSON report of a run with nothing new', async () => {
  const { code, stdout } = await cli(['run', '--json', ...args]);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({
    ok: true,
    tables: [
      {
        table: 'sales_data',
        watermarkBefore: 13939,
        watermarkAfter: 13939,
        newRows: 0,
        inserted: 0,
        repaired: 0,
        more: false,
        dryRun: false,
      },
    ],
  });
});
