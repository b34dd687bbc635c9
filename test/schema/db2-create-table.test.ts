/**
 * The DB2 DDL of lib/schema/type-map.ts against the project's DB2 engine (the fake ibm_db, CLI in
 * process, as the other DB2 tests): `run --create-table` on a MySQL table with every type DB2 can
 * hold creates it, loads every row and `verify` agrees. (The engine has no ALTER TABLE yet: the DB2
 * ADD COLUMN statement is checked as text in table-ddl.test.ts.)
 */
import mysql from 'mysql2/promise';
import { useIbmDbDriver, type IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';
import { cli, MYSQL_SERVER, freshMySqlDatabase } from '../support/databases';

const MYSQL_DATABASE = 'test_db2_create_table';
const WAREHOUSE = 'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB';
const CONNECT = 'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;';

/** Every MySQL type the type map gives DB2 a column for (TIME(p>0), DECIMAL beyond 34, LONGTEXT, LONGBLOB, JSON are refused). */
const EVERY_DB2_TYPE = `CREATE TABLE every (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT NOT NULL, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d10 DECIMAL(10,2), d31 DECIMAL(31,5), d34 DECIMAL(34,4),
  f FLOAT, dbl DOUBLE, y YEAR, dd DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL, t0 TIME,
  c CHAR(5), vc VARCHAR(50), vbig VARCHAR(10000), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT,
  b BINARY(4), vb VARBINARY(40), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB,
  e ENUM('small','medium','large'), st SET('a','b','c'), bt12 BIT(12), g INT AS (i * 2) VIRTUAL
) CHARACTER SET utf8mb4`;

const INSERTED = ['id', 'ti', 'tiu', 'si', 'siu', 'mi', 'miu', 'i', 'iu', 'bi', 'biu', 'd10', 'd31', 'd34', 'f', 'dbl', 'y', 'dd', 'dt', 'ts', 't0',
  'c', 'vc', 'vbig', 'tt', 'tx', 'mt', 'b', 'vb', 'tb', 'bl', 'mb', 'e', 'st', 'bt12'];
const ROWS: unknown[][] = [
  ['18446744073709551615', -128, 255, -32768, 65535, -8388608, 16777215, -2147483647, 4294967295, '-9223372036854775808', '18446744073709551615',
    '-12345678.91', '-12345678901234567890123456.12345', '-123456789012345678901234567890.1234', 1.2345678, -1.7976931348623157e308, 2155,
    '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '23:59:59', 'ab😀', '😀 emoji é', '😀'.repeat(10000), 'tiny',
    'text', 'medium', Buffer.from([0, 255, 1, 2]), Buffer.from('deadbeef', 'hex'), Buffer.from([0]), Buffer.from([1, 2]), Buffer.from([3]),
    'medium', 'a,c', Buffer.from([8, 1])],
  [1, ...INSERTED.slice(1).map((c) => (c === 'i' ? 0 : null))],
];

const server = new FakeDb2Server();
const ibmdb = createFakeIbmDb(server);
let db2: IbmDbConnection;
let staging: mysql.Connection;
const source = `${MYSQL_SERVER}/${MYSQL_DATABASE}`;
const sync = (table: string, extra: string[] = []) => cli([...extra, '--source', source, '--warehouse', WAREHOUSE, '--table', table, '--key', 'id']);

beforeAll(async () => {
  useIbmDbDriver(ibmdb);
  staging = await freshMySqlDatabase(MYSQL_DATABASE);
  await staging.query(EVERY_DB2_TYPE);
  for (const row of ROWS) await staging.query(`INSERT INTO every (${INSERTED.join(', ')}) VALUES (?)`, [row]);
  db2 = await ibmdb.open(CONNECT);
});
afterAll(async () => {
  await db2.close();
  await staging.query(`DROP DATABASE IF EXISTS ${MYSQL_DATABASE}`);
  await staging.end();
  useIbmDbDriver(null);
});

test('ddl prints the DB2 statement, which the DB2 engine accepts', async () => {
  const ddl = await sync('every', ['ddl', '--json']);
  expect(ddl.code).toBe(0);
  const [statement] = JSON.parse(ddl.stdout).tables[0].statements as string[];
  expect(statement.split('\n')).toEqual([
    'CREATE TABLE "EVERY" (',
    '  "ID" DECIMAL(20,0) NOT NULL,', '  "TI" SMALLINT,', '  "TIU" SMALLINT,', '  "SI" SMALLINT,', '  "SIU" INTEGER,', '  "MI" INTEGER,',
    '  "MIU" INTEGER,', '  "I" INTEGER NOT NULL,', '  "IU" BIGINT,', '  "BI" BIGINT,', '  "BIU" DECIMAL(20,0),', '  "D10" DECIMAL(10,2),',
    '  "D31" DECIMAL(31,5),', '  "D34" DECFLOAT(34),', '  "F" REAL,', '  "DBL" DOUBLE,', '  "Y" SMALLINT,', '  "DD" DATE,', '  "DT" TIMESTAMP(6),',
    '  "TS" TIMESTAMP(3),', '  "T0" TIME,', '  "C" VARCHAR(5 CODEUNITS32),', '  "VC" VARCHAR(50 CODEUNITS32),', '  "VBIG" CLOB(10000 CODEUNITS32),',
    '  "TT" VARCHAR(255 CODEUNITS32),', '  "TX" CLOB(65535 CODEUNITS32),', '  "MT" CLOB(16777215 CODEUNITS32),', '  "B" BINARY(4),',
    '  "VB" VARBINARY(40),', '  "TB" BLOB(255),', '  "BL" BLOB(65535),', '  "MB" BLOB(16777215),', '  "E" VARCHAR(6 CODEUNITS32),',
    '  "ST" VARCHAR(5 CODEUNITS32),', '  "BT12" BINARY(2),', '  "G" INTEGER,', '  PRIMARY KEY ("ID")', ')',
  ]);
  await db2.query(statement.replace('"EVERY"', '"EVERY_BY_HAND"'));
  // The key is the primary key: NOT NULL and unique (the engine has no SYSCAT.INDEXES to read).
  await db2.query(`INSERT INTO "EVERY_BY_HAND" ("ID", "I") VALUES (7, 1)`);
  await expect(db2.query(`INSERT INTO "EVERY_BY_HAND" ("ID", "I") VALUES (7, 2)`)).rejects.toMatchObject({ sqlstate: '23505' });
  await expect(db2.query(`INSERT INTO "EVERY_BY_HAND" ("ID", "I") VALUES (NULL, 2)`)).rejects.toMatchObject({ sqlstate: '23502' });
});

test('run --create-table creates the table in DB2, loads every row, and verify exits 0', async () => {
  const run = await sync('every', ['--create-table', '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ createdTable: true, inserted: 2, newRows: 2 });
  const verify = await sync('every', ['verify', '--json']);
  expect(verify.stderr).toBe('');
  expect(JSON.parse(verify.stdout).tables[0]).toMatchObject({ sourceRows: 2, warehouseRows: 2, missing: 0, differing: [], inStep: true });
  expect(verify.code).toBe(0);
  expect(await db2.query(`SELECT VARCHAR(ID) AS ID, VARCHAR(BIU) AS BIU, VC, C, E, ST, LOWER(HEX(BT12)) AS BT12, G FROM EVERY ORDER BY ID`)).toEqual([
    { ID: '1', BIU: null, VC: null, C: null, E: null, ST: null, BT12: null, G: 0 },
    { ID: '18446744073709551615', BIU: '18446744073709551615', VC: '😀 emoji é', C: 'ab😀', E: 'medium', ST: 'a,c', BT12: '0801', G: -2147483648 },
  ]);
});

test('a TIME outside one day is refused before the first row (DB2 TIME holds 00:00:00 to 24:00:00), and the table just created is dropped', async () => {
  await staging.query(`CREATE TABLE spans (id INT NOT NULL PRIMARY KEY, t TIME); INSERT INTO spans VALUES (1, '12:00:00'), (2, '-01:00:00')`);
  const run = await sync('spans', ['--create-table']);
  expect([run.code, run.stdout]).toEqual([2, '']);
  expect(run.stderr).toBe(
    'warehouse-sync: table spans: row id=2 has the TIME "-01:00:00" in column t, which warehouse column T TIME cannot hold (00:00:00 to 24:00:00); ' +
      'fix that row in staging, or use a MySQL warehouse for it\n',
  );
  expect(await db2.query(`SELECT COUNT(*) AS N FROM SYSCAT.TABLES WHERE TABNAME = 'SPANS'`)).toEqual([{ N: 0 }]);
});
