/**
 * One writer per table, and crash safety: two runs started together never insert the same row
 * (the warehouse table has no primary key, like the course's); a run killed with SIGKILL leaves
 * only whole committed batches and the next run completes the table exactly.
 */
import { Client } from 'pg';
import { cli, cliProcess, createCourseTables, freshDatabases, generateRows, warehouseKeys, type TestDatabases } from '../support/databases';

const DB = 'test_overlap';
const ROWS = 200_000;
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
});
afterAll(() => db.close());
beforeEach(() => db.pg.query('TRUNCATE sales_data'));

const args = () => ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--batch-size', '5000', '--json'];

test('two runs started together: each key exactly once', async () => {
  const [a, b] = await Promise.all([cliProcess(args()), cliProcess(args())]);
  expect([a.code, b.code]).toEqual([0, 0]);
  const reports = [JSON.parse(a.stdout).tables[0], JSON.parse(b.stdout).tables[0]];
  // The loser is skipped, or (if it started after the winner finished) finds nothing new.
  expect(reports.map((r) => r.inserted).sort((x, y) => x - y)).toEqual([0, ROWS]);
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test('while another session holds the writer lock, a run is skipped (exit 0) and writes nothing', async () => {
  const holder = new Client({ connectionString: db.warehouseUrl });
  await holder.connect();
  // The same lock a run takes: namespace "WYNC", the table's oid.
  await holder.query(`SELECT pg_advisory_lock(${0x57594e43}, 'sales_data'::regclass::oid::int)`);
  const skipped = await cli(args());
  await holder.end();
  expect(skipped.code).toBe(0);
  expect(JSON.parse(skipped.stdout).tables[0]).toMatchObject({ skipped: true, inserted: 0, newRows: 0 });
  const human = await cli(args().filter((a) => a !== '--json'));
  expect(human.stdout).toContain('New rows inserted into production datawarehouse = 200000');
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test('two runs with --lock-wait: the second waits, then finds nothing new', async () => {
  const wait = [...args(), '--lock-wait', '120'];
  const [a, b] = await Promise.all([cliProcess(wait), cliProcess(wait)]);
  expect([a.code, b.code]).toEqual([0, 0]);
  const reports = [JSON.parse(a.stdout).tables[0], JSON.parse(b.stdout).tables[0]];
  expect(reports.map((r) => r.inserted).sort((x, y) => x - y)).toEqual([0, ROWS]);
  expect(reports.every((r) => !r.skipped)).toBe(true);
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test('readers are not blocked while a run holds the writer lock', async () => {
  const reader = new Client({ connectionString: db.warehouseUrl });
  await reader.connect();
  let readsDuringRun = 0;
  let running = true;
  const run = cliProcess([...args(), '--batch-size', '1000']).finally(() => {
    running = false;
  });
  while (running) {
    await reader.query("SET statement_timeout = '2s'");
    await reader.query('SELECT count(*) FROM sales_data');
    readsDuringRun++;
  }
  await reader.end();
  expect((await run).code).toBe(0);
  expect(readsDuringRun).toBeGreaterThan(0);
});

test('SIGKILL mid-run leaves whole batches; the next run completes the table exactly', async () => {
  const watcher = new Client({ connectionString: db.warehouseUrl });
  await watcher.connect();
  const killed = cliProcess([...args(), '--batch-size', '2000'], {}, (kill) => {
    // Latch on the warehouse itself: kill once some batches have committed.
    const poll = async () => {
      const n = (await watcher.query('SELECT count(*)::int AS n FROM sales_data')).rows[0].n;
      if (n >= 20_000) kill();
      else setTimeout(poll, 2);
    };
    void poll();
  });
  const result = await killed;
  expect(result.signal).toBe('SIGKILL');
  // A batch whose rows and COMMIT were all sent before the kill still commits, whole, once the
  // server has run them; one cut short is rolled back. Count after the dead session has ended.
  for (let waited = 0; ; waited += 10) {
    const sessions = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'warehouse-sync'", [DB]);
    if (sessions.rows[0].n === 0) break;
    if (waited > 10_000) throw new Error('the killed run\'s warehouse session did not end within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const afterKill = await warehouseKeys(db);
  await watcher.end();
  expect(afterKill.count).toBeGreaterThanOrEqual(20_000);
  expect(afterKill.count).toBeLessThan(ROWS);
  expect(afterKill.count % 2000).toBe(0);
  expect(afterKill).toEqual({ count: afterKill.count, distinct: afterKill.count, min: 1, max: afterKill.count });

  const rerun = await cli(args());
  expect(rerun.code).toBe(0);
  expect(JSON.parse(rerun.stdout).tables[0]).toMatchObject({ watermarkBefore: afterKill.count, inserted: ROWS - afterKill.count });
  const verified = await cli(['verify', ...args()]);
  expect(JSON.parse(verified.stdout).tables[0]).toMatchObject({ sourceRows: ROWS, warehouseRows: ROWS, missing: 0, differing: [], extra: 0, inStep: true });
  expect(verified.code).toBe(0);
});
