/**
 * `verify --repair` beside another repair or a run, as built processes: it compares without the
 * writer lock, then repairs under it and looks again at what is missing once it holds it, so no row
 * is ever loaded twice whatever overlaps. Each test proves the overlap: the test holds the writer
 * lock until both processes are seen waiting for it in pg_stat_activity, i.e. both have worked out
 * what was missing before either could load anything.
 */
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  type ChildResult,
  type TestDatabases,
} from '../support/databases';
import { PausableProxy } from '../support/pausable-proxy';

const DB = 'test_verify_overlap';
const ROWS = 20_000;
/** The writer lock of lib/warehouse/postgres: advisory lock ("WYNC", table oid). */
const LOCK_CLASS = 0x5759_4e43;

let db: TestDatabases;
let holder: TestDatabases['pg'];
const proxies: PausableProxy[] = [];

beforeAll(async () => {
  db = await freshDatabases(DB);
  const { Client } = await import('pg');
  holder = new Client({ connectionString: db.warehouseUrl });
  await holder.connect();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await holder.end();
  await db.close();
});

/** Source rows 1..ROWS; warehouse without every 100th row up to 18,000 and without 18,001..ROWS. */
async function tableWithHoles(table: string): Promise<number> {
  await createCourseTables(db, table);
  await generateRows(db, 1, ROWS, table);
  const loaded = await cliProcess(['run', '--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--table', table]);
  expect(loaded.code).toBe(0);
  const removed = await db.pg.query(`DELETE FROM ${table} WHERE rowid % 100 = 0 OR rowid > 18000`);
  expect(removed.rowCount).toBe(180 + 2000);
  return removed.rowCount!;
}

async function holdLock(table: string, locked: boolean): Promise<void> {
  const fn = locked ? 'pg_advisory_lock' : 'pg_advisory_unlock';
  await holder.query(`SELECT ${fn}(${LOCK_CLASS}, '${table}'::regclass::oid::int)`);
}

/** Waits until `n` warehouse-sync sessions poll for the writer lock at the same time. */
async function waitForLockWaiters(n: number): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const r = await holder.query(
      `SELECT count(DISTINCT pid)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'warehouse-sync' AND query LIKE '%advisory_lock(%'`,
      [DB],
    );
    if (r.rows[0].n >= n) return r.rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${n} sessions waited for the writer lock`);
}

async function keys(table: string): Promise<{ count: number; distinct: number; min: number; max: number }> {
  const r = await db.pg.query(
    `SELECT count(*)::int AS count, count(DISTINCT rowid)::int AS distinct, min(rowid) AS ` +
      `min, max(rowid) AS max FROM ${table}`,
  );
  return r.rows[0];
}

function tableOf(result: ChildResult): Record<string, number> {
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout).tables[0];
}

test('two overlapping repairs load each missing row once', async () => {
  const table = 'two_repairs';
  const missing = await tableWithHoles(table);
  await holdLock(table, true);
  const repair = () =>
    cliProcess([
      'verify',
      '--repair',
      '--lock-wait',
      '60',
      '--json',
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      table,
    ]);
  const both = [repair(), repair()];
  try {
    expect(await waitForLockWaiters(2)).toBe(2);
  } finally {
    await holdLock(table, false);
  }
  const [a, b] = (await Promise.all(both)).map(tableOf);
  // Both found every hole before either could load one; together they loaded each exactly once.
  expect([a.missing, b.missing]).toEqual([missing, missing]);
  expect(a.repaired + b.repaired).toBe(missing);
  expect([a.repaired, b.repaired].sort((x, y) => x - y)).toEqual([0, missing]);
  expect(await keys(table)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

test('a run that loads first leaves the waiting repair only what is still missing', async () => {
  const table = 'run_and_repair';
  const missing = await tableWithHoles(table);
  // The repair reaches the warehouse through a proxy the test can pause, so that the run is
  // certain to take the lock first.
  const proxy = await PausableProxy.start(5432);
  proxies.push(proxy);
  await holdLock(table, true);
  const warehouseViaProxy = db.warehouseUrl.replace(':5432/', `:${proxy.port}/`);
  let repairing: Promise<ChildResult> | undefined;
  let running: Promise<ChildResult> | undefined;
  try {
    repairing = cliProcess([
      'verify',
      '--repair',
      '--lock-wait',
      '60',
      '--json',
      '--source',
      db.sourceUrl,
      '--warehouse',
      warehouseViaProxy,
      '--table',
      table,
    ]);
    await waitForLockWaiters(1);
    running = cliProcess([
      'run',
      '--lock-wait',
      '60',
      '--batch-size',
      '100',
      '--json',
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      table,
    ]);
    expect(await waitForLockWaiters(2)).toBe(2);
    proxy.pause();
  } finally {
    await holdLock(table, false);
  }
  const run = tableOf(await running!);
  proxy.resume();
  const repair = tableOf(await repairing!);
  await proxy.stop();
  // Above the watermark (17,999: 18,000 is a hole): 18,000..20,000.
  expect(run.inserted).toBe(2001);
  // The repair had counted the run's rows as missing; it loaded only what the run left.
  expect(repair.missing).toBe(missing);
  expect(repair.repaired).toBe(missing - run.inserted - run.repaired);
  expect(repair.repaired).toBeGreaterThan(0);
  expect(await keys(table)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});
