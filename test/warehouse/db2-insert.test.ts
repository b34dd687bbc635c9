/**
 * The DB2 insert path through the real ibm_db (its JavaScript and prebuilt binding) over the
 * stand-in libdb2.so.1 and the project's DB2 engine (./db2-standin): what ibm_db allocates and binds
 * for an array insert (src/odbc.cpp GetArrayParam, BindParameters) meets a CLI that reads those very
 * buffers.
 */
import mysql from 'mysql2/promise';
import * as path from 'path';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { cli, cliProcess, MYSQL_SERVER } from '../support/databases';
import { startStandin, type Standin } from './db2-standin';

const MYSQL_DATABASE = 'test_db2_insert';
const MB = 1024 * 1024;
let standin: Standin;
let db2: IbmDbConnection;
let source: mysql.Connection;

beforeAll(async () => {
  standin = await startStandin();
  db2 = await standin.driver.open(standin.connectionString);
  source = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
  await source.query(
    `DROP DATABASE IF EXISTS ${MYSQL_DATABASE}; CREATE DATABASE ${MYSQL_DATABASE} ` +
      `CHARACTER SET utf8mb4; USE ${MYSQL_DATABASE}`,
  );
});
afterAll(async () => {
  await source?.end();
  await db2?.close();
  await standin?.stop();
});

const args = (table: string, ...more: string[]) => [
  '--source',
  `${MYSQL_SERVER}/${MYSQL_DATABASE}`,
  '--warehouse',
  standin.url,
  '--table',
  table,
  '--key',
  'id',
  ...more,
];
const inserts = (table: string) =>
  standin.executions.filter((e) => e.sql.startsWith(`INSERT INTO "DB2INST1"."${table}"`));

test(
  '20,000 rows with one 100 kB value load in a CLI process under 200 MB peak RSS (ibm_db ' +
    'sizes every row of an array by its longest value)',
  async () => {
    const big = 'abcdefghij'.repeat(10_000);
    await source.query(`CREATE TABLE t_wide (id INT NOT NULL PRIMARY KEY, product_id INT NOT NULL, quantity INT NOT NULL, note MEDIUMTEXT NULL);
    INSERT INTO t_wide SELECT seq, seq % 1000, seq % 5 + 1, IF(seq = 10000, REPEAT('abcdefghij', 10000), CONCAT('note ', seq)) FROM seq_1_to_20000`);
    await db2.query(
      'CREATE TABLE T_WIDE (ID INTEGER NOT NULL PRIMARY KEY, PRODUCT_ID INTEGER NOT NULL, ' +
        'QUANTITY INTEGER NOT NULL, NOTE CLOB(16M))',
    );
    const env = { LD_LIBRARY_PATH: path.dirname(require.resolve('../../build/db2-standin/libdb2.so.1')) };
    const run = await cliProcess(['run', ...args('t_wide', '--batch-size', '20000')], env);
    console.log(
      `20,000 rows with one 100 kB value: peak RSS ${(run.peakRssBytes! / MB).toFixed(1)} ` +
        `MB, ${inserts('T_WIDE').length} array executes`,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.peakRssBytes).toBeLessThan(200 * MB);
    expect(
      await db2.query('SELECT COUNT(*) AS N, MIN(ID) AS LO, MAX(ID) AS HI, SUM(QUANTITY) AS Q FROM T_WIDE'),
    ).toEqual([{ N: 20000, LO: 1, HI: 20000, Q: 60000 }]);
    expect(await db2.query('SELECT ID, NOTE FROM T_WIDE WHERE ID IN (9999, 10000, 10001) ORDER BY ID')).toEqual([
      { ID: 9999, NOTE: 'note 9999' },
      { ID: 10000, NOTE: big },
      { ID: 10001, NOTE: 'note 10001' },
    ]);
    // Every row went in through an array execute, none row by row.
    expect(inserts('T_WIDE').reduce((n, e) => n + e.sets, 0)).toBe(20000);
    expect(inserts('T_WIDE').every((e) => e.sets > 1)).toBe(true);
  },
);

test('a table with a BINARY(16) column loads with one array execute per slice, byte for byte', async () => {
  // Values with zero bytes inside and at the end, bytes above 0x7F, empty and NULL VARBINARY.
  await source.query(`CREATE TABLE t_bin (id INT NOT NULL PRIMARY KEY, uid BINARY(16) NOT NULL, tag VARBINARY(20) NULL, name VARCHAR(10) NOT NULL);
    INSERT INTO t_bin SELECT seq,
      CASE seq WHEN 1 THEN REPEAT(X'00', 16) WHEN 2 THEN CONCAT(X'41', REPEAT(X'00', 15)) WHEN 3 THEN REPEAT(X'FF', 16) ELSE UNHEX(MD5(seq)) END,
      CASE WHEN seq = 4 THEN X'' WHEN seq % 3 = 0 THEN NULL ELSE UNHEX(SHA1(seq)) END,
      CONCAT('n', seq) FROM seq_1_to_3000`);
  await db2.query(
    'CREATE TABLE T_BIN (ID INTEGER NOT NULL PRIMARY KEY, UID BINARY(16) NOT NULL, TAG ' +
      'VARBINARY(20), NAME VARCHAR(40) NOT NULL)',
  );
  const before = standin.executions.length;
  const run = await cli(['run', ...args('t_bin', '--batch-size', '1000')]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  // Three batches of 1,000 rows: three array executes of 1,000 rows, not 3,000 executes of one.
  expect(inserts('T_BIN').map((e) => e.sets)).toEqual([1000, 1000, 1000]);
  expect(standin.executions.length - before).toBeLessThan(60);
  const [want] = await source.query<mysql.RowDataPacket[]>({
    sql: 'SELECT id, uid, tag, name FROM t_bin ORDER BY id',
    rowsAsArray: true,
  });
  const got = await db2.query('SELECT ID, UID, TAG, NAME FROM T_BIN ORDER BY ID');
  expect(got.map((r) => [r.ID, r.UID, r.TAG, r.NAME])).toEqual(want);
  expect(got[1].UID).toEqual(Buffer.from('41000000000000000000000000000000', 'hex'));
  expect(got[3].TAG).toEqual(Buffer.alloc(0));
  const verify = await cli(['verify', ...args('t_bin')]);
  expect(verify.stderr).toBe('');
  expect(verify.code).toBe(0);
});

test(
  'a column that is NULL in every row of a slice loads (ibm_db binds such an array with ' + 'column size 0)',
  async () => {
    await source.query(`CREATE TABLE t_nulls (id INT NOT NULL PRIMARY KEY, note VARCHAR(20) NULL, data VARBINARY(8) NULL, n INT NULL, d DATE NULL);
    INSERT INTO t_nulls SELECT seq, IF(seq > 2000, CONCAT('x', seq), NULL), NULL, IF(seq = 2500, 7, NULL), NULL FROM seq_1_to_3000`);
    await db2.query(
      'CREATE TABLE T_NULLS (ID INTEGER NOT NULL PRIMARY KEY, NOTE VARCHAR(80), DATA ' +
        'VARBINARY(8), N INTEGER, D DATE)',
    );
    const run = await cli(['run', ...args('t_nulls', '--batch-size', '1000')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(inserts('T_NULLS').map((e) => e.sets)).toEqual([1000, 1000, 1000]);
    // Counted without aggregates that drop NULLs: DB2 warns on those (01003), which ibm_db's query() rejects.
    const present = (c: string) => `SUM(CASE WHEN ${c} IS NULL THEN 0 ELSE 1 END) AS ${c}S`;
    expect(
      await db2.query(`SELECT COUNT(*) AS N, ${['NOTE', 'DATA', 'N', 'D'].map(present).join(', ')} FROM T_NULLS`),
    ).toEqual([{ N: 3000, NOTES: 1000, DATAS: 0, NS: 1, DS: 0 }]);
    expect(await db2.query('SELECT MIN(NOTE) AS LO FROM T_NULLS WHERE NOTE IS NOT NULL')).toEqual([{ LO: 'x2001' }]);
    expect(await db2.query('SELECT MAX(N) AS HI FROM T_NULLS WHERE N IS NOT NULL')).toEqual([{ HI: 7 }]);
    expect(await db2.query('SELECT ID, NOTE, N FROM T_NULLS WHERE ID IN (2000, 2001, 2500) ORDER BY ID')).toEqual([
      { ID: 2000, NOTE: null, N: null },
      { ID: 2001, NOTE: 'x2001', N: null },
      { ID: 2500, NOTE: 'x2500', N: 7 },
    ]);
  },
);
