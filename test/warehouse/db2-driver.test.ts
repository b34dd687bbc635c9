/**
 * Loading ibm_db and connecting: without its native driver a db2: run stops with exit 2 and one line
 * saying what is missing and how to install it; db2:// URLs and raw CLI strings reach DB2 as the CLI
 * connection string they mean; login failures name what to fix and never show the password.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseConnectionUrl } from '../../lib/connection-url';
import { toDb2Endpoint, useIbmDbDriver } from '../../lib/dialect/db2/db2-connection';
import { Db2Warehouse } from '../../lib/warehouse/db2/db2-warehouse';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';
import { cli, cliProcess, MYSQL_SERVER } from '../support/databases';

const SOURCE = `${MYSQL_SERVER}/mysql`;

function target(url: string) {
  const parsed = parseConnectionUrl(url, 'warehouse');
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

function ibmDbInstalled(): boolean {
  try {
    require.resolve('ibm_db');
    return true;
  } catch {
    return false;
  }
}

const INSTALL =
  'set IBM_DB_HOME to an installed IBM clidriver and run `npm install-scripts approve ' +
  'ibm_db && npm rebuild ibm_db`, ' +
  'or run `npm install-scripts approve ibm_db && npm install ibm_db` on a machine that ' +
  'can download IBM\'s driver (see the README, "IBM DB2 as the warehouse")';

describe('without the DB2 driver', () => {
  beforeAll(() => useIbmDbDriver(null));

  test('a db2:// run exits 2 with one line naming what is missing and how to install it', async () => {
    // In its own process (dist/cli.js): other test files in this jest process may have loaded the
    // real ibm_db over the stand-in libdb2.so.1 (test/warehouse/db2-standin.ts), which stays loaded.
    const run = await cliProcess([
      '--source',
      SOURCE,
      '--warehouse',
      'db2://db2inst1:hunter2-secret@db2.example.com:50001/BLUDB?security=SSL',
    ]);
    // scripts/ibm-db-binding.js (run by `npm test`) puts ibm_db's prebuilt binding in place, so what is
    // missing here is IBM's libdb2.so.1 (the stand-in is only loaded where LD_LIBRARY_PATH asks for it).
    const missing = !ibmDbInstalled()
      ? 'DB2 driver missing: the npm package ibm_db is not installed (it is an optional dependency); '
      : fs.existsSync(
            path.join(path.dirname(require.resolve('ibm_db/package.json')), 'build', 'Release', 'odbc_bindings.node'),
          )
        ? 'DB2 driver missing: the IBM clidriver library libdb2.so.1 could not be loaded ' +
          '(clidriver not installed, or IBM_DB_HOME / LD_LIBRARY_PATH not pointing at it; on AWS ' +
          'Lambda add the layer built by scripts/build-ibm-db-layer.sh); '
        : 'DB2 driver missing: ibm_db is installed but its native part (odbc_bindings.node, ' +
          "built against IBM's clidriver by its install script) is not; ";
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`warehouse-sync: ${missing}${INSTALL}\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('hunter2');
  });

  test('--json carries the same line', async () => {
    const run = await cliProcess([
      '--json',
      '--source',
      SOURCE,
      '--warehouse',
      'DATABASE=BLUDB;HOSTNAME=db2.example.com;PORT=50000;PROTOCOL=TCPIP;UID=u;PWD=hunter2-secret;',
    ]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^DB2 driver missing: .*\(see the README, "IBM DB2 as the warehouse"\)$/),
    });
    expect(run.stdout + run.stderr).not.toContain('hunter2');
  });
});

describe('connection URLs → DB2 CLI connection strings', () => {
  test.each([
    [
      'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB',
      'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;',
    ],
    [
      'db2://u:p@host.example/BLUDB?security=SSL',
      'DATABASE=BLUDB;HOSTNAME=host.example;PORT=50001;PROTOCOL=TCPIP;UID=u;PWD=p;SECURITY=SSL;',
    ],
    [
      'db2://u:p@host.example:31198/BLUDB?sslConnection=true&sslservercertificate=/certs/db2.arm&currentSchema=SALES',
      'DATABASE=BLUDB;HOSTNAME=host.example;PORT=31198;PROTOCOL=TCPIP;UID=u;PWD=p;SSLServerCertificate=/certs/db2.arm;CurrentSchema=SALES;SECURITY=SSL;',
    ],
    [
      'db2://u:p%3Bw%7Brd@host.example:50000/BLUDB?LOCKTIMEOUT=30',
      'DATABASE=BLUDB;HOSTNAME=host.example;PORT=50000;PROTOCOL=TCPIP;UID=u;PWD={p;w{rd};LockTimeout=30;',
    ],
    [
      'DATABASE=BLUDB;HOSTNAME=host.example;PORT=50001;PROTOCOL=TCPIP;UID=u;PWD=p;SECURITY=SSL',
      'DATABASE=BLUDB;HOSTNAME=host.example;PORT=50001;PROTOCOL=TCPIP;UID=u;PWD=p;SECURITY=SSL;',
    ],
  ])('%s', (url, expected) => {
    expect(toDb2Endpoint(target(url)).connectionString).toBe(expected);
  });
});

describe('connecting to DB2 (the fake server checks host, port, SSL and login)', () => {
  const server = new FakeDb2Server({ users: { db2inst1: 'db2-secret', 'odd user': 'p;w{rd}' } });
  beforeAll(() => useIbmDbDriver(createFakeIbmDb(server)));
  afterAll(() => useIbmDbDriver(null));

  test.each([
    ['plain TCP/IP', 'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB'],
    ['SSL on the default SSL port', 'db2://db2inst1:db2-secret@db2.fake.test/BLUDB?security=SSL'],
    ['a password with ; and braces', 'db2://odd%20user:p%3Bw%7Brd%7D@db2.fake.test:50000/BLUDB'],
    [
      "the course's raw CLI string",
      'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;',
    ],
  ])('%s connects', async (_case, url) => {
    const warehouse = await Db2Warehouse.open(target(url));
    expect(await warehouse.describeTable({ schema: null, name: 'no_such_table' })).toBeNull();
    await warehouse.close();
  });

  test('currentSchema in the URL sets the schema unqualified names resolve in', async () => {
    const setup = await createFakeIbmDb(server).open(
      'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;UID=db2inst1;PWD=db2-secret;',
    );
    await setup.query('CREATE TABLE SALES.SALES_DATA (rowid INTEGER NOT NULL)');
    await setup.close();
    const warehouse = await Db2Warehouse.open(
      target('db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB?currentSchema=SALES'),
    );
    expect((await warehouse.describeTable({ schema: null, name: 'sales_data' }))?.display).toBe('SALES.SALES_DATA');
    await warehouse.close();
  });

  test.each([
    [
      'a wrong password',
      'db2://db2inst1:wrong-secret@db2.fake.test:50000/BLUDB',
      'warehouse-sync: warehouse refused the login for user "db2inst1" at ' +
        'db2.fake.test:50000 (SQL30082N): check the user and password in --warehouse / ' +
        'SYNC_WAREHOUSE_URL\n',
    ],
    [
      'SSL against the plain port',
      'db2://db2inst1:wrong-secret@db2.fake.test:50000/BLUDB?security=SSL',
      'warehouse-sync: warehouse at db2.fake.test:50000 could not be reached (SQL30081N): ' +
        'check host and port in --warehouse, and add ?security=SSL for an SSL port (Db2 on ' +
        'Cloud: 50001 or the port it shows)\n',
    ],
    [
      'an unknown database',
      'db2://db2inst1:db2-secret@db2.fake.test:50000/NODB',
      'warehouse-sync: warehouse database "NODB" was not found at db2.fake.test:50000 ' +
        '(SQL30061N): check the database name in --warehouse (Db2 on Cloud: BLUDB)\n',
    ],
  ])('%s: exit 2, one line naming what to fix, no password', async (_case, url, message) => {
    const run = await cli(['--source', SOURCE, '--warehouse', url]);
    expect(run.stderr).toBe(message);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('secret');
  });
});
