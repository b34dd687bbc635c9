/**
 * The bundled CLI loads node:tls only when a connection asks for TLS (scripts/build.js,
 * LAZY_BUILTINS): a plain run must not load it, and a TLS connection must still work. The local
 * PostgreSQL speaks no TLS, so a proxy answers PostgreSQL's SSLRequest, terminates TLS with a
 * self-signed test certificate, and passes the plain protocol on to the server.
 */
import fs from 'fs';
import net from 'net';
import path from 'path';
import tls from 'tls';
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  warehouseKeys,
  type ChildResult,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_tls';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'tls');
const SSL_REQUEST = 80877103;

class PgTlsTerminator {
  private server!: net.Server;
  private sockets = new Set<net.Socket>();
  /** Connections whose protocol bytes arrived decrypted through TLS. */
  tlsSessions = 0;
  port = 0;

  async start(): Promise<this> {
    const key = fs.readFileSync(path.join(FIXTURES, 'localhost.key'));
    const cert = fs.readFileSync(path.join(FIXTURES, 'localhost.crt'));
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.on('error', () => client.destroy());
      client.once('data', (first) => {
        if (first.length !== 8 || first.readInt32BE(4) !== SSL_REQUEST) return void client.destroy();
        client.write('S');
        const secure = new tls.TLSSocket(client, { isServer: true, key, cert });
        const upstream = net.connect(5432, '127.0.0.1');
        this.sockets.add(secure).add(upstream);
        const drop = () => {
          secure.destroy();
          upstream.destroy();
        };
        secure.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        secure.once('data', () => this.tlsSessions++);
        secure.pipe(upstream).pipe(secure);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The built CLI as its own process, reporting whether it loaded node:tls. */
async function cliReportingTls(args: string[]): Promise<ChildResult & { tlsLoaded: boolean }> {
  const run = await cliProcess(args, {}, undefined, [
    '-r',
    path.join(__dirname, '..', 'support', 'report-tls-loaded.js'),
  ]);
  const loaded = /tls-loaded=(true|false)\n/.exec(run.stderr);
  return { ...run, stderr: run.stderr.replace(/tls-loaded=\w+\n/, ''), tlsLoaded: loaded?.[1] === 'true' };
}

let db: TestDatabases;
let proxy: PgTlsTerminator;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  proxy = await new PgTlsTerminator().start();
});
afterAll(async () => {
  await proxy.stop();
  await db.close();
});

test('a plain run never loads node:tls', async () => {
  await generateRows(db, 1, 500);
  const run = await cliReportingTls([
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
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 500, watermarkAfter: 500 });
  expect(run.tlsLoaded).toBe(false);
});

test('a warehouse URL with sslmode loads it on demand, and the batch travels through TLS', async () => {
  await generateRows(db, 501, 1200);
  const warehouse = `postgres://root@127.0.0.1:${proxy.port}/${DB}?sslmode=no-verify`;
  const run = await cliReportingTls([
    '--source',
    db.sourceUrl,
    '--warehouse',
    warehouse,
    '--table',
    'sales_data',
    '--json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ watermarkBefore: 500, inserted: 700, watermarkAfter: 1200 });
  expect(run.tlsLoaded).toBe(true);
  expect(proxy.tlsSessions).toBe(1);
  expect(await warehouseKeys(db)).toEqual({ count: 1200, distinct: 1200, min: 1, max: 1200 });
});
