/**
 * A fake DB2 server: its host and ports, users, databases, the connections open to it, and the faults
 * a test asks it to inject (deadlock, lock timeout, full log, dropped connection).
 */
import { Session, FakeDatabase as Db2Database } from './engine';
import {
  agentTerminated,
  clientReroute,
  interrupted,
  communicationError,
  databaseNotFound,
  Db2SqlError,
  logFull,
  loginRefused,
  rolledBack,
  sqlError,
  statementTimedOut,
} from './errors';

export interface FakeDb2ServerOptions {
  host?: string;
  /** Plain TCP/IP port (50000) and SSL port (50001), as a DB2 instance usually listens. */
  port?: number;
  sslPort?: number;
  /** user → password. */
  users?: Record<string, string>;
  databases?: string[];
}

export interface Fault {
  /**
   * 40001 (deadlock, transaction rolled back), 57033 (lock timeout, statement only), 57011 (log full),
   * 08001 (SQL30081N, connection dropped), 08506 (SQL30108N, client reroute: the transaction rolled
   * back, the connection re-established), or any other.
   */
  sqlstate: string;
  /** Which statements it hits: a statement kind, 'commit', or a pattern over the SQL; default any statement. */
  on?: 'insert' | 'select' | 'update' | 'commit' | 'any' | RegExp;
  /** How many times; default once. */
  times?: number;
  /** Statements it matches that pass unharmed before it hits; default 0. */
  skip?: number;
  /** For a dropped connection on commit: the commit lands first (the reply is what gets lost). */
  afterCommit?: boolean;
  /**
   * For a dropped connection: the server notices it only this many ms later (its next send, or TCP
   * keepalive); until then the connection's transaction stays open and keeps its locks. Default 0.
   */
  noticeAfterMs?: number;
  /** For a dropped connection: the network drops every connection of the database, not only this one. */
  all?: boolean;
}

/** Connection-string keywords, as DB2 CLI reads them: case-insensitive, `{…}` for values with `;`. */
export function parseConnectionString(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq).trim().toUpperCase();
    let value: string;
    if (text[eq + 1] === '{') {
      let end = eq + 2;
      value = '';
      while (end < text.length) {
        if (text[end] === '}' && text[end + 1] === '}') {
          value += '}';
          end += 2;
        } else if (text[end] === '}') break;
        else value += text[end++];
      }
      i = text.indexOf(';', end) < 0 ? text.length : text.indexOf(';', end) + 1;
    } else {
      const semi = text.indexOf(';', eq);
      value = text.slice(eq + 1, semi < 0 ? text.length : semi).trim();
      i = semi < 0 ? text.length : semi + 1;
    }
    if (key) fields.set(key, value);
  }
  return fields;
}

export class FakeDb2Server {
  readonly host: string;
  readonly port: number;
  readonly sslPort: number;
  readonly users: Map<string, string>;
  readonly databases = new Map<string, Db2Database>();
  /** Every connection string a client opened with, for tests of the URL → CLI translation. */
  readonly connectionStrings: string[] = [];
  private faults: Array<Fault & { remaining: number; skipping: number }> = [];
  private warnings: Array<{ sqlstate: string; on: RegExp }> = [];
  /** Dropped connections the server has not noticed yet, with the timer that notices each. */
  private readonly unnoticed = new Map<Session, NodeJS.Timeout>();

  constructor(options: FakeDb2ServerOptions = {}) {
    this.host = options.host ?? 'db2.fake.test';
    this.port = options.port ?? 50000;
    this.sslPort = options.sslPort ?? 50001;
    this.users = new Map(Object.entries(options.users ?? { db2inst1: 'db2-secret' }));
    for (const name of options.databases ?? ['BLUDB'])
      this.databases.set(name.toUpperCase(), new Db2Database(name.toUpperCase()));
  }

  database(name: string): Db2Database {
    const db = this.databases.get(name.toUpperCase());
    if (!db) throw new Error(`fake DB2 server has no database ${name}`);
    return db;
  }

  /** Logs a client in, checking what a real server and CLI driver would. */
  connect(connectionString: string): Session {
    this.connectionStrings.push(connectionString);
    const fields = parseConnectionString(connectionString);
    const host = fields.get('HOSTNAME') ?? '';
    const port = Number(fields.get('PORT') ?? '50000');
    const ssl = (fields.get('SECURITY') ?? '').toUpperCase() === 'SSL';
    // The wrong host, the wrong port, or SSL against the plain port (or the reverse) all end in SQL30081N.
    if (host.toLowerCase() !== this.host.toLowerCase() || port !== (ssl ? this.sslPort : this.port)) {
      throw communicationError(host, 'connect');
    }
    const user = fields.get('UID') ?? '';
    if (this.users.get(user.toLowerCase()) !== fields.get('PWD') && this.users.get(user) !== fields.get('PWD'))
      throw loginRefused();
    const name = (fields.get('DATABASE') ?? '').toUpperCase();
    const db = this.databases.get(name);
    if (!db) throw databaseNotFound(name);
    const schema = fields.get('CURRENTSCHEMA') ?? user.toUpperCase();
    const session = new Session(db, user, schema);
    db.sessions.add(session);
    return session;
  }

  /**
   * A connection ends: the client can no longer use it at once, and DB2 rolls back what it left
   * uncommitted once it notices. A client that disconnects, or whose process ends (the socket is
   * closed), is noticed at once; a connection lost in the network only when the server next sends
   * on it or TCP keepalive gives up on it (IBM technote "TCP/IP keepalive settings and related DB2
   * registry variables": probes start after 2 hours idle on most platforms). Until then its
   * transaction stays open, with its row locks and its place in the active log.
   */
  disconnect(session: Session, noticeAfterMs = 0): void {
    if (session.closed) return;
    session.closed = true;
    if (noticeAfterMs <= 0) {
      this.notice(session);
      return;
    }
    const timer = setTimeout(() => this.notice(session), noticeAfterMs);
    timer.unref();
    this.unnoticed.set(session, timer);
  }

  /** The server finds a dropped connection gone: its transaction rolls back, its locks are free. */
  private notice(session: Session): void {
    clearTimeout(this.unnoticed.get(session));
    this.unnoticed.delete(session);
    session.db.rollback(session);
    session.db.sessions.delete(session);
  }

  /** The server notices every dropped connection now (between tests). */
  noticeDroppedConnections(): void {
    for (const session of [...this.unnoticed.keys()]) this.notice(session);
  }

  /**
   * The network drops every open connection (or those of one database); the server notices after
   * `noticeAfterMs` and rolls their transactions back then.
   */
  dropConnections(database?: string, noticeAfterMs = 0): number {
    let dropped = 0;
    for (const db of this.databases.values()) {
      if (database && db.name !== database.toUpperCase()) continue;
      for (const session of [...db.sessions]) {
        if (session.closed) continue;
        this.disconnect(session, noticeAfterMs);
        dropped++;
      }
    }
    return dropped;
  }

  openConnections(database = 'BLUDB'): number {
    return this.database(database).sessions.size;
  }

  failNext(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1, skipping: fault.skip ?? 0 });
  }

  clearFaults(): void {
    this.faults = [];
    this.warnings = [];
  }

  /**
   * The next statement matching `on` runs, and its reply carries warning `sqlstate` (class 01) with
   * SQL_SUCCESS_WITH_INFO, as IBM's CLI returns a statement DB2 executed with a warning.
   */
  warnNext(sqlstate: string, on: RegExp): void {
    this.warnings.push({ sqlstate, on });
  }

  /** The warning a statement that just ran with `sql` is answered with, if one was asked for. */
  takeWarning(sql: string): string | null {
    const i = this.warnings.findIndex((w) => w.on.test(sql));
    if (i < 0) return null;
    return this.warnings.splice(i, 1)[0].sqlstate;
  }

  communicationError(): Db2SqlError {
    return communicationError(this.host, 'recv');
  }

  private takeFault(kind: string, sql: string): Fault | null {
    const matches = this.faults.filter((f) => {
      const on = f.on ?? 'any';
      if (on instanceof RegExp) return kind !== 'commit' && on.test(sql);
      return on === kind || (on === 'any' && kind !== 'commit');
    });
    const fault = matches.find((f) => f.skipping === 0);
    for (const f of matches) if (f.skipping > 0) f.skipping--;
    if (!fault) return null;
    if (--fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  /** Before a statement runs: raises an injected fault, with DB2's side effects. */
  injectFault(session: Session, sql: string): void {
    const kind = /^\s*(\w+)/.exec(sql)?.[1].toLowerCase() ?? 'any';
    if (kind === 'commit' && !hasWork(session)) return;
    const fault = this.takeFault(kind, sql);
    if (!fault) return;
    // A COMMIT statement meets the same commit faults as SQLEndTran, reply lost after it landed included.
    if (kind === 'commit' && fault.afterCommit) session.db.commit(session);
    this.raise(session, fault);
  }

  /** Commits, unless a fault on commit is pending. */
  commitWithFaults(session: Session): void {
    const fault = hasWork(session) ? this.takeFault('commit', '') : null;
    if (!fault) {
      session.db.commit(session);
      return;
    }
    if (fault.afterCommit) session.db.commit(session);
    this.raise(session, fault);
  }

  private raise(session: Session, fault: Fault): never {
    switch (fault.sqlstate) {
      case '40001':
        session.db.rollback(session);
        throw rolledBack(2);
      case '57033':
        throw statementTimedOut(2);
      case '57011':
        throw logFull();
      case '55032':
        // The agent is gone, and with it the connection and its unit of work.
        this.disconnect(session, fault.noticeAfterMs ?? 0);
        throw agentTerminated();
      case '57014':
        throw interrupted();
      case '08506':
        // The reroute reconnected underneath; the unit of work is gone, the connection usable.
        session.db.rollback(session);
        throw clientReroute(this.host, this.port);
      default:
        if (fault.sqlstate.startsWith('08')) {
          if (fault.all) this.dropConnections(session.db.name, fault.noticeAfterMs ?? 0);
          else this.disconnect(session, fault.noticeAfterMs ?? 0);
          throw communicationError(this.host, 'recv');
        }
        throw sqlError(fault.sqlstate, -1, `SQL0001N  Fault injected by the test (SQLSTATE ${fault.sqlstate}).`);
    }
  }
}

/**
 * Commit faults hit commits of a unit of work that changed something: ibm_db's commitTransaction()
 * after the product's COMMIT statement ends an empty one, and a fault there would say nothing about
 * the batch's outcome.
 */
function hasWork(session: Session): boolean {
  const tx = session.tx;
  return tx !== null && (tx.firstLsn !== null || tx.inserted.size > 0 || tx.updated.size > 0 || tx.deleted.size > 0);
}
