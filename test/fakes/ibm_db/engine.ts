/**
 * The fake's database engine: tables and the SYSCAT catalog, per-connection transactions with
 * currently-committed reads, row locks with CURRENT LOCK TIMEOUT, unique indexes, NOT NULL, and the
 * statement executor. One FakeDatabase per DB2 database name; one Session per connection.
 */
import {
  duplicateKey,
  logFull,
  notNullViolation,
  rolledBack,
  sqlError,
  undefinedColumn,
  undefinedName,
  unknownFunction,
} from './errors';
import {
  arithmetic,
  Arg,
  callFunction,
  cast,
  checkFunctionExists,
  comparison,
  concat,
  FunctionContext,
  like,
  sumValues,
} from './functions';
import {
  ColumnDefinition,
  Expr,
  FromItem,
  LockMode,
  parseStatement,
  QualifiedName,
  SelectStatement,
  Statement,
} from './sql';
import { alterTable, checkColumnType } from './table-definition';
import { assign, compare, isTrue, SqlType, Val } from './values';

export interface ColumnInfo {
  name: string;
  type: SqlType;
  nullable: boolean;
  defaultExpr: Expr | null;
  defaultText: string | null;
  identity: boolean;
}

export interface UniqueIndex {
  id: number;
  name: string;
  columns: number[];
}

export interface TableInfo {
  id: number;
  schema: string;
  name: string;
  columns: ColumnInfo[];
  /** Committed rows by row id. */
  rows: Map<number, Val[]>;
  uniques: UniqueIndex[];
  nextIdentity: bigint;
}

interface Transaction {
  inserted: Map<TableInfo, Map<number, Val[]>>;
  updated: Map<TableInfo, Map<number, Val[]>>;
  deleted: Map<TableInfo, Set<number>>;
  locks: Set<string>;
  /**
   * Log position of this transaction's first log record (null until it writes one): it pins the
   * active log from there on.
   */
  firstLsn: number | null;
  /** Bytes of log records this transaction wrote. */
  logBytes: number;
}

/**
 * The database's transaction log configuration (IBM Db2 database configuration parameters): LOGFILSIZ
 * in 4 KB pages (default 1000, range 4 to 16 777 152), LOGPRIMARY (default 3) and LOGSECOND (default
 * 10) files. The active log holds LOGFILSIZ × 4096 × (LOGPRIMARY + LOGSECOND) bytes.
 */
export interface LogConfig {
  logfilsiz: number;
  logprimary: number;
  logsecond: number;
}

/**
 * Sizes of log records, after IBM's "Log record header" reference (every Db2 log record begins with
 * a log manager header, 40 bytes for a basic record) and the CREATE TABLE statement's table of byte
 * counts per column type: an INSERT logs the row as stored, a DELETE the row before, an UPDATE both.
 * The data manager's own part of a record (record id, lengths, offsets) is taken as 20 bytes.
 */
const LOG_RECORD_HEADER = 40;
const DATA_MANAGER_PART = 20;
/** A commit or rollback record: a header and a little more. */
const END_RECORD = LOG_RECORD_HEADER + 8;
const LOG_PAGE = 4096;

export interface ResultSet {
  columns: string[];
  rows: Val[][];
}

export interface ExecuteResult {
  resultSet: ResultSet | null;
  rowCount: number;
}

export class Session {
  schema: string;
  /** CURRENT LOCK TIMEOUT in seconds; null = the database's LOCKTIMEOUT. */
  lockTimeout: number | null = null;
  autocommit = true;
  closed = false;
  tx: Transaction | null = null;
  /**
   * A warning of the last statement: SQLSTATE 01003, "null values were eliminated from the argument
   * of an aggregate function" (IBM, SQLSTATE messages, class 01), which the CLI returns with
   * SQL_SUCCESS_WITH_INFO. Reset before each statement by the wire.
   */
  warning: string | null = null;
  constructor(
    readonly db: FakeDatabase,
    readonly user: string,
    schema: string,
  ) {
    this.schema = schema;
  }
}

const CATALOG_SCHEMAS = new Set(['SYSCAT', 'SYSIBM']);

export class FakeDatabase implements FunctionContext {
  readonly tables = new Map<string, TableInfo>();
  readonly sessions = new Set<Session>();
  readonly schemas = new Set<string>();
  /** Row locks: `tableId:rowId` → each holder's mode. */
  readonly rowLocks = new Map<string, Map<Session, LockMode>>();
  private nextRowId = 1;
  private nextTableId = 2;
  private nextIndexId = 1;
  /** LOCKTIMEOUT database configuration: -1 = wait forever (DB2's default). */
  lockTimeoutSeconds = -1;
  /** The transaction log (see LogConfig); SQL0964C when the active log would outgrow it. */
  log: LogConfig = { logfilsiz: 1000, logprimary: 3, logsecond: 10 };
  /** How many statements failed with SQL0964C, for tests that must see the log fill up. */
  logFullErrors = 0;
  /** Bytes ever written to the log: the position of the next log record. */
  private logHead = 0;
  /** Transactions that have written log records and not ended: the oldest pins the active log. */
  private readonly logging = new Set<Transaction>();
  hashAvailable = true;

  constructor(readonly name: string) {}

  // ---- catalog -------------------------------------------------------------------------------

  findTable(session: Session, name: QualifiedName): TableInfo | undefined {
    return this.tables.get(`${name.schema ?? session.schema}.${name.name}`);
  }

  table(session: Session, name: QualifiedName): TableInfo {
    const found = this.findTable(session, name);
    if (!found) throw undefinedName(`${name.schema ?? session.schema}.${name.name}`);
    return found;
  }

  createTable(
    session: Session,
    name: QualifiedName,
    columns: ColumnDefinition[],
    primaryKey: string[] | null,
    uniques: string[][],
  ): void {
    const schema = name.schema ?? session.schema;
    const key = `${schema}.${name.name}`;
    if (this.tables.has(key) || CATALOG_SCHEMAS.has(schema)) {
      throw sqlError(
        '42710',
        -601,
        `SQL0601N  The name of the object to be created is identical to the existing name ` +
          `"${key}" of type "TABLE".`,
      );
    }
    for (const c of columns) checkColumnType(c.name, c.type);
    const infos: ColumnInfo[] = columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: !c.notNull,
      defaultExpr: c.defaultValue,
      defaultText: c.defaultText,
      identity: c.identity,
    }));
    const indexOf = (column: string) => {
      const i = infos.findIndex((c) => c.name === column);
      if (i < 0) throw undefinedColumn(column);
      return i;
    };
    const table: TableInfo = {
      id: this.nextTableId++,
      schema,
      name: name.name,
      columns: infos,
      rows: new Map(),
      uniques: [],
      nextIdentity: 1n,
    };
    if (primaryKey) {
      const indexes = primaryKey.map(indexOf);
      for (const i of indexes) {
        if (infos[i].nullable) {
          throw sqlError(
            '42831',
            -542,
            `SQL0542N  The column named "${infos[i].name}" cannot be a column of a primary key or ` +
              `unique key constraint because it can contain null values.`,
          );
        }
      }
      table.uniques.push({ id: this.nextIndexId++, name: `SQL_PK_${table.id}`, columns: indexes });
    }
    for (const unique of uniques)
      table.uniques.push({ id: this.nextIndexId++, name: `SQL_UQ_${table.id}`, columns: unique.map(indexOf) });
    this.tables.set(key, table);
  }

  // ---- visibility and transactions --------------------------------------------------------------

  /** The rows `session` sees: committed rows, its own changes, never other sessions' uncommitted ones. */
  visibleRows(session: Session, table: TableInfo): Array<[number, Val[]]> {
    const tx = session.tx;
    const deleted = tx?.deleted.get(table);
    const updated = tx?.updated.get(table);
    const out: Array<[number, Val[]]> = [];
    for (const [id, row] of table.rows) {
      if (deleted?.has(id)) continue;
      out.push([id, updated?.get(id) ?? row]);
    }
    for (const [id, row] of tx?.inserted.get(table) ?? []) {
      if (!deleted?.has(id)) out.push([id, updated?.get(id) ?? row]);
    }
    return out;
  }

  transaction(session: Session): Transaction {
    if (!session.tx)
      session.tx = {
        inserted: new Map(),
        updated: new Map(),
        deleted: new Map(),
        locks: new Set(),
        firstLsn: null,
        logBytes: 0,
      };
    return session.tx;
  }

  /** The active log's size in bytes: LOGFILSIZ 4 KB pages per file, LOGPRIMARY + LOGSECOND files. */
  logCapacity(): number {
    return this.log.logfilsiz * LOG_PAGE * (this.log.logprimary + this.log.logsecond);
  }

  /**
   * Bytes of the active log in use: from the first log record of the oldest transaction still open
   * to the head. Log files before it are free again (circular logging); a transaction that wrote and
   * stays open keeps all log written after its first record active, other transactions' included.
   */
  activeLogBytes(): number {
    let oldest = this.logHead;
    for (const tx of this.logging) if (tx.firstLsn !== null && tx.firstLsn < oldest) oldest = tx.firstLsn;
    return this.logHead - oldest;
  }

  /**
   * Writes `bytes` of log records for `session`'s transaction, or fails the statement with SQL0964C
   * (SQLSTATE 57011) when the active log has no room for them; the transaction stays open and the
   * application decides (IBM: "Execute a COMMIT or ROLLBACK on receipt of this message").
   */
  private writeLog(session: Session, bytes: number): void {
    const tx = this.transaction(session);
    const start = tx.firstLsn ?? this.logHead;
    let oldest = start;
    for (const other of this.logging) if (other.firstLsn !== null && other.firstLsn < oldest) oldest = other.firstLsn;
    if (this.logHead + bytes - oldest > this.logCapacity()) {
      this.logFullErrors++;
      throw logFull();
    }
    tx.firstLsn = start;
    tx.logBytes += bytes;
    this.logHead += bytes;
    this.logging.add(tx);
  }

  /** The commit or rollback record; it always fits (DB2 reserves space for ending a transaction). */
  private endLog(tx: Transaction): void {
    if (tx.firstLsn !== null) this.logHead += END_RECORD;
    this.logging.delete(tx);
  }

  commit(session: Session): void {
    const tx = session.tx;
    session.tx = null;
    if (!tx) return;
    this.endLog(tx);
    for (const [table, rows] of tx.inserted) for (const [id, row] of rows) table.rows.set(id, row);
    for (const [table, rows] of tx.updated)
      for (const [id, row] of rows) if (table.rows.has(id)) table.rows.set(id, row);
    for (const [table, ids] of tx.deleted) for (const id of ids) table.rows.delete(id);
    this.releaseLocks(session, tx);
  }

  rollback(session: Session): void {
    const tx = session.tx;
    session.tx = null;
    if (!tx) return;
    this.endLog(tx);
    this.releaseLocks(session, tx);
  }

  private releaseLocks(session: Session, tx: Transaction): void {
    for (const key of tx.locks) {
      const holders = this.rowLocks.get(key);
      holders?.delete(session);
      if (holders?.size === 0) this.rowLocks.delete(key);
    }
  }

  /**
   * Takes a row lock in `mode` (S share, U update, X exclusive), or throws LockWait when another
   * session holds an incompatible one: `execute` then waits and retries the statement until CURRENT
   * LOCK TIMEOUT runs out (SQL0911N, reason 68). S and U are compatible with S; nothing else mixes.
   */
  lockRow(session: Session, table: TableInfo, rowId: number, mode: LockMode = 'X'): void {
    const key = `${table.id}:${rowId}`;
    let holders = this.rowLocks.get(key);
    for (const [holder, held] of holders ?? []) {
      // A dropped connection's locks stay until the server notices and rolls its transaction back.
      if (holder === session) continue;
      const compatible = (held === 'S' && mode !== 'X') || (held === 'U' && mode === 'S');
      if (!compatible) throw new LockWait();
    }
    if (!holders) this.rowLocks.set(key, (holders = new Map()));
    const strength = { S: 0, U: 1, X: 2 };
    const current = holders.get(session);
    if (!current || strength[mode] > strength[current]) holders.set(session, mode);
    this.transaction(session).locks.add(key);
  }

  /** Runs a statement, waiting for row locks held by other sessions up to the lock timeout. */
  async execute(session: Session, sql: string, params: Val[][], fromParameters: boolean): Promise<ExecuteResult> {
    const started = Date.now();
    for (;;) {
      try {
        return this.executeNow(session, sql, params, fromParameters);
      } catch (error) {
        if (!(error instanceof LockWait)) throw error;
        const timeout = session.lockTimeout ?? this.lockTimeoutSeconds;
        if (timeout >= 0 && Date.now() - started >= timeout * 1000) {
          // DB2 rolls the whole transaction back on a lock timeout (SQL0911N reason 68).
          this.rollback(session);
          throw rolledBack(68);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  /** Runs a statement now; throws LockWait if it would have to wait for another session's lock. */
  executeNow(session: Session, sql: string, params: Val[][], fromParameters: boolean): ExecuteResult {
    const { statement, paramCount } = parseStatement(sql);
    for (const set of params) {
      if (set.length !== paramCount) {
        throw sqlError(
          '07004',
          -313,
          'SQL0313N  The number of variables in the EXECUTE statement, the number of variables ' +
            'in the OPEN statement, or the number of arguments in an OPEN statement for a ' +
            'parameterized cursor is not equal to the number of values required.',
        );
      }
    }
    const paramSets = params.length > 0 ? params : [[]];
    switch (statement.k) {
      case 'select':
        return { resultSet: this.select(session, statement, paramSets[0]), rowCount: -1 };
      case 'insert':
        return { resultSet: null, rowCount: this.insert(session, statement, paramSets, fromParameters) };
      case 'update':
        return { resultSet: null, rowCount: this.update(session, statement, paramSets[0]) };
      case 'delete':
        return { resultSet: null, rowCount: this.delete(session, statement, paramSets[0]) };
      default:
        this.executeOther(session, statement);
        return { resultSet: null, rowCount: -1 };
    }
  }

  private executeOther(session: Session, statement: Statement): void {
    switch (statement.k) {
      case 'createTable':
        this.createTable(session, statement.table, statement.columns, statement.primaryKey, statement.uniques);
        return;
      case 'alterTable':
        alterTable(this, session, this.table(session, statement.table), statement.alterations);
        return;
      case 'createIndex': {
        const table = this.table(session, statement.table);
        const columns = statement.columns.map((c) => {
          const i = table.columns.findIndex((col) => col.name === c);
          if (i < 0) throw undefinedColumn(c);
          return i;
        });
        if (statement.unique) {
          const index = { id: this.nextIndexId++, name: statement.name.name, columns };
          const seen = new Set<string>();
          for (const [, row] of table.rows) {
            const key = indexKey(row, columns);
            if (seen.has(key))
              throw sqlError(
                '23515',
                -603,
                `SQL0603N  A unique index cannot be created because the table contains data that would ` +
                  `result in duplicate index entries.`,
              );
            seen.add(key);
          }
          table.uniques.push(index);
        }
        return;
      }
      case 'createSchema': {
        // Schemas also come into being implicitly with their first table, as with DB2's IMPLICIT_SCHEMA.
        const exists =
          this.schemas.has(statement.schema) || [...this.tables.values()].some((t) => t.schema === statement.schema);
        if (exists || CATALOG_SCHEMAS.has(statement.schema)) {
          throw sqlError(
            '42710',
            -601,
            `SQL0601N  The name of the object to be created is identical to the existing name ` +
              `"${statement.schema}" of type "SCHEMA".`,
          );
        }
        this.schemas.add(statement.schema);
        return;
      }
      case 'dropTable': {
        const table = this.table(session, statement.table);
        this.tables.delete(`${table.schema}.${table.name}`);
        return;
      }
      case 'setLockTimeout':
        if (statement.seconds !== null && (statement.seconds < -1 || statement.seconds > 32767)) {
          throw sqlError(
            '428B7',
            -171,
            'SQL0171N  The data type, length or value of the argument for the parameter in ' +
              'position "1" of routine "SET CURRENT LOCK TIMEOUT" is incorrect.',
          );
        }
        session.lockTimeout = statement.seconds;
        return;
      case 'setSchema':
        session.schema = statement.schema;
        return;
      case 'commit':
        this.commit(session);
        return;
      case 'rollback':
        this.rollback(session);
        return;
      default:
        throw new Error(`unhandled statement ${statement.k}`);
    }
  }

  private insert(
    session: Session,
    statement: Extract<Statement, { k: 'insert' }>,
    paramSets: Val[][],
    fromParameters: boolean,
  ): number {
    const table = this.table(session, statement.table);
    const targets = statement.columns
      ? statement.columns.map((name) => {
          const i = table.columns.findIndex((c) => c.name === name);
          if (i < 0) throw undefinedColumn(name);
          return i;
        })
      : table.columns.map((_, i) => i);
    const scope = emptyScope();
    const compiled = statement.rows.map((row) => {
      if (row.length !== targets.length) {
        throw sqlError(
          '42802',
          -117,
          'SQL0117N  The number of values assigned is not the same as the number of specified or ' +
            'implied columns or variables.',
        );
      }
      return row.map((e) => this.compile(e, scope, false));
    });
    const newRows: Val[][] = [];
    const given = new Set(targets);
    for (const params of paramSets) {
      compiled.forEach((row, r) => {
        const values: Val[] = table.columns.map(() => null);
        targets.forEach((column, j) => {
          const isParam = statement.rows[r][j].k === 'param';
          values[column] = assign(
            row[j]({ row: [], params, session }),
            table.columns[column].type,
            fromParameters && isParam,
          );
        });
        table.columns.forEach((column, i) => {
          if (given.has(i)) return;
          if (column.identity) values[i] = { t: 'int', v: table.nextIdentity++, w: 32 };
          else if (column.defaultExpr)
            values[i] = assign(
              this.compile(column.defaultExpr, scope, false)({ row: [], params: [], session }),
              column.type,
              false,
            );
          else if (column.defaultText !== null) values[i] = typeDefault(column.type);
        });
        table.columns.forEach((column, i) => {
          if (values[i] === null && !column.nullable) throw notNullViolation(table.id, i);
        });
        newRows.push(values);
      });
    }
    this.checkUnique(session, table, newRows, new Set());
    this.writeLog(
      session,
      newRows.reduce((sum, row) => sum + rowLogRecord(table, row), 0),
    );
    const tx = this.transaction(session);
    let inserted = tx.inserted.get(table);
    if (!inserted) tx.inserted.set(table, (inserted = new Map()));
    for (const row of newRows) {
      const id = this.nextRowId++;
      inserted.set(id, row);
      this.lockRow(session, table, id, 'X');
    }
    return newRows.length;
  }

  /**
   * Unique indexes see committed rows and this session's changes: a key among them is SQL0803N. A key
   * that another transaction inserted and has not ended is locked by it: the statement waits for that
   * lock (LockWait), and meets a duplicate only if the other transaction commits.
   */
  private checkUnique(session: Session, table: TableInfo, newRows: Val[][], replacing: Set<number>): void {
    if (table.uniques.length === 0) return;
    for (const index of table.uniques) {
      const seen = new Set<string>();
      for (const [id, row] of this.visibleRows(session, table))
        if (!replacing.has(id)) seen.add(indexKey(row, index.columns));
      const pending = new Set<string>();
      for (const other of this.sessions) {
        if (other === session) continue;
        for (const [, row] of other.tx?.inserted.get(table) ?? []) pending.add(indexKey(row, index.columns));
      }
      for (const row of newRows) {
        const key = indexKey(row, index.columns);
        if (seen.has(key)) throw duplicateKey(index.id, `${table.schema}.${table.name}`);
        if (pending.has(key)) throw new LockWait();
        seen.add(key);
      }
    }
  }

  private update(session: Session, statement: Extract<Statement, { k: 'update' }>, params: Val[]): number {
    const table = this.table(session, statement.table);
    const scope = tableScope(table, null);
    const where = statement.where ? this.compile(statement.where, scope, false) : null;
    const sets = statement.sets.map(([name, e]) => {
      const i = table.columns.findIndex((c) => c.name === name);
      if (i < 0) throw undefinedColumn(name);
      return [i, this.compile(e, scope, false)] as const;
    });
    const targets = this.visibleRows(session, table).filter(
      ([, row]) => !where || isTrue(where({ row, params, session })),
    );
    for (const [id] of targets) this.lockRow(session, table, id);
    const tx = this.transaction(session);
    const changed: Array<[number, Val[]]> = [];
    for (const [id] of targets) {
      const current = this.visibleRows(session, table).find(([rowId]) => rowId === id);
      if (!current) continue;
      const row = [...current[1]];
      for (const [i, value] of sets) {
        row[i] = assign(value({ row: current[1], params, session }), table.columns[i].type, false);
        if (row[i] === null && !table.columns[i].nullable) throw notNullViolation(table.id, i);
      }
      changed.push([id, row]);
    }
    this.checkUnique(
      session,
      table,
      changed.map(([, row]) => row),
      new Set(changed.map(([id]) => id)),
    );
    // An update logs the row before and after.
    const before = new Map(this.visibleRows(session, table));
    this.writeLog(
      session,
      changed.reduce(
        (sum, [id, row]) => sum + rowLogRecord(table, row) + storedRowBytes(table, before.get(id) ?? row),
        0,
      ),
    );
    let updated = tx.updated.get(table);
    if (!updated) tx.updated.set(table, (updated = new Map()));
    for (const [id, row] of changed) {
      const own = tx.inserted.get(table);
      if (own?.has(id)) own.set(id, row);
      else updated.set(id, row);
    }
    return changed.length;
  }

  private delete(session: Session, statement: Extract<Statement, { k: 'delete' }>, params: Val[]): number {
    const table = this.table(session, statement.table);
    const where = statement.where ? this.compile(statement.where, tableScope(table, null), false) : null;
    const targets = this.visibleRows(session, table).filter(
      ([, row]) => !where || isTrue(where({ row, params, session })),
    );
    for (const [id] of targets) this.lockRow(session, table, id);
    // A delete logs the row it removes.
    this.writeLog(
      session,
      targets.reduce((sum, [, row]) => sum + rowLogRecord(table, row), 0),
    );
    const tx = this.transaction(session);
    let deleted = tx.deleted.get(table);
    if (!deleted) tx.deleted.set(table, (deleted = new Set()));
    for (const [id] of targets) deleted.add(id);
    return targets.length;
  }

  // ---- queries ---------------------------------------------------------------------------------------

  select(session: Session, statement: SelectStatement, params: Val[]): ResultSet {
    const source = this.fromRows(session, statement.from, params);
    const scope = source.scope;
    const ctx = (row: Val[], group?: Val[][]): EvalContext => ({ row, params, session, group });
    const where = statement.where ? this.compile(statement.where, scope, false) : null;
    const qualifying = source.rows.map((_, i) => i).filter((i) => !where || isTrue(where(ctx(source.rows[i]))));
    let rows = qualifying.map((i) => source.rows[i]);
    // Read stability / repeatable read keep a lock on every qualifying row until the transaction
    // ends: share locks, or the mode of USE AND KEEP … LOCKS. Cursor stability reads lock nothing
    // here (currently committed).
    if ((statement.isolation === 'RS' || statement.isolation === 'RR') && source.table) {
      for (const i of qualifying) this.lockRow(session, source.table, source.ids[i], statement.lockRequest ?? 'S');
    }

    const items = statement.items.flatMap((item) =>
      item.expr === 'star'
        ? scope.columns.map((name) => ({
            expr: { k: 'col', qualifier: null, name, quoted: true } as Expr,
            alias: null,
          }))
        : [item as { expr: Expr; alias: string | null }],
    );
    const grouped = statement.groupBy.length > 0 || items.some((item) => hasAggregate(item.expr));
    const columns = items.map((item, i) => item.alias ?? (item.expr.k === 'col' ? item.expr.name : String(i + 1)));
    const outputs = items.map((item) => this.compile(item.expr, scope, grouped, statement.groupBy));

    let produced: Array<{ out: Val[]; row: Val[]; group?: Val[][] }>;
    if (grouped) {
      const keys = statement.groupBy.map((e) => this.compile(e, scope, false));
      const groups = new Map<string, Val[][]>();
      for (const row of rows) {
        const key = JSON.stringify(keys.map((k) => valueKey(k(ctx(row)))));
        const group = groups.get(key);
        if (group) group.push(row);
        else groups.set(key, [row]);
      }
      if (groups.size === 0 && statement.groupBy.length === 0) groups.set('', []);
      const having = statement.having ? this.compile(statement.having, scope, true, statement.groupBy) : null;
      produced = [];
      for (const group of groups.values()) {
        const c = ctx(group[0] ?? scope.columns.map(() => null), group);
        if (having && !isTrue(having(c))) continue;
        produced.push({ out: outputs.map((o) => o(c)), row: c.row, group });
      }
    } else {
      produced = rows.map((row) => ({ out: outputs.map((o) => o(ctx(row))), row }));
    }

    if (statement.orderBy.length) {
      const keys = statement.orderBy.map(({ expr, desc }) => {
        const byAlias = expr.k === 'col' && expr.qualifier === null ? columns.indexOf(expr.name) : -1;
        const compiled = byAlias >= 0 ? null : this.compile(expr, scope, grouped, statement.groupBy);
        return {
          get: (p: { out: Val[]; row: Val[]; group?: Val[][] }) =>
            compiled ? compiled(ctx(p.row, p.group)) : p.out[byAlias],
          desc,
        };
      });
      const decorated = produced.map((p) => ({ p, k: keys.map((key) => key.get(p)) }));
      decorated.sort((a, b) => {
        for (let i = 0; i < keys.length; i++) {
          const x = a.k[i];
          const y = b.k[i];
          // DB2 sorts NULL as the highest value.
          const c = x === null ? (y === null ? 0 : 1) : y === null ? -1 : compare(x, y);
          if (c !== 0) return keys[i].desc ? -c : c;
        }
        return 0;
      });
      produced = decorated.map((d) => d.p);
    }
    if (statement.distinct) {
      const seen = new Set<string>();
      produced = produced.filter((p) => {
        const key = JSON.stringify(p.out.map(valueKey));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    if (statement.fetchFirst !== null) produced = produced.slice(0, statement.fetchFirst);
    rows = produced.map((p) => p.out);
    return { columns, rows };
  }

  private fromRows(
    session: Session,
    from: FromItem | null,
    params: Val[],
  ): { scope: Scope; rows: Val[][]; table?: TableInfo; ids: number[] } {
    if (from === null)
      throw sqlError(
        '42601',
        -104,
        'SQL0104N  An unexpected token "<end-of-statement>" was found following "SELECT".  ' +
          'Expected tokens may include:  "FROM".',
      );
    if (from.k === 'sub') {
      const result = this.select(session, from.select, params);
      return { scope: { columns: result.columns, qualifier: from.alias }, rows: result.rows, ids: [] };
    }
    const catalog = this.catalogView(from.name);
    if (catalog)
      return {
        scope: { columns: catalog.columns, qualifier: from.alias ?? from.name.name },
        rows: catalog.rows,
        ids: [],
      };
    const table = this.table(session, from.name);
    const visible = this.visibleRows(session, table);
    return {
      scope: tableScope(table, from.alias ?? table.name),
      rows: visible.map(([, row]) => row),
      table,
      ids: visible.map(([id]) => id),
    };
  }

  /** SYSIBM.SYSDUMMY1, SYSCAT.TABLES and SYSCAT.COLUMNS, built from the tables as they are now. */
  private catalogView(name: QualifiedName): ResultSet | null {
    const str = (v: string | null): Val => (v === null ? null : { t: 'str', v });
    const small = (v: number): Val => ({ t: 'int', v: BigInt(v), w: 16 });
    const int = (v: number): Val => ({ t: 'int', v: BigInt(v), w: 32 });
    const view = `${name.schema ?? ''}.${name.name}`;
    if (view === 'SYSIBM.SYSDUMMY1') return { columns: ['IBMREQD'], rows: [[str('Y')]] };
    if (view === 'SYSCAT.TABLES') {
      return {
        columns: ['TABSCHEMA', 'TABNAME', 'TYPE', 'COLCOUNT'],
        rows: [...this.tables.values()].map((t) => [str(t.schema), str(t.name), str('T'), small(t.columns.length)]),
      };
    }
    if (view === 'SYSCAT.COLUMNS') {
      const columns = [
        'TABSCHEMA',
        'TABNAME',
        'COLNAME',
        'COLNO',
        'TYPESCHEMA',
        'TYPENAME',
        'LENGTH',
        'SCALE',
        'TYPESTRINGUNITS',
        'STRINGUNITSLENGTH',
        'DEFAULT',
        'NULLS',
        'CODEPAGE',
        'IDENTITY',
        'GENERATED',
      ];
      const rows: Val[][] = [];
      for (const t of this.tables.values()) {
        t.columns.forEach((c, colno) => {
          const d = catalogType(c.type);
          rows.push([
            str(t.schema),
            str(t.name),
            str(c.name),
            small(colno),
            str('SYSIBM'),
            str(d.typename),
            int(d.length),
            small(d.scale),
            str(d.units),
            d.unitsLength === null ? null : int(d.unitsLength),
            str(c.identity ? null : c.defaultText),
            str(c.nullable ? 'Y' : 'N'),
            small(d.codepage),
            str(c.identity ? 'Y' : 'N'),
            str(c.identity ? 'D' : ' '),
          ]);
        });
      }
      return { columns, rows };
    }
    if (CATALOG_SCHEMAS.has(name.schema ?? '')) throw undefinedName(view);
    return null;
  }

  // ---- expressions ---------------------------------------------------------------------------------

  compile(expr: Expr, scope: Scope, grouped: boolean, groupBy: Expr[] = []): Compiled {
    const c = (e: Expr) => this.compile(e, scope, grouped, groupBy);
    switch (expr.k) {
      case 'lit': {
        const val = expr.val;
        return () => val;
      }
      case 'param': {
        const index = expr.index;
        return (ctx) => ctx.params[index] ?? null;
      }
      case 'col': {
        const i = resolveColumn(scope, expr.qualifier, expr.name);
        if (grouped && !groupBy.some((g) => g.k === 'col' && resolveColumn(scope, g.qualifier, g.name) === i)) {
          throw sqlError(
            '42803',
            -119,
            `SQL0119N  An expression starting with "${expr.name}" specified in a SELECT clause, ` +
              `HAVING clause, or ORDER BY clause is not specified in the GROUP BY clause or it is in ` +
              `a SELECT clause, HAVING clause, or ORDER BY clause with a column function and no ` +
              `GROUP BY clause is specified.`,
          );
        }
        return (ctx) => ctx.row[i];
      }
      case 'star':
        throw sqlError('42601', -104, 'SQL0104N  An unexpected token "*" was found.');
      case 'neg': {
        const e = c(expr.e);
        return (ctx) => arithmetic('-', { t: 'int', v: 0n, w: 32 }, e(ctx));
      }
      case 'not': {
        const e = c(expr.e);
        return (ctx) => {
          const v = e(ctx);
          return v === null ? null : { t: 'bool', v: !isTrue(v) };
        };
      }
      case 'bin': {
        const l = c(expr.l);
        const r = c(expr.r);
        const op = expr.op;
        if (op === 'AND') return (ctx) => logic(l(ctx), r(ctx), true);
        if (op === 'OR') return (ctx) => logic(l(ctx), r(ctx), false);
        if (op === '||') return (ctx) => concat(l(ctx), r(ctx));
        if (['+', '-', '*', '/'].includes(op)) return (ctx) => arithmetic(op, l(ctx), r(ctx));
        return (ctx) => comparison(op, l(ctx), r(ctx));
      }
      case 'isnull': {
        const e = c(expr.e);
        const not = expr.not;
        return (ctx) => ({ t: 'bool', v: (e(ctx) === null) !== not });
      }
      case 'like': {
        const e = c(expr.e);
        const p = c(expr.pattern);
        const not = expr.not;
        return (ctx) => {
          const v = like(e(ctx), p(ctx));
          return v === null || !not ? v : { t: 'bool', v: !isTrue(v) };
        };
      }
      case 'in': {
        const e = c(expr.e);
        const list = expr.list.map(c);
        const not = expr.not;
        return (ctx) => {
          const v = e(ctx);
          if (v === null) return null;
          const found = list.some((item) => isTrue(comparison('=', v, item(ctx))));
          return { t: 'bool', v: found !== not };
        };
      }
      case 'between': {
        const e = c(expr.e);
        const lo = c(expr.lo);
        const hi = c(expr.hi);
        const not = expr.not;
        return (ctx) => {
          const v = logic(comparison('>=', e(ctx), lo(ctx)), comparison('<=', e(ctx), hi(ctx)), true);
          return v === null || !not ? v : { t: 'bool', v: !isTrue(v) };
        };
      }
      case 'case': {
        const operand = expr.operand ? c(expr.operand) : null;
        const whens = expr.whens.map(([w, t]) => [c(w), c(t)] as const);
        const otherwise = expr.otherwise ? c(expr.otherwise) : null;
        return (ctx) => {
          const subject = operand ? operand(ctx) : null;
          for (const [when, then] of whens) {
            const hit = operand ? isTrue(comparison('=', subject, when(ctx))) : isTrue(when(ctx));
            if (hit) return then(ctx);
          }
          return otherwise ? otherwise(ctx) : null;
        };
      }
      case 'cast': {
        const e = c(expr.e);
        const type = expr.type;
        return (ctx) => cast(e(ctx), type);
      }
      case 'special': {
        const name = expr.name;
        return (ctx) => special(name, ctx.session);
      }
      case 'fn':
        return this.compileFunction(expr, scope, grouped, groupBy);
    }
  }

  private compileFunction(expr: Extract<Expr, { k: 'fn' }>, scope: Scope, grouped: boolean, groupBy: Expr[]): Compiled {
    const name = expr.name;
    if (AGGREGATES.has(name)) {
      if (!grouped) throw sqlError('42903', -120, `SQL0120N  Invalid use of an aggregate function or OLAP function.`);
      const argument = expr.args[0];
      const inner = argument && argument.k !== 'star' ? this.compile(argument, scope, false) : null;
      return (ctx) => {
        const group = ctx.group ?? [];
        if (name === 'COUNT' || name === 'COUNT_BIG') {
          const n = inner ? group.filter((row) => inner({ ...ctx, row }) !== null).length : group.length;
          if (n < group.length) ctx.session.warning = '01003';
          return name === 'COUNT' ? { t: 'int', v: BigInt(n), w: 32 } : { t: 'dec', v: BigInt(n), p: 31, s: 0 };
        }
        if (!inner) throw unknownFunction(name);
        const values = group.map((row) => inner({ ...ctx, row })).filter((v): v is Exclude<Val, null> => v !== null);
        if (values.length < group.length) ctx.session.warning = '01003';
        if (name === 'SUM') return sumValues(values);
        if (values.length === 0) return null;
        return values.reduce((best, v) => (compare(v, best) * (name === 'MAX' ? 1 : -1) > 0 ? v : best));
      };
    }
    checkFunctionExists(name, this);
    const args = expr.args.map((a): ((ctx: EvalContext) => Arg) => {
      // A bare word such as ISO or JIS is a keyword argument, not a column.
      if (
        a.k === 'col' &&
        !a.quoted &&
        a.qualifier === null &&
        !scope.columns.includes(a.name) &&
        /^(ISO|USA|EUR|JIS|LOCAL)$/.test(a.name)
      ) {
        const keyword = { keyword: a.name };
        return () => keyword;
      }
      return this.compile(a, scope, grouped, groupBy);
    });
    return (ctx) =>
      callFunction(
        name,
        args.map((a) => a(ctx)),
        this,
      );
  }
}

const AGGREGATES = new Set(['COUNT', 'COUNT_BIG', 'SUM', 'MIN', 'MAX']);

/** Thrown inside a statement that would have to wait for another session's row lock. */
export class LockWait extends Error {}

export interface EvalContext {
  row: Val[];
  params: Val[];
  session: Session;
  group?: Val[][];
}

type Compiled = (ctx: EvalContext) => Val;

interface Scope {
  columns: string[];
  qualifier: string | null;
}

function emptyScope(): Scope {
  return { columns: [], qualifier: null };
}

function tableScope(table: TableInfo, alias: string | null): Scope {
  return { columns: table.columns.map((c) => c.name), qualifier: alias ?? table.name };
}

function resolveColumn(scope: Scope, qualifier: string | null, name: string): number {
  const i = scope.columns.indexOf(name);
  if (i < 0 || (qualifier !== null && scope.qualifier !== null && qualifier !== scope.qualifier)) {
    throw undefinedColumn(qualifier ? `${qualifier}.${name}` : name);
  }
  return i;
}

function hasAggregate(expr: Expr): boolean {
  switch (expr.k) {
    case 'fn':
      return AGGREGATES.has(expr.name) || expr.args.some(hasAggregate);
    case 'bin':
      return hasAggregate(expr.l) || hasAggregate(expr.r);
    case 'neg':
    case 'not':
    case 'isnull':
    case 'cast':
      return hasAggregate(expr.e);
    case 'case':
      return (
        expr.whens.some(([w, t]) => hasAggregate(w) || hasAggregate(t)) ||
        (expr.otherwise ? hasAggregate(expr.otherwise) : false)
      );
    default:
      return false;
  }
}

function logic(a: Val, b: Val, and: boolean): Val {
  const x = a === null ? null : isTrue(a);
  const y = b === null ? null : isTrue(b);
  if (and) {
    if (x === false || y === false) return { t: 'bool', v: false };
    return x === null || y === null ? null : { t: 'bool', v: true };
  }
  if (x === true || y === true) return { t: 'bool', v: true };
  return x === null || y === null ? null : { t: 'bool', v: false };
}

/** CURRENT TIMESTAMP; the fake's server clock runs in UTC. */
function now(): Val {
  const iso = new Date().toISOString();
  return { t: 'ts', v: `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`, p: 6 };
}

function special(name: string, session: Session): Val {
  switch (name) {
    case 'SCHEMA':
      return { t: 'str', v: session.schema };
    case 'TIMESTAMP':
      return now();
    case 'DATE':
      return assign(now(), { base: 'DATE', length: 0, scale: 0, units: null, forBitData: false }, false);
    case 'TIME':
      return assign(now(), { base: 'TIME', length: 0, scale: 0, units: null, forBitData: false }, false);
    case 'SERVER':
      return { t: 'str', v: session.db.name };
    case 'USER':
      return { t: 'str', v: session.user.toUpperCase() };
    case 'LOCK':
      return { t: 'int', v: BigInt(session.lockTimeout ?? session.db.lockTimeoutSeconds), w: 32 };
    default:
      throw unknownFunction(`CURRENT ${name}`);
  }
}

function valueKey(v: Val): string {
  if (v === null) return '\u0000null';
  if (v.t === 'bin') return 'x' + v.v.toString('hex');
  if (v.t === 'int' || v.t === 'dec' || v.t === 'dfp') {
    const exact = v.t === 'int' ? { v: v.v, s: 0 } : v.t === 'dec' ? { v: v.v, s: v.s } : { v: v.v, s: -v.e };
    let { v: value, s } = exact;
    while (s > 0 && value % 10n === 0n) {
      value /= 10n;
      s--;
    }
    return `n${value}e${-s}`;
  }
  return `${v.t}:${String(v.v).replace(/ +$/, '')}`;
}

/**
 * A row's size as stored, per IBM's CREATE TABLE "byte counts" of columns by data type: fixed sizes
 * for numbers and dates, the value's bytes plus 4 for varying-length columns (here the actual
 * length, not the maximum), a LOB descriptor plus the logged LOB data, one more byte for a nullable
 * column.
 */
function storedRowBytes(table: TableInfo, row: Val[]): number {
  let bytes = 0;
  table.columns.forEach((column, i) => {
    const v = row[i];
    const t = column.type;
    const valueBytes = v === null ? 0 : v.t === 'bin' ? v.v.length : v.t === 'str' ? Buffer.byteLength(v.v, 'utf8') : 0;
    switch (t.base) {
      case 'SMALLINT':
        bytes += 2;
        break;
      case 'INTEGER':
      case 'REAL':
      case 'DATE':
        bytes += 4;
        break;
      case 'BIGINT':
      case 'DOUBLE':
        bytes += 8;
        break;
      case 'DECIMAL':
        bytes += Math.floor(t.length / 2) + 1;
        break;
      case 'DECFLOAT':
        bytes += t.length === 16 ? 8 : 16;
        break;
      case 'TIME':
        bytes += 3;
        break;
      case 'TIMESTAMP':
        bytes += 7 + Math.ceil(t.scale / 2);
        break;
      case 'BOOLEAN':
        bytes += 1;
        break;
      case 'CHAR':
      case 'BINARY':
        bytes += t.length * (t.units === 'CODEUNITS32' ? 4 : 1);
        break;
      case 'GRAPHIC':
        bytes += t.length * 2;
        break;
      case 'CLOB':
      case 'BLOB':
      case 'DBCLOB':
        bytes += 72 + valueBytes;
        break;
      default:
        bytes += 4 + valueBytes;
    }
    if (column.nullable) bytes += 1;
  });
  return bytes;
}

/** The log record of one inserted or deleted row. */
function rowLogRecord(table: TableInfo, row: Val[]): number {
  return LOG_RECORD_HEADER + DATA_MANAGER_PART + storedRowBytes(table, row);
}

function indexKey(row: Val[], columns: number[]): string {
  return JSON.stringify(columns.map((i) => valueKey(row[i])));
}

export function typeDefault(type: SqlType): Val {
  switch (type.base) {
    case 'CHAR':
    case 'VARCHAR':
    case 'CLOB':
    case 'GRAPHIC':
    case 'VARGRAPHIC':
    case 'DBCLOB':
      return type.forBitData
        ? { t: 'bin', v: Buffer.alloc(0) }
        : { t: 'str', v: type.base === 'CHAR' ? ' '.repeat(type.length) : '' };
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return { t: 'bin', v: Buffer.alloc(0) };
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return assign(now(), type, false);
    default:
      return assign({ t: 'int', v: 0n, w: 32 }, type, false);
  }
}

/** What SYSCAT.COLUMNS shows for a type (TYPENAME, LENGTH in bytes or digits, string units, code page). */
function catalogType(type: SqlType): {
  typename: string;
  length: number;
  scale: number;
  units: string | null;
  unitsLength: number | null;
  codepage: number;
} {
  const plain = (typename: string, length: number, scale = 0) => ({
    typename,
    length,
    scale,
    units: null,
    unitsLength: null,
    codepage: 0,
  });
  switch (type.base) {
    case 'SMALLINT':
      return plain('SMALLINT', 2);
    case 'INTEGER':
      return plain('INTEGER', 4);
    case 'BIGINT':
      return plain('BIGINT', 8);
    case 'DECIMAL':
      return plain('DECIMAL', type.length, type.scale);
    case 'DECFLOAT':
      return plain('DECFLOAT', type.length === 16 ? 8 : 16);
    case 'REAL':
      return plain('REAL', 4);
    case 'DOUBLE':
      return plain('DOUBLE', 8);
    case 'DATE':
      return plain('DATE', 4);
    case 'TIME':
      return plain('TIME', 3);
    case 'TIMESTAMP':
      return plain('TIMESTAMP', 10, type.scale);
    case 'BOOLEAN':
      return plain('BOOLEAN', 1);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return plain(type.base, type.length);
    default: {
      const typename = type.base === 'CHAR' ? 'CHARACTER' : type.base;
      if (type.forBitData) return plain(typename, type.length);
      const graphic = ['GRAPHIC', 'VARGRAPHIC', 'DBCLOB'].includes(type.base);
      // CODEUNITS32: LENGTH is the length in bytes (4 per code unit), STRINGUNITSLENGTH the declared length.
      const length = type.units === 'CODEUNITS32' ? type.length * (graphic ? 2 : 4) : type.length;
      return {
        typename,
        length,
        scale: 0,
        units: type.units,
        unitsLength: type.length,
        codepage: graphic ? 1200 : 1208,
      };
    }
  }
}
