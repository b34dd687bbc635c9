/** Picks the warehouse module by URL; each is loaded only when used (ibm_db is never loaded for PostgreSQL or MySQL). */
import type { ConnectionTarget } from '../connection-url';
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
    case 'mysql': {
      const { MySqlWarehouse } = await import('./mysql/mysql-warehouse');
      return MySqlWarehouse.open(target);
    }
  }
}
