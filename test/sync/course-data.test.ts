/** The course's own data, synced into a local PostgreSQL warehouse: the numbers the course expects. */
import { loadStaging, loadWarehouse, readCourseCsv } from '../../scripts/course-data';
import { cli, freshDatabases, MYSQL_SERVER, POSTGRES_SERVER, type TestDatabases } from '../support/databases';

const DB = 'test_course';
let db: TestDatabases;
let args: string[];

beforeAll(async () => {
  db = await freshDatabases(DB);
  await loadStaging(`${MYSQL_SERVER}/mysql`, DB);
  await loadWarehouse(`${POSTGRES_SERVER}/postgres`, DB);
  args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl];
});
afterAll(() => db.close());

test('the seed files hold what the course says', async () => {
  const [[staging]] = (await db.mysql.query(
    'SELECT CAST(COUNT(*) AS SIGNED) AS n, MIN(rowid) AS lo, MAX(rowid) AS hi FROM sales_data',
  )) as unknown as [[{ n: number; lo: number; hi: number }]];
  expect(staging).toEqual({ n: '13836', lo: 104, hi: 13939 }); // COUNT is BIGINT: a string with bigNumberStrings
  const csv = readCourseCsv();
  expect(csv.length).toBe(12186);
  expect(csv[0]).toEqual(['104', '8972', '58516', '4277', '5', '2017-11-22 03:53:23']);
});

test('status before the first run shows 1650 pending rows', async () => {
  const { code, stdout } = await cli(['status', ...args]);
  expect(code).toBe(0);
  expect(stdout).toBe('sales_data: warehouse watermark = 12289, source high key = 13939, pending rows = 1650\n');
});

test('--dry-run reports the new rows and writes nothing', async () => {
  const { code, stdout } = await cli(['run', '--dry-run', ...args]);
  expect(code).toBe(0);
  expect(stdout).toBe(
    'Last row id on production datawarehouse = 12289\nNew rows on staging datawarehouse = ' +
      '1650\nDry run: nothing inserted\n',
  );
  const count = await db.pg.query('SELECT count(*)::int AS n FROM sales_data');
  expect(count.rows[0].n).toBe(12186);
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
  const totals = await db.pg.query(
    'SELECT count(*)::int AS n, count(DISTINCT rowid)::int AS d, max(rowid) AS hi FROM sales_data',
  );
  expect(totals.rows[0]).toEqual({ n: 13836, d: 13836, hi: 13939 });

  const [source] = (await db.mysql.query({
    sql: 'SELECT rowid, product_id, customer_id, quantity FROM sales_data WHERE rowid > 12289 ' + 'ORDER BY rowid',
    rowsAsArray: true,
  })) as unknown as [number[][]];
  const loaded = await db.pg.query({
    text:
      'SELECT rowid, product_id, customer_id, quantity, price, "timestamp" FROM sales_data ' +
      'WHERE rowid > 12289 ORDER BY rowid',
    rowMode: 'array',
  });
  expect(loaded.rows.length).toBe(1650);
  expect(loaded.rows.map((r) => r.slice(0, 4))).toEqual(source);
  expect(loaded.rows.every((r) => r[4] === null && r[5] === null)).toBe(true);
  // The course's earlier rows are untouched.
  const old = await db.pg.query(`SELECT price, "timestamp"::text AS ts FROM sales_data WHERE rowid = 104`);
  expect(old.rows).toEqual([{ price: 4277, ts: '2017-11-22 03:53:23' }]);
});

test('a second run right after finds nothing new', async () => {
  const { code, stdout } = await cli(['run', ...args]);
  expect(code).toBe(0);
  expect(stdout).toBe(
    'Last row id on production datawarehouse = 13939\nNew rows on staging datawarehouse = ' +
      '0\nNew rows inserted into production datawarehouse = 0\n',
  );
  const count = await db.pg.query('SELECT count(*)::int AS n FROM sales_data');
  expect(count.rows[0].n).toBe(13836);
});

test('--json reports the same run as one object', async () => {
  const { code, stdout } = await cli(['run', '--json', ...args]);
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  expect(report).toEqual({
    ok: true,
    tables: [
      expect.objectContaining({
        table: 'sales_data',
        watermarkBefore: 13939,
        watermarkAfter: 13939,
        newRows: 0,
        inserted: 0,
        repaired: 0,
        batches: 0,
        more: false,
        dryRun: false,
        skipped: false,
      }),
    ],
  });
  expect(Object.keys(report.tables[0]).sort()).toEqual([
    'batches',
    'dryRun',
    'durationMs',
    'inserted',
    'more',
    'newRows',
    'repaired',
    'rowsPerSecond',
    'skipped',
    'sourceOnlyColumns',
    'table',
    'watermarkAfter',
    'watermarkBefore',
  ]);
});

test('verify finds the synced course table in step', async () => {
  const { code, stdout } = await cli(['verify', ...args]);
  expect(stdout).toBe('sales_data: source rows = 13836, warehouse rows = 13836\nsales_data: in step\n');
  expect(code).toBe(0);
});

test('SYNC_LOG=json adds one structured line per table on stderr', async () => {
  const { code, stdout, stderr } = await cli(['run', ...args], { SYNC_LOG: 'json' });
  expect(code).toBe(0);
  expect(stdout).toContain('New rows inserted into production datawarehouse = 0');
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toEqual([
    expect.objectContaining({
      level: 'info',
      event: 'table-synced',
      table: 'sales_data',
      watermarkBefore: 13939,
      inserted: 0,
      newRows: 0,
    }),
  ]);
});
