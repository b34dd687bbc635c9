/**
 * Values cross into DB2 exactly (the fake ibm_db, CLI in-process): every value read back as text in
 * DB2's own SQL equals what MySQL holds, and verify agrees. What DB2 cannot hold is refused before
 * anything is written, with a message naming the column and what to change.
 */
import mysql from 'mysql2/promise';
import { useIbmDbDriver, type IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';
import { cli, MYSQL_SERVER, freshMySqlDatabase } from '../support/databases';

const MYSQL_DATABASE = 'test_db2_lossless';
const WAREHOUSE = 'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB';
const CONNECT = 'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;';

const SOURCE_DDL = `CREATE TABLE types (
  id BIGINT NOT NULL PRIMARY KEY,
  d30 DECIMAL(30,10), ubig BIGINT UNSIGNED, sbig BIGINT, dt DATETIME(6), ts TIMESTAMP(6) NULL, dd DATE, tt TIME,
  txt VARCHAR(100) CHARACTER SET utf8mb4, empty VARCHAR(10), vb VARBINARY(64), bl BLOB, d34 DECIMAL(34,10)
) CHARACTER SET utf8mb4`;

const WAREHOUSE_DDL = `CREATE TABLE types (
  id BIGINT NOT NULL,
  d30 DECIMAL(30,10), ubig DECIMAL(20,0), sbig BIGINT, dt TIMESTAMP(6), ts TIMESTAMP(6), dd DATE, tt TIME,
  txt VARCHAR(100 CODEUNITS32), empty VARCHAR(40), vb VARBINARY(64), bl BLOB(64K), d34 DECFLOAT(34)
)`;

/** Each column read back in DB2 SQL as exact text. */
const READ_BACK = `SELECT VARCHAR(id) AS ID, VARCHAR(d30) AS D30, VARCHAR(ubig) AS UBIG, VARCHAR(sbig) AS SBIG,
  VARCHAR_FORMAT(dt, 'YYYY-MM-DD HH24:MI:SS.FF6') AS DT, VARCHAR_FORMAT(ts, 'YYYY-MM-DD HH24:MI:SS.FF6') AS TS,
  VARCHAR_FORMAT(dd, 'YYYY-MM-DD') AS DD, CHAR(tt, JIS) AS TT, txt AS TXT, empty AS EMPTY, LOWER(HEX(vb)) AS VB, bl AS BL,
  VARCHAR(d34) AS D34 FROM types ORDER BY id`;

const TEXT = 'emoji 😀🎉, combining e\u0301 a\u0308, 日本語, tab\there, back\\slash, new\nline, cr\rend';
const COMBINING = 'Zalgo: Z\u0351\u0368a\u0306\u0300l\u0303g\u0310o\u0301 and ZWJ 👩\u200d👩\u200d👧';
const BLOB = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Rows inserted into MySQL (session time zone UTC), with the text DB2 must then show. */
const ROWS: Array<{ insert: unknown[]; expected: Record<string, string | Buffer | null> }> = [
  {
    insert: [
      1,
      '99999999999999999999.9999999999',
      '18446744073709551615',
      '-9223372036854775808',
      '9999-12-31 23:59:59.999999',
      '2038-01-19 03:14:07.999999',
      '9999-12-31',
      '23:59:59',
      TEXT,
      '',
      Buffer.from([0, 255, 16]),
      BLOB,
      '999999999999999999999999.9999999999',
    ],
    expected: {
      ID: '1',
      D30: '99999999999999999999.9999999999',
      UBIG: '18446744073709551615',
      SBIG: '-9223372036854775808',
      DT: '9999-12-31 23:59:59.999999',
      TS: '2038-01-19 03:14:07.999999',
      DD: '9999-12-31',
      TT: '23:59:59',
      TXT: TEXT,
      EMPTY: '',
      VB: '00ff10',
      BL: BLOB,
      D34: '999999999999999999999999.9999999999',
    },
  },
  {
    insert: [
      2,
      '-99999999999999999999.9999999999',
      '0',
      '9223372036854775807',
      '1000-01-01 00:00:00.000000',
      '1970-01-01 00:00:01.000000',
      '1000-01-01',
      '00:00:00',
      COMBINING,
      '',
      Buffer.alloc(0),
      Buffer.alloc(0),
      '-0.0000000001',
    ],
    expected: {
      // DB2 shows DB2's own text: DECFLOAT keeps the value's exponent.
      ID: '2',
      D30: '-99999999999999999999.9999999999',
      UBIG: '0',
      SBIG: '9223372036854775807',
      DT: '1000-01-01 00:00:00.000000',
      TS: '1970-01-01 00:00:01.000000',
      DD: '1000-01-01',
      TT: '00:00:00',
      TXT: COMBINING,
      EMPTY: '',
      VB: '',
      BL: Buffer.alloc(0),
      D34: '-1E-10',
    },
  },
  {
    insert: [
      3,
      '0.0000000001',
      '9007199254740993',
      '-9007199254740993',
      '2021-03-14 02:30:00.000001',
      '2021-11-07 01:30:00.000000',
      '2021-03-14',
      '02:30:00',
      ' ',
      ' ',
      Buffer.from([0]),
      Buffer.from([0]),
      '0.5000000000',
    ],
    expected: {
      // VARCHAR(decimal) has no leading zero before the point.
      ID: '3',
      D30: '.0000000001',
      UBIG: '9007199254740993',
      SBIG: '-9007199254740993',
      DT: '2021-03-14 02:30:00.000001',
      TS: '2021-11-07 01:30:00.000000',
      DD: '2021-03-14',
      TT: '02:30:00',
      TXT: ' ',
      EMPTY: ' ',
      VB: '00',
      BL: Buffer.from([0]),
      D34: '0.5000000000',
    },
  },
  {
    insert: [4, null, null, null, null, null, null, null, null, null, null, null, null],
    expected: {
      ID: '4',
      D30: null,
      UBIG: null,
      SBIG: null,
      DT: null,
      TS: null,
      DD: null,
      TT: null,
      TXT: null,
      EMPTY: null,
      VB: null,
      BL: null,
      D34: null,
    },
  },
];

const server = new FakeDb2Server();
const ibmdb = createFakeIbmDb(server);
let db2: IbmDbConnection;
let staging: mysql.Connection;
const source = `${MYSQL_SERVER}/${MYSQL_DATABASE}`;
const sync = (table: string, extra: string[] = []) =>
  cli([...extra, '--source', source, '--warehouse', WAREHOUSE, '--table', table, '--key', 'id']);

beforeAll(async () => {
  useIbmDbDriver(ibmdb);
  staging = await freshMySqlDatabase(MYSQL_DATABASE);
  await staging.query(SOURCE_DDL);
  for (const row of ROWS)
    await staging.query(`INSERT INTO types VALUES (${row.insert.map(() => '?').join(', ')})`, row.insert);
  db2 = await ibmdb.open(CONNECT);
  await db2.query(WAREHOUSE_DDL);
});
afterAll(async () => {
  await db2.close();
  await staging.end();
  useIbmDbDriver(null);
});

test('every value arrives exactly, with the process in a time zone far from UTC', async () => {
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    const run = await sync('types', ['--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 4, newRows: 4 });
  } finally {
    process.env.TZ = zone;
  }
  expect(await db2.query(READ_BACK)).toEqual(ROWS.map((r) => r.expected));
});

test(
  'verify agrees on every value (a BLOB and a 34-digit DECFLOAT cannot be rendered in ' +
    'DB2 SQL: digested in Node from fetched fields)',
  async () => {
    const run = await sync('types', ['verify', '--json']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({
      sourceRows: 4,
      warehouseRows: 4,
      missing: 0,
      differing: [],
      extra: 0,
      inStep: true,
    });
    expect(run.code).toBe(0);
  },
);

test('verify still agrees on a DB2 without HASH (before 11.5), and still finds a changed value', async () => {
  server.database('BLUDB').hashAvailable = false;
  try {
    expect((await sync('types', ['verify'])).code).toBe(0);
    await db2.query("UPDATE types SET txt = 'changed' WHERE id = 3");
    const run = await sync('types', ['verify', '--json']);
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ missing: 0, differing: [3], inStep: false });
    expect(run.code).toBe(1);
  } finally {
    await db2.query("UPDATE types SET txt = ' ' WHERE id = 3");
    server.database('BLUDB').hashAvailable = true;
  }
});

test(
  'DECIMAL(65,30) into DECIMAL(31,10) is refused before anything is written, naming the ' + "column and DB2's limit",
  async () => {
    await staging.query(
      'CREATE TABLE wide (id BIGINT NOT NULL PRIMARY KEY, d65 DECIMAL(65,30)); INSERT INTO ' + "wide VALUES (1, '1.5')",
    );
    await db2.query('CREATE TABLE wide (id BIGINT NOT NULL, d65 DECIMAL(31,10))');
    const run = await sync('wide');
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'warehouse-sync: table wide: column d65: source decimal(65,30) does not fit warehouse ' +
        'DECIMAL(31,10); it would need ' +
        'DECIMAL(65,30) but DECIMAL holds at most 31 digits in this warehouse; narrow the ' +
        'source column to at most 31 digits, ' +
        'or use a decimal floating-point column with at least 65 digits\n',
    );
    expect(run.code).toBe(2);
    expect(await db2.query('SELECT COUNT(*) AS N FROM wide')).toEqual([{ N: 0 }]);
  },
);

test('a utf8mb4 VARCHAR(50) into a DB2 VARCHAR(50), which counts bytes, is refused', async () => {
  await staging.query('CREATE TABLE names (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50)) CHARACTER SET utf8mb4');
  await db2.query('CREATE TABLE names (id BIGINT NOT NULL, name VARCHAR(50))');
  const run = await sync('names');
  expect(run.stderr).toBe(
    'warehouse-sync: table names: column name: source varchar(50) does not fit warehouse ' +
      'VARCHAR(50); it holds 50 bytes but the ' +
      'source can need 200 (4 bytes per utf8mb4 character); make it VARCHAR(200) or declare it in CODEUNITS32; ' +
      'to widen it run: ALTER TABLE "DB2INST1"."NAMES" ALTER COLUMN "NAME" SET DATA TYPE VARCHAR(50 CODEUNITS32)\n',
  );
  expect(run.code).toBe(2);
});

test("a MySQL zero date is refused with the row's key named, and nothing of its batch is written", async () => {
  await staging.query(`SET SESSION sql_mode = ''; CREATE TABLE zeroes (id BIGINT NOT NULL PRIMARY KEY, dt DATETIME);
    INSERT INTO zeroes VALUES (1, '2024-01-01 00:00:00'), (2, '0000-00-00 00:00:00')`);
  await db2.query('CREATE TABLE zeroes (id BIGINT NOT NULL, dt TIMESTAMP(0))');
  const run = await sync('zeroes');
  expect(run.stderr).toBe(
    'warehouse-sync: table zeroes: row id=2 has the MySQL zero date "0000-00-00 00:00:00" ' +
      'in column dt, which the warehouse ' +
      'cannot hold; fix that row in staging (e.g. set it to NULL)\n',
  );
  expect(run.code).toBe(1);
  expect(await db2.query('SELECT COUNT(*) AS N FROM zeroes')).toEqual([{ N: 0 }]);
});
