/**
 * verify --repair streams in bounded memory, as the built CLI in its own process: its peak RSS stays
 * under 100 MB while it repairs 1M missing rows, and while it repairs rows missing one in three
 * (fetched by key, not streamed). It never holds all missing keys.
 */
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_verify_memory';
const MB = 1024 * 1024;
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
});
afterAll(() => db.close());

const repair = (table: string) =>
  cliProcess([
    'verify',
    '--repair',
    '--json',
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--table',
    table,
  ]);

test('1M missing rows: repaired in under 100 MB', async () => {
  await createCourseTables(db, 'million');
  await generateRows(db, 1, 1_000_000, 'million');
  const result = await repair('million');
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
    missing: 1_000_000,
    missingRanges: ['1-1000000'],
    repaired: 1_000_000,
    inStep: true,
  });
  expect(await warehouseKeys(db, 'million')).toEqual({ count: 1_000_000, distinct: 1_000_000, min: 1, max: 1_000_000 });
  console.log(`verify --repair of 1M missing rows: peak RSS ${(result.peakRssBytes! / MB).toFixed(1)} MB`);
  expect(result.peakRssBytes).toBeLessThan(100 * MB);
});

test('one row in three missing: repaired by key in under 100 MB', async () => {
  await createCourseTables(db, 'scattered');
  await generateRows(db, 1, 150_000, 'scattered');
  expect(
    (await cliProcess(['run', '--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--table', 'scattered'])).code,
  ).toBe(0);
  await db.pg.query('DELETE FROM scattered WHERE rowid % 3 = 0');
  const result = await repair('scattered');
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ missing: 50_000, repaired: 50_000, inStep: true });
  expect(await warehouseKeys(db, 'scattered')).toEqual({ count: 150_000, distinct: 150_000, min: 1, max: 150_000 });
  console.log(
    `verify --repair of 50,000 scattered missing rows: peak RSS ` + `${(result.peakRssBytes! / MB).toFixed(1)} MB`,
  );
  expect(result.peakRssBytes).toBeLessThan(100 * MB);
});
