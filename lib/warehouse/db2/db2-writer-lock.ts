/**
 * The per-table writer lock on DB2.
 *
 * DB2 has no advisory locks, and the course's warehouse table has no primary key, so nothing in the
 * table itself stops two runs from inserting the same rows. The lock is a row in a small table,
 * `<schema>.WAREHOUSE_SYNC_LOCKS`, one row per synced table, held like this:
 *
 *   - each lock gets its own, dedicated connection: the data connection commits every batch, and a
 *     commit ends the transaction that holds the lock;
 *   - on it, a transaction reads the table's lock row `WITH RS USE AND KEEP UPDATE LOCKS` and stays
 *     open for the whole run. Read stability keeps the row's update (U) lock until the transaction
 *     ends; U excludes another U, so a second run's identical read waits at most CURRENT LOCK TIMEOUT
 *     (set from the run's lock wait; 0 = NOT WAIT) and then fails with SQLSTATE 40001 (SQL0911N
 *     reason 68) or 57033: that run skips the table. A plain `SELECT … FOR UPDATE` is not enough
 *     through ibm_db: query() fetches and closes the cursor at once, and under cursor stability DB2
 *     releases the lock when the cursor leaves the row;
 *   - the lock is taken by a read, not an UPDATE, on purpose: a transaction that has written a log
 *     record pins the active log from that record on, and one held open for a long run would fill
 *     the transaction log while the data connection loads (SQL0964C). A read writes no log record;
 *   - release ends the transaction; if the process dies or the connection drops, DB2 rolls the
 *     transaction back and the lock is free again.
 *
 * Readers of the warehouse table are never involved: the lock lives in another table, and U locks
 * admit share locks, so even readers of the lock table do not wait.
 */
import { Db2Error } from '../../errors';
import { IbmDbConnection, rollBackAndClose } from '../../dialect/db2/db2-connection';
import { ident } from '../../dialect/db2/db2-sql';

export const LOCK_TABLE = 'WAREHOUSE_SYNC_LOCKS';

/** Lock conflicts: SQL0911N (rolled back, reason 68 = lock timeout, 2 = deadlock) and SQL0913N. */
const LOCK_CONFLICT = new Set(['40001', '57033']);

export interface HeldLock {
  schema: string;
  table: string;
  connection: IbmDbConnection;
}

export interface LockDeps {
  open(): Promise<IbmDbConnection>;
  /** Runs SQL and turns driver errors into Db2Errors. */
  /** `waitMs`: how long the statement may wait for a lock on purpose, beyond the connection's time limit. */
  run(
    connection: IbmDbConnection,
    sql: string,
    params?: Array<string | number>,
    waitMs?: number,
  ): Promise<Array<Record<string, unknown>>>;
  toError(error: unknown): Db2Error;
}

export function lockTableSql(schema: string): string {
  return `${ident(schema)}.${ident(LOCK_TABLE)}`;
}

/**
 * ORGANIZE BY ROW: Db2 Warehouse creates column-organized tables by default, and the lock wants
 * plain row locking. Db2 before 10.5 does not know the clause; `organized: false` leaves it out.
 */
export function createLockTableSql(schema: string, organized = true): string {
  return (
    `CREATE TABLE ${lockTableSql(schema)} (TABLE_SCHEMA VARCHAR(128) NOT NULL, TABLE_NAME ` +
    `VARCHAR(128) NOT NULL, ` +
    `PRIMARY KEY (TABLE_SCHEMA, TABLE_NAME))${organized ? ' ORGANIZE BY ROW' : ''}`
  );
}

/** Takes the lock for schema.table, waiting up to `waitMs`; null when another run holds it. */
export async function acquireLock(
  deps: LockDeps,
  schema: string,
  table: string,
  waitMs: number,
): Promise<HeldLock | null> {
  const connection = await deps.open();
  try {
    await ensureLockRow(deps, connection, schema, table);
    // The special register counts whole seconds; a wait of a few ms still means "do not wait".
    const seconds = Math.min(32767, Math.ceil(Math.max(0, waitMs) / 1000));
    await deps.run(
      connection,
      seconds === 0 ? 'SET CURRENT LOCK TIMEOUT NOT WAIT' : `SET CURRENT LOCK TIMEOUT ${seconds}`,
    );
    await connection.beginTransaction();
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await deps.run(
        connection,
        `SELECT TABLE_NAME AS LOCKED FROM ${lockTableSql(schema)} WHERE TABLE_SCHEMA = ? AND ` +
          `TABLE_NAME = ? WITH RS USE AND KEEP UPDATE LOCKS`,
        [schema, table],
        seconds * 1000,
      );
    } catch (error) {
      if (LOCK_CONFLICT.has(deps.toError(error).sqlstate)) {
        await rollBackAndClose(connection);
        return null;
      }
      throw error;
    }
    // No row, no lock: someone deleted it between ensureLockRow and here.
    if (rows.length !== 1)
      throw new Error(`the lock row of ${schema}.${table} in ${schema}.${LOCK_TABLE} disappeared; run again`);
    return { schema, table, connection };
  } catch (error) {
    await rollBackAndClose(connection);
    throw error;
  }
}

/** Ends the lock transaction (which frees the row; it wrote nothing) and closes the lock's connection. */
export async function releaseLock(lock: HeldLock): Promise<void> {
  await rollBackAndClose(lock.connection);
}

/** True while the lock's connection, and so its transaction, is alive. */
export async function lockAlive(deps: LockDeps, lock: HeldLock): Promise<boolean> {
  if (!lock.connection.connected) return false;
  try {
    await deps.run(lock.connection, 'SELECT 1 AS ALIVE FROM SYSIBM.SYSDUMMY1');
    return true;
  } catch {
    return false;
  }
}

/** Creates the lock table and the table's lock row if missing; concurrent creators are harmless. */
async function ensureLockRow(
  deps: LockDeps,
  connection: IbmDbConnection,
  schema: string,
  table: string,
): Promise<void> {
  const exists = await deps.run(
    connection,
    'SELECT 1 AS FOUND FROM SYSCAT.TABLES WHERE TABSCHEMA = ? AND TABNAME = ?',
    [schema, LOCK_TABLE],
  );
  if (exists.length === 0) {
    try {
      await deps.run(connection, createLockTableSql(schema)).catch((error: unknown) => {
        // 42601: a Db2 older than 10.5, without ORGANIZE BY.
        if (deps.toError(error).sqlstate !== '42601') throw error;
        return deps.run(connection, createLockTableSql(schema, false));
      });
    } catch (error) {
      // 42710: another run created it first.
      if (deps.toError(error).sqlstate !== '42710') throw error;
    }
  }
  // WITH UR: reading the row must never wait on the run that holds it.
  const row = await deps.run(
    connection,
    `SELECT 1 AS FOUND FROM ${lockTableSql(schema)} WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? WITH UR`,
    [schema, table],
  );
  if (row.length === 0) {
    try {
      await deps.run(connection, `INSERT INTO ${lockTableSql(schema)} (TABLE_SCHEMA, TABLE_NAME) VALUES (?, ?)`, [
        schema,
        table,
      ]);
    } catch (error) {
      // 23505: another run inserted it first.
      if (deps.toError(error).sqlstate !== '23505') throw error;
    }
  }
}
