/**
 * A faithful fake of the ibm_db 4.x API (node_modules/ibm_db/APIDocumentation.md, lib/odbc.js,
 * src/odbc*.cpp) over an in-memory DB2, for testing lib/warehouse/db2 without a DB2 server or IBM's
 * CLI driver. Put it in place with `useIbmDbDriver(createFakeIbmDb(server))`.
 *
 * The API, as ibm_db has it:
 *   open(connStr[, options][, cb]) → Promise<Database> | callback; openSync(connStr[, options])
 *   Database: query(sql | {sql, params, ArraySize, noResults}[, params][, cb]) → rows (objects keyed by
 *     column name, or arrays with fetchMode 3); querySync (returns, not throws, its error);
 *     prepare/prepareSync → ODBCStatement (execute, executeSync, executeNonQuery, bind, setAttr, close);
 *     beginTransaction / commitTransaction / rollbackTransaction (+Sync; commit and rollback turn
 *     autocommit back on); close / closeSync; `connected`.
 *   Errors: Error objects with `sqlstate`, `sqlcode` and the CLI message `[IBM][CLI Driver][DB2/LINUXX8664]
 *     SQLnnnnN … SQLSTATE=xxxxx`; a closed Database rejects with ibm_db's plain {message, sqlstate, sqlcode}.
 *   Results: INTEGER/SMALLINT → number, BIGINT → string, DECIMAL/DECFLOAT/DOUBLE → number (a double, as
 *     ibm_db does: exactness needs VARCHAR() in SQL), character → string, binary → Buffer, DATE/TIME/
 *     TIMESTAMP → string.
 *
 * What it checks (each as DB2 does, with DB2's SQLSTATE and SQLCODE):
 *   - identifiers: unquoted names fold to upper case, "quoted" names keep case; unknown table 42704,
 *     unknown column 42703, unknown function 42884, syntax outside its subset 42601 (never ignored);
 *   - login: host, port (50000 plain / 50001 SECURITY=SSL), user and password (SQL30081N, SQL30082N),
 *     database name (SQL30061N); CurrentSchema, else the user name, as the default schema;
 *   - NOT NULL (23502, SQL0407N), duplicate keys against PRIMARY KEY / UNIQUE / unique indexes (23505);
 *   - VARCHAR/CHAR lengths in bytes (OCTETS) or code points (CODEUNITS32), CHAR blank padding, trailing
 *     blanks the only thing cut silently (22001, SQL0302N for parameter markers);
 *   - DECIMAL: at most 31 digits, integer-digit overflow 22003, extra fraction digits truncated;
 *     DECFLOAT(16/34) rounded half-even; integer ranges; invalid numeric text 22018;
 *   - DATE / TIME / TIMESTAMP(p) string syntax and range (22007, 22008), TIME without fractions;
 *   - binary lengths and padding (BINARY with x'00'); strings are not binary (42821);
 *   - transactions: autocommit by default, beginTransaction turns it off, rollback really undoes,
 *     a failing statement undoes only itself, a closed or dropped connection rolls back;
 *   - reads see only committed rows and their own changes (currently committed: readers never wait);
 *   - row locks held to the end of the transaction: X from INSERT/UPDATE/DELETE; S from SELECT … WITH
 *     RS/RR, or S/U/X from its USE AND KEEP SHARE/UPDATE/EXCLUSIVE LOCKS (S admits S and U, U admits S);
 *     CURRENT LOCK TIMEOUT (SET CURRENT LOCK TIMEOUT n | NOT WAIT | WAIT | NULL; default LOCKTIMEOUT -1
 *     = wait forever), timeout = SQL0911N reason 68, SQLSTATE 40001, transaction rolled back;
 *   - ibm_db binding rules: all-or-no ARRAY parameters, ArraySize rows (only the first without it),
 *     a column's C type fixed by its first non-null element (a string after a number throws), an array
 *     whose first element is a Buffer is ONE LOB (data-at-exec), ints beyond 32 bits bound as doubles;
 *   - table definitions (table-definition.ts): type lengths within DB2's limits (SQL0604N, 42611);
 *     ALTER TABLE … ADD [COLUMN] (earlier rows take the default or NULL; a duplicate name SQL0612N,
 *     NOT NULL without a default SQL0193N) and ALTER [COLUMN] … SET DATA TYPE (compatible types only,
 *     none sooner in the precedence list from VARCHAR or a LOB, every stored value must fit: SQL0190N);
 *   - SYSCAT.TABLES, SYSCAT.COLUMNS (TYPENAME, LENGTH, SCALE, NULLS, DEFAULT, TYPESTRINGUNITS,
 *     STRINGUNITSLENGTH, CODEPAGE, IDENTITY, GENERATED) and SYSIBM.SYSDUMMY1;
 *   - functions: VARCHAR/CHAR (with DB2's decimal text: '.50', no leading zero), CAST, BIGINT/INTEGER/
 *     SMALLINT/DECIMAL/DOUBLE/DECFLOAT/DATE/TIMESTAMP conversions, COALESCE, HEX,
 *     HASH(x, 0) and HASH_MD5 (absent when `hashAvailable` is false, like DB2 before 11.5), LOWER,
 *     UPPER, SUBSTR, LOCATE, LENGTH, RTRIM, CHR, VARCHAR_FORMAT (YYYY MM DD HH24 MI SS FFn), COUNT, SUM
 *     (DECIMAL(31,s)), MIN, MAX, CASE, LIKE, IN, BETWEEN; DB2 decimal arithmetic (precision/scale rules,
 *     truncating division) and INTEGER/BIGINT overflow (SQL0802N); functions resolved before any row
 *     is read, so an unknown one fails even on an empty table;
 *   - the transaction log in bytes (`database.log`: LOGFILSIZ 4 KB pages × (LOGPRIMARY + LOGSECOND)):
 *     inserts, updates and deletes write log records sized by the rows; the active log runs from the
 *     oldest open transaction's first record, so one that wrote and stays open pins it for all;
 *     SQL0964C (57011) when a statement's records do not fit;
 *   - a unique key another transaction inserted and has not ended: the insert waits for its lock;
 *   - faults on demand (server.failNext): 40001 (transaction rolled back), 57033, 57011 (log full),
 *     08001 (SQL30081N, connection dropped; optionally after the commit landed; optionally noticed by
 *     the server only later, keeping the transaction and its locks until then; optionally every
 *     connection of the database at once), 08506 (SQL30108N, client reroute: transaction rolled back,
 *     connection re-established).
 *
 * What it does not check (only a live DB2 can still reveal these):
 *   - the real CLI driver: SSL certificates, the clidriver libraries, code-page conversion between
 *     client and server, UTF-16 builds, block fetch;
 *   - the real optimizer and locking: lock escalation, next-key locks, isolation levels other than
 *     cursor stability with currently committed and the RS/RR lock clauses, deadlock detection
 *     between two waiters (both just time out), row locks taken by SELECT … FOR UPDATE under cursor
 *     stability (ignored);
 *   - the real transaction log's exact record sizes (the fake logs a 40-byte header, 20 bytes of data
 *     manager fields and the row's stored size per IBM's byte counts), infinite logging, MAX_LOG /
 *     NUM_LOG_SPAN, log archiving, and the space DB2 reserves for compensation records;
 *   - DDL inside transactions (applied at once, never rolled back), privileges (every user may do all),
 *     catalog columns beyond those listed, views, aliases, sequences, triggers, constraints other than
 *     NOT NULL / PRIMARY KEY / UNIQUE;
 *   - SQL beyond its subset: joins, unions, subqueries other than in FROM, window functions; SUBSTR and
 *     LOCATE count characters where DB2 counts bytes in OCTETS strings; CURRENT TIMESTAMP is UTC;
 *   - DB2's exact message texts beyond the SQLCODE/SQLSTATE and their first words; database
 *     configuration such as dec_to_char_fmt (the fake always behaves as NEW, the default since 9.7) or
 *     Oracle compatibility (where '' is NULL).
 */
import type { IbmDbModule } from '../../../lib/dialect/db2/db2-connection';
import { FakeDatabase, FETCH_ARRAY, FETCH_NODATA, FETCH_OBJECT, SQL_ATTR_PARAMSET_SIZE } from './database';
import { FakeDb2Server } from './server';

export { FakeDb2Server } from './server';
export type { Fault, FakeDb2ServerOptions } from './server';
export { FakeDatabase as FakeIbmDbConnection } from './database';

export interface FakeIbmDb extends IbmDbModule {
  openSync(connectionString: string, options?: { fetchMode?: number }): FakeDatabase;
  Database: new (options?: { fetchMode?: number }) => FakeDatabase;
  FETCH_ARRAY: number;
  FETCH_OBJECT: number;
  FETCH_NODATA: number;
  SQL_ATTR_PARAMSET_SIZE: number;
  debug(value: boolean | number): void;
}

/** The fake ibm_db module, connected to `server`. */
export function createFakeIbmDb(server: FakeDb2Server): FakeIbmDb {
  const openDatabase = (connectionString: string, options?: { fetchMode?: number } | null): FakeDatabase => {
    const db = new FakeDatabase(server, options ?? null);
    db.attach(server.connect(connectionString));
    return db;
  };
  function open(
    connectionString: string,
    options?: object | ((e: unknown, db?: FakeDatabase) => void),
    cb?: (e: unknown, db?: FakeDatabase) => void,
  ): Promise<FakeDatabase> {
    if (typeof options === 'function') {
      cb = options as (e: unknown, db?: FakeDatabase) => void;
      options = undefined;
    }
    // Connecting takes a network round trip: never synchronous, even in the fake.
    const opened = new Promise<FakeDatabase>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(openDatabase(connectionString, options as { fetchMode?: number } | undefined));
        } catch (error) {
          reject(error);
        }
      });
    });
    if (cb) {
      const callback = cb;
      opened.then(
        (db) => callback(null, db),
        (error) => callback(error),
      );
    }
    return opened;
  }
  const module = {
    open,
    openSync: (connectionString: string, options?: { fetchMode?: number }) => openDatabase(connectionString, options),
    Database: class extends FakeDatabase {
      constructor(options?: { fetchMode?: number }) {
        super(server, options ?? null);
      }
    },
    FETCH_ARRAY,
    FETCH_OBJECT,
    FETCH_NODATA,
    SQL_ATTR_PARAMSET_SIZE,
    debug: () => undefined,
  };
  return module as unknown as FakeIbmDb;
}
