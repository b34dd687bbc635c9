/**
 * IBM DB2 warehouse through ibm_db: array inserts with parameter markers, one transaction per batch
 * (sliced so a commit stays well inside a default DB2 transaction log), the writer lock of
 * db2-writer-lock.ts, and SQLSTATE-aware errors.
 */
import type { Column, ColumnPair } from '../../columns';
import type { TableName } from '../../config';
import type { ConnectionTarget } from '../../connection-url';
import { ConnectionError, Db2Error, RunError, SchemaError, StalledError } from '../../errors';
import { addRowDigest } from '../../canonical';
import { bucketDigest, KeyRange, type KeyStats, type RangeDigest } from '../../key-range';
import type { LoadTarget, Warehouse, WarehouseTable, WriterLock } from '../warehouse';
import type { Row } from '../../rows';
import {
  clientRowDigest,
  clientRowsSql,
  countKeysSql,
  db2Key,
  foldIdentifier,
  ident,
  keyStatsSql,
  listKeysSql,
  maxKeySql,
  rangeDigestsSql,
  rowDigestsSql,
  sqlDigestible,
  toKeyStats,
  toRangeDigests,
  toRowDigests,
} from '../../dialect/db2/db2-sql';
import {
  Db2Endpoint,
  IbmDbConnection,
  IbmDbModule,
  IbmDbRow,
  boundedCall,
  guarded,
  GuardedConnection,
  loadIbmDb,
  quietly,
  rollBackAndClose,
  toDb2Endpoint,
  toDb2Error,
} from '../../dialect/db2/db2-connection';
import { arrayInsert, MAX_BOUND_BYTES, slicesWithin } from './db2-load';
import { COLUMNS_SQL, SyscatColumnRow, toColumn } from '../../dialect/db2/db2-introspector';
import { seconds as secondsText, stallLimitMs, timeoutOf } from '../../time-budget';
import {
  acquireLock,
  createLockTableSql,
  HeldLock,
  LockDeps,
  lockAlive,
  LOCK_TABLE,
  releaseLock,
} from './db2-writer-lock';

/**
 * A default DB2 LUW database logs into LOGPRIMARY 3 + LOGSECOND 10 files of LOGFILSIZ 1000 × 4 KiB
 * (≈ 52 MB), and a rollback needs about as much again. 4 MiB of row data per transaction stays far
 * inside that; 20,000 rows also keeps row locks well below lock-escalation thresholds, so readers
 * never meet a table lock.
 */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
export const MAX_TRANSACTION_ROWS = 20_000;

/**
 * Faults after which a batch is retried on a fresh connection: the unit of work was rolled back, so
 * nothing of it stayed, or its outcome is unknown and the cycle looks up which keys landed. From IBM's
 * "SQLSTATE messages" (Db2 11.5): class 40, Transaction Rollback (40001 SQL0911N deadlock or lock
 * timeout, 40003 statement completion unknown, …) and class 08, Connection Exception (08001 SQL30081N,
 * 08003 CLI0106E, 08007 transaction resolution unknown, 08506 SQL30108N: client reroute re-established
 * the connection and rolled the transaction back, "the application must re-execute" it, IBM "Automatic
 * client reroute"); 57033 SQL0913N, deadlock or timeout of the statement alone; 55032 SQL1224N, the
 * agent was terminated or forced off (a failover without client reroute); 57014 SQL0952N, processing
 * cancelled (an interrupt, or a workload-management threshold). The product sets no server-side
 * statement timeout, so a 57014 is never its own.
 */
const TRANSIENT_SQLSTATE_CLASSES = ['40', '08'];
const TRANSIENT_SQLSTATES = new Set(['57033', '55032', '57014']);
/** SQL0964C: the transaction log is full. */
const LOG_FULL = '57011';
/** CLI messages for a connection that is gone, whatever SQLSTATE the driver attached. */
const DROPPED_CONNECTION = /SQL30081N|SQL30108N|CLI0106E|CLI0600E|Connection not open|connection is closed/i;
/**
 * How long a run waits to take its writer lock back after the lock's connection died. DB2 keeps a
 * dropped connection's transaction, and with it the lock row's U lock, until it notices that the
 * connection is gone: at once when the client's socket was closed, when it next sends on it, or when
 * TCP keepalive gives up (after hours, by default). Waiting a while covers the quick cases; after
 * that the holder may as well be another run, and the run stops without writing.
 */
export const LOCK_RETAKE_WAIT_MS = 10_000;
/** Rows rendered client-side per fetch when verify cannot hash in SQL. */
const CLIENT_DIGEST_PAGE = 5_000;

const HINTS: Record<string, string> = {
  '23502': 'a NULL reached a NOT NULL column',
  '22001': 'a value is longer than its column (DB2 VARCHAR lengths count bytes, not characters)',
  '22003': 'a number is out of range for its column',
  '22007': 'a date/time value is not valid in DB2',
  '22008': "a date/time value is out of DB2's range",
  '22018': "a value is not valid for its column's type",
  '23505': 'a key is already present in a unique index of the table',
  '42501': 'the DB2 user lacks a privilege (INSERT on the table)',
  '57011': 'the DB2 transaction log is full even for a single row (raise LOGFILSIZ / LOGSECOND)',
};

interface Db2Table extends WarehouseTable {
  schema: string;
  name: string;
}

interface TableLock {
  lock: HeldLock;
  /** Lost to another run: this run must not write to the table again. */
  lost: boolean;
  /**
   * Set when the lock was lost and taken again: another run may have loaded rows in the gap, so
   * from then on every batch skips keys the table already has.
   */
  checkKeys: boolean;
}

export class Db2Warehouse implements Warehouse {
  readonly kind = 'db2';
  private readonly locks = new Map<string, TableLock>();
  private defaultSchema: string | null = null;
  /** False after DB2 said HASH does not exist (before 11.5): digests are then computed in Node. */
  private hashInSql = true;

  private constructor(
    private readonly driver: IbmDbModule,
    private readonly endpoint: Db2Endpoint,
    private readonly timeoutMs: number,
    private connection: IbmDbConnection,
  ) {}

  static async open(target: ConnectionTarget): Promise<Db2Warehouse> {
    const driver = loadIbmDb();
    const endpoint = toDb2Endpoint(target);
    const timeoutMs = timeoutOf(target);
    return new Db2Warehouse(driver, endpoint, timeoutMs, await connectForData(driver, endpoint, timeoutMs));
  }

  async describeTable(name: TableName): Promise<Db2Table | null> {
    const schema = name.schema ? foldIdentifier(name.schema) : await this.currentSchema();
    const table = foldIdentifier(name.name);
    const rows = (await this.run(COLUMNS_SQL, [schema, table])) as unknown as SyscatColumnRow[];
    if (rows.length === 0) return null;
    return {
      schema,
      name: table,
      sql: `${ident(schema)}.${ident(table)}`,
      display: `${schema}.${table}`,
      columns: rows.map(toColumn),
    };
  }

  async lockWriter(table: WarehouseTable, waitMs: number): Promise<WriterLock | null> {
    const { schema, name } = table as Db2Table;
    let lock: HeldLock | null;
    try {
      lock = await acquireLock(this.lockDeps(), schema, name, waitMs);
    } catch (error) {
      const e = toDb2Error(error, this.endpoint.secrets);
      if (['42501', '42502', '42727', '42704'].includes(e.sqlstate)) {
        throw new SchemaError(
          `cannot set up the writer lock table ${schema}.${LOCK_TABLE} (${e.message}); ` +
            `create it once as a user who may: ${createLockTableSql(schema)}, ` +
            'and GRANT SELECT, INSERT on it to the sync user',
        );
      }
      throw e;
    }
    if (!lock) return null;
    const held: TableLock = { lock, lost: false, checkKeys: false };
    this.locks.set(table.sql, held);
    return {
      release: async () => {
        if (this.locks.get(table.sql) === held) this.locks.delete(table.sql);
        await releaseLock(held.lock);
      },
    };
  }

  async executeDdl(statement: string): Promise<void> {
    await this.run(statement);
  }

  async maxKey(table: WarehouseTable, key: Column): Promise<bigint | null> {
    const rows = await this.run(maxKeySql(table.sql, key.name));
    const max = rows[0]?.M;
    return max === null || max === undefined ? null : db2Key(max);
  }

  async listKeys(table: WarehouseTable, key: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    const rows = await this.run(listKeysSql(table.sql, key.name, range, limit));
    return rows.map((r) => db2Key(r.K));
  }

  async countKeys(table: WarehouseTable, key: Column, range: KeyRange): Promise<number> {
    const rows = await this.run(countKeysSql(table.sql, key.name, range));
    return Number(rows[0].N);
  }

  /**
   * All rows or none per transaction. A batch bigger than one DB2 transaction should hold is committed
   * as consecutive slices in key order, so what is committed is always a key prefix and the next run
   * resumes exactly; on a full log (57011) a slice is halved and retried.
   */
  async load(target: LoadTarget, rows: Row[]): Promise<void> {
    let pending = rows;
    const held = this.locks.get(target.table.sql);
    if (held) {
      try {
        await this.keepLock(held);
      } catch (error) {
        if (error instanceof RunError) throw error;
        // The lock could not be checked or taken again (the network, most likely): a transient
        // failure, so the cycle reconnects and retries the batch, checking the lock again first.
        const why = toDb2Error(error, this.endpoint.secrets).message;
        throw new Db2Error(`the writer lock's connection could not be re-established: ${why}`, '08001', -30081);
      }
      if (held.checkKeys) pending = await this.withoutPresentKeys(target, pending);
    }
    const limits = { maxBytes: MAX_TRANSACTION_BYTES, maxRows: MAX_TRANSACTION_ROWS, maxBoundBytes: MAX_BOUND_BYTES };
    for (const slice of slicesWithin(pending, target.columns, limits)) {
      await this.loadHalvingOnFullLog(target, slice);
    }
  }

  async rangeDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
    width: bigint,
  ): Promise<RangeDigest[]> {
    if (this.hashInSql && sqlDigestible(pairs) === null) {
      try {
        return toRangeDigests(await this.run(rangeDigestsSql(table.sql, key.name, pairs, range, width)), range, width);
      } catch (error) {
        if (!this.hashMissing(error)) throw error;
      }
    }
    const buckets = new Map<bigint, RangeDigest>();
    await this.clientDigests(table, key, pairs, range, (digest) => {
      const b = (digest.key - range.low! - 1n) / width;
      const bucket = buckets.get(b) ?? bucketDigest(range, width, b, 0, '0');
      bucket.count++;
      bucket.checksum = (BigInt(bucket.checksum) + digest.checksum).toString();
      buckets.set(b, bucket);
    });
    return [...buckets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
  }

  async rowDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
  ): Promise<Map<bigint, string>> {
    if (this.hashInSql && sqlDigestible(pairs) === null) {
      try {
        return toRowDigests(await this.run(rowDigestsSql(table.sql, key.name, pairs, range)));
      } catch (error) {
        if (!this.hashMissing(error)) throw error;
      }
    }
    const digests = new Map<bigint, string>();
    await this.clientDigests(table, key, pairs, range, (digest) => addRowDigest(digests, digest.key, digest.md5));
    return digests;
  }

  async keyStats(table: WarehouseTable, key: Column): Promise<KeyStats> {
    const answers: IbmDbRow[][] = [];
    for (const sql of keyStatsSql(table.sql, key.name)) answers.push(await this.run(sql));
    return toKeyStats(answers);
  }

  isTransient(error: unknown): boolean {
    if (error instanceof RunError) return false;
    const e = toDb2Error(error, this.endpoint.secrets);
    return (
      TRANSIENT_SQLSTATES.has(e.sqlstate) ||
      TRANSIENT_SQLSTATE_CLASSES.includes(e.sqlstate.slice(0, 2)) ||
      DROPPED_CONNECTION.test(e.message)
    );
  }

  async reconnect(): Promise<void> {
    await rollBackAndClose(this.connection);
    this.connection = await connectForData(this.driver, this.endpoint, this.timeoutMs);
    for (const held of this.locks.values()) await this.keepLock(held);
  }

  async close(): Promise<void> {
    const locks = [...this.locks.values()];
    this.locks.clear();
    await Promise.all(locks.map((held) => releaseLock(held.lock)));
    await rollBackAndClose(this.connection);
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** Runs one statement on the data connection; driver errors become one-line Db2Errors. */
  private async run(sql: string, params?: Array<string | number>): Promise<IbmDbRow[]> {
    return runOn(this.connection, sql, params, this.endpoint.secrets);
  }

  private lockDeps(): LockDeps {
    return {
      open: () => connect(this.driver, this.endpoint, this.timeoutMs),
      run: (connection, sql, params, waitMs) => runOn(connection, sql, params, this.endpoint.secrets, waitMs),
      toError: (error) => toDb2Error(error, this.endpoint.secrets),
    };
  }

  private async currentSchema(): Promise<string> {
    if (this.defaultSchema === null) {
      const rows = await this.run('SELECT CURRENT SCHEMA AS S FROM SYSIBM.SYSDUMMY1');
      this.defaultSchema = String(rows[0].S).trimEnd();
    }
    return this.defaultSchema;
  }

  /**
   * Makes sure this run still holds the table's lock before writing. A lock whose connection died is
   * taken again, waiting up to LOCK_RETAKE_WAIT_MS for DB2 to notice the dead connection and free it;
   * if it is still held then (by another run, or by this run's connection DB2 still thinks alive),
   * this run stops rather than write rows twice. After such a gap every batch skips keys already
   * present (another run may have loaded some).
   */
  private async keepLock(held: TableLock): Promise<void> {
    const lost = () =>
      new RunError(
        `the writer lock of ${held.lock.schema}.${held.lock.table} was lost ` +
          `and is still held by another connection after ${LOCK_RETAKE_WAIT_MS / 1000} s: ` +
          "another run, or this run's own dropped connection that DB2 has not yet found dead " +
          '(it frees its locks then); stopped so that rows are not written twice (rerun to continue)',
      );
    if (held.lost) throw lost();
    const deps = this.lockDeps();
    if (await lockAlive(deps, held.lock)) return;
    await releaseLock(held.lock);
    const again = await acquireLock(deps, held.lock.schema, held.lock.table, LOCK_RETAKE_WAIT_MS);
    if (!again) {
      held.lost = true;
      throw lost();
    }
    held.lock = again;
    held.checkKeys = true;
  }

  private async withoutPresentKeys(target: LoadTarget, rows: Row[]): Promise<Row[]> {
    if (rows.length === 0) return rows;
    const keyIndex = target.columns.indexOf(target.key);
    const keys = rows.map((r) => BigInt(r[keyIndex] as string | number));
    const range = new KeyRange(
      keys.reduce((a, b) => (b < a ? b : a)) - 1n,
      keys.reduce((a, b) => (b > a ? b : a)),
    );
    const present = new Set((await this.listKeys(target.table, target.key, range)).map(String));
    return rows.filter((_, i) => !present.has(String(keys[i])));
  }

  private async loadHalvingOnFullLog(target: LoadTarget, rows: Row[]): Promise<void> {
    try {
      await this.insertInOneTransaction(target, rows);
    } catch (error) {
      if (error instanceof Db2Error && error.sqlstate === LOG_FULL && rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        await this.loadHalvingOnFullLog(target, rows.slice(0, half));
        await this.loadHalvingOnFullLog(target, rows.slice(half));
        return;
      }
      throw error;
    }
  }

  private async insertInOneTransaction(target: LoadTarget, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const { sql, params } = arrayInsert(target.table, target.columns, rows);
    const connection = this.connection;
    try {
      await connection.beginTransaction();
      // queryResult with noResults: ibm_db then takes SQL_SUCCESS_WITH_INFO as success (query()
      // rejects it). A batch DB2 executed with a warning is executed: failing it would report a
      // failure, and retrying it would double it.
      const answer = await connection.queryResult({ sql, params, ArraySize: rows.length, noResults: true });
      // Without parameters ibm_db drops noResults and hands back an open result: closed here.
      const result = Array.isArray(answer) ? (answer[0] as { closeSync?: () => void } | null) : null;
      result?.closeSync?.();
      await this.commit(connection);
    } catch (error) {
      await quietly(() => connection.rollbackTransaction());
      if (error instanceof StalledError) throw error;
      throw this.describeLoadError(error);
    }
  }

  /**
   * Ends the batch's transaction so that a failed COMMIT is seen. ibm_db 4.0.1's async
   * commitTransaction() never reports one: UV_EndTransaction stores SQLEndTran's return code in a
   * query_work_data, UV_AfterEndTransaction reads it back through an open_connection_work_data cast
   * (src/odbc_connection.cpp), i.e. reads the zeroed hSTMT field, SQL_SUCCESS. A commit lost with its
   * connection would look committed, the next batch would commit above the gap and the watermark
   * would pass rows that never landed. A COMMIT statement goes through SQLExecDirect, whose failures ibm_db
   * does report with their SQLSTATE (DB2's COMMIT statement "can be dynamically prepared");
   * commitTransaction() then only turns autocommit back on, with nothing left to commit. A failure
   * without an SQLSTATE is taken as 08007, the CLI's "connection failure during transaction, outcome
   * unknown": transient, so the cycle reconnects and looks up which of the batch's keys landed.
   */
  private async commit(connection: IbmDbConnection): Promise<void> {
    try {
      await connection.query('COMMIT');
    } catch (error) {
      const e = toDb2Error(error, this.endpoint.secrets);
      throw e.sqlstate === ''
        ? new Db2Error(`the COMMIT failed and its outcome is unknown: ${e.message}`, '08007', e.sqlcode)
        : e;
    }
    await connection.commitTransaction();
  }

  /** Transient errors keep their SQLSTATE for isTransient; the rest get a hint naming what to fix. */
  private describeLoadError(error: unknown): Db2Error {
    const e = toDb2Error(error, this.endpoint.secrets);
    const hint = HINTS[e.sqlstate];
    if (!hint || this.isTransient(e)) return e;
    return new Db2Error(`${hint}: ${e.message}`, e.sqlstate, e.sqlcode);
  }

  private hashMissing(error: unknown): boolean {
    if (!(error instanceof Db2Error) || error.sqlstate !== '42884' || !/HASH/i.test(error.message)) return false;
    this.hashInSql = false;
    return true;
  }

  /**
   * The canonical text built in Node from fetched fields, in key order and pages of
   * CLIENT_DIGEST_PAGE rows. A page never splits the rows of one key (keys need not be unique in
   * a table without a primary key): it ends before the last key, which the next page starts with.
   */
  private async clientDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
    onRow: (digest: { key: bigint; md5: string; checksum: bigint }) => void,
  ): Promise<void> {
    const emit = (row: IbmDbRow) => onRow(clientRowDigest(pairs, row));
    let rest = range;
    for (;;) {
      const rows = await this.run(
        clientRowsSql(table.sql, key.name, pairs, { range: rest, limit: CLIENT_DIGEST_PAGE }),
      );
      if (rows.length < CLIENT_DIGEST_PAGE) {
        rows.forEach(emit);
        return;
      }
      const lastKey = db2Key(rows[rows.length - 1].K);
      const firstKey = db2Key(rows[0].K);
      if (firstKey === lastKey) {
        // One key fills the page: take all of its rows at once, then continue after it.
        (await this.run(clientRowsSql(table.sql, key.name, pairs, { key: lastKey }))).forEach(emit);
        rest = rest.above(lastKey);
        continue;
      }
      rows.filter((r) => db2Key(r.K) !== lastKey).forEach(emit);
      // The next page starts with the last key again, whose rows this page may not hold all of.
      rest = rest.above(lastKey - 1n);
    }
  }
}

async function runOn(
  connection: IbmDbConnection,
  sql: string,
  params: Array<string | number> | undefined,
  secrets: string[],
  waitMs = 0,
): Promise<IbmDbRow[]> {
  try {
    return waitMs > 0 && 'queryWaiting' in connection
      ? await (connection as GuardedConnection).queryWaiting(waitMs, sql, params)
      : await connection.query(sql, params);
  } catch (error) {
    if (error instanceof StalledError) throw error;
    throw toDb2Error(error, secrets);
  }
}

/**
 * Opens a connection bounded by --timeout: the CLI's ConnectTimeout keyword and login timeout
 * (whole seconds, unless the URL gives ConnectTimeout itself), a timer in case the CLI's own does not
 * end the wait, and every later call guarded (guarded(): the stall limit of lib/time-budget.ts).
 */
async function connect(driver: IbmDbModule, endpoint: Db2Endpoint, timeoutMs: number): Promise<GuardedConnection> {
  const where = `${endpoint.host}:${endpoint.port}`;
  const seconds = Math.max(1, Math.min(32767, Math.ceil(timeoutMs / 1000)));
  // ReceiveTimeout just past the stall limit: the guard below reports first, and the CLI then ends
  // the call it gave up on (SQL30081N), so no worker thread stays blocked and the process can exit.
  const receiveSeconds = Math.min(32767, Math.ceil(stallLimitMs(timeoutMs) / 1000) + 1);
  let connectionString = endpoint.connectionString;
  if (!/(^|;)\s*ConnectTimeout\s*=/i.test(connectionString)) connectionString += `ConnectTimeout=${seconds};`;
  if (!/(^|;)\s*ReceiveTimeout\s*=/i.test(connectionString)) connectionString += `ReceiveTimeout=${receiveSeconds};`;
  let raw: IbmDbConnection;
  try {
    raw = await boundedCall(
      timeoutMs,
      () => driver.open(connectionString, { connectTimeout: seconds }),
      () =>
        new ConnectionError(
          `warehouse at ${where} did not answer within ${secondsText(timeoutMs)} s ` +
            '(--timeout / SYNC_TIMEOUT_SECONDS): check host, port and firewall',
        ),
    );
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    throw new ConnectionError(`warehouse ${describeConnectError(toDb2Error(error, endpoint.secrets), endpoint)}`);
  }
  return guarded(
    raw,
    stallLimitMs(timeoutMs),
    (ms) =>
      new StalledError(
        `the warehouse (DB2 at ${where}) did not answer within ${secondsText(ms)} s ` +
          '(--timeout / SYNC_TIMEOUT_SECONDS): it stopped answering, or a statement ran longer than that; ' +
          'check that server and the network to it (or raise --timeout), then run again',
      ),
  );
}

/**
 * The data connection: its lock waits end after --timeout (CURRENT LOCK TIMEOUT, whole seconds).
 * It would otherwise inherit the database's LOCKTIMEOUT, -1 by default ("wait indefinitely", IBM Db2
 * locktimeout configuration parameter), and an insert blocked by another application's lock would
 * wait until the platform kills the run. A lock timeout is SQL0911N reason 68 (40001, the unit of
 * work rolled back): transient, so the batch is retried and, if the lock stays, the run ends with one line.
 */
async function connectForData(
  driver: IbmDbModule,
  endpoint: Db2Endpoint,
  timeoutMs: number,
): Promise<GuardedConnection> {
  const connection = await connect(driver, endpoint, timeoutMs);
  try {
    await runOn(
      connection,
      `SET CURRENT LOCK TIMEOUT ${Math.max(1, Math.min(32767, Math.ceil(timeoutMs / 1000)))}`,
      undefined,
      endpoint.secrets,
    );
  } catch (error) {
    await rollBackAndClose(connection);
    throw error;
  }
  return connection;
}

function describeConnectError(error: Db2Error, endpoint: Db2Endpoint): string {
  const where = `${endpoint.host}:${endpoint.port}`;
  const code = /SQL\d+[NCW]/.exec(error.message)?.[0] ?? '';
  if (code === 'SQL30082N') {
    return (
      `refused the login for user "${endpoint.user}" at ${where} (${code}): ` +
      'check the user and password in --warehouse / SYNC_WAREHOUSE_URL'
    );
  }
  if (code === 'SQL1013N' || code === 'SQL30061N') {
    return (
      `database "${endpoint.database}" was not found at ${where} (${code}): ` +
      'check the database name in --warehouse (Db2 on Cloud: BLUDB)'
    );
  }
  if (code === 'SQL30081N') {
    return (
      `at ${where} could not be reached (${code}): check host and port in --warehouse, ` +
      'and add ?security=SSL for an SSL port (Db2 on Cloud: 50001 or the port it shows)'
    );
  }
  return `connection to ${where} failed: ${error.message}`;
}
