/** The time budget ends a run between batches, never inside one; the next run continues exactly. */
import { resolveConfig } from '../../lib/config';
import { runSync } from '../../lib/sync-cycle';
import {
  cli,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_time_budget';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 10_000);
});
afterAll(() => db.close());

test('a budget that runs out after three batches stops there with more=true; the next run finishes', async () => {
  const config = resolveConfig({ source: db.sourceUrl, warehouse: db.warehouseUrl, batchSize: 1000 });
  let asked = 0;
  const first = await runSync(config, { outOfTime: () => ++asked > 3 });
  expect(first).toMatchObject({ ok: true, exitCode: 0 });
  expect(first.tables[0]).toMatchObject({
    newRows: 10_000,
    inserted: 3000,
    batches: 3,
    more: true,
    watermarkAfter: 3000,
  });
  expect(await warehouseKeys(db)).toEqual({ count: 3000, distinct: 3000, min: 1, max: 3000 });

  const second = await runSync(config);
  expect(second.tables[0]).toMatchObject({ watermarkBefore: 3000, newRows: 7000, inserted: 7000, more: false });
  expect(await warehouseKeys(db)).toEqual({ count: 10_000, distinct: 10_000, min: 1, max: 10_000 });
});

test(
  '--max-seconds already spent: nothing written, more=true, exit 0, and the human output ' + 'says to run again',
  async () => {
    await generateRows(db, 10_001, 10_500);
    const result = await cli(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--max-seconds', '0.001']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Last row id on production datawarehouse = 10000\nNew rows on staging datawarehouse = 500\n' +
        'New rows inserted into production datawarehouse = 0\nTime budget reached: stopped at ' +
        'row id 10000; run again to continue\n',
    );
    expect(await warehouseKeys(db)).toEqual({ count: 10_000, distinct: 10_000, min: 1, max: 10_000 });
  },
);
