/**
 * The CLI process does not wait for the servers to close their end of the connections (a few ms of
 * every run), but it still says goodbye first: MariaDB counts a client that vanishes without
 * COM_QUIT in Aborted_clients.
 */
import { cliProcess, createCourseTables, freshDatabases, generateRows, type TestDatabases } from '../support/databases';

const DB = 'test_cli_exit';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 300);
});
afterAll(() => db.close());

const abortedClients = async () => {
  const [rows] = await db.mysql.query("SHOW GLOBAL STATUS LIKE 'Aborted_clients'");
  return Number((rows as Array<{ Value: string }>)[0].Value);
};

test('a run and a rerun with nothing new each end their MySQL session with COM_QUIT', async () => {
  const before = await abortedClients();
  for (const inserted of [300, 0]) {
    const run = await cliProcess([
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      'sales_data',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted, watermarkAfter: 300 });
  }
  // The server notes an aborted client when it reads the EOF, which may be just after the exit.
  await new Promise((r) => setTimeout(r, 200));
  expect(await abortedClients()).toBe(before);
});
