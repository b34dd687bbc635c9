/**
 * The report of a failed run counts the new rows it found on staging (not "New rows on staging =
 * 0" when rows were inserted). A streamed (PostgreSQL) run that stops at a bad row in its third
 * batch: the built CLI's report counts the rows it found and says what it inserted, exit 1.
 */
import { formatRun } from '../../lib/report-format';
import type { TableReport } from '../../lib/sync-cycle';
import { cliProcess, freshDatabases, type TestDatabases } from '../support/databases';
import { buildBundles } from './support';

const DB = 'test_fn_failed_run_report';
let db: TestDatabases;

beforeAll(async () => {
  buildBundles(['cli-bundle']);
  db = await freshDatabases(DB);
  await db.mysql.query("SET SESSION sql_mode = ''");
  await db.mysql.query('CREATE TABLE t (rowid INT NOT NULL PRIMARY KEY, d DATE)');
  await db.mysql.query("INSERT INTO t SELECT seq, IF(seq = 250, '0000-00-00', '2020-01-01') FROM seq_1_to_300");
  await db.pg.query('CREATE TABLE t (rowid INTEGER, d DATE)');
});
afterAll(() => db.close());

test('a run that fails in its third batch reports the 300 rows it found and the 200 it committed', async () => {
  const result = await cliProcess(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--table', 't', '--batch-size', '100']);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    'Last row id on production datawarehouse = none (empty table)\n' +
      'New rows on staging datawarehouse = 300\n' +
      'New rows inserted into production datawarehouse = 200\n',
  );
  expect(result.stderr).toBe(
    'warehouse-sync: table t: row rowid=250 has the MySQL zero date "0000-00-00" in column d, which the warehouse cannot hold; fix that row in staging (e.g. set it to NULL)\n',
  );
  expect(Number((await db.pg.query('SELECT count(*) AS n FROM t')).rows[0].n)).toBe(200);
});

test('when the failure also kept the rows from being counted, the report never says fewer than were inserted', () => {
  const table: TableReport = {
    table: 't', watermarkBefore: null, watermarkAfter: 200, newRows: 0, inserted: 200, repaired: 0, batches: 2, durationMs: 5,
    rowsPerSecond: 0, more: false, dryRun: false, skipped: false, sourceOnlyColumns: [], error: 'source connection lost',
  };
  expect(formatRun({ ok: false, tables: [table], error: 'source connection lost', exitCode: 1 }).split('\n')[1]).toBe(
    'New rows on staging datawarehouse = at least 200 (not counted: the run failed)',
  );
});
