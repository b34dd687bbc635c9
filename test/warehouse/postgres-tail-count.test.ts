/**
 * PostgreSQL's cheap late-window count (countKeysAtLeast): exact when the window's rows sit in the
 * table's last blocks, never more than the exact count when they do not, and the late-row check
 * built on it still finds a missing row either way.
 */
import { KeyRange } from '../../lib/key-range';
import { parseConnectionUrl, type ConnectionTarget } from '../../lib/connection-url';
import { PostgresWarehouse } from '../../lib/warehouse/postgres/postgres-warehouse';
import type { Column } from '../../lib/columns';
import { cli, createCourseTables, freshDatabases, type TestDatabases } from '../support/databases';

const DB = 'test_tail_count';
let db: TestDatabases;
let warehouse: PostgresWarehouse;

beforeAll(async () => {
  db = await freshDatabases(DB);
  warehouse = await PostgresWarehouse.open(parseConnectionUrl(db.warehouseUrl, 'warehouse') as ConnectionTarget);
});
afterAll(async () => {
  await warehouse.close();
  await db.close();
});

const KEY: Column = {
  name: 'k',
  sqlType: 'integer',
  type: { kind: 'integer', bits: 32, unsigned: false },
  nullable: false,
  hasDefault: false,
};

async function counts(table: string, low: bigint, high: bigint) {
  const described = (await warehouse.describeTable({ schema: null, name: table }))!;
  const range = new KeyRange(low, high);
  return {
    atLeast: await warehouse.countKeysAtLeast(described, KEY, range),
    exact: await warehouse.countKeys(described, KEY, range),
  };
}

test('rows appended in key order: the tail alone gives the exact count', async () => {
  await db.pg.query(
    'CREATE TABLE appended (k integer NOT NULL, pad text); INSERT INTO appended SELECT g, ' +
      "repeat('x', 40) FROM generate_series(1, 100000) g; ANALYZE appended",
  );
  expect(await counts('appended', 99_000n, 100_000n)).toEqual({ atLeast: 1000, exact: 1000 });
  const plan = await db.pg.query(`EXPLAIN SELECT count(*) FROM appended WHERE ctid >= '(100,0)'::tid`);
  expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Tid Range Scan');
});

test("the window's rows at the start of the table: the tail count falls short, never over", async () => {
  await db.pg.query(`CREATE TABLE shuffled (k integer NOT NULL, pad text);
    INSERT INTO shuffled SELECT g, repeat('x', 40) FROM generate_series(99001, 100000) g;
    INSERT INTO shuffled SELECT g, repeat('x', 40) FROM generate_series(1, 99000) g; ANALYZE shuffled`);
  expect(await counts('shuffled', 99_000n, 100_000n)).toEqual({ atLeast: 0, exact: 1000 });
});

test('with an index on the key, the count is exact', async () => {
  await db.pg.query(
    'CREATE TABLE indexed (k integer NOT NULL); INSERT INTO indexed SELECT g FROM ' +
      'generate_series(99001, 100000) g; INSERT INTO indexed SELECT g FROM ' +
      'generate_series(1, 99000) g; CREATE INDEX ON indexed (k); ANALYZE indexed',
  );
  expect(await counts('indexed', 99_000n, 100_000n)).toEqual({ atLeast: 1000, exact: 1000 });
});

test.each([["in the table's last blocks"], ['at the start of the table']])(
  "a late row is found and loaded when the window's rows are %s, and nothing is repaired twice",
  async (where) => {
    await db.pg.query('DROP TABLE IF EXISTS sales_data');
    await db.mysql.query('DROP TABLE IF EXISTS sales_data');
    await createCourseTables(db);
    await db.mysql.query(
      `INSERT INTO sales_data (rowid, product_id, customer_id, quantity) SELECT seq, 1, 2, 3 ` + `FROM seq_1_to_30000`,
    );
    // The warehouse has 1..30000 but 29950; in the second case the window's rows are written first.
    const order =
      where === 'at the start of the table' ? ['rowid > 29000', 'rowid <= 29000'] : ['rowid <= 29000', 'rowid > 29000'];
    for (const range of order) {
      await db.pg.query(
        `INSERT INTO sales_data (rowid, product_id, customer_id, quantity) SELECT g, 1, 2, 3 ` +
          `FROM generate_series(1, 30000) g WHERE g <> 29950 AND ${range.replace('rowid', 'g')}`,
      );
    }
    await db.pg.query('ANALYZE sales_data');
    const args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--late-window', '1000', '--json'];
    const first = await cli(args);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout).tables[0]).toMatchObject({ watermarkBefore: 30000, repaired: 1, inserted: 0 });
    expect(JSON.parse((await cli(args)).stdout).tables[0]).toMatchObject({ repaired: 0, inserted: 0 });
    const keys = await db.pg.query('SELECT count(*)::int AS n, count(DISTINCT rowid)::int AS d FROM sales_data');
    expect(keys.rows).toEqual([{ n: 30000, d: 30000 }]);
  },
);
