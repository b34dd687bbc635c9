/**
 * Statements DB2 executes with a warning, through the real ibm_db and the stand-in. The CLI returns
 * SQL_SUCCESS_WITH_INFO with the warning's diagnostic; ibm_db 4.0.1's query() (UV_AfterQuery)
 * rejects anything but SQL_SUCCESS unless `noResults` is set, so a statement DB2 ran counted as
 * failed. The engine warns as DB2 does when an aggregate drops NULLs (SQLSTATE 01003, IBM SQLSTATE
 * messages, class 01), the case the watermark (MAX of the key) and verify (COUNT of the key) meet on
 * a warehouse table whose key column holds a NULL.
 */
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { cli } from '../support/databases';
import { startDb2SalesData, stopDb2SalesData } from '../support/db2-sales-data';
import type { Standin } from './db2-standin';

const MYSQL_DATABASE = 'h2_db2_warnings';
const ROWS = 300;
let standin: Standin;
let db2: IbmDbConnection;
let args: string[];

beforeAll(async () => {
  ({ standin, db2, args } = await startDb2SalesData(MYSQL_DATABASE, ROWS));
  // The course's warehouse table: no key constraint, and here one row whose ROWID is NULL.
  await db2.query('CREATE TABLE SALES_DATA (ROWID INTEGER, QUANTITY INTEGER NOT NULL)');
  await db2.query('INSERT INTO SALES_DATA (ROWID, QUANTITY) VALUES (NULL, 0)');
});
afterAll(() => stopDb2SalesData({ standin, db2 }));

test('the binding itself: a SELECT DB2 ran with warning 01003 is rejected by query()', async () => {
  await expect(db2.query('SELECT MAX(ROWID) AS M FROM SALES_DATA')).rejects.toMatchObject({ sqlstate: '01003' });
});

test('a warehouse key column holding a NULL: run loads every row once, and verify reports the NULL key instead of failing', async () => {
  const run = await cli(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: ROWS, watermarkAfter: ROWS });
  const [counts] = await db2.query(
    'SELECT COUNT(*) AS N, COUNT(DISTINCT ROWID) AS D FROM SALES_DATA WHERE ROWID IS NOT NULL',
  );
  expect(counts).toEqual({ N: ROWS, D: ROWS });
  const verify = await cli(['verify', ...args]);
  expect(verify.stdout + verify.stderr).not.toMatch(/01003/);
  expect(JSON.parse(verify.stdout).tables).toEqual([
    expect.objectContaining({
      warehouseNullKeys: 1,
      sourceNullKeys: 0,
      warehouseDuplicates: 0,
      missing: 0,
      inStep: false,
    }),
  ]);
});

test('a batch insert DB2 executed with a warning counts as executed: not failed, not retried into a double', async () => {
  await db2.query('DELETE FROM SALES_DATA');
  // 01517 (a substitute character replaced one that could not be converted: IBM SQLSTATE messages,
  // class 01) on the first two batches; each statement ran and its rows are in its unit of work.
  standin.server.warnNext('01517', /^INSERT INTO "DB2INST1"."SALES_DATA"/);
  standin.server.warnNext('01517', /^INSERT INTO "DB2INST1"."SALES_DATA"/);
  const run = await cli(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: ROWS, watermarkAfter: ROWS, batches: 3 });
  const [counts] = await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT ROWID) AS D FROM SALES_DATA');
  expect(counts).toEqual({ N: ROWS, D: ROWS });
});
