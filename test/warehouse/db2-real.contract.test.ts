/**
 * The warehouse contract on DB2 through the real ibm_db: its JavaScript and prebuilt binding, the
 * project's stand-in libdb2.so.1, the project's DB2 engine (test/warehouse/db2-standin.ts).
 */
import { warehouseContract } from './contract';
import { db2Target } from './db2-target';
import { startStandin, type Standin } from './db2-standin';

let standin: Standin;
// Registered before the contract's own beforeAll, which reads the URL (with the engine's port).
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin?.stop());

warehouseContract(
  db2Target({
    name: 'db2 (real ibm_db → stand-in)',
    // The port is known only once the engine listens: db2Target reads the URL when it connects.
    get url() {
      return standin.url;
    },
    mysqlDatabase: 'test_contract_db2_real',
    driver: () => standin.driver,
    dropConnections: async () => {
      standin.server.dropConnections();
    },
  }),
);
