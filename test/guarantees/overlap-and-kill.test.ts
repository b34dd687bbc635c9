/**
 * One writer per table, and crash safety: a run started while another is mid-load is skipped (or,
 * with --lock-wait, waits) and never inserts the same row (the warehouse table has no primary key,
 * like the course's); readers are not blocked by a run mid-load; a run killed with SIGKILL while a
 * batch is in flight leaves only whole committed batches and the next run completes the table.
 *
 * Each overlap is made certain rather than hoped for: the first run reaches the warehouse through a
 * proxy the test pauses once a batch has committed, so the run holds the writer lock, mid-load,
 * for as long as the test needs.
 */
import { Client } from 'pg';
import {
  cli,
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type ChildResult,
  type TestDatabases,
} from '../support/databases';
import { PausableProxy } from '../support/pausable-proxy';

const DB = 'test_overlap';
const ROWS = 200_000;
/** The writer lock of lib/warehouse/postgres: advisory lock ("WYNC", table oid). */
const LOCK_CLASS = 0x5759_4e43;
let db: TestDatabases;
const proxies: PausableProxy[] = [];

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await db.close();
});
beforeEach(() => db.pg.query('TRUNCATE sales_data'));

const args = () => ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--batch-size', '5000', '--json'];

async function committedRows(): Promise<number> {
  return (await db.pg.query('SELECT count(*)::int AS n FROM sales_data')).rows[0].n;
}

/** Whether some session other than the caller's holds the writer lock of sales_data. */
async function lockHeld(client: Client = db.pg): Promise<boolean> {
  const r = await client.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
      AND classid = $1::bigint::oid AND objid = 'sales_data'::regclass::oid AND objsubid = 2`,
    [LOCK_CLASS],
  );
  return r.rows[0].n === 1;
}

/**
 * Starts a run through a paused-on-demand proxy and returns once it is mid-load: at least one
 * batch committed, paused so that it stays there (holding the writer lock) until `resume()`.
 */
async function runPausedMidLoad(
  extra: string[] = [],
): Promise<{ run: Promise<ChildResult>; proxy: PausableProxy; committed: number }> {
  const proxy = await PausableProxy.start(5432);
  proxies.push(proxy);
  const warehouse = db.warehouseUrl.replace(':5432/', `:${proxy.port}/`);
  const run = cliProcess([
    '--source',
    db.sourceUrl,
    '--warehouse',
    warehouse,
    '--batch-size',
    '5000',
    '--json',
    ...extra,
  ]);
  let ended = false;
  void run.finally(() => (ended = true));
  for (;;) {
    if (ended) throw new Error(`the first run ended before the test saw it mid-load: ${(await run).stderr}`);
    if ((await committedRows()) >= 5000) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  proxy.pause();
  const committed = await committedRows();
  expect(committed).toBeGreaterThan(0);
  expect(committed).toBeLessThan(ROWS);
  expect(await lockHeld()).toBe(true);
  return { run, proxy, committed };
}

test(
  'a run started while another is mid-load is skipped (exit 0) and writes nothing; each ' + 'key exactly once',
  async () => {
    const first = await runPausedMidLoad();
    const second = await cliProcess(args());
    // The first run, paused, could not have finished meanwhile: the two overlapped.
    expect(await committedRows()).toBeLessThan(ROWS);
    first.proxy.resume();
    const a = await first.run;
    expect([a.code, second.code]).toEqual([0, 0]);
    expect(JSON.parse(second.stdout).tables[0]).toMatchObject({ skipped: true, inserted: 0, repaired: 0 });
    expect(JSON.parse(a.stdout).tables[0]).toMatchObject({ skipped: false, inserted: ROWS, newRows: ROWS });
    expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  },
);

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

test(
  'with --lock-wait, a run started while another is mid-load waits for the lock, then ' + 'finds nothing new',
  async () => {
    const first = await runPausedMidLoad();
    const waiting = cliProcess([...args(), '--lock-wait', '120']);
    // The second run is seen polling for the lock while the first, paused, holds it mid-load.
    for (let i = 0; ; i++) {
      const r = await db.pg.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND ` +
          `application_name = 'warehouse-sync' AND query LIKE '%pg_try_advisory_lock%'`,
        [DB],
      );
      if (r.rows[0].n === 1) break;
      if (i > 600) throw new Error('the second run was never seen waiting for the writer lock');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await committedRows()).toBeLessThan(ROWS);
    first.proxy.resume();
    const [a, b] = await Promise.all([first.run, waiting]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(JSON.parse(a.stdout).tables[0]).toMatchObject({ skipped: false, inserted: ROWS });
    // It started from the first run's end: it held the lock only after the first run let go.
    expect(JSON.parse(b.stdout).tables[0]).toMatchObject({ skipped: false, inserted: 0, watermarkBefore: ROWS });
    expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  },
);

test('readers are not blocked while a run holds the writer lock mid-load', async () => {
  const reader = new Client({ connectionString: db.warehouseUrl });
  await reader.connect();
  await reader.query("SET statement_timeout = '2s'");
  const first = await runPausedMidLoad();
  let readsDuringRun = 0;
  try {
    for (let i = 0; i < 5; i++) {
      // A read counts only if, as it ran, the run held the lock and had not finished.
      const n = (await reader.query('SELECT count(*)::int AS n FROM sales_data')).rows[0].n;
      if (n > 0 && n < ROWS && (await lockHeld(reader))) readsDuringRun++;
    }
  } finally {
    first.proxy.resume();
    await reader.end();
  }
  expect((await first.run).code).toBe(0);
  expect(readsDuringRun).toBe(5);
});

test('SIGKILL while a batch is in flight leaves whole batches; the next run completes the table exactly', async () => {
  const watcher = new Client({ connectionString: db.warehouseUrl });
  await watcher.connect();
  let atKill: { committed: number; pid: number; query: string } | undefined;
  const killed = cliProcess([...args(), '--batch-size', '2000'], {}, (kill) => {
    // Kill once some batches have committed and the run's session is inside a batch's COPY: one
    // statement reads both, so the batch seen in flight is the one after the rows counted.
    const poll = async () => {
      const r = await watcher.query(
        `SELECT (SELECT count(*)::int FROM sales_data) AS committed, a.pid, a.query FROM pg_stat_activity a
          WHERE a.datname = $1 AND a.application_name = 'warehouse-sync' AND a.state = 'active' AND a.query LIKE '%COPY%FROM STDIN%'`,
        [DB],
      );
      if (r.rows.length === 1 && r.rows[0].committed >= 20_000) {
        kill();
        atKill = r.rows[0];
      } else {
        setTimeout(() => void poll(), 1);
      }
    };
    void poll();
  });
  const result = await killed;
  expect(result.signal).toBe('SIGKILL');
  // A batch whose rows and COMMIT were all sent before the kill still commits, whole, once the
  // server has run them; one cut short is rolled back. Count after the dead session has ended.
  for (let waited = 0; ; waited += 10) {
    const sessions = await watcher.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND ' + "application_name = 'warehouse-sync'",
      [DB],
    );
    if (sessions.rows[0].n === 0) break;
    if (waited > 10_000) throw new Error("the killed run's warehouse session did not end within 10 s");
    await new Promise((r) => setTimeout(r, 10));
  }
  const afterKill = await warehouseKeys(db);
  await watcher.end();
  expect(atKill).toBeDefined();
  expect(atKill!.query).toMatch(/^BEGIN; COPY .* FROM STDIN; COMMIT$/);
  // The batch in flight was rolled back or committed whole, never in part.
  expect(afterKill.count).toBeGreaterThanOrEqual(atKill!.committed);
  expect(afterKill.count).toBeGreaterThanOrEqual(20_000);
  expect(afterKill.count).toBeLessThan(ROWS);
  expect(afterKill.count % 2000).toBe(0);
  expect(afterKill).toEqual({ count: afterKill.count, distinct: afterKill.count, min: 1, max: afterKill.count });

  const rerun = await cli(args());
  expect(rerun.code).toBe(0);
  expect(JSON.parse(rerun.stdout).tables[0]).toMatchObject({
    watermarkBefore: afterKill.count,
    inserted: ROWS - afterKill.count,
  });
  const verified = await cli(['verify', ...args()]);
  expect(JSON.parse(verified.stdout).tables[0]).toMatchObject({
    sourceRows: ROWS,
    warehouseRows: ROWS,
    missing: 0,
    differing: [],
    extra: 0,
    inStep: true,
  });
  expect(verified.code).toBe(0);
});
