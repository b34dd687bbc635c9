/**
 * Picks the warehouse module by URL; each is loaded only when used (ibm_db is never loaded for
 * PostgreSQL or MySQL).
 */
import type { ConnectionTarget } from '../connection-url';
import { ConnectionError, oneLine, SyncError } from '../errors';
import type { Warehouse } from './warehouse';

export async function openWarehouse(target: ConnectionTarget): Promise<Warehouse> {
  try {
    return await openByKind(target);
  } catch (error) {
    // Each module names the common failures; anything else (a driver throwing while it reads its
    // options, e.g. an sslrootcert file that is not there) is still a refusal: nothing was written.
    if (error instanceof SyncError) throw error;
    throw new ConnectionError(`warehouse ${target.redacted} could not be opened: ${oneLine(error)}${hint(error)}`);
  }
}

function hint(error: unknown): string {
  const e = error as { code?: string; path?: string };
  if (e.code === 'ENOENT' || e.code === 'EACCES') {
    return (
      ' (a file the URL names, e.g. sslrootcert, sslcert or sslkey, is missing or ' +
      'unreadable: check the path in --warehouse / SYNC_WAREHOUSE_URL)'
    );
  }
  return ' (check --warehouse / SYNC_WAREHOUSE_URL)';
}

async function openByKind(target: ConnectionTarget): Promise<Warehouse> {
  switch (target.kind) {
    case 'postgres': {
      const { PostgresWarehouse } = await import('./postgres/postgres-warehouse');
      return PostgresWarehouse.open(target);
    }
    case 'db2': {
      const { Db2Warehouse } = await import('./db2/db2-warehouse');
      return Db2Warehouse.open(target);
    }
    case 'mysql': {
      const { MySqlWarehouse } = await import('./mysql/mysql-warehouse');
      return MySqlWarehouse.open(target);
    }
  }
}
