/** The warehouse contract on DB2, through the fake ibm_db (test/fakes/ibm_db). */
import { useIbmDbDriver } from '../../lib/warehouse/db2/db2-driver';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';
import { warehouseContract } from './contract';
import { db2Target } from './db2-target';

const server = new FakeDb2Server();
const ibmdb = createFakeIbmDb(server);

warehouseContract(
  db2Target({
    name: 'db2 (fake ibm_db)',
    url: 'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB',
    mysqlDatabase: 'test_contract_db2_fake',
    driver: () => ibmdb,
    setUp: async () => useIbmDbDriver(ibmdb),
    tearDown: async () => useIbmDbDriver(null),
    dropConnections: async () => {
      server.dropConnections();
    },
  }),
);
