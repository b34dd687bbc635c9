/**
 * verify compares source and warehouse in SQL (counts and checksums per key range), reports missing
 * keys as ranges and changed rows by key; --repair loads only what is missing and never overwrites.
 */
import { cli, createCourseTables, freshDatabases, generateRows, warehouseKeys, type TestDatabases } from '../support/databases';

const DB = 'test_verify';
const ROWS = 50_000;
let db: TestDatabases;
let args: string[];

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
  args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl];
  expect((await cli(args)).code).toBe(0);
});
afterAll(() => db.close());

test('a deleted range and a changed row are found; --repair restores the range only', async () => {
  await db.pg.query('DELETE FROM sales_data WHERE rowid BETWEEN 1000 AND 1999 OR rowid BETWEEN 30000 AND 30010 OR rowid = 45000');
  await db.pg.query('UPDATE sales_data SET quantity = quantity + 1 WHERE rowid = 4242');
  // Warehouse-only columns are not compared: filling price changes nothing for verify.
  await db.pg.query('UPDATE sales_data SET price = 99 WHERE rowid = 777');

  const found = await cli(['verify', ...args]);
  expect(found.code).toBe(1);
  expect(found.stdout).toBe(
    'sales_data: source rows = 50000, warehouse rows = 48988\n' +
      'sales_data: missing in warehouse = 1012 (keys 1000-1999, 30000-30010, 45000)\n' +
      'sales_data: rows that differ = 1 (keys 4242); not overwritten\n' +
      'sales_data: differences remain\n',
  );

  const repaired = await cli(['verify', '--repair', '--json', ...args]);
  expect(repaired.code).toBe(1);
  expect(JSON.parse(repaired.stdout)).toEqual({
    ok: false,
    tables: [{
      table: 'sales_data', sourceRows: 50000, warehouseRows: 48988, missing: 1012, missingRanges: ['1000-1999', '30000-30010', '45000'],
      differing: [4242], extra: 0, repaired: 1012, inStep: false,
      sourceDuplicates: 0, warehouseDuplicates: 0, sourceDuplicateKeys: [], warehouseDuplicateKeys: [], sourceNullKeys: 0, warehouseNullKeys: 0,
    }],
  });
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  const changed = await db.pg.query('SELECT quantity FROM sales_data WHERE rowid = 4242');
  expect(changed.rows).toEqual([{ quantity: (4242 % 5) + 2 }]);

  const again = await cli(['verify', ...args]);
  expect(again.code).toBe(1);
  expect(again.stdout).toBe(
    'sales_data: source rows = 50000, warehouse rows = 50000\n' +
      'sales_data: rows that differ = 1 (keys 4242); not overwritten\n' +
      'sales_data: differences remain\n',
  );
});

test('rows only in the warehouse (deleted in staging) are reported, not propagated', async () => {
  await db.pg.query('UPDATE sales_data SET quantity = quantity - 1 WHERE rowid = 4242');
  await db.mysql.query('DELETE FROM sales_data WHERE rowid IN (10, 11)');
  const result = await cli(['verify', '--json', ...args]);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ missing: 0, differing: [], extra: 2, inStep: true });
  expect(result.code).toBe(0);
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});
