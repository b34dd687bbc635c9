/** Many batches: 250,000 rows in batches of 10,000 arrive complete, in key order, in flat memory. */
import { cliProcess, createCourseTables, freshDatabases, generateRows, type TestDatabases } from '../support/databases';

const DB = 'test_many_batches';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 250_000);
  await createCourseTables({ ...db, mysql: db.mysql, pg: db.pg }, 'small_data');
  await generateRows(db, 1, 20_000, 'small_data');
});
afterAll(() => db.close());

test('250,000 rows in 25 batches: every key once, committed in key order, flat memory', async () => {
  const small = await cliProcess([
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--table',
    'small_data',
    '--batch-size',
    '10000',
    '--json',
  ]);
  expect(small.code).toBe(0);
  const run = await cliProcess([
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--batch-size',
    '10000',
    '--json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout).tables[0];
  expect(report).toMatchObject({
    watermarkBefore: null,
    watermarkAfter: 250_000,
    newRows: 250_000,
    inserted: 250_000,
    batches: 25,
    more: false,
  });

  // Physical order (ctid) follows insertion order in a fresh heap: keys must come out 1..250000.
  const keys = await db.pg.query({ text: 'SELECT rowid FROM sales_data ORDER BY ctid', rowMode: 'array' });
  expect(keys.rows.length).toBe(250_000);
  let inOrder = true;
  keys.rows.forEach((r, i) => {
    if (r[0] !== i + 1) inOrder = false;
  });
  expect(inOrder).toBe(true);
  const sample = await db.pg.query(
    'SELECT rowid, product_id, customer_id, quantity FROM sales_data WHERE rowid IN (1, ' +
      '123457, 250000) ORDER BY rowid',
  );
  expect(sample.rows).toEqual([
    { rowid: 1, product_id: 1, customer_id: 7, quantity: 2 },
    { rowid: 123457, product_id: 3457, customer_id: 64199, quantity: 3 },
    { rowid: 250000, product_id: 0, customer_id: 50000, quantity: 1 },
  ]);

  const mb = (b: number | null) => Math.round((b ?? 0) / 1048576);
  console.log(`peak RSS: ${mb(small.peakRssBytes)} MB for 20,000 rows, ${mb(run.peakRssBytes)} MB for 250,000 rows`);
  // Loose bounds: memory follows the batch, not the table.
  expect(mb(run.peakRssBytes)).toBeLessThan(200);
  expect(run.peakRssBytes!).toBeLessThan(small.peakRssBytes! * 1.5);
});
