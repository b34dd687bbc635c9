/**
 * MySQL/MariaDB connections, shared by the source and the MySQL warehouse: one set of options that
 * keeps values lossless (DECIMAL/BIGINT as exact strings, temporal values as text in a UTC session,
 * JSON as text, binary as Buffers), and one set of connection errors a user can act on.
 */
import type { Socket } from 'net';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { ConnectionTarget, passwordOf, scrub } from '../../connection-url';
import { ConnectionError } from '../../errors';
import { endWithin, explainStatementTimeout, StallWatch } from '../../stall-watch';
import { seconds, stalledHolderMs, stallLimitMs, timeoutOf } from '../../time-budget';

export interface MysqlSession {
  connection: Connection;
  /** The database the URL names: the default schema. */
  database: string;
  /** Scrubbed from every message. */
  secrets: string[];
}

export type Role = 'source' | 'warehouse';

export async function openMysql(target: ConnectionTarget, role: Role): Promise<MysqlSession> {
  const mysql = await import('mysql2/promise');
  const url = new URL(target.url);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const timeoutMs = timeoutOf(target);
  const options: ConnectionOptions = {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    charset: 'utf8mb4_general_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    decimalNumbers: false,
    timezone: 'Z',
    connectTimeout: timeoutMs,
    enableKeepAlive: true,
    keepAliveInitialDelay: Math.min(timeoutMs, 60_000),
  };
  const secrets = [decodeURIComponent(url.password)].filter(Boolean);
  let connection: Connection;
  try {
    connection = await mysql.createConnection(options);
  } catch (error) {
    throw new ConnectionError(`${role} ${describeConnectError(error, target, role, database, secrets)}`);
  }
  // A connection that dies between queries must not crash the process; the next query reports it.
  connection.on('error', () => undefined);
  const core = coreOf(connection);
  closeWithin.set(connection, Math.min(timeoutMs, 2_000));
  const describe = `${role} (MySQL at ${url.hostname}:${url.port || 3306})`;
  new StallWatch(core.stream, stallLimitMs(timeoutMs), () => Boolean(core._command) && !core._paused, describe);
  // Every statement's error passes here, so one cancelled at our max_statement_time says which setting to raise.
  const query = connection.query.bind(connection) as (...args: unknown[]) => Promise<unknown>;
  Object.assign(connection, {
    query: (...args: unknown[]) =>
      query(...args).catch((error: unknown) => Promise.reject(explainStatementTimeout(error, describe, timeoutMs))),
  });
  // TIMESTAMP values are rendered in the session zone: UTC makes them the stored instant.
  const zone = "SET time_zone = '+00:00'";
  await connection
    .query(`${zone}, ` + `${serverTimeouts(timeoutMs, /mariadb/i.test(core._handshakePacket?.serverVersion ?? ''))}`)
    .catch(async (error: unknown) => {
      // ER_UNKNOWN_SYSTEM_VARIABLE: a server without one of the limits (MySQL before 5.7.8, some
      // MySQL-compatible services). The client's stall watch still bounds every wait.
      if ((error as { errno?: number }).errno !== 1193) throw error;
      await connection.query(zone);
    });
  return { connection, database, secrets };
}

/**
 * The part of mysql2's connection under the promise wrapper that bounded waits look at (internal
 * fields: should they change, the watch stops firing and test/guarantees/timeouts.test.ts fails).
 */
interface CoreConnection {
  stream: Socket;
  /** The command in flight (a query, the goodbye), if any. */
  _command?: unknown;
  /** True while the source holds rows back because the warehouse is full (mysql-source.ts copyPage). */
  _paused?: boolean;
  _handshakePacket?: { serverVersion?: string };
}

/**
 * mysql2's connection under its promise wrapper (an internal field), typed as the part of it the
 * caller uses: the one place that reaches past the wrapper.
 */
export function innerConnection<T>(connection: Connection): T {
  return (connection as unknown as { connection: T }).connection;
}

const coreOf = (connection: Connection) => innerConnection<CoreConnection>(connection);

const closeWithin = new WeakMap<Connection, number>();

/**
 * The server's side of bounded waits, in the statement that already sets the zone (no extra round
 * trip): each statement and lock wait ends after the timeout, and a session whose client stopped
 * talking (idle holding the writer's GET_LOCK, or halfway through sending a statement: the server
 * reads a command's first packet under wait_timeout, later packets under net_read_timeout) is
 * closed once no live run could be that quiet; net_write_timeout lets a source paused by a busy
 * warehouse wait as long. MariaDB bounds every statement (max_statement_time, seconds); MySQL only
 * SELECTs (max_execution_time, ms).
 */
function serverTimeouts(timeoutMs: number, mariadb: boolean): string {
  const waitS = Math.max(1, Math.ceil(timeoutMs / 1000));
  const idleS = Math.ceil(stalledHolderMs(timeoutMs) / 1000);
  return [
    mariadb ? `max_statement_time = ${timeoutMs / 1000}` : `max_execution_time = ${timeoutMs}`,
    `lock_wait_timeout = ${waitS}`,
    `innodb_lock_wait_timeout = ${waitS}`,
    `net_read_timeout = ${idleS}`,
    `net_write_timeout = ${idleS}`,
    `wait_timeout = ${idleS}`,
  ].join(', ');
}

/**
 * Says goodbye (COM_QUIT). With `detach`, the socket then stops holding the process open: a CLI that
 * exits right after need not wait for the server to close its end (a few ms per run).
 */
export async function closeMysql(connection: Connection, detach = false): Promise<void> {
  await endWithin(
    connection.end().catch(() => connection.destroy()),
    closeWithin.get(connection) ?? 2_000,
    () => connection.destroy(),
  );
  if (detach) innerConnection<{ stream?: { unref?: () => void } } | undefined>(connection)?.stream?.unref?.();
}

function describeConnectError(
  error: unknown,
  target: ConnectionTarget,
  role: Role,
  database: string,
  secrets: string[],
): string {
  const e = error as { code?: string; message?: string };
  const where = new URL(target.url);
  const host = `${where.hostname}:${where.port || 3306}`;
  const flag = `--${role}`;
  const envVar = role === 'source' ? 'SYNC_SOURCE_URL' : 'SYNC_WAREHOUSE_URL';
  switch (e.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return (
        `refused the login for user "${decodeURIComponent(where.username)}" at ${host}: check ` +
        `the user and password in ${flag} / ${envVar}`
      );
    case 'ER_BAD_DB_ERROR':
      return `database "${database}" does not exist at ${host}: check the database name in ${flag} / ${envVar}`;
    case 'ECONNREFUSED':
      return `at ${host} refused the connection: is MySQL running there? (check host and port in ${flag})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host "${where.hostname}" was not found: check the host in ${flag}`;
    case 'ETIMEDOUT':
      return (
        `at ${host} did not answer within ${seconds(timeoutOf(target))} s (--timeout / ` +
        `SYNC_TIMEOUT_SECONDS): check host, port and firewall`
      );
    default:
      return (
        `connection to ${host} failed: ` +
        `${scrub(e.message ?? String(error), [...secrets, passwordOf(target) ?? ''])}`
      );
  }
}
