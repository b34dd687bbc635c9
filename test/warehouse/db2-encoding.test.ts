/**
 * Text encoding, through the real ibm_db over the stand-in libdb2.so.1: ibm_db binds
 * strings as SQL_C_CHAR bytes, which IBM's CLI reads in the application code page (DB2CODEPAGE,
 * else the process locale). In a process with LANG=C and no DB2CODEPAGE, 'é' would be stored as
 * 'Ã©' (node-ibm_db issues 471, 473, 579, 812). The CLI runs as a user starts it, in its own
 * process, with the stand-in found through LD_LIBRARY_PATH (as scripts/db2-standin.sh prints).
 */
import mysql from 'mysql2/promise';
import * as path from 'path';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { cliProcess, MYSQL_SERVER } from '../support/databases';
import { startStandin, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'test_db2_encoding';
const TEXTS = ['é', '日本', 'a 🎉 b', 'plain'];
let standin: Standin;
let db2: IbmDbConnection;

beforeAll(async () => {
  standin = await startStandin();
  db2 = await standin.driver.open(standin.connectionString);
  await db2.query('CREATE TABLE T_TEXT (ID INTEGER NOT NULL PRIMARY KEY, NAME VARCHAR(40))');
  const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_DATABASE}; CREATE DATABASE ${MYSQL_DATABASE} CHARACTER SET utf8mb4; USE ${MYSQL_DATABASE};
    CREATE TABLE t_text (id INT NOT NULL PRIMARY KEY, name VARCHAR(10)) CHARACTER SET utf8mb4`);
  await admin.query('INSERT INTO t_text VALUES ?', [TEXTS.map((t, i) => [i + 1, t])]);
  await admin.end();
});
afterAll(async () => {
  await db2?.close();
  await standin?.stop();
});

test("with LANG=C and no DB2CODEPAGE, 'é', '日本' and an emoji survive a sync and verify exits 0", async () => {
  // Only what a bare container has: no UTF-8 locale, no DB2CODEPAGE.
  const env = { LANG: 'C', LD_LIBRARY_PATH: path.dirname(require.resolve('../../build/db2-standin/libdb2.so.1')) };
  const args = [
    '--source',
    `${MYSQL_SERVER}/${MYSQL_DATABASE}`,
    '--warehouse',
    standin.url,
    '--table',
    't_text',
    '--key',
    'id',
  ];
  const run = await cliProcess(['run', ...args], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const rows = await db2.query('SELECT ID, NAME, LENGTH(NAME) AS BYTES FROM T_TEXT ORDER BY ID');
  expect(rows).toEqual(TEXTS.map((t, i) => ({ ID: i + 1, NAME: t, BYTES: Buffer.byteLength(t) })));
  const verify = await cliProcess(['verify', ...args], env);
  expect(verify.stderr).toBe('');
  expect(verify.code).toBe(0);
});
