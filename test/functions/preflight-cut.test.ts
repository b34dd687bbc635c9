/**
 * A connection cut, or a database that stops answering, while tables are checked (after
 * connecting, before any lock or write): the built CLI refuses with exit 2 and one line naming the
 * database that went and what to check, and writes nothing (not exit 1 with the driver's bare words).
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
  [
    'source',
    3306,
    400,
    /^warehouse-sync: lost the connection to the source \(mysql:\/\/root@127\.0\.0\.1:\d+\/test_fn_preflight_cut\): Connection lost: The server closed the connection\.; check that it is up and reachable from here \(.*\), then run again; nothing was written\n$/,
  ],
  [
    'warehouse',
    5432,
    600,
    /^warehouse-sync: lost the connection to the warehouse \(postgres:\/\/root@127\.0\.0\.1:\d+\/test_fn_preflight_cut\): Connection terminated unexpectedly; check that it is up and reachable from here \(.*\), then run again; nothing was written\n$/,
  ],
] as const)(
  'the %s cut during the checks: exit 2, one line naming it, nothing written',
  async (role, port, bytes, message) => {
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
  },
);

// A database that stops answering at the same point is as unreachable as one cut: the same
// refusal, exit 2, naming it and the setting that bounded the wait.
test.each([
  ['source', 3306, 'information_schema', 'MySQL'],
  ['warehouse', 5432, 'pg_namespace', 'PostgreSQL'],
] as const)(
  'the %s stalls during the checks: exit 2, one line naming it, nothing written',
  async (role, port, statement, product) => {
    const proxy = await new TcpProxy(port).start();
    try {
      proxy.stallWhenSent(statement);
      const via = `127.0.0.1:${proxy.port}`;
      const source = role === 'source' ? db.sourceUrl.replace('127.0.0.1:3306', via) : db.sourceUrl;
      const warehouse = role === 'warehouse' ? db.warehouseUrl.replace('127.0.0.1:5432', via) : db.warehouseUrl;
      const result = await cliProcess(['run', '--source', source, '--warehouse', warehouse, '--timeout', '1']);
      expect(proxy.stalls).toBe(1);
      expect(result.stderr).toBe(
        `warehouse-sync: the ${role} (${product} at ${via}) stopped answering: nothing came ` +
          `back for 2 s while a reply was due ` +
          '(--timeout / SYNC_TIMEOUT_SECONDS); check that server and the network to it, then run ' +
          'again; nothing was written\n',
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(await warehouseRows()).toBe(0);
    } finally {
      await proxy.stop();
    }
  },
  15_000,
);
