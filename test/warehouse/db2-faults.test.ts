/**
 * DB2 faults during a run, through the real ibm_db over the stand-in libdb2.so.1 (./db2-standin).
 * The project's DB2 engine raises them as IBM documents them, each test citing its source:
 *   - deadlocks and lock timeouts (SQL0911N / SQL0913N) are retried without losing or doubling a row;
 *   - a full transaction log (SQL0964C, SQLSTATE 57011) comes from log space in bytes, LOGFILSIZ 4 KB
 *     pages × (LOGPRIMARY + LOGSECOND), filled by log records sized by the rows; the product splits
 *     the transaction;
 *   - a COMMIT whose reply is lost (SQL30081N, outcome unknown), rolled back by a client reroute
 *     (SQL30108N), or never reaching a server that notices the lost connection only later: the run
 *     decides by reading the warehouse which rows landed;
 *   - a dropped connection keeps its locks until DB2 notices it is gone: the run waits a bounded time
 *     for its own writer lock, and otherwise stops in time with one line;
 * and the writer lock keeps a second run out, even when the table has no primary key.
 *
 * IBM sources:
 * logfilsiz:
 * https://www.ibm.com/support/knowledgecenter/ja/SSEPGG_11.1.0/com.ibm.db2.luw.admin.config.doc/doc/r0000239.html
 *   logsecond: https://www.ibm.com/docs/en/SSCJDQ/com.ibm.db2.luw.admin.config.doc/doc/r0000241.html
 * log record header:
 * https://ibm.com/support/knowledgecenter/SSEPGG_11.1.0/com.ibm.db2.luw.apdv.api.doc/doc/r0024864.html
 *   client reroute for CLI (SQL30108N, rolled back; SQL30081N when it cannot reconnect):
 *     https://www.ibm.com/support/knowledgecenter/ja/SSEPGG_11.5.0/com.ibm.db2.luw.apdv.cli.doc/doc/c0056174.html
 *     https://www.ibm.com/support/knowledgecenter/ru/SSEPGG_11.1.0/com.ibm.db2.luw.admin.ha.doc/doc/r0011978.html
 *   TCP/IP keepalive and dropped connections: http://www-01.ibm.com/support/docview.wss?uid=swg21231084,
 *     https://www.ibm.com/docs/en/sig-and-i/10.0.2?topic=tasks-configuring-tcp-keepalive-settings
 */
import mysql from 'mysql2/promise';
import { parseConnectionUrl } from '../../lib/connection-url';
import { RunError } from '../../lib/errors';
import { type IbmDbConnection, type IbmDbModule } from '../../lib/dialect/db2/db2-connection';
import { Db2Warehouse } from '../../lib/warehouse/db2/db2-warehouse';
import type { WarehouseTable } from '../../lib/warehouse/warehouse';
import type { Row } from '../../lib/rows';
import type { FakeDb2Server } from '../fakes/ibm_db';
import { cli, MYSQL_SERVER } from '../support/databases';
import { startStandin, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'test_db2_faults';
/** Wide rows: the log full of few rows. */
const WIDE_ROWS = 10;
const ROWS = 500;
/** The batch inserts, not the writer lock's bookkeeping. */
const BATCH_INSERT = /^INSERT INTO "DB2INST1"."SALES_DATA"/;

let standin: Standin;
let server: FakeDb2Server;
let ibmdb: IbmDbModule;
let WAREHOUSE: string;
let CONNECT: string;
let db2: IbmDbConnection;
const args: string[] = [];

async function counts(): Promise<{ N: number; D: number }> {
  return (await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT rowid) AS D FROM SALES_DATA'))[0] as {
    N: number;
    D: number;
  };
}

async function run(): Promise<{ code: number; report: Record<string, unknown>; stderr: string }> {
  const result = await cli(args);
  return { code: result.code, report: JSON.parse(result.stdout).tables?.[0] ?? {}, stderr: result.stderr };
}

/** The network drops every connection, this test's own included, which it opens again. */
async function dropAllConnections(): Promise<void> {
  server.dropConnections();
  db2 = await ibmdb.open(CONNECT);
}

async function openWarehouse(): Promise<{ warehouse: Db2Warehouse; table: WarehouseTable }> {
  const target = parseConnectionUrl(WAREHOUSE, 'warehouse');
  if (typeof target === 'string') throw new Error(target);
  const warehouse = await Db2Warehouse.open(target);
  const table = await warehouse.describeTable({ schema: null, name: 'sales_data' });
  return { warehouse, table: table! };
}

/** IBM Db2's defaults: LOGFILSIZ 1000, LOGPRIMARY 3, LOGSECOND 10 (database configuration parameters). */
const DEFAULT_LOG = { logfilsiz: 1000, logprimary: 3, logsecond: 10 };
/** The smallest log DB2 accepts: LOGFILSIZ 4 pages, LOGPRIMARY 2, LOGSECOND 0 = 32,768 bytes. */
const SMALLEST_LOG = { logfilsiz: 4, logprimary: 2, logsecond: 0 };

/** The data after a run, for the test's own (possibly reopened) connection. */
async function rowids(): Promise<number[]> {
  return (await db2.query('SELECT rowid FROM SALES_DATA ORDER BY rowid')).map((r) => Number(r.ROWID));
}

const courseRow = (id: number): Row => [id, id % 100, id * 7, null, (id % 5) + 1, null];

beforeAll(async () => {
  standin = await startStandin();
  ({ server, driver: ibmdb, url: WAREHOUSE, connectionString: CONNECT } = standin);
  args.push('--source', `${MYSQL_SERVER}/${MYSQL_DATABASE}`, '--warehouse', WAREHOUSE, '--batch-size', '100', '--json');
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_DATABASE}; CREATE DATABASE ${MYSQL_DATABASE}; USE ${MYSQL_DATABASE};
    CREATE TABLE sales_data (rowid INT NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id INT NOT NULL, customer_id INT NOT NULL, quantity INT NOT NULL);
    INSERT INTO sales_data (rowid, product_id, customer_id, quantity)
      WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${ROWS}) SELECT n, n % 100, n * 7, n % 5 + 1 FROM seq;
    CREATE TABLE wide_data (id INT NOT NULL PRIMARY KEY, note TEXT NOT NULL);
    INSERT INTO wide_data (id, note)
      WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${WIDE_ROWS}) SELECT n, REPEAT(CHAR(96 + n), IF(n = 5, 40000, 3000)) FROM seq`);
  await admin.end();
  db2 = await ibmdb.open(CONNECT);
});
beforeEach(async () => {
  server.clearFaults();
  server.noticeDroppedConnections();
  if (!db2.connected || (await db2.query('SELECT 1 AS ONE FROM SYSIBM.SYSDUMMY1').catch(() => null)) === null)
    db2 = await ibmdb.open(CONNECT);
  server.database('BLUDB').log = { ...DEFAULT_LOG };
  await db2.query('DROP TABLE SALES_DATA').catch(() => undefined);
  // The course's table: no primary key, nothing in it stops a duplicate.
  await db2.query(`CREATE TABLE SALES_DATA (rowid INTEGER NOT NULL, product_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
    price DECIMAL(10,2), quantity INTEGER NOT NULL, timestamp TIMESTAMP)`);
});
afterAll(async () => {
  await db2.close();
  await standin.stop();
});

describe('transient faults are retried, and every row arrives exactly once', () => {
  // SQL0911N (40001): "The current transaction has been rolled back because of a deadlock or
  // timeout"; SQL0913N (57033): only the statement failed (IBM Db2 message reference).
  test.each([
    ['a deadlock (40001, transaction rolled back)', { sqlstate: '40001', on: BATCH_INSERT, times: 2 }],
    ['a lock timeout (57033, statement failed)', { sqlstate: '57033', on: BATCH_INSERT }],
  ])('%s', async (_case, fault) => {
    server.failNext(fault);
    const { code, report, stderr } = await run();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
    expect(await counts()).toEqual({ N: ROWS, D: ROWS });
  });
});

/**
 * IBM Db2 documents the transaction log's size as LOGFILSIZ pages of 4 KB (default 1000, range
 * 4 - 16 777 152; "logfilsiz - Size of log files configuration parameter") times LOGPRIMARY +
 * LOGSECOND files (defaults 3 and 10; "logsecond - Number of secondary log files": "If more secondary
 * log files are required than are allowed by this parameter, an error code will be returned to the
 * application"): SQL0964C "The transaction log for the database is full.", SQLSTATE 57011. Every
 * log record starts with a 40-byte log manager header ("Log record header", Db2 log records
 * reference); an insert logs the row as stored, whose size the CREATE TABLE statement's byte counts
 * give: a course row (4 INTEGERs, a nullable DECIMAL(10,2), a nullable TIMESTAMP) is 34 bytes, about
 * 94 bytes of log. The active log runs from the oldest open transaction's first log record, so a
 * transaction that wrote and stays open pins it for everyone.
 */
describe('a full transaction log (SQL0964C, 57011), from log space in bytes', () => {
  test(
    'a batch whose log records outgrow LOGFILSIZ × (LOGPRIMARY + LOGSECOND) is split until ' +
      'each part fits: every row once',
    async () => {
      const db = server.database('BLUDB');
      db.log = { ...SMALLEST_LOG };
      const fullBefore = db.logFullErrors;
      // 500 course rows ≈ 47 KB of log in one transaction; the log holds 32 KB.
      const { code, stdout, stderr } = await cli([...args, '--batch-size', '500']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout).tables[0]).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
      expect(db.logFullErrors).toBeGreaterThan(fullBefore);
      expect(await rowids()).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    },
  );

  test(
    "the writer lock's transaction, open for the whole run, writes no log record, so it " + 'pins no log space',
    async () => {
      // Five batches of 100 rows (≈ 9.4 KB of log each, 47 KB in all) through a 32 KB log: they fit
      // one after another only if nothing open since the start of the run holds the log's tail.
      const db = server.database('BLUDB');
      db.log = { ...SMALLEST_LOG };
      const fullBefore = db.logFullErrors;
      const { code, report } = await run();
      expect(code).toBe(0);
      expect(report).toMatchObject({ inserted: ROWS, batches: 5 });
      expect(db.logFullErrors).toBe(fullBefore);
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    'wide rows fill it with few rows; one row bigger than the whole log: exit 1, one line, ' +
      'the rows before it committed once',
    async () => {
      // Row 5 holds 40,000 bytes of text, more than the 32 KB log; rows of 3,000 bytes fit ten at a time only in part.
      await db2.query('DROP TABLE WIDE_DATA').catch(() => undefined);
      await db2.query('CREATE TABLE WIDE_DATA (id INTEGER NOT NULL, note CLOB(64K) NOT NULL)');
      const db = server.database('BLUDB');
      db.log = { ...SMALLEST_LOG };
      const wide = await cli([
        '--source',
        `${MYSQL_SERVER}/${MYSQL_DATABASE}`,
        '--warehouse',
        WAREHOUSE,
        '--table',
        'wide_data',
        '--key',
        'id',
        '--batch-size',
        '100',
      ]);
      expect(wide.stderr).toBe(
        'warehouse-sync: loading wide_data into DB2INST1.WIDE_DATA failed: the DB2 transaction ' +
          'log is full even for a single row ' +
          '(raise LOGFILSIZ / LOGSECOND): SQL0964C The transaction log for the database is full. SQLSTATE=57011\n',
      );
      expect(wide.code).toBe(1);
      // What is committed is a key prefix: the next run (with a bigger log) resumes after it.
      expect(await db2.query('SELECT id, LENGTH(note) AS L FROM WIDE_DATA ORDER BY id')).toEqual(
        [1, 2, 3, 4].map((id) => ({ ID: id, L: 3000 })),
      );
      db.log = { ...DEFAULT_LOG };
      const rest = await cli([
        '--source',
        `${MYSQL_SERVER}/${MYSQL_DATABASE}`,
        '--warehouse',
        WAREHOUSE,
        '--table',
        'wide_data',
        '--key',
        'id',
        '--json',
      ]);
      expect(rest.code).toBe(0);
      expect(JSON.parse(rest.stdout).tables[0]).toMatchObject({ inserted: WIDE_ROWS - 4 });
      expect(
        await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT id) AS D, SUM(LENGTH(note)) AS B FROM WIDE_DATA'),
      ).toEqual([{ N: WIDE_ROWS, D: WIDE_ROWS, B: 9 * 3000 + 40000 }]);
    },
  );
});

/**
 * A COMMIT whose outcome the client cannot know. IBM Db2: SQL30081N "A communication error has been
 * detected" (08001) ends the connection; the handle then reports CLI0106E "Connection is closed"
 * (08003, the SQLSTATE tables of the CLI functions); whether the unit of work committed is unknown to
 * the client (CLI's 08007, "connection failure during transaction"). With automatic client reroute,
 * SQL30108N (08506) means the connection was re-established and "the transaction has been rolled
 * back", and the application repeats the work ("Automatic client reroute" for CLI applications, Db2
 * 11.5). A connection lost in the network is found dead by the server only later (next send, TCP
 * keepalive; IBM technote "TCP/IP keepalive settings and related DB2 registry variables"): until then
 * its unit of work stays open with its locks, and then rolls back. The run must tell which rows
 * landed by reading the warehouse, whatever the order of errors.
 */
describe('a COMMIT whose reply is lost, rolled back by a reroute, or never arrived', () => {
  test(
    'SQL30081N on the COMMIT after it landed (the reply is lost): the run finds the rows ' +
      'there and does not load them again',
    async () => {
      server.failNext({ sqlstate: '08001', on: 'commit', afterCommit: true });
      const { code, report, stderr } = await run();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    'SQL30081N on the COMMIT before the server got it, which finds the connection dead 1.5 ' +
      's later: the rows are loaded again, once',
    async () => {
      server.failNext({ sqlstate: '08001', on: 'commit', noticeAfterMs: 1500 });
      const { code, report, stderr } = await run();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
      // The dead connection's rows stay uncommitted until the server notices, then roll back.
      server.noticeDroppedConnections();
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    'the same on a table with a primary key: the retried insert waits for the dead ' +
      "connection's key locks, then loads",
    async () => {
      await db2.query('DROP TABLE SALES_DATA');
      await db2.query(`CREATE TABLE SALES_DATA (rowid INTEGER NOT NULL PRIMARY KEY, product_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
      price DECIMAL(10,2), quantity INTEGER NOT NULL, timestamp TIMESTAMP)`);
      server.failNext({ sqlstate: '08001', on: 'commit', noticeAfterMs: 1500 });
      const started = Date.now();
      const { code, report, stderr } = await run();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report).toMatchObject({ inserted: ROWS, watermarkAfter: ROWS });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    'SQL30108N on the COMMIT (client reroute: rolled back, connection re-established): the ' +
      'rows are loaded again, once',
    async () => {
      server.failNext({ sqlstate: '08506', on: 'commit' });
      const { code, report, stderr } = await run();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    "SQL30108N on the second batch's insert, then SQL30081N on its COMMIT after it " + 'landed: each row once',
    async () => {
      server.failNext({ sqlstate: '08506', on: BATCH_INSERT, skip: 1 });
      server.failNext({ sqlstate: '08001', on: 'commit', afterCommit: true, skip: 1 });
      const { code, report } = await run();
      expect(code).toBe(0);
      expect(report).toMatchObject({ inserted: ROWS });
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  // Through the real ibm_db 4.0.1 a failed SQLEndTran never reaches JS: commitTransaction()'s
  // promise resolves (UV_AfterEndTransaction reads the return code through the wrong struct). The
  // product commits with a COMMIT statement, whose failure ibm_db reports; these pin the binding.
  test(
    'the binding itself: commitTransaction() resolves although SQLEndTran failed; the ' +
      'handle is dead after (CLI0106E)',
    async () => {
      const own = await ibmdb.open(CONNECT);
      await own.beginTransaction();
      await own.query('INSERT INTO SALES_DATA (rowid, product_id, customer_id, quantity) VALUES (1, 1, 1, 1)');
      server.failNext({ sqlstate: '08001', on: 'commit' });
      await expect(own.commitTransaction()).resolves.toBe(true);
      await expect(own.query('SELECT 1 FROM SYSIBM.SYSDUMMY1')).rejects.toMatchObject({
        sqlstate: '08003',
        message: '[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003',
      });
      await own.close().catch(() => undefined);
      expect(await counts()).toEqual({ N: 0, D: 0 });
    },
  );

  test(
    'the binding itself: after SQL30108N on a COMMIT statement the same handle works, and ' +
      'the unit of work is gone',
    async () => {
      const own = await ibmdb.open(CONNECT);
      await own.beginTransaction();
      await own.query('INSERT INTO SALES_DATA (rowid, product_id, customer_id, quantity) VALUES (1, 1, 1, 1)');
      server.failNext({ sqlstate: '08506', on: 'commit' });
      await expect(own.query('COMMIT')).rejects.toMatchObject({ sqlstate: '08506', sqlcode: -30108 });
      expect(await own.query('SELECT COUNT(*) AS N FROM SALES_DATA')).toEqual([{ N: 0 }]);
      await own.rollbackTransaction();
      await own.close();
    },
  );
});

/**
 * A dropped connection's locks: DB2 frees them when it finds the connection gone, which for a
 * connection lost in the network is its next send or TCP keepalive ("DB2 sets the TCP/IP keepalive
 * setting on both the client and server by default ... On most platforms the default is 2 hours",
 * IBM technote "TCP/IP keepalive settings and related DB2 registry variables"; IBM's messaging
 * engine docs configure keepalive so "the system notices the broken connection in a timely manner
 * and releases database locks"). The writer lock is such a lock.
 */
describe('locks of a dropped connection, freed only once DB2 notices', () => {
  const secondBatch = { on: BATCH_INSERT, skip: 1 };

  test(
    'the network drops every connection mid-run and DB2 notices 2 s later: the run takes ' +
      'its writer lock back and loads every row once',
    async () => {
      server.failNext({ sqlstate: '08001', ...secondBatch, all: true, noticeAfterMs: 2000 });
      const started = Date.now();
      const { code, report, stderr } = await run();
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      db2 = await ibmdb.open(CONNECT);
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );

  test(
    'DB2 does not notice within the bound: the run stops in time with one line; what it ' + 'committed is there once',
    async () => {
      server.failNext({ sqlstate: '08001', ...secondBatch, all: true, noticeAfterMs: 600_000 });
      const started = Date.now();
      const { code, stderr } = await run();
      const elapsed = Date.now() - started;
      expect(stderr).toBe(
        'warehouse-sync: the writer lock of DB2INST1.SALES_DATA was lost and is still held by ' +
          'another connection after 10 s: another run, ' +
          "or this run's own dropped connection that DB2 has not yet found dead (it frees its " +
          'locks then); stopped so that rows are not ' +
          'written twice (rerun to continue)\n',
      );
      expect(code).toBe(1);
      expect(elapsed).toBeLessThan(20_000);
      db2 = await ibmdb.open(CONNECT);
      expect(await rowids()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      // Once DB2 has noticed, the next run goes on from there.
      server.noticeDroppedConnections();
      expect((await run()).report).toMatchObject({ inserted: ROWS - 100 });
      expect(await counts()).toEqual({ N: ROWS, D: ROWS });
    },
  );
});

describe('the writer lock', () => {
  test('while another run holds it, a run skips the table and writes nothing; afterwards it loads', async () => {
    const { warehouse, table } = await openWarehouse();
    const lock = await warehouse.lockWriter(table, 0);
    expect(lock).not.toBeNull();
    const skipped = await cli(args.filter((a) => a !== '--json'));
    expect(skipped.stdout).toBe('Skipped: another run holds the writer lock of sales_data; nothing written\n');
    expect(skipped.code).toBe(0);
    expect(await counts()).toEqual({ N: 0, D: 0 });
    // Readers are not blocked by the lock.
    expect(await warehouse.maxKey(table, table.columns[0])).toBeNull();
    await lock!.release();
    await warehouse.close();
    expect((await run()).report).toMatchObject({ inserted: ROWS });
    expect(await counts()).toEqual({ N: ROWS, D: ROWS });
  });

  test('a user who may not create the lock table is told, before anything is written, what to create', async () => {
    await db2.query('DROP TABLE WAREHOUSE_SYNC_LOCKS').catch(() => undefined);
    server.failNext({ sqlstate: '42501', on: /^CREATE TABLE/ });
    const refused = await cli(args.filter((a) => a !== '--json'));
    expect(refused.stderr).toBe(
      'warehouse-sync: cannot set up the writer lock table DB2INST1.WAREHOUSE_SYNC_LOCKS ' +
        '(SQL0001N Fault injected by the test ' +
        '(SQLSTATE 42501). SQLSTATE=42501); create it once as a user who may: CREATE TABLE ' +
        '"DB2INST1"."WAREHOUSE_SYNC_LOCKS" ' +
        '(TABLE_SCHEMA VARCHAR(128) NOT NULL, TABLE_NAME VARCHAR(128) NOT NULL, PRIMARY KEY ' +
        '(TABLE_SCHEMA, TABLE_NAME)) ORGANIZE BY ROW, ' +
        'and GRANT SELECT, INSERT on it to the sync user\n',
    );
    expect(refused.code).toBe(2);
    expect(await counts()).toEqual({ N: 0, D: 0 });
    expect((await run()).report).toMatchObject({ inserted: ROWS });
  });

  test('two runs started together: one loads, the other skips or finds nothing new; no row twice', async () => {
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const inserted = [a.report.inserted, b.report.inserted].map(Number).sort((x, y) => x - y);
    expect(inserted).toEqual([0, ROWS]);
    expect(await counts()).toEqual({ N: ROWS, D: ROWS });
  });

  test(
    'a run whose lock was lost, and taken by another run, waits the bound for it, then ' + 'stops before writing',
    async () => {
      const first = await openWarehouse();
      expect(await first.warehouse.lockWriter(first.table, 0)).not.toBeNull();
      await dropAllConnections();
      const second = await openWarehouse();
      const secondLock = await second.warehouse.lockWriter(second.table, 0);
      expect(secondLock).not.toBeNull();

      const lost =
        'the writer lock of DB2INST1.SALES_DATA was lost and is still held by another ' +
        'connection after 10 s: another run, ' +
        "or this run's own dropped connection that DB2 has not yet found dead (it frees its " +
        'locks then); stopped so that rows are not ' +
        'written twice (rerun to continue)';
      const reconnecting = await first.warehouse.reconnect().catch((e: unknown) => e);
      expect(reconnecting).toBeInstanceOf(RunError);
      expect((reconnecting as Error).message).toBe(lost);
      const loading = await first.warehouse
        .load({ table: first.table, columns: first.table.columns, key: first.table.columns[0] }, [courseRow(1)])
        .catch((e: unknown) => e);
      expect((loading as Error).message).toBe(lost);
      expect(first.warehouse.isTransient(loading)).toBe(false);
      expect(await counts()).toEqual({ N: 0, D: 0 });
      await secondLock!.release();
      await Promise.all([first.warehouse.close(), second.warehouse.close()]);
    },
  );

  test('a lock lost and taken again after another run loaded: later batches skip the keys already there', async () => {
    const first = await openWarehouse();
    expect(await first.warehouse.lockWriter(first.table, 0)).not.toBeNull();
    await dropAllConnections();
    const other = await openWarehouse();
    const otherLock = await other.warehouse.lockWriter(other.table, 0);
    await other.warehouse.load(
      { table: other.table, columns: other.table.columns, key: other.table.columns[0] },
      [1, 2, 3, 4, 5].map(courseRow),
    );
    await otherLock!.release();
    await other.warehouse.close();

    await first.warehouse.reconnect();
    await first.warehouse.load(
      { table: first.table, columns: first.table.columns, key: first.table.columns[0] },
      [3, 4, 5, 6, 7].map(courseRow),
    );
    expect(await db2.query('SELECT rowid FROM SALES_DATA ORDER BY rowid')).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((id) => ({ ROWID: id })),
    );
    await first.warehouse.close();
  });
});
