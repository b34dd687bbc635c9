/**
 * A failed run's report counts exactly: the rows it found above the watermark (newRows) and the
 * rows it committed (inserted), as the built CLI prints them with exit 1 — a streamed (PostgreSQL)
 * run that stops at a bad row in its third batch, and one stopped after reconnecting by a key
 * another writer added, whose last batch committed although its reply was lost.
 */
import { formatRun } from '../../lib/report-format';
import type { TableReport } from '../../lib/sync-cycle';
import { cliProcess, createCourseTables, freshDatabases, generateRows, type TestDatabases } from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';
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
  await createCourseTables(db, 'm');
  await generateRows(db, 1, 3000, 'm');
});
afterAll(() => db.close());

test('a run that fails in its third batch reports the 300 rows it found and the 200 it committed', async () => {
  const result = await cliProcess([
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--table',
    't',
    '--batch-size',
    '100',
  ]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    'Last row id on production datawarehouse = none (empty table)\n' +
      'New rows on staging datawarehouse = 300\n' +
      'New rows inserted into production datawarehouse = 200\n',
  );
  expect(result.stderr).toBe(
    'warehouse-sync: table t: row rowid=250 has the MySQL zero date "0000-00-00" in column ' +
      'd, which the warehouse cannot hold; fix that row in staging (e.g. set it to NULL)\n',
  );
  expect(Number((await db.pg.query('SELECT count(*) AS n FROM t')).rows[0].n)).toBe(200);
});

test('when the failure also kept the rows from being counted, the report never says fewer than were inserted', () => {
  const table: TableReport = {
    table: 't',
    watermarkBefore: null,
    watermarkAfter: 200,
    newRows: 0,
    inserted: 200,
    repaired: 0,
    batches: 2,
    durationMs: 5,
    rowsPerSecond: 0,
    more: false,
    dryRun: false,
    skipped: false,
    sourceOnlyColumns: [],
    error: 'source connection lost',
  };
  expect(formatRun({ ok: false, tables: [table], error: 'source connection lost', exitCode: 1 }).split('\n')[1]).toBe(
    'New rows on staging datawarehouse = at least 200 (not counted: the run failed)',
  );
});

test(
  'a run stopped by a warehouse key it did not write still counts the batch whose commit ' + 'reply was lost',
  async () => {
    // The second batch's COMMIT lands but its reply is lost; while the run reconnects, another writer
    // adds key 999999, so the warehouse's largest key no longer says where this run's batches end.
    const proxy = await new TcpProxy(5432).start();
    let watching = true;
    try {
      proxy.loseReplyToCommit(1);
      const foreignRow = (async () => {
        while (watching && proxy.commitRepliesLost === 0) await new Promise((r) => setTimeout(r, 5));
        if (watching)
          await db.pg.query('INSERT INTO m (rowid, product_id, customer_id, quantity) VALUES (999999, 1, 1, 1)');
      })();
      const warehouse = db.warehouseUrl.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
      const result = await cliProcess([
        '--source',
        db.sourceUrl,
        '--warehouse',
        warehouse,
        '--table',
        'm',
        '--batch-size',
        '1000',
        '--json',
      ]);
      watching = false;
      await foreignRow;
      expect(proxy.commitRepliesLost).toBe(1);
      expect(result.stderr).toBe(
        'warehouse-sync: after reconnecting, public.m ends at key 999999 where this run ' +
          'expected 1000 or 2000; stopped (run verify)\n',
      );
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
        watermarkBefore: null,
        watermarkAfter: 2000,
        newRows: 3000,
        inserted: 2000,
        batches: 2,
      });
      const keys = await db.pg.query(
        'SELECT count(*)::int AS n, max(rowid) FILTER (WHERE rowid < 999999) AS last FROM m',
      );
      expect(keys.rows[0]).toEqual({ n: 2001, last: 2000 });
    } finally {
      watching = false;
      await proxy.stop();
    }
  },
);
