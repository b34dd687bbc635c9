/**
 * db2:// URL query parameters become DB2 CLI connection-string keywords. IBM's CLI ignores a keyword
 * it does not know or refuses the connect without naming it, so the built CLI accepts only the
 * documented keywords it passes on (lib/dialect/db2/db2-keywords.ts) and refuses any other with
 * one line, exit 2, before connecting. Accepted keywords reach the CLI's connect (the stand-in
 * libdb2.so.1 forwards the connection string to the engine, which records it).
 */
import mysql from 'mysql2/promise';
import * as path from 'path';
import { cliProcess, MYSQL_SERVER, type ChildResult } from '../support/databases';
import { startStandin, STANDIN_LIBRARY, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'h2_db2_url_keywords';
const SOURCE = `${MYSQL_SERVER}/${MYSQL_DATABASE}`;
let standin: Standin;

beforeAll(async () => {
  standin = await startStandin();
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_DATABASE}; CREATE DATABASE ${MYSQL_DATABASE}; USE ${MYSQL_DATABASE};
    CREATE TABLE sales_data (rowid INT NOT NULL PRIMARY KEY, quantity INT NOT NULL); INSERT INTO sales_data VALUES (1, 1), (2, 2)`);
  await admin.end();
  const db2 = await standin.driver.open(standin.connectionString);
  await db2.query('CREATE TABLE SALES.SALES_DATA (ROWID INTEGER NOT NULL, QUANTITY INTEGER NOT NULL)');
  await db2.close();
});
afterAll(async () => standin?.stop());

const env = () => ({ LD_LIBRARY_PATH: path.dirname(STANDIN_LIBRARY) });

function oneLine(result: ChildResult): string {
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

const ACCEPTED =
  'SECURITY, AUTHENTICATION, SSLServerCertificate, SSLClientKeystoredb, ' +
  'SSLClientKeystash, SSLClientLabel, CurrentSchema, ' +
  'CurrentFunctionPath, CurrentPackageSet, LockTimeout, ConnectTimeout, ' +
  'KeepAliveTimeout, ReceiveTimeout, QueryTimeoutInterval, ' +
  'ClientApplName, ClientUserID, ClientWrkStnName, ClientAcctStr, ProgramName, and sslConnection=true';

test.each([
  [
    'an unknown keyword, named',
    '?currentSchema=SALES&fetchSize=100',
    `warehouse-sync: warehouse URL query parameter "fetchSize" is not a DB2 CLI keyword ` +
      `this tool passes on; accepted (any case): ${ACCEPTED} (set --warehouse or ` +
      `SYNC_WAREHOUSE_URL)`,
  ],
  [
    'a bare word, which may be a misplaced password, by position only',
    '?security=SSL&Tr0ub4dor',
    `warehouse-sync: warehouse URL query parameter 2 (not shown, as it may hold a ` +
      `password) is not a DB2 CLI keyword this tool passes on; accepted (any case): ` +
      `${ACCEPTED} (set --warehouse or SYNC_WAREHOUSE_URL)`,
  ],
  [
    'a keyword the URL itself gives',
    '?pwd=other',
    "warehouse-sync: warehouse URL parameter PWD is set by the URL's own parts (user, " +
      'password, host, port, database): remove "?pwd=…" (set --warehouse or ' +
      'SYNC_WAREHOUSE_URL)',
  ],
])('%s: exit 2, one line, nothing connected', async (_case, query, line) => {
  const before = standin.server.connectionStrings.length;
  const result = await cliProcess(['--source', SOURCE, '--warehouse', `${standin.url}${query}`], env());
  expect(result.code).toBe(2);
  expect(oneLine(result)).toBe(line);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toContain('db2-secret');
  expect(result.stderr).not.toContain('Tr0ub4dor');
  expect(standin.server.connectionStrings.length).toBe(before);
});

test("documented keywords, in any case, reach the CLI connect with IBM's spelling and take effect", async () => {
  const before = standin.server.connectionStrings.length;
  const result = await cliProcess(
    [
      'status',
      '--source',
      SOURCE,
      '--warehouse',
      `${standin.url}?CURRENTSCHEMA=SALES&clientApplName=nightly-sync`,
      '--json',
    ],
    env(),
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // The table was found in SALES, the schema the keyword chose.
  expect(JSON.parse(result.stdout)).toMatchObject({
    ok: true,
    tables: [{ table: 'sales_data', watermark: null, sourceHighKey: 2, pending: 2 }],
  });
  const strings = standin.server.connectionStrings.slice(before);
  expect(strings.length).toBeGreaterThan(0);
  for (const s of strings) expect(s).toMatch(/;CurrentSchema=SALES;ClientApplName=nightly-sync;/);
});
