/** Opening both databases for one command, and naming which one a lost connection was. */
import type { SyncConfig } from '../config';
import { ConnectionError, oneLine, RunError, StalledError, SyncError } from '../errors';
import { MySqlSource } from '../source/mysql/mysql-source';
import type { Source } from '../source/source';
import { openWarehouse } from '../warehouse/open-warehouse';
import type { Warehouse } from '../warehouse/warehouse';

/** Opens both databases, runs `work`, and always closes them (`detach`: see Warehouse.close). */
export async function withConnections<T>(
  config: SyncConfig,
  work: (source: Source, warehouse: Warehouse) => Promise<T>,
  detach = false,
): Promise<T> {
  // Both connections at once: their handshakes are most of a small run's fixed cost. The warehouse
  // is dialled first: its server starts a session (PostgreSQL forks a new backend) while mysql2
  // initialises, which would otherwise come first, as both load on the one JS thread.
  // Settled at once: a warehouse that fails before the yield below (no DB2 driver, a missing
  // sslrootcert, a closed port) would otherwise be a rejection nobody handles yet, which kills the process.
  const warehouseOpening = settled(openWarehouse(config.warehouse));
  await new Promise((resolve) => setImmediate(resolve));
  const [opened, openedWarehouse] = await Promise.all([settled(MySqlSource.open(config.source)), warehouseOpening]);
  if (opened.status === 'rejected' || openedWarehouse.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    if (openedWarehouse.status === 'fulfilled') await openedWarehouse.value.close();
    throw opened.status === 'rejected' ? opened.reason : (openedWarehouse as PromiseRejectedResult).reason;
  }
  const source = opened.value;
  const warehouse = openedWarehouse.value;
  // Rows are written only under a table's writer lock: before the first lock is asked for, nothing was.
  let locking = false;
  const lockWriter = warehouse.lockWriter.bind(warehouse);
  warehouse.lockWriter = (table, waitMs) => {
    locking = true;
    return lockWriter(table, waitMs);
  };
  try {
    return await work(source, warehouse);
  } catch (error) {
    throw await namedConnectionLoss(error, config, source, locking);
  } finally {
    await Promise.all([source.close(detach), warehouse.close(detach)]);
  }
}

/**
 * A connection lost where no step named it (e.g. while tables are checked) reaches here as the
 * driver's bare words; they say neither which database nor what to do. The source is asked once
 * whether it still answers: if it does, the warehouse is the one that went.
 */
async function namedConnectionLoss(
  error: unknown,
  config: SyncConfig,
  source: Source,
  mayHaveWritten: boolean,
): Promise<unknown> {
  // A database that stopped answering before anything could be written is as unreachable as one
  // that refused the connection: a refusal (exit 2), like a connection lost at that point.
  if (error instanceof StalledError && !mayHaveWritten)
    return new ConnectionError(`${error.message}; nothing was written`);
  if (error instanceof SyncError) return error;
  const e = error as { fatal?: unknown; code?: unknown; message?: unknown };
  // Only a lost connection: a lock timeout or deadlock (also transient) is its own message already.
  const lost =
    e.fatal === true ||
    ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE'].includes(String(e.code)) ||
    /Connection lost|Connection terminated|connection is closed|Client was closed|closed state/i.test(
      String(e.message ?? ''),
    );
  if (!lost) return error;
  const sourceAnswers = await source.answers();
  const [role, target] = sourceAnswers ? ['warehouse', config.warehouse] : ['source', config.source];
  const what =
    `lost the connection to the ${role} (${target.redacted}): ${oneLine(error)}; check ` +
    `that it is up and reachable from here ` +
    `(a restart, a network cut or a proxy's idle timeout ends sessions), then run again`;
  return mayHaveWritten
    ? new RunError(`${what}: whole batches already committed stay`)
    : new ConnectionError(`${what}; nothing was written`);
}

/** The outcome of `promise`, observed from now on, so its rejection is never unhandled. */
function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason: unknown) => ({ status: 'rejected', reason }) as const,
  );
}
