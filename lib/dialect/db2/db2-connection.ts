/**
 * ibm_db, the IBM DB2 driver for Node: typed to the few calls this module makes, loaded lazily (only
 * when a db2: warehouse is used, never for PostgreSQL runs), and replaceable by tests through
 * `useIbmDbDriver` (test/fakes/ibm_db). Also: db2:// URL → DB2 CLI connection string, and driver
 * errors → one clean, password-free line that keeps DB2's SQLSTATE.
 */
import { ConnectionTarget, isDb2CliString, passwordOf, scrub } from '../../connection-url';
import { Db2Error, DriverMissingError } from '../../errors';
import { noteAbandonedCall } from '../../stall-watch';
import { DB2_URL_KEYWORDS, JDBC_SSL_PARAMETERS } from './db2-keywords';

/** One bound parameter in ibm_db's object form (APIDocumentation.md, "bindingParameters"). */
export interface IbmDbParam {
  ParamType?: 'INPUT' | 'ARRAY';
  /** The C type of the bound buffer; 'BINARY' binds strings as their Latin-1 bytes. */
  CType?: string | number;
  DataType?: string | number;
  Data: string | number | Buffer | null | Array<string | Buffer | null>;
  Length?: number;
}

export type IbmDbValue = string | number | Buffer | null;

/** `query()`'s object form: column-wise array insert when ArraySize is given. */
export interface IbmDbQuery {
  sql: string;
  params?: Array<IbmDbParam | IbmDbValue>;
  ArraySize?: number;
  noResults?: boolean;
}

export type IbmDbRow = Record<string, unknown>;

export interface IbmDbStatement {
  executeNonQuery(params?: Array<IbmDbParam | IbmDbValue>): Promise<number>;
  close(): Promise<unknown>;
}

/** ibm_db's Database (lib/odbc.js): the promise forms, which never block the event loop. */
export interface IbmDbConnection {
  connected: boolean;
  query(query: string | IbmDbQuery, params?: IbmDbValue[]): Promise<IbmDbRow[]>;
  /**
   * With `noResults`: resolves [null, null] once the statement ran, also when DB2 answered
   * SQL_SUCCESS_WITH_INFO (a warning); query() rejects a warning, and with noResults never settles.
   */
  queryResult(query: IbmDbQuery & { noResults: true }): Promise<unknown>;
  prepare(sql: string): Promise<IbmDbStatement>;
  beginTransaction(): Promise<unknown>;
  commitTransaction(): Promise<unknown>;
  rollbackTransaction(): Promise<unknown>;
  close(): Promise<unknown>;
}

export interface IbmDbModule {
  open(connectionString: string, options?: { connectTimeout?: number }): Promise<IbmDbConnection>;
}

let injected: IbmDbModule | null = null;

/** Tests put the fake (test/fakes/ibm_db) in place of the real driver; null restores the real one. */
export function useIbmDbDriver(driver: IbmDbModule | null): void {
  injected = driver;
}

const INSTALL_HINT =
  'set IBM_DB_HOME to an installed IBM clidriver and run `npm install-scripts approve ibm_db && npm rebuild ibm_db`, ' +
  'or run `npm install-scripts approve ibm_db && npm install ibm_db` on a machine that ' +
  'can download IBM\'s driver (see the README, "IBM DB2 as the warehouse")';

/** The driver: the injected one, else `require('ibm_db')`, whose failures name what is missing. */
export function loadIbmDb(): IbmDbModule {
  if (injected) return injected;
  // ibm_db binds every string as SQL_C_CHAR bytes, always UTF-8 from Node; IBM's CLI reads them in
  // the application code page, which without DB2CODEPAGE is the locale's (LANG=C → ISO-8859-1), so
  // 'é' would be stored as 'Ã©'. Any other value is as wrong, so 1208 always; set
  // before the CLI's first handle, i.e. before the binding loads.
  process.env.DB2CODEPAGE = '1208';
  try {
    // A plain require keeps ibm_db out of the esbuild bundles (it is `external`) and out of
    // PostgreSQL runs, which never reach this line.
    return require('ibm_db') as IbmDbModule;
  } catch (error) {
    throw new DriverMissingError(describeMissingDriver(error));
  }
}

/** Which part of the DB2 driver is missing, from the error require('ibm_db') threw. */
export function describeMissingDriver(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.code === 'MODULE_NOT_FOUND' && /['"]ibm_db['"]/.test(message)) {
    return (
      `DB2 driver missing: the npm package ibm_db is not installed (it is an optional ` + `dependency); ${INSTALL_HINT}`
    );
  }
  if (/bindings file|odbc_bindings/i.test(message)) {
    return (
      `DB2 driver missing: ibm_db is installed but its native part (odbc_bindings.node, ` +
      `built against IBM's clidriver by its install script) is not; ${INSTALL_HINT}`
    );
  }
  const library = /(lib[\w.-]+\.so[\w.]*)/.exec(message)?.[1];
  if (library) {
    return (
      `DB2 driver missing: the IBM clidriver library ${library} could not be loaded ` +
      `(clidriver not installed, or IBM_DB_HOME / LD_LIBRARY_PATH not pointing at it; on AWS ` +
      `Lambda add the layer built by scripts/build-ibm-db-layer.sh); ${INSTALL_HINT}`
    );
  }
  return `DB2 driver missing: require('ibm_db') failed (${message.split('\n')[0]}); ${INSTALL_HINT}`;
}

/** Where a DB2 connection goes, for messages (never the password). */
export interface Db2Endpoint {
  connectionString: string;
  database: string;
  host: string;
  port: string;
  user: string;
  secrets: string[];
}

/**
 * db2://user:pass@host:port/DB?security=SSL&… → `DATABASE=DB;HOSTNAME=host;PORT=port;PROTOCOL=TCPIP;
 * UID=user;PWD=pass;SECURITY=SSL;…`. A raw CLI string (the course's db2connect.py form) passes through.
 * JDBC habits are translated rather than silently ignored by the CLI driver: `sslConnection=true` and
 * `ssl=true` become SECURITY=SSL.
 */
export function toDb2Endpoint(target: ConnectionTarget): Db2Endpoint {
  const secrets = [passwordOf(target) ?? ''].filter((s) => s !== '');
  if (isDb2CliString(target.url)) {
    const fields = parseCliString(target.url);
    const text = target.url.trim();
    return {
      connectionString: text.endsWith(';') ? text : `${text};`,
      database: fields.get('DATABASE') ?? '',
      host: fields.get('HOSTNAME') ?? '',
      port: fields.get('PORT') ?? '50000',
      user: fields.get('UID') ?? '',
      secrets,
    };
  }
  const url = new URL(target.url);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const extra: Array<[string, string]> = [];
  let ssl = false;
  for (const [name, value] of url.searchParams) {
    const lower = name.toLowerCase();
    if (JDBC_SSL_PARAMETERS.has(lower)) {
      if (/^(true|1|yes)$/i.test(value)) ssl = true;
    } else if (lower === 'security') {
      if (/^ssl$/i.test(value)) ssl = true;
      extra.push(['SECURITY', value.toUpperCase()]);
    } else {
      // Only keywords of DB2_URL_KEYWORDS get here (parseConnectionUrl refused any other).
      extra.push([DB2_URL_KEYWORDS[lower] ?? name, value]);
    }
  }
  if (ssl && !extra.some(([k]) => k === 'SECURITY')) extra.push(['SECURITY', 'SSL']);
  // Db2 on Cloud listens for SSL on 50001; plain TCP/IP defaults to 50000.
  const port = url.port || (ssl ? '50001' : '50000');
  const pairs: Array<[string, string]> = [
    ['DATABASE', database],
    ['HOSTNAME', url.hostname],
    ['PORT', port],
    ['PROTOCOL', 'TCPIP'],
    ['UID', user],
    ['PWD', password],
    ...extra,
  ];
  return {
    connectionString: pairs.map(([k, v]) => `${k}=${cliValue(v)};`).join(''),
    database,
    host: url.hostname,
    port,
    user,
    secrets,
  };
}

/** CLI values with `;` or a leading `{` are wrapped in braces (the ODBC connection-string rule). */
function cliValue(value: string): string {
  return /[;]|^\{/.test(value) ? `{${value.replace(/\}/g, '}}')}}` : value;
}

function parseCliString(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toUpperCase(), part.slice(eq + 1).trim());
  }
  return fields;
}

/**
 * Runs a clean-up call whose failure does not matter (rollback after an error, closing a dead
 * connection). ibm_db throws synchronously from some calls on a closed Database, so a `.catch()` on
 * the returned promise would not be enough.
 */
export async function quietly(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch {
    // The connection is gone or the transaction already ended: nothing left to undo.
  }
}

/**
 * A connection whose every call ends within a time limit. ibm_db runs each call on a libuv worker
 * that blocks in IBM's CLI until the server answers, and the CLI's own timeouts cover the connect
 * (ConnectTimeout) and lock waits (CURRENT LOCK TIMEOUT) but not a server or network that stops
 * answering mid-statement: the run would hang until the platform kills it. A call that outlives
 * its limit is given up on with one line naming the server; the connection is then unusable (its
 * calls queue behind the stuck one), so later calls fail at once and close() does not wait.
 */
export interface GuardedConnection extends IbmDbConnection {
  /** query() allowed `extraMs` beyond the limit: a statement that waits for a lock on purpose. */
  queryWaiting(extraMs: number, sql: string, params?: IbmDbValue[]): Promise<IbmDbRow[]>;
}

/**
 * `call()`, or a rejection with `timedOut()` once `ms` have passed without its answer; the call's
 * own thread is then abandoned (noteAbandonedCall), as ibm_db cannot cancel it.
 */
export function boundedCall<T>(ms: number, call: () => Promise<T>, timedOut: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      noteAbandonedCall();
      reject(timedOut());
    }, ms);
    const settle = (done: () => void) => {
      clearTimeout(timer);
      done();
    };
    let started: Promise<T>;
    try {
      started = call();
    } catch (error) {
      settle(() => reject(error));
      return;
    }
    started.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}

export function guarded(raw: IbmDbConnection, limitMs: number, stalled: (limitMs: number) => Error): GuardedConnection {
  let stuck: Error | null = null;
  const within = <T>(ms: number, call: () => Promise<T>): Promise<T> =>
    stuck ? Promise.reject(stuck) : boundedCall(ms, call, () => (stuck = stalled(ms)));
  return {
    get connected() {
      return raw.connected && stuck === null;
    },
    query: (query, params) => within(limitMs, () => raw.query(query, params)),
    queryResult: (query) => within(limitMs, () => raw.queryResult(query)),
    queryWaiting: (extraMs, sql, params) => within(limitMs + extraMs, () => raw.query(sql, params)),
    prepare: (sql) => within(limitMs, () => raw.prepare(sql)),
    beginTransaction: () => within(limitMs, () => raw.beginTransaction()),
    commitTransaction: () => within(limitMs, () => raw.commitTransaction()),
    rollbackTransaction: () => within(limitMs, () => raw.rollbackTransaction()),
    // A stuck connection cannot be closed (close() queues behind the stuck call): left to the process's end.
    close: () => (stuck ? Promise.resolve(true) : within(limitMs, () => raw.close())),
  };
}

/**
 * Ends a connection: rolls back whatever unit of work is open, then closes it. IBM's CLI requires
 * the transaction to end before SQLDisconnect ("SQLEndTran() must be called before calling
 * SQLDisconnect() if an outstanding transaction exists", Db2 CLI reference, SQLDisconnect; 25000
 * otherwise) and keeps a connected handle that SQLFreeHandle is asked to free ("the connection
 * remains valid"). ibm_db's close() ignores both failures and forgets the handle, so a connection
 * closed inside a unit of work would live on with its locks (for the lock connection: the writer
 * lock) for as long as the process, e.g. a warm Lambda container. ROLLBACK as a statement is
 * queued behind any call still in flight on the connection, as close() is; ibm_db runs
 * rollbackTransaction() at once and never reports its failure.
 */
export async function rollBackAndClose(connection: IbmDbConnection): Promise<void> {
  if (connection.connected) await quietly(() => connection.query('ROLLBACK'));
  await quietly(() => connection.close());
}

/**
 * ibm_db rejects with Error objects carrying `sqlstate`/`sqlcode`, or with plain objects
 * ({message, sqlstate, sqlcode}) when the connection is already closed. Either becomes a Db2Error
 * whose message drops the `[IBM][CLI Driver][DB2/LINUXX8664]` prefix, folds lines and hides secrets.
 */
export function toDb2Error(error: unknown, secrets: string[]): Db2Error {
  if (error instanceof Db2Error) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    message?: unknown;
    sqlstate?: unknown;
    sqlcode?: unknown;
  };
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const text = scrub(
    raw
      .replace(/^(\s*\[[^\]]*\])+\s*/, '')
      .replace(/\s+/g, ' ')
      .trim(),
    secrets,
  );
  const sqlstate =
    typeof e.sqlstate === 'string' && e.sqlstate !== '' ? e.sqlstate : (/SQLSTATE=(\w{5})/.exec(raw)?.[1] ?? '');
  const sqlcode = typeof e.sqlcode === 'number' ? e.sqlcode : 0;
  return new Db2Error(text || `DB2 error (SQLSTATE ${sqlstate || 'unknown'})`, sqlstate, sqlcode);
}
