/**
 * The real ibm_db driver in a test process: its prebuilt binding (scripts/ibm-db-binding.js), the
 * project's stand-in libdb2.so.1 loaded by soname before ibm_db is required, and the project's DB2
 * engine served on 127.0.0.1 behind it (test/fakes/ibm_db/wire.ts). lib/warehouse/db2 then loads
 * `require('ibm_db')` as in production: no injected fake.
 *
 * The engine runs on this process's event loop and ibm_db's async calls block libuv pool threads
 * on its socket, so tests must use ibm_db's async (promise) forms only: a *Sync call here would
 * wait on the very loop that has to answer it.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { useIbmDbDriver, type IbmDbModule } from '../../lib/dialect/db2/db2-connection';
import { FakeDb2Server } from '../fakes/ibm_db';
import { serveWire, type Execution } from '../fakes/ibm_db/wire';

const ROOT = path.resolve(__dirname, '../..');
export const STANDIN_LIBRARY = path.join(ROOT, 'build', 'db2-standin', 'libdb2.so.1');

export interface Standin {
  server: FakeDb2Server;
  port: number;
  /** db2:// URL of the engine (user db2inst1, password db2-secret, database BLUDB). */
  url: string;
  /** The same as a DB2 CLI connection string. */
  connectionString: string;
  driver: IbmDbModule;
  /** Every SQLExecute / SQLExecDirect the engine received, in order (an array insert is one). */
  executions: Execution[];
  /**
   * After `after` such statements, a connection that sends SQL matching `sql` is never answered
   * again (a stalled server or network).
   */
  stallOn(sql: RegExp, after?: number): void;
  stop(): Promise<void>;
}

/** Loads the real ibm_db over the stand-in; every later require('ibm_db') in this process gets it. */
export function realIbmDb(): IbmDbModule {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ibm-db-binding.js')], { stdio: 'ignore' });
  process.dlopen({ exports: {} } as NodeJS.Module, STANDIN_LIBRARY);
  return require('ibm_db') as IbmDbModule;
}

export async function startStandin(): Promise<Standin> {
  const driver = realIbmDb();
  useIbmDbDriver(null);
  const served = await serveWire((port) => new FakeDb2Server({ host: '127.0.0.1', port }));
  return {
    server: served.server,
    port: served.port,
    url: `db2://db2inst1:db2-secret@127.0.0.1:${served.port}/BLUDB`,
    connectionString: `DATABASE=BLUDB;HOSTNAME=127.0.0.1;PORT=${served.port};PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;`,
    driver,
    executions: served.executions,
    stallOn: served.stallOn,
    stop: served.stop,
  };
}
