import type { ConnectionTarget } from '../../connection-url';
import { DriverMissingError } from '../../errors';
import type { Warehouse } from '../warehouse';

export class Db2Warehouse {
  static async open(_target: ConnectionTarget): Promise<Warehouse> {
    throw new DriverMissingError('the DB2 warehouse is not implemented yet');
  }
}
