/**
 * Late rows (kafka-connect-jdbc #915, Airbyte #85918): MySQL AUTO_INCREMENT keys become visible out
 * of order. A transaction holding a lower key commits after a higher key was synced; the next run
 * must still load it.
 */
import mysql from 'mysql2/promise';
import { cli, createCourseTables, freshDatabases, generateRows, warehouseKeys, type TestDatabases } from '../support/databases';

const DB = 'test_late_rows';
let db: TestDatabases;
let args: string[];

beforeEach(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 10);
  args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--json'];
  expect((await cli(args)).code).toBe(0);
});
afterEach(() => db.close());

async function report(extra: string[] = []) {
  const result = await cli([...args, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).tables[0];
}

// Without an index the watermark and the late window come from one scan of the warehouse table;
// with one, from two indexed queries.
test.each([['without'], ['with']])('a lower key that commits after a higher key was synced is loaded by the next run (%s an index on the warehouse key)', async (index) => {
  if (index === 'with') await db.pg.query('CREATE INDEX ON sales_data (rowid)');
  const slow = await mysql.createConnection(db.sourceUrl);
  try {
    await slow.query('BEGIN');
    const [held] = await slow.query('INSERT INTO sales_data (product_id, customer_id, quantity) VALUES (1, 1, 1)');
    expect((held as mysql.ResultSetHeader).insertId).toBe(11);
    // Another writer takes key 12 and commits while 11 is still uncommitted.
    const [fast] = await db.mysql.query('INSERT INTO sales_data (product_id, customer_id, quantity) VALUES (2, 2, 2)');
    expect((fast as mysql.ResultSetHeader).insertId).toBe(12);

    expect(await report()).toMatchObject({ watermarkBefore: 10, watermarkAfter: 12, newRows: 1, inserted: 1, repaired: 0 });
    await slow.query('COMMIT');
  } finally {
    await slow.end();
  }
  // The watermark (12) is already above 11: a key-only cursor would skip it forever.
  expect(await report()).toMatchObject({ watermarkBefore: 12, newRows: 0, inserted: 0, repaired: 1 });
  expect(await warehouseKeys(db)).toEqual({ count: 12, distinct: 12, min: 1, max: 12 });
  const row = await db.pg.query('SELECT product_id, customer_id, quantity FROM sales_data WHERE rowid = 11');
  expect(row.rows).toEqual([{ product_id: 1, customer_id: 1, quantity: 1 }]);
  expect(await report()).toMatchObject({ newRows: 0, inserted: 0, repaired: 0 });
});

test('a late row outside the window is left to verify --repair, which finds and loads it', async () => {
  await generateRows(db, 20, 30);
  expect(await report()).toMatchObject({ inserted: 11 });
  await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (15, 5, 5, 5)');
  expect(await report(['--late-window', '5'])).toMatchObject({ repaired: 0 });

  const found = await cli(['verify', ...args]);
  expect(found.code).toBe(1);
  expect(JSON.parse(found.stdout).tables[0]).toMatchObject({ missing: 1, missingRanges: ['15'], differing: [], inStep: false });
  const repaired = await cli(['verify', '--repair', ...args]);
  expect(JSON.parse(repaired.stdout).tables[0]).toMatchObject({ missing: 1, repaired: 1, inStep: true });
  expect(repaired.code).toBe(0);
  expect(await warehouseKeys(db)).toEqual({ count: 22, distinct: 22, min: 1, max: 30 });
});

test('--dry-run counts late rows without loading them', async () => {
  await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (20, 1, 1, 1)');
  expect(await report()).toMatchObject({ inserted: 1 });
  await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (15, 1, 1, 1), (16, 1, 1, 1)');
  expect(await report(['--dry-run'])).toMatchObject({ repaired: 2, inserted: 0, dryRun: true });
  expect(await warehouseKeys(db)).toEqual({ count: 11, distinct: 11, min: 1, max: 20 });
});
