/**
 * The Node end of the stand-in libdb2.so.1 (native/db2-standin): the C library forwards the DB2 CLI
 * calls the real ibm_db binding makes over TCP to this server, which runs them on the project's DB2
 * engine (FakeDb2Server), so SQL meets DB2's rules while ibm_db's JavaScript, its binding, its C
 * types and its buffers are the real ones.
 *
 * Frames both ways: u32 big-endian length, then the payload. Requests are JSON (the C side has
 * already decoded SQL_C_CHAR bytes by its code page, as IBM's CLI would); replies are binary so the
 * C side needs no JSON parser: i16 rc, 5-byte SQLSTATE, i32 SQLCODE, u32+bytes message, i32 row
 * count, u16 column count, per column u32+bytes name and i32 SQL type, u32 row count, then per cell
 * i32 length (-1 = NULL) + bytes (UTF-8 text, or raw bytes for binary).
 */
import * as net from 'net';
import { Session } from './engine';
import { Db2SqlError } from './errors';
import { FakeDatabase } from './database';
import { FakeDb2Server } from './server';
import type { Val } from './values';

type WireParam = null | { s: string } | { i: string } | { d: number } | { b: string };
type Request =
  | { op: 'connect'; conn: string }
  | { op: 'exec'; sql: string; sets: WireParam[][] }
  | { op: 'autocommit'; on: boolean }
  | { op: 'endtran'; rollback: boolean }
  | { op: 'disconnect' };

const SQL_SUCCESS = 0;
const SQL_SUCCESS_WITH_INFO = 1;
const SQL_ERROR = -1;
// SQL types ibm_db's GetColumnValue switches on (sqlcli1.h values).
const SQL_INTEGER = 4;
const SQL_BIGINT = -5;
const SQL_DECIMAL = 3;
const SQL_DOUBLE = 8;
const SQL_DECFLOAT = -360;
const SQL_VARCHAR = 12;
const SQL_VARBINARY = -3;

/** Warning texts by SQLSTATE (IBM, SQLSTATE messages, class 01). */
const WARNINGS: Record<string, string> = {
  '01003': 'Null values were eliminated from the argument of an aggregate function.',
  '01517': 'A character that could not be converted was replaced with a substitute character.',
};

function toVal(p: WireParam): Val {
  if (p === null) return null;
  if ('s' in p) return { t: 'str', v: p.s };
  if ('i' in p) return { t: 'int', v: BigInt(p.i), w: 64 };
  if ('d' in p) return { t: 'dbl', v: p.d };
  return { t: 'bin', v: Buffer.from(p.b, 'hex') };
}

function scaled(v: bigint, s: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString().padStart(s + 1, '0');
  if (s > 0) digits = `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  return (neg ? '-' : '') + digits;
}

function cell(v: Val): Buffer | null {
  if (v === null) return null;
  switch (v.t) {
    case 'int':
      return Buffer.from(v.v.toString());
    case 'dec':
      return Buffer.from(scaled(v.v, v.s));
    case 'dfp':
      return Buffer.from(`${v.v.toString()}E${v.e}`);
    case 'dbl':
      return Buffer.from(String(v.v));
    case 'str':
      return Buffer.from(v.v, 'utf8');
    case 'bin':
      return v.v;
    default:
      return Buffer.from(String((v as { v: unknown }).v));
  }
}

function sqlType(column: Val[]): number {
  const v = column.find((x) => x !== null) ?? null;
  if (v === null) return SQL_VARCHAR;
  switch (v.t) {
    case 'int':
      return v.w === 64 ? SQL_BIGINT : SQL_INTEGER;
    case 'dec':
      return SQL_DECIMAL;
    case 'dfp':
      return SQL_DECFLOAT;
    case 'dbl':
      return SQL_DOUBLE;
    case 'bin':
      return SQL_VARBINARY;
    default:
      return SQL_VARCHAR;
  }
}

class Reply {
  private parts: Buffer[] = [];
  i16(n: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    this.parts.push(b);
    return this;
  }
  u16(n: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    this.parts.push(b);
    return this;
  }
  i32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    this.parts.push(b);
    return this;
  }
  u32(n: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer) {
    this.u32(b.length);
    this.parts.push(b);
    return this;
  }
  raw(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    return Buffer.concat([head, body]);
  }
}

function status(rc: number, state = '00000', code = 0, message = ''): Reply {
  return new Reply()
    .i16(rc)
    .raw(Buffer.from(state.padEnd(5, '0').slice(0, 5), 'latin1'))
    .i32(code)
    .bytes(Buffer.from(message, 'utf8'));
}

function failure(error: unknown): Reply {
  if (error instanceof Db2SqlError) {
    return status(SQL_ERROR, error.sqlstate, error.sqlcode, error.message);
  }
  return status(
    SQL_ERROR,
    '58004',
    -901,
    `[IBM][CLI Driver][DB2/LINUXX8664] SQL0901N  stand-in server error: ${(error as Error).message}`,
  );
}

/** One SQLExecute / SQLExecDirect that reached the engine: its statement and its parameter sets. */
export interface Execution {
  sql: string;
  /** PARAMSET_SIZE of an array execute, 1 for a single execute (0 without parameters). */
  sets: number;
}

/** One client connection = one DB2 connection (the C side opens a socket per SQLHDBC). */
class WireSession {
  private db: FakeDatabase;
  private session: Session | null = null;
  constructor(
    private readonly server: FakeDb2Server,
    private readonly executions: Execution[],
  ) {
    this.db = new FakeDatabase(server, null);
  }

  async handle(req: Request): Promise<Reply> {
    try {
      switch (req.op) {
        case 'connect':
          this.session = this.server.connect(req.conn);
          this.db.attach(this.session);
          return status(SQL_SUCCESS);
        case 'autocommit':
          this.live().autocommit = req.on;
          return status(SQL_SUCCESS);
        case 'endtran': {
          const session = this.live();
          if (req.rollback) session.db.rollback(session);
          else this.server.commitWithFaults(session);
          return status(SQL_SUCCESS);
        }
        case 'disconnect': {
          // Disconnecting a connection the server already dropped only frees it.
          if (this.session?.closed) {
            this.close();
            return status(SQL_SUCCESS);
          }
          const session = this.live();
          // DB2 CLI: SQLDisconnect with a unit of work open fails with SQLSTATE 25000 and the
          // connection stays (IBM docs, SQLDisconnect function, "Diagnostics").
          if (!session.autocommit && session.tx !== null) {
            return status(
              SQL_ERROR,
              '25000',
              -99999,
              '[IBM][CLI Driver] CLI0116E  Invalid transaction state. SQLSTATE=25000',
            );
          }
          this.close();
          return status(SQL_SUCCESS);
        }
        case 'exec': {
          const session = this.live();
          this.executions.push({
            sql: req.sql,
            sets: req.sets.length === 1 && req.sets[0].length === 0 ? 0 : req.sets.length,
          });
          session.warning = null;
          const result = await this.db.executeSql(
            session,
            req.sql,
            req.sets.map((set) => set.map(toVal)),
          );
          // A statement DB2 executed with a warning: SQL_SUCCESS_WITH_INFO and the warning's diagnostic.
          const warning = this.server.takeWarning(req.sql) ?? session.warning;
          const reply = (
            warning === null
              ? status(SQL_SUCCESS)
              : status(
                  SQL_SUCCESS_WITH_INFO,
                  warning,
                  0,
                  `[IBM][CLI Driver][DB2/LINUXX8664] ${WARNINGS[warning] ?? 'Warning.'}  SQLSTATE=${warning}`,
                )
          ).i32(result.rowCount);
          const rs = result.resultSet;
          if (!rs) return reply.u16(0).u32(0);
          reply.u16(rs.columns.length);
          rs.columns.forEach((name, i) =>
            reply.bytes(Buffer.from(name, 'utf8')).i32(sqlType(rs.rows.map((r) => r[i]))),
          );
          reply.u32(rs.rows.length);
          for (const row of rs.rows) {
            for (const v of row) {
              const b = cell(v);
              if (b === null) reply.i32(-1);
              else reply.i32(b.length).raw(b);
            }
          }
          return reply;
        }
      }
    } catch (error) {
      return failure(error);
    }
  }

  /**
   * The session, if the server has not dropped it. A dropped one fails every later call as IBM's CLI
   * does: SQL30081N (08001) the first time, CLI0106E "Connection is closed" (08003) after (the
   * SQLSTATE tables of SQLSetConnectAttr and SQLEndTran in the Db2 CLI reference list 08003 for a
   * handle no longer connected).
   */
  private live(): Session {
    if (!this.session)
      throw new Db2SqlError('[IBM][CLI Driver] CLI0106E  Connection is closed. SQLSTATE=08003', '08003', -99999);
    this.db.checkAlive(this.session);
    return this.session;
  }

  close(): void {
    if (this.session) this.server.disconnect(this.session);
    this.session = null;
  }
}

/**
 * Serves a DB2 engine on 127.0.0.1:`port` (0 = any free port). The engine is made once the port is
 * known, since it checks HOSTNAME and PORT of each connection string as a DB2 instance would.
 */
export async function serveWire(
  make: (port: number) => FakeDb2Server,
  port = 0,
): Promise<{
  port: number;
  server: FakeDb2Server;
  executions: Execution[];
  stallOn: (sql: RegExp, after?: number) => void;
  stop: () => Promise<void>;
}> {
  let server: FakeDb2Server | null = null;
  // A server or network that stops answering: a connection that sends matching SQL gets no reply,
  // then or ever, and nothing is closed (its session lives on, as behind a black-holed route).
  let stallPattern: RegExp | null = null;
  let stallAfter = 0;
  const executions: Execution[] = [];
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    const wire = new WireSession(server as FakeDb2Server, executions);
    let pending = Buffer.alloc(0);
    let queue = Promise.resolve();
    let stalled = false;
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const body = pending.subarray(4, 4 + pending.readUInt32BE(0)).toString('utf8');
        pending = pending.subarray(4 + pending.readUInt32BE(0));
        const req = JSON.parse(body) as Request;
        if (req.op === 'exec' && stallPattern?.test(req.sql) && stallAfter-- <= 0) stalled = true;
        if (stalled) continue;
        queue = queue.then(async () => {
          const reply = await wire.handle(req);
          if (!socket.destroyed) socket.write(reply.frame());
        });
      }
    });
    // A client that vanishes is a dropped connection: its session ends as the server notices.
    socket.on('close', () => {
      sockets.delete(socket);
      wire.close();
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    tcp.listen(port, '127.0.0.1', () => {
      const address = tcp.address() as net.AddressInfo;
      server = make(address.port);
      resolve({
        port: address.port,
        server,
        executions,
        stallOn: (sql, after = 0) => {
          stallPattern = sql;
          stallAfter = after;
        },
        stop: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            tcp.close(() => done());
          }),
      });
    });
  });
}
