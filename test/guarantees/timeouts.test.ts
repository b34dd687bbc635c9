/**
 * Bounded waits: a database that stops answering (a TCP proxy that stalls: forwards nothing either
 * way and closes nothing) ends the built CLI with one line naming it, instead of a hang; a writer
 * lock held by a stalled or orphaned session is reported as a problem, not as a successful skip.
 * --timeout 1 keeps each case to seconds; the stalled-holder threshold is then 2 x 1 + 5 = 7 s.
 */
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  MYSQL_SERVER,
  warehouseKeys,
  type ChildResult,
  type TestDatabases,
} from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';
import { resolveConfig } from '../../lib/config';
import { openWarehouse } from '../../lib/warehouse/open-warehouse';
import type { Warehouse } from '../../lib/warehouse/warehouse';

const DB = 'test_timeouts';
/** The MySQL/MariaDB warehouse's database. */
const MYSQL_WH = 'test_timeouts_wh';
const ROWS = 20_000;
const STALLED_HOLDER_MS = 7_000;
let db: TestDatabases;
let mysqlWarehouse: mysql.Connection;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql` });
  await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_WH}`);
  await admin.query(`CREATE DATABASE ${MYSQL_WH}`);
  await admin.end();
  mysqlWarehouse = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${MYSQL_WH}` });
  for (const table of ['sales_data', 'sales_data2']) {
    await mysqlWarehouse.query(
      `CREATE TABLE ${table} (rowid INT NOT NULL, product_id INT, customer_id INT, quantity ` +
        `INT, price DECIMAL(8,2), timestamp DATETIME)`,
    );
  }
});
afterAll(async () => {
  for (const p of proxies) await p.stop();
  await mysqlWarehouse.query(`DROP DATABASE IF EXISTS ${MYSQL_WH}`);
  await mysqlWarehouse.end();
  await db.close();
});

async function proxyTo(port: number): Promise<TcpProxy> {
  const proxy = await new TcpProxy(port).start();
  proxies.push(proxy);
  return proxy;
}

const pgVia = (port: number) => `postgres://root@127.0.0.1:${port}/${DB}`;
const mysqlVia = (port: number, database: string) => `mysql://root@127.0.0.1:${port}/${database}`;

function run(source: string, warehouse: string, ...more: string[]): Promise<ChildResult> {
  return cliProcess(['--source', source, '--warehouse', warehouse, '--timeout', '1', '--batch-size', '5000', ...more]);
}

/** The one line on stderr, without the program's prefix. */
function oneLine(result: ChildResult): string {
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0].replace(/^warehouse-sync: /, '');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  'the warehouse stalls in the middle of a batch: one line naming it, exit 1, whole ' +
    'batches; the orphan left in COPY is reported, not skipped',
  async () => {
    const proxy = await proxyTo(5432);
    // A 5,000-row batch is ~95 KB of COPY text: 150 KB in is inside the second batch.
    proxy.stallAfter(150_000);
    const stalled = await run(db.sourceUrl, pgVia(proxy.port), '--json');
    expect(proxy.stalls).toBe(1);
    expect(stalled.code).toBe(1);
    const line = oneLine(stalled);
    expect(line).toMatch(
      /^the warehouse \(PostgreSQL at 127\.0\.0\.1:\d+\) stopped answering: nothing came back for 2 s while a reply was due \(--timeout \/ SYNC_TIMEOUT_SECONDS\); check that server and the network to it, then run again$/,
    );
    // The run still ends with its report: the first batch committed, the second not.
    expect(JSON.parse(stalled.stdout)).toEqual({
      ok: false,
      error: line,
      tables: [
        expect.objectContaining({
          watermarkBefore: null,
          watermarkAfter: 5000,
          inserted: 5000,
          batches: 1,
          more: false,
          error: line,
        }),
      ],
    });
    expect(await warehouseKeys(db)).toEqual({ count: 5000, distinct: 5000, min: 1, max: 5000 });

    // Behind the stalled proxy the backend is still in COPY, waiting for its client, holding the
    // writer lock: no server timeout ends that. Young, it may be a live run: skipped, exit 0.
    const holder = await db.pg.query(
      'SELECT pid, wait_event FROM pg_stat_activity WHERE datname = $1 AND application_name ' +
        "= 'warehouse-sync' AND query LIKE 'BEGIN; COPY%'",
      [DB],
    );
    expect(holder.rows).toEqual([{ pid: expect.any(Number), wait_event: 'ClientRead' }]);
    const pid = holder.rows[0].pid as number;
    const young = await run(db.sourceUrl, db.warehouseUrl, '--json');
    expect(young.code).toBe(0);
    expect(JSON.parse(young.stdout)).toMatchObject({ ok: true, tables: [{ skipped: true, inserted: 0 }] });

    // Older than any run could be: a problem, naming the session and what to do.
    await sleep(STALLED_HOLDER_MS);
    const old = await run(db.sourceUrl, db.warehouseUrl, '--json');
    expect(old.code).toBe(1);
    expect(JSON.parse(old.stdout)).toMatchObject({ ok: false, tables: [{ skipped: false, inserted: 0 }] });
    expect(oneLine(old)).toMatch(
      new RegExp(
        `^the writer lock on public\\.sales_data is held by PostgreSQL session pid ${pid} ` +
          `\\(application "warehouse-sync" from 127\\.0\\.0\\.1\\), ` +
          `running "BEGIN; COPY "public"\\."sales_data" .*" and waiting for its client for ` +
          `\\d+(\\.\\d)? s, longer than a live run would ` +
          `\\(2 x --timeout \\+ 5 s = 7 s\\): a stalled or orphaned session, so runs cannot proceed\\. ` +
          `If no run is still going, end it with SELECT pg_terminate_backend\\(${pid}\\); and run again$`,
      ),
    );

    // Doing what the line says lets the next run finish exactly.
    await db.pg.query('SELECT pg_terminate_backend($1)', [pid]);
    await sleep(200);
    const after = await run(db.sourceUrl, db.warehouseUrl);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  },
  40_000,
);

test('the source stalls in the middle of a page: one line naming it, exit 1, whole batches only', async () => {
  await db.pg.query('TRUNCATE sales_data');
  const proxy = await proxyTo(3306);
  // Rows come back at ~20 bytes each: 150 KB from the server is inside the second page.
  proxy.stallAfterReceived(150_000);
  const stalled = await run(mysqlVia(proxy.port, DB), db.warehouseUrl);
  expect(proxy.stalls).toBe(1);
  expect(stalled.code).toBe(1);
  expect(oneLine(stalled)).toMatch(
    /^source query failed: the source \(MySQL at 127\.0\.0\.1:\d+\) stopped answering: nothing came back for 2 s while a reply was due \(--timeout \/ SYNC_TIMEOUT_SECONDS\); check that server and the network to it, then run again$/,
  );
  const keys = await warehouseKeys(db);
  expect(keys.count % 5000).toBe(0);
  expect(keys).toEqual({
    count: keys.count,
    distinct: keys.count,
    min: keys.count ? 1 : null,
    max: keys.count || null,
  });
  expect(keys.count).toBeLessThan(ROWS);
}, 15_000);

// verify writes nothing: a database that stops answering is a refusal, as a cut connection is.
test('verify: the warehouse stalls on its first checksum query: one line naming it, exit 2', async () => {
  expect((await run(db.sourceUrl, db.warehouseUrl)).code).toBe(0);
  const proxy = await proxyTo(5432);
  proxy.stallWhenSent('md5(');
  const stalled = await cliProcess([
    'verify',
    '--source',
    db.sourceUrl,
    '--warehouse',
    pgVia(proxy.port),
    '--timeout',
    '1',
    '--json',
  ]);
  expect(proxy.stalls).toBe(1);
  expect(stalled.code).toBe(2);
  expect(JSON.parse(stalled.stdout)).toMatchObject({ ok: false });
  expect(oneLine(stalled)).toMatch(
    /^the warehouse \(PostgreSQL at 127\.0\.0\.1:\d+\) stopped answering: nothing came back for 2 s while a reply was due \(--timeout \/ SYNC_TIMEOUT_SECONDS\); check that server and the network to it, then run again; nothing was written$/,
  );
}, 15_000);

test(
  'a statement longer than --timeout is cancelled by the server, and the line names the ' + 'setting to raise',
  async () => {
    // Views that take 3 s to read, whatever is asked of them.
    await db.pg.query('CREATE VIEW slow_sales AS SELECT s.* FROM sales_data s, pg_sleep(3)');
    await mysqlWarehouse.query('CREATE VIEW slow_sales AS SELECT s.* FROM sales_data s, (SELECT SLEEP(3) AS z) t');
    const status = (warehouse: string) =>
      cliProcess([
        'status',
        '--source',
        db.sourceUrl,
        '--warehouse',
        warehouse,
        '--table',
        'sales_data:slow_sales',
        '--timeout',
        '1',
      ]);
    const [pg, my] = await Promise.all([status(db.warehouseUrl), status(mysqlVia(3306, MYSQL_WH))]);
    expect(pg.code).toBe(1);
    expect(oneLine(pg)).toBe(
      'the warehouse (PostgreSQL at 127.0.0.1:5432) cancelled a statement that ran longer than the 1 s timeout: ' +
        'if statements on tables this large need longer, raise --timeout / SYNC_TIMEOUT_SECONDS',
    );
    expect(my.code).toBe(1);
    expect(oneLine(my)).toBe(
      'the warehouse (MySQL at 127.0.0.1:3306) cancelled a statement that ran longer than the 1 s timeout: ' +
        'if statements on tables this large need longer, raise --timeout / SYNC_TIMEOUT_SECONDS',
    );
  },
  10_000,
);

test("a statement stuck behind another session's table lock is reported as that, after half the timeout", async () => {
  const locker = new Client({ connectionString: db.warehouseUrl });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE sales_data IN ACCESS EXCLUSIVE MODE');
    const blocked = await cliProcess([
      'status',
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--timeout',
      '2',
    ]);
    expect(blocked.code).toBe(1);
    expect(oneLine(blocked)).toBe(
      'the warehouse (PostgreSQL at 127.0.0.1:5432) gave up waiting for a table lock that another session holds ' +
        '(a schema change, VACUUM FULL or LOCK TABLE still running?) after 1 s, half of ' +
        '--timeout / SYNC_TIMEOUT_SECONDS',
    );
  } finally {
    await locker.end();
  }
}, 10_000);

test('a PostgreSQL that does not know idle_session_timeout (before 14) is still used, without it', async () => {
  const proxy = await proxyTo(5432);
  // The server then sees "-c xidle_session_timeout=…" and refuses the session naming it, as
  // PostgreSQL 13 refuses "idle_session_timeout".
  proxy.rewriteSent('-c idle_session_timeout', '-cxidle_session_timeout');
  const result = await cliProcess([
    'status',
    '--source',
    db.sourceUrl,
    '--warehouse',
    pgVia(proxy.port),
    '--timeout',
    '1',
    '--json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(proxy.connections).toBe(2);
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, tables: [{ table: 'sales_data', sourceHighKey: ROWS }] });
});

test('a --timeout that is not a positive number is refused: exit 2, one line, before connecting', async () => {
  const [zero, text] = await Promise.all([
    cliProcess(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--timeout', '0']),
    cliProcess(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl], { SYNC_TIMEOUT_SECONDS: 'soon' }),
  ]);
  expect(zero.code).toBe(2);
  expect(oneLine(zero)).toBe('--timeout must be a number from 0.1 to 86400, got "0"');
  expect(text.code).toBe(2);
  expect(oneLine(text)).toBe('--timeout must be a number from 0.1 to 86400, got "soon"');
});

test('a server that accepts the connection and never answers: exit 2 before writing, one line naming it', async () => {
  const pgProxy = await proxyTo(5432);
  const mysqlProxy = await proxyTo(3306);
  pgProxy.stall();
  mysqlProxy.stall();
  const [warehouse, source] = await Promise.all([
    run(db.sourceUrl, pgVia(pgProxy.port)),
    run(mysqlVia(mysqlProxy.port, DB), db.warehouseUrl),
  ]);
  expect(warehouse.code).toBe(2);
  expect(oneLine(warehouse)).toMatch(
    /^warehouse at 127\.0\.0\.1:\d+ did not answer within 1 s \(--timeout \/ SYNC_TIMEOUT_SECONDS\): check host, port and firewall$/,
  );
  expect(source.code).toBe(2);
  expect(oneLine(source)).toMatch(
    /^source at 127\.0\.0\.1:\d+ did not answer within 1 s \(--timeout \/ SYNC_TIMEOUT_SECONDS\): check host, port and firewall$/,
  );
  // Bounded below the drivers' own 10 s connect timeouts: the 1 s given is what ended the wait.
}, 8_000);

test("waiting for a live run's lock ends with the time budget, not after --lock-wait", async () => {
  const holder = new Client({ connectionString: db.warehouseUrl });
  await holder.connect();
  try {
    // The writer lock's key: the "WYNC" namespace and the table's oid.
    await holder.query("SELECT pg_advisory_lock(x'57594e43'::int, 'public.sales_data'::regclass::oid::int)");
    const waited = await run(db.sourceUrl, db.warehouseUrl, '--max-seconds', '1', '--lock-wait', '30', '--json');
    expect(waited.stderr).toBe('');
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ ok: true, tables: [{ skipped: true, inserted: 0 }] });
  } finally {
    await holder.end();
  }
}, 10_000);

/**
 * Three sessions left holding a writer lock, set up together so that one wait past the 7 s
 * threshold serves them all: a MySQL warehouse session orphaned mid-INSERT behind a stalled proxy,
 * a MySQL session idle on the lock of a second table, and a PostgreSQL session of ours gone quiet.
 */
describe('sessions left holding a writer lock, after the stalled-holder threshold', () => {
  let stalledInsert: ChildResult;
  let youngIdleHolder: ChildResult;
  let idleHolder: mysql.Connection;
  let idleHolderId: number;
  let quietWarehouse: Warehouse;
  let pgLocksWhileYoung: number;
  const pgLocks = async () =>
    (
      await db.pg.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND " +
          'database = (SELECT oid FROM pg_database WHERE datname = $1)',
        [DB],
      )
    ).rows[0].n;

  beforeAll(async () => {
    const proxy = await proxyTo(3306);
    // A 5,000-row INSERT is ~110 KB of SQL: 150 KB in is inside the second batch.
    proxy.stallAfter(150_000);
    idleHolder = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${MYSQL_WH}` });
    const [[[id]]] = (await idleHolder.query({
      sql: `SELECT CONNECTION_ID(), GET_LOCK('warehouse-sync:${MYSQL_WH}.sales_data2', 0)`,
      rowsAsArray: true,
    })) as unknown as [[number][]];
    idleHolderId = id;
    [stalledInsert, youngIdleHolder] = await Promise.all([
      run(db.sourceUrl, mysqlVia(proxy.port, MYSQL_WH)),
      run(db.sourceUrl, mysqlVia(3306, MYSQL_WH), '--table', 'sales_data:sales_data2', '--json'),
    ]);
    const config = resolveConfig({ warehouse: db.warehouseUrl, timeoutSeconds: 1 });
    quietWarehouse = await openWarehouse(config.warehouse);
    const table = (await quietWarehouse.describeTable({ schema: null, name: 'sales_data' }))!;
    expect(await quietWarehouse.lockWriter(table, 0)).not.toBeNull();
    pgLocksWhileYoung = await pgLocks();
    await sleep(STALLED_HOLDER_MS + 1_000);
  }, 40_000);
  afterAll(async () => {
    await idleHolder.end();
    await quietWarehouse.close();
  });

  test(
    'a MySQL warehouse stalls in the middle of an INSERT: one line, exit 1; the server ' +
      'ends the orphan itself, and the next run finishes exactly',
    async () => {
      expect(stalledInsert.code).toBe(1);
      expect(oneLine(stalledInsert)).toMatch(
        /^the warehouse \(MySQL at 127\.0\.0\.1:\d+\) stopped answering: nothing came back for 2 s while a reply was due \(--timeout \/ SYNC_TIMEOUT_SECONDS\); check that server and the network to it, then run again$/,
      );
      expect(await mysqlKeys('sales_data')).toEqual([5000, 5000]);
      // The orphan behind the proxy held GET_LOCK with half an INSERT read: wait_timeout (7 s with
      // --timeout 1; MariaDB reads a command's first packet under it) made the server drop it, its
      // transaction and its lock.
      const after = await run(db.sourceUrl, mysqlVia(3306, MYSQL_WH), '--json');
      expect(after.stderr).toBe('');
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout).tables[0]).toMatchObject({ skipped: false, inserted: ROWS - 5000 });
      expect(await mysqlKeys('sales_data')).toEqual([ROWS, ROWS]);
    },
    20_000,
  );

  test(
    'a MySQL session idle on the writer lock: skipped while young; older than any run, ' +
      'reported with the KILL that ends it',
    async () => {
      expect(youngIdleHolder.code).toBe(0);
      expect(JSON.parse(youngIdleHolder.stdout)).toMatchObject({ ok: true, tables: [{ skipped: true, inserted: 0 }] });
      const old = await run(db.sourceUrl, mysqlVia(3306, MYSQL_WH), '--table', 'sales_data:sales_data2');
      expect(old.code).toBe(1);
      expect(oneLine(old)).toMatch(
        new RegExp(
          `^the writer lock on ${MYSQL_WH}\\.sales_data2 is held by MySQL connection ` +
            `${idleHolderId} \\(root@(localhost|127\\.0\\.0\\.1):\\d+\\), idle for \\d+ s, ` +
            `longer than a live run would \\(2 x --timeout \\+ 5 s = 7 s\\): a stalled or orphaned ` +
            `session, so runs cannot proceed\\. ` +
            `If no run is still going, end it with KILL ${idleHolderId}; and run again$`,
        ),
      );
      expect(await mysqlKeys('sales_data2')).toEqual([0, 0]);
    },
    20_000,
  );

  test('PostgreSQL ends a session of ours left idle on the writer lock, and with it the lock', async () => {
    expect(pgLocksWhileYoung).toBe(1);
    expect(await pgLocks()).toBe(0);
  });
});

async function mysqlKeys(table: string): Promise<[number, number]> {
  const [rows] = await mysqlWarehouse.query({
    sql: `SELECT COUNT(*), COUNT(DISTINCT rowid) FROM ${table}`,
    rowsAsArray: true,
  });
  return (rows as [number, number][])[0];
}
