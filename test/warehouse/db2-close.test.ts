/**
 * Closing a DB2 connection inside a unit of work, through the real ibm_db and the stand-in
 * libdb2.so.1. IBM's CLI refuses SQLDisconnect while a transaction is open (25000: "SQLEndTran()
 * must be called before calling SQLDisconnect() if an outstanding transaction exists", Db2 CLI
 * reference, SQLDisconnect) and then refuses to free the still-connected handle ("the connection
 * remains valid", SQLFreeHandle); ibm_db 4.0.1's close() ignores both (ODBCConnection::Free) and
 * resolves. The session, its uncommitted rows and its locks then live on for as long as the process.
 * The product rolls back explicitly before every close (rollBackAndClose).
 */
import { parseConnectionUrl } from '../../lib/connection-url';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { Db2Warehouse } from '../../lib/warehouse/db2/db2-warehouse';
import { startStandin, type Standin } from './db2-standin';

let standin: Standin;
let db2: IbmDbConnection;

beforeAll(async () => {
  standin = await startStandin();
  db2 = await standin.driver.open(standin.connectionString);
  await db2.query('CREATE TABLE T_CLOSE (ID INTEGER NOT NULL PRIMARY KEY)');
});
afterAll(async () => {
  await db2?.close();
  await standin?.stop();
});

const open = () => standin.server.openConnections();
const rows = async () => (await db2.query('SELECT COUNT(*) AS N FROM T_CLOSE'))[0].N;

test(
  'the binding itself: close() inside a unit of work resolves, and the session with its ' + 'transaction lives on',
  async () => {
    const before = open();
    const own = await standin.driver.open(standin.connectionString);
    await own.beginTransaction();
    await own.query('INSERT INTO T_CLOSE (ID) VALUES (1)');
    await expect(own.close()).resolves.toBe(true);
    expect(open()).toBe(before + 1);
    // Its uncommitted row is still locked by it.
    expect(standin.server.database('BLUDB').rowLocks.size).toBe(1);
    // Only the end of the session frees it (here: the engine drops the connection, as at process exit).
    standin.server.dropConnections();
    db2 = await standin.driver.open(standin.connectionString);
    expect(open()).toBe(1);
    expect(standin.server.database('BLUDB').rowLocks.size).toBe(0);
    expect(await rows()).toBe(0);
  },
);

test(
  'a warehouse closed while its data connection is inside a unit of work rolls it back ' +
    "and ends every session, the writer lock's too",
  async () => {
    const before = open();
    const target = parseConnectionUrl(standin.url, 'warehouse');
    if (typeof target === 'string') throw new Error(target);
    const warehouse = await Db2Warehouse.open(target);
    const table = (await warehouse.describeTable({ schema: null, name: 'T_CLOSE' }))!;
    expect(await warehouse.lockWriter(table, 0)).not.toBeNull();
    expect(open()).toBe(before + 2);
    // Whatever left it there (a statement given up on, a rollback that did not go through), the
    // data connection is inside a unit of work when the run ends.
    const data = (warehouse as unknown as { connection: IbmDbConnection }).connection;
    await data.beginTransaction();
    await data.query('INSERT INTO T_CLOSE (ID) VALUES (2)');
    await warehouse.close();
    expect(open()).toBe(before);
    expect(standin.server.database('BLUDB').rowLocks.size).toBe(0);
    expect(await rows()).toBe(0);
    // The writer lock is free for the next run at once.
    const next = await Db2Warehouse.open(target);
    try {
      expect(await next.lockWriter(table, 0)).not.toBeNull();
    } finally {
      await next.close();
    }
    expect(open()).toBe(before);
  },
);
