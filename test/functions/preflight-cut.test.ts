/**
 * A connection cut while tables are checked (after connecting, before any lock or write) is a
 * refusal of the built CLI: exit 2, one line naming the database that went and what to check (not
 * the driver's bare words), nothing written.
 */
import { cliProcess, createCourseTables, freshDatabases, generateRows, type TestDatabases } from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';
import { buildBundles } from './support';

const DB = 'test_fn_preflight_cut';
let db: TestDatabases;

beforeAll(async () => {
  buildBundles(['cli-bundle']);
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 100);
});
afterAll(() => db.close());

const warehouseRows = async () => Number((await db.pg.query('SELECT count(*) AS n FROM sales_data')).rows[0].n);

test.each([
  // Bytes the client sends before the cut: past the handshake, inside the table checks.
  ['source', 3306, 400, /^warehouse-sync: lost the connection to the source \(mysql:\/\/root@127\.0\.0\.1:\d+\/test_fn_preflight_cut\): Connection lost: The server closed the connection\.; check that it is up and reachable from here \(.*\), then run again; nothing was written\n$/],
  ['warehouse', 5432, 600, /^warehouse-sync: lost the connection to the warehouse \(postgres:\/\/root@127\.0\.0\.1:\d+\/test_fn_preflight_cut\): Connection terminated unexpectedly; check that it is up and reachable from here \(.*\), then run again; nothing was written\n$/],
] as const)('the %s cut during the checks: exit 2, one line naming it, nothing written', async (role, port, bytes, message) => {
  const proxy = await new TcpProxy(port).start();
  try {
    proxy.cutAfter(bytes, { thenRefuse: true });
    const via = `127.0.0.1:${proxy.port}`;
    const source = role === 'source' ? db.sourceUrl.replace('127.0.0.1:3306', via) : db.sourceUrl;
    const warehouse = role === 'warehouse' ? db.warehouseUrl.replace('127.0.0.1:5432', via) : db.warehouseUrl;
    const result = await cliProcess(['run', '--source', source, '--warehouse', warehouse, '--timeout', '5']);
    expect(proxy.cuts).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(await warehouseRows()).toBe(0);
  } finally {
    await proxy.stop();
  }
});
