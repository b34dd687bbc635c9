/** Picks the warehouse module by URL; each is loaded only when used (ibm_db is never loaded for PostgreSQL). */
import type { ConnectionTarget } from '../connection-url';
import { ConfigError } from '../errors';
import type { Warehouse } from './warehouse';

export async function openWarehouse(target: ConnectionTarget): Promise<Warehouse> {
  switch (target.kind) {
    case 'postgres': {
      const { PostgresWarehouse } = await import('./postgres/postgres-warehouse');
      return PostgresWarehouse.open(target);
    }
    case 'db2': {
      const { Db2Warehouse } = await import('./db2/db2-warehouse');
      return Db2Warehouse.open(target);
    }
    default:
      throw new ConfigError([`a ${target.kind} warehouse is not supported (use postgres:// or db2://)`]);
  }
}
