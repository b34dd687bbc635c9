/**
 * Transient faults: a TCP proxy cuts the warehouse connection in the middle of a batch. The run
 * rolls the batch back, reconnects, and finishes exactly; with the warehouse gone for good it
 * exits 1 with a clear line and the warehouse holds only whole batches.
 */
import {
  cli,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';

const DB = 'test_faults';
const ROWS = 100_000;
let db: TestDatabases;
let proxy: TcpProxy;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.pg.query('TRUNCATE sales_data');
  proxy = await new TcpProxy(5432).start();
});
afterEach(() => proxy.stop());

const args = () => [
  '--source',
  db.sourceUrl,
  '--warehouse',
  `postgres://root@127.0.0.1:${proxy.port}/${DB}`,
  '--batch-size',
  '10000',
  '--json',
];

test('a connection cut mid-batch is retried and the run finishes exactly', async () => {
  // A batch of 10,000 course rows is ~190 KB of COPY data: 600 KB in is inside the fourth batch.
  proxy.cutAfter(600_000);
  const result = await cli(args());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(proxy.cuts).toBe(1);
  expect(proxy.connections).toBe(2);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
    newRows: ROWS,
    inserted: ROWS,
    batches: 10,
    more: false,
  });
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test('a batch that committed but whose COMMIT reply was lost: counted as loaded, not sent again', async () => {
  // The connection dies as the server's "COMMIT" CommandComplete for the third batch is on its way
  // back: that batch is in the warehouse, the run only sees a dead connection.
  proxy.loseReplyToCommit(2);
  proxy.countSent('COPY ');
  const result = await cli(args());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(proxy.commitRepliesLost).toBe(1);
  expect(proxy.cuts).toBe(1);
  expect(proxy.connections).toBe(2);
  // Ten batches, ten COPY statements: the run found the third batch in the warehouse after
  // reconnecting and went on from its last key. Re-sending it would be an eleventh COPY (and, on
  // this table without a key, 10,000 doubled rows).
  expect(proxy.sentCounts.get('COPY ')).toBe(10);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ newRows: ROWS, inserted: ROWS, batches: 10 });
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test(
  'with the warehouse gone for good: 5 attempts with backoff, then exit 1, one clear ' + 'line, only whole batches',
  async () => {
    proxy.cutAfter(600_000, { thenRefuse: true });
    const started = Date.now();
    const result = await cli(args());
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    // Five attempts are five connections refused by the gone warehouse, and between them the
    // backoff's sleeps of 200, 400, 800, 1,600 and 3,200 ms: a lower bound no scheduler can shorten.
    expect(proxy.refused).toBe(5);
    expect(elapsed).toBeGreaterThanOrEqual(6_200);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warehouse-sync: lost the warehouse connection during a batch and could not reconnect after 5 attempts: warehouse (at 127\.0\.0\.1:\d+ refused the connection|connection to 127\.0\.0\.1:\d+ failed: .*)/,
    );
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    const { inserted, batches } = report.tables[0];
    expect(inserted).toBe(batches * 10_000);
    expect(inserted).toBeGreaterThan(0);
    expect(inserted).toBeLessThan(ROWS);
    expect(report.tables[0].error).toBe(lines[0].replace('warehouse-sync: ', ''));
    expect(await warehouseKeys(db)).toEqual({ count: inserted, distinct: inserted, min: 1, max: inserted });

    const rerun = await cli(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--json']);
    expect(JSON.parse(rerun.stdout).tables[0]).toMatchObject({ watermarkBefore: inserted, inserted: ROWS - inserted });
    expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  },
);

test(
  'the source connection cut in the middle of a page: exit 1, one line, only whole ' +
    'batches; the next run completes exactly',
  async () => {
    const source = await new TcpProxy(3306).start();
    try {
      // A 10,000-row page of course rows is ~250 KB from MySQL: 600 KB in is inside the third page.
      source.cutAfterReceived(600_000);
      const viaProxy = [
        '--source',
        `mysql://root@127.0.0.1:${source.port}/${DB}`,
        '--warehouse',
        db.warehouseUrl,
        '--batch-size',
        '10000',
        '--json',
      ];
      const result = await cli(viaProxy);
      expect(source.cuts).toBe(1);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^warehouse-sync: source query failed: [^\n]+\n$/);
      const loaded = await warehouseKeys(db);
      expect(loaded.count % 10_000).toBe(0);
      expect(loaded.count).toBeGreaterThanOrEqual(10_000);
      expect(loaded).toEqual({ count: loaded.count, distinct: loaded.count, min: 1, max: loaded.count });
    } finally {
      await source.stop();
    }
    const rerun = await cli(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--json']);
    expect(rerun.code).toBe(0);
    expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  },
);
