/**
 * The warehouse contract on a live DB2, through the real ibm_db, when DB2_TEST_URL names one, e.g.
 *   DB2_TEST_URL='db2://user:pass@host:50001/BLUDB?security=SSL' npx jest test/warehouse/db2-live
 * It creates and drops tables named CONTRACT_* in the user's default schema (and CONTRACT_S.SALES).
 * Dropping the server's connections needs FORCE APPLICATION authority, so that one test is skipped.
 */
import { loadIbmDb } from '../../lib/dialect/db2/db2-connection';
import { warehouseContract } from './contract';
import { db2Target } from './db2-target';

const url = process.env.DB2_TEST_URL;

if (url) {
  warehouseContract(
    db2Target({
      name: 'db2 (live)',
      url,
      mysqlDatabase: 'test_contract_db2_live',
      driver: loadIbmDb,
    }),
  );
} else {
  describe('warehouse contract: db2 (live)', () => {
    test.skip('skipped: DB2_TEST_URL is not set (e.g. db2://user:pass@host:50001/BLUDB?security=SSL) and no DB2 server or driver is installed here', () => undefined);
  });
}
