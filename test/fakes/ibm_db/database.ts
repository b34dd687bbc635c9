/**
 * ibm_db's JavaScript API over the fake engine: Database (query/querySync, prepare/prepareSync,
 * begin/commit/rollbackTransaction[Sync], close/closeSync), ODBCStatement and ODBCResult, with the
 * call shapes of node_modules/ibm_db/APIDocumentation.md and the behaviours of lib/odbc.js and
 * src/odbc*.cpp that callers can trip over (each marked "as ibm_db").
 */
import { ExecuteResult, LockWait, ResultSet, Session } from './engine';
import { connectionClosed, connectionNotOpen, Db2SqlError, rolledBack, sqlError } from './errors';
import type { FakeDb2Server } from './server';
import { parseStatement } from './sql';
import { formatDecfloat, formatDecimal, Val } from './values';

export const FETCH_NODATA = 0;
export const FETCH_ARRAY = 3;
export const FETCH_OBJECT = 4;
export const SQL_ATTR_PARAMSET_SIZE = 22;

type Callback<T> = (error: unknown, result?: T) => void;
export type JsValue = string | number | boolean | Buffer | null;
export type JsRow = Record<string, JsValue> | JsValue[];

export interface QueryObject {
  sql: string;
  params?: unknown[];
  ArraySize?: number;
  noResults?: boolean;
}

/** A parameter after ibm_db's parseParams (lib/odbc.js): one value, or one value per row for array insert. */
type BoundParam = { kind: 'single'; value: Val } | { kind: 'array'; values: Val[] };

/** Promise when no callback is given, callback otherwise: the convention of every async ibm_db call. */
function settle<T>(promise: Promise<T>, cb?: Callback<T>): Promise<T> | false {
  if (!cb) return promise;
  promise.then(
    (result) => cb(null, result),
    (error) => cb(error),
  );
  return false;
}

export class FakeDatabase {
  connected = false;
  /** ibm_db deletes `conn` on close, after which some calls throw a TypeError synchronously. */
  private conn: { session: Session } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private dropNoticed = false;
  fetchMode: number | null;

  constructor(
    private readonly server: FakeDb2Server,
    options: { fetchMode?: number } | null = null,
  ) {
    this.fetchMode = options?.fetchMode ?? null;
  }

  /** Attaches an opened session (FakeDb2Server.connect does the login). */
  attach(session: Session): void {
    this.conn = { session };
    this.connected = true;
  }

  get session(): Session | undefined {
    return this.conn?.session;
  }

  /** Statements on one connection run one after another, as ibm_db's SimpleQueue makes them. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private requireConn(method: string): { session: Session } {
    if (!this.conn) throw new TypeError(`Cannot read properties of undefined (reading '${method}')`);
    return this.conn;
  }

  /** A session the server dropped: first SQL30081N, then CLI0106E, as the CLI driver reports. */
  checkAlive(session: Session): void {
    if (!session.closed) return;
    if (!this.dropNoticed) {
      this.dropNoticed = true;
      throw this.server.communicationError();
    }
    throw connectionClosed();
  }

  query(
    query: string | QueryObject,
    params?: unknown[] | Callback<JsRow[]>,
    cb?: Callback<JsRow[]>,
  ): Promise<JsRow[]> | false {
    if (typeof params === 'function') {
      cb = params;
      params = undefined;
    }
    const given = params;
    const work = this.enqueue(async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- as ibm_db's lib/odbc.js: a plain object
      if (!this.connected || !this.conn) throw connectionNotOpen();
      return this.run(this.conn.session, query, given);
    });
    // ibm_db 4.0.1's query() with noResults never settles when the statement succeeds: its cbQuery
    // gets (null, null) and neither resolves nor calls back (lib/odbc.js); only a failure rejects.
    if (typeof query === 'object' && query.noResults) {
      const failed = work.then(() => new Promise<JsRow[]>(() => undefined));
      return settle(failed, cb);
    }
    return settle(work, cb);
  }

  /** queryResult() in its noResults form (the only one the product uses): resolves [null, null]. */
  queryResult(query: QueryObject): Promise<[null, null]> {
    const work = this.enqueue(async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- as ibm_db's lib/odbc.js: a plain object
      if (!this.connected || !this.conn) throw connectionNotOpen();
      if (!query.noResults) throw new Error('the fake implements queryResult() with noResults only');
      await this.run(this.conn.session, query);
      return [null, null] as [null, null];
    });
    return work;
  }

  querySync(query: string | QueryObject, params?: unknown[]): JsRow[] | unknown {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- as ibm_db's lib/odbc.js: a plain object
    if (!this.connected || !this.conn) throw { message: 'Connection not open.' };
    // As ibm_db: querySync returns the error instead of throwing it.
    try {
      return this.runNow(this.conn.session, query, params);
    } catch (error) {
      return error;
    }
  }

  private runNow(session: Session, query: string | QueryObject, params?: unknown[]): JsRow[] {
    const sql = typeof query === 'string' ? query : query.sql;
    const raw = typeof query === 'object' && query.params ? query.params : params;
    const arraySize = typeof query === 'object' ? query.ArraySize : undefined;
    const result = this.executeSqlNow(session, sql, bindParams(raw ?? [], arraySize));
    if (typeof query === 'object' && query.noResults) return [];
    return result.resultSet ? toJsRows(result.resultSet, this.fetchMode) : [];
  }

  /** The synchronous APIs cannot wait for a lock: with a lock timeout they fail as NOT WAIT would. */
  executeSqlNow(session: Session, sql: string, paramSets: Val[][]): ExecuteResult {
    this.checkAlive(session);
    this.server.injectFault(session, sql);
    try {
      const result = session.db.executeNow(session, sql, paramSets, true);
      if (session.autocommit) session.db.commit(session);
      return result;
    } catch (error) {
      if (session.autocommit) session.db.rollback(session);
      if (error instanceof LockWait) {
        session.db.rollback(session);
        throw rolledBack(68);
      }
      if (error instanceof Db2SqlError) throw error;
      throw sqlError(
        '58004',
        -901,
        `SQL0901N  The SQL statement or command failed because of a database system error. ` +
          `(Reason "${(error as Error).message}".)`,
      );
    }
  }

  private async run(session: Session, query: string | QueryObject, params?: unknown[]): Promise<JsRow[]> {
    const sql = typeof query === 'string' ? query : query.sql;
    const raw = typeof query === 'object' && query.params ? query.params : params;
    const arraySize = typeof query === 'object' ? query.ArraySize : undefined;
    const result = await this.executeSql(session, sql, bindParams(raw ?? [], arraySize));
    if (typeof query === 'object' && query.noResults) return [];
    return result.resultSet ? toJsRows(result.resultSet, this.fetchMode) : [];
  }

  async executeSql(session: Session, sql: string, paramSets: Val[][]): Promise<ExecuteResult> {
    this.checkAlive(session);
    this.server.injectFault(session, sql);
    try {
      if (session.autocommit) {
        try {
          const result = await session.db.execute(session, sql, paramSets, true);
          session.db.commit(session);
          return result;
        } catch (error) {
          session.db.rollback(session);
          throw error;
        }
      }
      return await session.db.execute(session, sql, paramSets, true);
    } catch (error) {
      if (error instanceof Db2SqlError) throw error;
      throw sqlError(
        '58004',
        -901,
        `SQL0901N  The SQL statement or command failed because of a database system error. ` +
          `(Reason "${(error as Error).message}".)`,
      );
    }
  }

  prepare(sql: string, cb?: Callback<FakeStatement>): Promise<FakeStatement> | false {
    const conn = this.requireConn('createStatement');
    const work = this.enqueue(async () => this.prepareNow(conn.session, sql));
    return settle(work, cb);
  }

  prepareSync(sql: string): FakeStatement {
    return this.prepareNow(this.requireConn('createStatementSync').session, sql);
  }

  private prepareNow(session: Session, sql: string): FakeStatement {
    this.checkAlive(session);
    parseStatement(sql); // DB2 reports syntax errors at prepare time
    return new FakeStatement(this, session, sql);
  }

  beginTransaction(cb?: Callback<boolean>): Promise<boolean> | FakeDatabase {
    const conn = this.requireConn('beginTransaction');
    const work = this.enqueue(async () => {
      this.checkAlive(conn.session);
      conn.session.autocommit = false;
      return true;
    });
    if (cb) {
      work.then(
        () => cb(null),
        (e) => cb(e),
      );
      return this;
    }
    return work;
  }

  beginTransactionSync(): FakeDatabase {
    const session = this.requireConn('beginTransactionSync').session;
    this.checkAlive(session);
    session.autocommit = false;
    return this;
  }

  commitTransaction(cb?: Callback<boolean>): Promise<boolean> | FakeDatabase {
    return this.endTransaction(false, cb);
  }

  rollbackTransaction(cb?: Callback<boolean>): Promise<boolean> | FakeDatabase {
    return this.endTransaction(true, cb);
  }

  commitTransactionSync(): FakeDatabase {
    this.endNow(this.requireConn('endTransactionSync').session, false);
    return this;
  }

  rollbackTransactionSync(): FakeDatabase {
    this.endNow(this.requireConn('endTransactionSync').session, true);
    return this;
  }

  private endTransaction(rollback: boolean, cb?: Callback<boolean>): Promise<boolean> | FakeDatabase {
    const conn = this.requireConn('endTransaction');
    // As ibm_db 4.0.1: the promise form never reports a failed SQLEndTran. UV_EndTransaction stores
    // the return code in a query_work_data and UV_AfterEndTransaction reads it through an
    // open_connection_work_data cast, i.e. reads the zeroed hSTMT field, SQL_SUCCESS
    // (src/odbc_connection.cpp). The failure's effects (rollback, dropped connection) stay.
    const work = this.enqueue(async () => {
      try {
        this.endNow(conn.session, rollback);
      } catch {
        // swallowed, as by the real binding
      }
      return true;
    });
    if (cb) {
      work.then(
        () => cb(null),
        (e) => cb(e),
      );
      return this;
    }
    return work;
  }

  /** Ends the transaction and, as ibm_db's endTransaction does, turns autocommit back on. */
  private endNow(session: Session, rollback: boolean): void {
    this.checkAlive(session);
    if (rollback) session.db.rollback(session);
    else this.server.commitWithFaults(session);
    session.autocommit = true;
  }

  setIsolationLevel(_level: number): boolean {
    this.requireConn('setIsolationLevel');
    return true;
  }

  close(cb?: Callback<boolean>): Promise<boolean> | false {
    const work = this.enqueue(async () => {
      this.closeNow();
      return true;
    });
    return settle(work, cb);
  }

  closeSync(): void {
    this.closeNow();
  }

  private closeNow(): void {
    if (this.conn) this.server.disconnect(this.conn.session);
    this.connected = false;
    this.conn = undefined;
  }

  runQueued<T>(work: () => Promise<T>): Promise<T> {
    return this.enqueue(work);
  }
}

export class FakeStatement {
  private bound: unknown[] | null = null;
  private paramsetSize: number | undefined;

  constructor(
    private readonly db: FakeDatabase,
    private readonly session: Session,
    private readonly sql: string,
  ) {}

  setAttrSync(attribute: number, value: number): boolean {
    if (attribute === SQL_ATTR_PARAMSET_SIZE) this.paramsetSize = value;
    return true;
  }

  async setAttr(attribute: number, value: number): Promise<boolean> {
    return this.setAttrSync(attribute, value);
  }

  bindSync(params: unknown[]): boolean {
    this.bound = params;
    return true;
  }

  async bind(params: unknown[]): Promise<boolean> {
    return this.bindSync(params);
  }

  execute(params?: unknown[] | Callback<FakeResult>, cb?: Callback<FakeResult>): Promise<FakeResult> | null {
    if (typeof params === 'function') {
      cb = params;
      params = undefined;
    }
    const given = params;
    const work = this.db.runQueued(async () => new FakeResult(await this.executeNow(given), this.db.fetchMode));
    if (cb) {
      work.then(
        (r) => cb!(null, r),
        (e) => cb!(e),
      );
      return null;
    }
    return work;
  }

  executeSync(params?: unknown[]): FakeResult {
    const raw = params ?? this.bound ?? [];
    return new FakeResult(
      this.db.executeSqlNow(this.session, this.sql, bindParams(raw, this.paramsetSize)),
      this.db.fetchMode,
    );
  }

  executeNonQuery(params?: unknown[] | Callback<number>, cb?: Callback<number>): Promise<number> | null {
    if (typeof params === 'function') {
      cb = params;
      params = undefined;
    }
    const given = params;
    const work = this.db.runQueued(async () => (await this.executeNow(given)).rowCount);
    if (cb) {
      work.then(
        (n) => cb!(null, n),
        (e) => cb!(e),
      );
      return null;
    }
    return work;
  }

  private async executeNow(params?: unknown[]): Promise<ExecuteResult> {
    const raw = params ?? this.bound ?? [];
    return this.db.executeSql(this.session, this.sql, bindParams(raw, this.paramsetSize));
  }

  async close(): Promise<boolean> {
    return false;
  }

  closeSync(): boolean {
    return true;
  }
}

export class FakeResult {
  private position = 0;
  constructor(
    private readonly result: ExecuteResult,
    private readonly fetchMode: number | null,
  ) {}

  fetchAllSync(options?: { fetchMode?: number }): JsRow[] {
    if (!this.result.resultSet) return [];
    const rows = toJsRows(this.result.resultSet, options?.fetchMode ?? this.fetchMode).slice(this.position);
    this.position += rows.length;
    return rows;
  }

  async fetchAll(options?: { fetchMode?: number }): Promise<JsRow[]> {
    return this.fetchAllSync(options);
  }

  fetchSync(options?: { fetchMode?: number }): JsRow | null {
    if (!this.result.resultSet) return null;
    const rows = toJsRows(this.result.resultSet, options?.fetchMode ?? this.fetchMode);
    return rows[this.position++] ?? null;
  }

  getColumnNamesSync(): string[] {
    return this.result.resultSet?.columns ?? [];
  }

  closeSync(): boolean {
    return true;
  }

  async close(): Promise<boolean> {
    return true;
  }
}

// ---- parameters, as ibm_db's parseParams and the native binder treat them ----------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** One JS value as the CLI binds it: int32-representable numbers as BIGINT, other numbers as DOUBLE. */
function jsToVal(value: unknown): Val {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    return Number.isInteger(value) && value === (value | 0)
      ? { t: 'int', v: BigInt(value), w: 64 }
      : { t: 'dbl', v: value };
  }
  if (typeof value === 'boolean') return { t: 'int', v: value ? 1n : 0n, w: 64 };
  if (Buffer.isBuffer(value)) return { t: 'bin', v: value };
  return { t: 'str', v: String(value) };
}

/** An array parameter: the first non-null element fixes the C type for every element (src/odbc.cpp GetArrayParam). */
function arrayToVals(values: unknown[]): Val[] {
  const first = values.find((v) => v !== null && v !== undefined);
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    if (typeof first === 'number') {
      // As ibm_db: a non-number after a number makes N-API throw.
      if (typeof v !== 'number') throw new TypeError('A number was expected');
      return Number.isInteger(first) ? { t: 'int', v: BigInt(Math.trunc(v)), w: 64 } : { t: 'dbl', v };
    }
    if (typeof first === 'boolean') return { t: 'int', v: v ? 1n : 0n, w: 64 };
    return Buffer.isBuffer(v) ? { t: 'bin', v } : { t: 'str', v: String(v) };
  });
}

export function parseParam(param: unknown): BoundParam {
  if (isPlainObject(param)) {
    if (param.Data === undefined)
      throw new Error(`odbc.js:parseParams =>Data is missing from ${JSON.stringify(param)}`);
    const data = param.Data;
    // As ibm_db 4: an Array whose first element is a Buffer is the chunks of ONE LOB (data-at-exec),
    // not one value per row.
    if (Array.isArray(data) && data.length > 0 && Buffer.isBuffer(data[0])) {
      return { kind: 'single', value: { t: 'bin', v: Buffer.concat(data as Buffer[]) } };
    }
    // As ibm_db (lib/odbc.js parseParams, src/odbc.cpp GetStringParam): with the C type BINARY, given
    // as CType or implied by DataType BINARY/BLOB, a string is bound as its Latin-1 bytes.
    const binary =
      param.CType === 'BINARY' ||
      param.CType === -2 ||
      (param.CType === undefined && (param.DataType === 'BINARY' || param.DataType === 'BLOB'));
    const asBytes = (v: unknown) => (binary && typeof v === 'string' ? Buffer.from(v, 'latin1') : v);
    if (Array.isArray(data)) return { kind: 'array', values: arrayToVals(data.map(asBytes)) };
    return { kind: 'single', value: jsToVal(asBytes(data)) };
  }
  if (Array.isArray(param)) {
    // The legacy [paramtype, ctype, sqltype, data(, length)] form.
    if (param.length < 4) throw new Error('Wrong param format!');
    const data = param[3];
    return Array.isArray(data)
      ? { kind: 'array', values: arrayToVals(data) }
      : { kind: 'single', value: jsToVal(data) };
  }
  return { kind: 'single', value: jsToVal(param) };
}

/** Parameter sets to execute: one, or ArraySize of them for a column-wise array insert. */
export function bindParams(raw: unknown[], arraySize: number | undefined): Val[][] {
  const params = raw.map(parseParam);
  const arrays = params.filter((p) => p.kind === 'array');
  if (arrays.length === 0) return params.length ? [params.map((p) => (p as { value: Val }).value)] : [];
  if (arrays.length !== params.length) {
    throw new Error(
      '[fake ibm_db] with an ARRAY parameter, every parameter must be an ARRAY of the same ' +
        'size (APIDocumentation.md, bindingParameters)',
    );
  }
  // Without ArraySize the CLI's PARAMSET_SIZE stays 1: only the first element of each array is used.
  const size = arraySize && arraySize > 0 ? arraySize : 1;
  for (const p of arrays) {
    if ((p as { values: Val[] }).values.length < size) {
      throw new Error(
        `[fake ibm_db] an ARRAY parameter has fewer than ArraySize (${size}) elements; the ` +
          `real driver would read past its buffer`,
      );
    }
  }
  const sets: Val[][] = [];
  for (let i = 0; i < size; i++) sets.push(params.map((p) => (p as { values: Val[] }).values[i]));
  return sets;
}

// ---- results, as src/odbc.cpp GetColumnValue converts them -------------------------------------------

/**
 * INTEGER/SMALLINT → number, BIGINT → string, DECIMAL/DECFLOAT/DOUBLE → number (a double!), dates
 * and times → strings, binary → Buffer.
 */
export function toJs(val: Val): JsValue {
  if (val === null) return null;
  switch (val.t) {
    case 'int':
      return val.w === 64 ? val.v.toString() : Number(val.v);
    case 'dec':
      return Number(formatDecimal(val.v, val.s).replace(/^(-?)\./, '$10.'));
    case 'dfp':
      return Number(formatDecfloat(val.v, val.e));
    case 'dbl':
      return val.v;
    case 'bin':
      return Buffer.from(val.v);
    case 'bool':
      return val.v;
    case 'ts':
      return val.v;
    default:
      return val.v;
  }
}

function toJsRows(resultSet: ResultSet, fetchMode: number | null): JsRow[] {
  if (fetchMode === FETCH_ARRAY) return resultSet.rows.map((row) => row.map(toJs));
  return resultSet.rows.map((row) => {
    const object: Record<string, JsValue> = {};
    resultSet.columns.forEach((name, i) => (object[name] = toJs(row[i])));
    return object;
  });
}
