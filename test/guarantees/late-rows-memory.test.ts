/**
 * Late rows load in bounded memory, as the built CLI in its own process: 1M rows missing below the
 * watermark, all inside the late window, are found page by page and loaded with a peak RSS under
 * 100 MB (the same bound as verify --repair's).
 */
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';

const DB = 'h5_late_rows_memory';
const MB = 1024 * 1024;
const LATE = 1_000_000;
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
});
afterAll(() => db.close());

test('1M late rows inside the window: loaded in under 100 MB', async () => {
  await createCourseTables(db);
  await generateRows(db, 1, LATE + 1);
  // The warehouse holds only the largest key: every row below it is late.
  await db.pg.query(`INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (${LATE + 1}, 1, 1, 1)`);
  const result = await cliProcess([
    'run',
    '--json',
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--late-window',
    String(LATE + 1),
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
    watermarkBefore: LATE + 1,
    watermarkAfter: LATE + 1,
    repaired: LATE,
    inserted: 0,
    more: false,
  });
  expect(await warehouseKeys(db)).toEqual({ count: LATE + 1, distinct: LATE + 1, min: 1, max: LATE + 1 });
  console.log(`run with 1M late rows: peak RSS ${(result.peakRssBytes! / MB).toFixed(1)} MB`);
  expect(result.peakRssBytes).toBeLessThan(100 * MB);
});
