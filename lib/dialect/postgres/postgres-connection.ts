/**
 * PostgreSQL connections: UTC, UTF-8 sessions whose statements, lock waits and idle transactions are
 * bounded by the server itself, a stall watch on the socket, and connection errors a user can act on.
 */
import type { Socket } from 'net';
import type { Client, ClientConfig } from 'pg';
import { ConnectionTarget, passwordOf, scrub } from '../../connection-url';
import { ConnectionError } from '../../errors';
import { endWithin, explainStatementTimeout, pgLockTimeoutMs, StallWatch } from '../../stall-watch';
import { seconds, stalledHolderMs, stallLimitMs, timeoutOf } from '../../time-budget';

function socketOf(client: Client): Socket | undefined {
  return (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
}

/**
 * The server's side of bounded waits, set in the startup packet (no extra round trip): each
 * statement and lock wait is cancelled after the timeout; a session left idle (in a transaction
 * or not) by a client that stalled or vanished is ended, and with it its advisory lock, once no
 * live run could be that quiet; keepalive probes find a client host that is gone.
 * idle_session_timeout needs PostgreSQL 14 or later (see openPostgres).
 */
function serverTimeouts(timeoutMs: number, idleSessionTimeout: boolean): string {
  const idleMs = stalledHolderMs(timeoutMs);
  const keepaliveS = Math.max(1, Math.round(Math.min(timeoutMs, 60_000) / 1000));
  return [
    `-c statement_timeout=${timeoutMs}`,
    `-c lock_timeout=${pgLockTimeoutMs(timeoutMs)}`,
    `-c idle_in_transaction_session_timeout=${idleMs}`,
    ...(idleSessionTimeout ? [`-c idle_session_timeout=${idleMs}`] : []),
    `-c tcp_keepalives_idle=${keepaliveS}`,
    `-c tcp_keepalives_interval=${Math.max(1, Math.round(keepaliveS / 3))}`,
    '-c tcp_keepalives_count=3',
  ].join(' ');
}

export async function openPostgres(target: ConnectionTarget, idleSessionTimeout = true): Promise<Client> {
  const { Client } = await import('pg');
  const timeoutMs = timeoutOf(target);
  const config: ClientConfig = {
    connectionString: target.url,
    connectionTimeoutMillis: timeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: Math.min(timeoutMs, 60_000),
    // Timestamps cross as UTC text; `timestamptz` columns must not shift them by the server's zone.
    options: `-c TimeZone=UTC -c client_encoding=UTF8 ${serverTimeouts(timeoutMs, idleSessionTimeout)}`,
    application_name: 'warehouse-sync',
  };
  const client = new Client(config);
  // A connection that dies between queries must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    // A server before PostgreSQL 14 refuses a session that names idle_session_timeout: once more
    // without it (an idle orphan is then left to keepalive and the next run's stalled-holder check).
    const e = error as { code?: string; message?: string };
    if (idleSessionTimeout && e.code === '42704' && /idle_session_timeout/.test(e.message ?? ''))
      return openPostgres(target, false);
    throw new ConnectionError(`warehouse ${describeConnectError(error, target)}`);
  }
  const describe = describeWarehouse(target);
  const socket = socketOf(client);
  if (socket) new StallWatch(socket, stallLimitMs(timeoutMs), () => owesReply(client), describe);
  // Every statement's error passes here, so one cancelled at our statement_timeout says which setting to raise.
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  Object.assign(client, {
    query: (...args: unknown[]) => {
      const result = query(...args);
      return result instanceof Promise
        ? result.catch((error: unknown) => Promise.reject(explainStatementTimeout(error, describe, timeoutMs)))
        : result;
    },
  });
  return client;
}

/** How messages name the warehouse: "warehouse (PostgreSQL at db.example:5432)". */
export function describeWarehouse(target: ConnectionTarget): string {
  const where = new URL(target.url);
  return `warehouse (PostgreSQL at ${where.hostname}:${where.port || 5432})`;
}

/**
 * A COPY's error as the other statements' errors read (they pass through the client's query, the
 * COPY does not): one cancelled at our statement_timeout says which setting to raise.
 */
export function explainCopyError(error: unknown, target: ConnectionTarget): unknown {
  return explainStatementTimeout(error, describeWarehouse(target), timeoutOf(target));
}

/** A running query that can say whether the server owes it a reply (the load's COPY: CopyIn). */
interface WaitsOnServer {
  waitingOnServer(): boolean;
}

/**
 * The server owes a reply to any query but a COPY whose rows the client is still waiting for.
 * pg keeps its running query in `_getActiveQuery()` (internal; the public getter is deprecated):
 * should that change, the watch stops firing and test/guarantees/timeouts.test.ts fails.
 */
function owesReply(client: Client): boolean {
  const active = (client as unknown as { _getActiveQuery?(): unknown })._getActiveQuery?.();
  if (active === null || active === undefined) return false;
  const copy = active as Partial<WaitsOnServer>;
  return typeof copy.waitingOnServer === 'function' ? copy.waitingOnServer() : true;
}

function describeConnectError(error: unknown, target: ConnectionTarget): string {
  const e = error as { code?: string; message?: string };
  const url = new URL(target.url);
  const host = `${url.hostname}:${url.port || 5432}`;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  switch (e.code) {
    case '28P01':
    case '28000':
      return (
        `refused the login for user "${decodeURIComponent(url.username)}" at ${host}: check ` +
        `the user and password in --warehouse / SYNC_WAREHOUSE_URL`
      );
    case '3D000':
      return (
        `database "${database}" does not exist at ${host}: check the database name in ` +
        `--warehouse / SYNC_WAREHOUSE_URL`
      );
    case 'ECONNREFUSED':
      return `at ${host} refused the connection: is PostgreSQL running there? (check host and port in --warehouse)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host "${url.hostname}" was not found: check the host in --warehouse`;
    default:
      if (/connection timeout|timeout expired/i.test(e.message ?? '')) {
        return (
          `at ${host} did not answer within ${seconds(timeoutOf(target))} s (--timeout / ` +
          `SYNC_TIMEOUT_SECONDS): check host, port and firewall`
        );
      }
      return `connection to ${host} failed: ${scrub(e.message ?? String(error), [passwordOf(target) ?? ''])}`;
  }
}

/**
 * Says goodbye (Terminate) within the timeout, else destroys the socket. With `detach`, the socket
 * then stops holding the process open.
 */
export async function closePostgres(client: Client, timeoutMs: number, detach = false): Promise<void> {
  const ended = endWithin(client.end(), Math.min(timeoutMs, 2_000), () => socketOf(client)?.destroy());
  if (!detach) return ended;
  // Terminate is written; waiting for the backend's exit is no reason to keep the process.
  socketOf(client)?.unref?.();
}
