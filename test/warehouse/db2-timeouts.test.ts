/**
 * DB2 faults that end or delay a batch, through the real ibm_db, the stand-in libdb2.so.1 and the
 * engine: the transient ones IBM documents are retried without losing or doubling a row, anything
 * else is one line; an insert blocked by another application's lock fails in time (CURRENT LOCK
 * TIMEOUT from --timeout) instead of waiting for ever (LOCKTIMEOUT -1); a server that stops
 * answering mid-batch ends the built CLI, in its own process, with its report and one line within
 * the stall limit (--timeout + 1 s with --timeout 1) plus a bounded margin.
 */
import * as path from 'path';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { cli, cliProcess, type ChildResult } from '../support/databases';
import { startDb2SalesData, stopDb2SalesData } from '../support/db2-sales-data';
import { STANDIN_LIBRARY, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'h2_db2_timeouts';
const ROWS = 500;
const BATCH_INSERT = /^INSERT INTO "DB2INST1"."SALES_DATA"/;
let standin: Standin;
let db2: IbmDbConnection;
let args: string[];

beforeAll(async () => {
  ({ standin, db2, args } = await startDb2SalesData(MYSQL_DATABASE, ROWS));
});
beforeEach(async () => {
  standin.server.clearFaults();
  await db2.query('DROP TABLE SALES_DATA').catch(() => undefined);
  await db2.query('CREATE TABLE SALES_DATA (ROWID INTEGER NOT NULL PRIMARY KEY, QUANTITY INTEGER NOT NULL)');
});
afterAll(() => stopDb2SalesData({ standin, db2 }));

async function counts(): Promise<{ N: number; D: number }> {
  return (await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT ROWID) AS D FROM SALES_DATA'))[0] as {
    N: number;
    D: number;
  };
}

function oneLine(result: { stderr: string }): string {
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0].replace(/^warehouse-sync: /, '');
}

describe("transient faults from IBM's SQLSTATE classes are retried, every row arrives exactly once", () => {
  test.each([
    ['40003, statement completion unknown (class 40, Transaction Rollback)', '40003'],
    ['40504, the unit of work rolled back by a system error (class 40)', '40504'],
    ['55032, SQL1224N: the agent was forced off (failover without client reroute)', '55032'],
    ['57014, SQL0952N: processing cancelled (workload management)', '57014'],
    ['08007, transaction resolution unknown (class 08, Connection Exception)', '08007'],
    ['08506, SQL30108N: client reroute re-established the connection', '08506'],
  ])('%s', async (_case, sqlstate) => {
    standin.server.failNext({ sqlstate, on: BATCH_INSERT });
    const result = await cli(args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ newRows: ROWS, inserted: ROWS, watermarkAfter: ROWS });
    expect(await counts()).toEqual({ N: ROWS, D: ROWS });
  });

  test(
    'a fault that is not transient (42501, no privilege) is one line, exit 1, after the ' + 'batches before it',
    async () => {
      standin.server.failNext({ sqlstate: '42501', on: BATCH_INSERT });
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(oneLine(result)).toBe(
        'loading sales_data into DB2INST1.SALES_DATA failed: the DB2 user lacks a privilege (INSERT on the table): ' +
          'SQL0001N Fault injected by the test (SQLSTATE 42501). SQLSTATE=42501',
      );
      expect(await counts()).toEqual({ N: 0, D: 0 });
    },
  );
});

const env = () => ({ LD_LIBRARY_PATH: path.dirname(STANDIN_LIBRARY) });

test(
  "an insert blocked by another application's uncommitted row fails in time (CURRENT " +
    'LOCK TIMEOUT from --timeout), one line, no row doubled',
  async () => {
    // Another application inserted key 250 and keeps its unit of work open: the batch holding 250 waits for its lock.
    const other = await standin.driver.open(standin.connectionString);
    try {
      await other.beginTransaction();
      await other.query('INSERT INTO SALES_DATA (ROWID, QUANTITY) VALUES (250, 0)');
      const started = Date.now();
      const result: ChildResult = await cliProcess([...args, '--timeout', '1'], env());
      const tookMs = Date.now() - started;
      expect(result.code).toBe(1);
      expect(oneLine(result)).toMatch(
        /^loading sales_data into DB2INST1\.SALES_DATA failed after 5 attempts: SQL0911N The current transaction has been rolled back because of a deadlock or timeout\. Reason code "68"\. SQLSTATE=40001$/,
      );
      // Five attempts of 1 s each and their backoff (0.2 + 0.4 + 0.8 + 1.6 s), not for ever.
      expect(tookMs).toBeLessThan(15_000);
      expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ inserted: 200, watermarkAfter: 200 });
    } finally {
      await other.rollbackTransaction();
      await other.close();
    }
    expect(await counts()).toEqual({ N: 200, D: 200 });
  },
  30_000,
);

test(
  'the server stops answering in the middle of the load: the built CLI ends with its ' +
    'report and one line within the stall limit',
  async () => {
    // The third batch insert is never answered, and nothing is closed.
    standin.stallOn(BATCH_INSERT, 2);
    const started = Date.now();
    const result = await cliProcess([...args, '--timeout', '1'], env());
    const tookMs = Date.now() - started;
    standin.stallOn(/^$/);
    expect(result.code).toBe(1);
    const line = oneLine(result);
    expect(line).toMatch(
      /^the warehouse \(DB2 at 127\.0\.0\.1:\d+\) did not answer within 2 s \(--timeout \/ SYNC_TIMEOUT_SECONDS\): it stopped answering, or a statement ran longer than that; check that server and the network to it \(or raise --timeout\), then run again$/,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      tables: [{ inserted: 200, watermarkAfter: 200, batches: 2 }],
    });
    // The stall limit (2 s) plus start-up, two batches and closing: bounded, not the platform's kill.
    expect(tookMs).toBeLessThan(8_000);
    expect(await counts()).toEqual({ N: 200, D: 200 });
  },
  20_000,
);
