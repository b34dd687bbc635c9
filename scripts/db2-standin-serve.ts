/**
 * Runs the project's DB2 engine behind the stand-in libdb2.so.1's wire (test/fakes/ibm_db/wire.ts)
 * on 127.0.0.1, for scripts/db2-standin.sh. Prints `PORT=<n>` once listening; stops on SIGTERM.
 * Users and databases: DB2_STANDIN_USER / DB2_STANDIN_PASSWORD (default db2inst1 / db2-secret),
 * database BLUDB.
 */
import { FakeDb2Server } from '../test/fakes/ibm_db/server';
import { serveWire } from '../test/fakes/ibm_db/wire';

async function main(): Promise<void> {
  const user = process.env.DB2_STANDIN_USER ?? 'db2inst1';
  const password = process.env.DB2_STANDIN_PASSWORD ?? 'db2-secret';
  const wanted = Number(process.env.DB2_STANDIN_PORT ?? '0');
  const served = await serveWire(
    (port) => new FakeDb2Server({ host: '127.0.0.1', port, users: { [user]: password } }),
    wanted,
  );
  process.stdout.write(`PORT=${served.port}\n`);
  process.on('SIGTERM', () => void served.stop().then(() => process.exit(0)));
}

void main();
