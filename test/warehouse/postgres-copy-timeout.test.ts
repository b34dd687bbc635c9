/**
 * A COPY that outlives --timeout (its client paused, or rows slow to come) is cancelled by the
 * server's statement_timeout; its error names the setting to raise, as every other statement's does.
 */
import { parseConnectionUrl, type ConnectionTarget } from '../../lib/connection-url';
import { withTimeout } from '../../lib/time-budget';
import { PostgresWarehouse } from '../../lib/warehouse/postgres/postgres-warehouse';
import { freshDatabases, type TestDatabases } from '../support/databases';

const DB = 'test_copy_timeout';
let db: TestDatabases;
let warehouse: PostgresWarehouse;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await db.pg.query('CREATE TABLE copied (k integer PRIMARY KEY)');
  const target = parseConnectionUrl(db.warehouseUrl, 'warehouse') as ConnectionTarget;
  warehouse = await PostgresWarehouse.open(withTimeout(target, 1));
});
afterAll(async () => {
  await warehouse.close();
  await db.close();
});

test('a COPY cancelled at the statement timeout says so, names --timeout, and leaves nothing written', async () => {
  const table = (await warehouse.describeTable({ schema: null, name: 'copied' }))!;
  const batch = warehouse.openCopyTextBatch({ table, columns: table.columns, key: table.columns[0] });
  batch.write(Buffer.from('1\n2\n'));
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  const where = new URL(db.warehouseUrl);
  await expect(batch.commit()).rejects.toThrow(
    `the warehouse (PostgreSQL at ${where.hostname}:${where.port}) cancelled a statement that ran longer than ` +
      'the 1 s timeout: if statements on tables this large need longer, raise --timeout / SYNC_TIMEOUT_SECONDS',
  );
  expect((await db.pg.query('SELECT count(*)::int AS n FROM copied')).rows).toEqual([{ n: 0 }]);
  // The connection is usable for the next batch.
  const next = warehouse.openCopyTextBatch({ table, columns: table.columns, key: table.columns[0] });
  next.write(Buffer.from('3\n'));
  expect(await next.commit()).toBe(1);
});
