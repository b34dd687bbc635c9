/**
 * verify's canonical row text, checked against an expected digest written out here in JavaScript
 * from known rows, not against itself: each side's SQL (MySQL source; PostgreSQL, MySQL and DB2
 * warehouses) must give exactly MD5 of the text below. Leaving a column (binary, float) out of the
 * text, digesting NULL as an empty string, changing the separator or a field's format fails here.
 */
import { KeyRange } from '../../lib/key-range';
import { createHash } from 'crypto';
import mysql from 'mysql2/promise';
import { matchColumns, type ColumnPair } from '../../lib/columns';
import { parseConnectionUrl, type ConnectionTarget } from '../../lib/connection-url';
import { MySqlSource } from '../../lib/source/mysql/mysql-source';
import type { SourceTable } from '../../lib/source/source';
import { useIbmDbDriver } from '../../lib/dialect/db2/db2-connection';
import { openWarehouse } from '../../lib/warehouse/open-warehouse';
import type { Warehouse, WarehouseTable } from '../../lib/warehouse/warehouse';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';
import { freshDatabases, MYSQL_SERVER, type TestDatabases } from '../support/databases';

const DB = 'test_verify_canonical';
const MYSQL_WAREHOUSE_DB = 'test_verify_canonical_wh';
const SEP = '\u001f';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** The rows, as the canonical text must render them (lib/canonical.ts), written by hand. */
const EXPECTED_TEXT = new Map<bigint, string>([
  [
    1n,
    [
      '1',
      '-9223372036854775808',
      '12.50',
      '12345677614212036e1',
      '30000000000000004e0',
      'héllo 😀',
      'ab',
      '00ff10',
      md5('long text'),
      '2024-02-29',
      '12:34:56.000000',
      '2024-02-29 23:59:59.999999',
    ].join(SEP),
  ],
  [2n, ['2', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N', '\\N'].join(SEP)],
  [
    3n,
    [
      '3',
      '0',
      '-0.50',
      '16777216e8',
      '1e21',
      '',
      '',
      '',
      md5(''),
      '1970-01-01',
      '00:00:00.000000',
      '1970-01-01 00:00:00.000000',
    ].join(SEP),
  ],
]);
const EXPECTED = new Map([...EXPECTED_TEXT].map(([k, text]) => [k, md5(text)]));
const EXPECTED_CHECKSUM = [...EXPECTED.values()].reduce((sum, d) => sum + BigInt('0x' + d.slice(0, 15)), 0n).toString();

const SOURCE_DDL = `CREATE TABLE canon (id INT NOT NULL PRIMARY KEY, i BIGINT NULL, d DECIMAL(10,2) NULL, f FLOAT NULL, g DOUBLE NULL,
  t VARCHAR(20) CHARACTER SET utf8mb4 NULL, c CHAR(6) NULL, b VARBINARY(8) NULL, lt LONGTEXT NULL, dt DATE NULL, tm TIME NULL, ts DATETIME(6) NULL)`;
const MYSQL_ROWS = `INSERT INTO canon VALUES
  (1, -9223372036854775808, 12.5, 1.2345678, 0.30000000000000004e0, 'héllo 😀', 'ab', x'00ff10', 'long text', '2024-02-29', '12:34:56', '2024-02-29 23:59:59.999999'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 0, -0.5, 16777217, 1e20, '', '', x'', '', '1970-01-01', '00:00:00', '1970-01-01 00:00:00')`;

const ibmdb = createFakeIbmDb(new FakeDb2Server());
const DB2_CONNECTION = 'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret';
let db: TestDatabases;
let source: MySqlSource;
let s: SourceTable;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await db.mysql.query(SOURCE_DDL);
  await db.mysql.query(MYSQL_ROWS);
  source = await MySqlSource.open(target(db.sourceUrl));
  s = (await source.describeTable({ schema: null, name: 'canon' }))!;
});
afterAll(async () => {
  await source.close();
  await db.close();
});

function target(url: string): ConnectionTarget {
  const parsed = parseConnectionUrl(url, 'warehouse');
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

async function pairsOf(warehouse: Warehouse): Promise<{ w: WarehouseTable; pairs: ColumnPair[] }> {
  const w = (await warehouse.describeTable({ schema: null, name: 'canon' }))!;
  const match = matchColumns(s.columns, w.columns, 'id');
  expect(match.pairs.map((p) => p.source.name)).toEqual([
    'id',
    'i',
    'd',
    'f',
    'g',
    't',
    'c',
    'b',
    'lt',
    'dt',
    'tm',
    'ts',
  ]);
  return { w, pairs: match.pairs };
}

test('the MySQL source digests the rows to the expected text', async () => {
  const pairs = matchColumns(s.columns, s.columns, 'id').pairs;
  expect(await source.rowDigests(s, pairs[0].source, pairs, new KeyRange(0n, 3n))).toEqual(EXPECTED);
  expect(await source.rangeDigests(s, pairs[0].source, pairs, new KeyRange(0n, 3n), 10n)).toEqual([
    { low: 0n, high: 10n, count: 3, checksum: EXPECTED_CHECKSUM },
  ]);
});

test("the source's key statistics count NULL keys and doubled rows too", async () => {
  await db.mysql.query('CREATE TABLE loose (id BIGINT NULL, v INT)');
  await db.mysql.query(
    'INSERT INTO loose VALUES (-9223372036854775808, 1), (2, 1), (2, 2), (2, 3), (5, 1), ' + '(NULL, 1), (NULL, 2)',
  );
  const loose = (await source.describeTable({ schema: null, name: 'loose' }))!;
  expect(await source.keyStats(loose, loose.columns[0])).toEqual({
    rows: 7,
    min: -9223372036854775808n,
    max: 5n,
    nullKeys: 2,
    duplicateKeys: 1,
    duplicateRows: 2,
    duplicateSample: [2n],
  });
});

describe.each([
  {
    name: 'PostgreSQL',
    async open(): Promise<Warehouse> {
      await db.pg
        .query(`CREATE TABLE canon (id int, i bigint, d numeric(10,2), f real, g double precision, t varchar(20), c char(6), b bytea,
        lt text, dt date, tm time, ts timestamp(6))`);
      await db.pg.query(`INSERT INTO canon VALUES
        (1, -9223372036854775808, 12.5, '1.2345678', '0.30000000000000004', 'héllo 😀', 'ab', '\\x00ff10', 'long text', '2024-02-29', '12:34:56', '2024-02-29 23:59:59.999999'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, 0, -0.5, '16777217', '1e20', '', '', '\\x', '', '1970-01-01', '00:00:00', '1970-01-01 00:00:00')`);
      return openWarehouse(target(db.warehouseUrl));
    },
    close: async () => undefined,
    exec: async (sql: string) => {
      await db.pg.query(sql);
    },
  },
  {
    name: 'MySQL',
    async open(): Promise<Warehouse> {
      const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
      await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_WAREHOUSE_DB}; CREATE DATABASE ${MYSQL_WAREHOUSE_DB}; USE ${MYSQL_WAREHOUSE_DB};
        ${SOURCE_DDL.replace('NOT NULL PRIMARY KEY', 'NULL')}; ${MYSQL_ROWS}`);
      await admin.end();
      return openWarehouse(target(`${MYSQL_SERVER}/${MYSQL_WAREHOUSE_DB}`));
    },
    async close() {
      const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql` });
      await admin.query(`DROP DATABASE IF EXISTS ${MYSQL_WAREHOUSE_DB}`);
      await admin.end();
    },
    async exec(sql: string) {
      const admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${MYSQL_WAREHOUSE_DB}` });
      try {
        await admin.query(sql);
      } finally {
        await admin.end();
      }
    },
  },
  {
    // Floats make DB2 render the text in Node (no shortest round-trip rendering in DB2 SQL); GRAPHIC
    // is blank-padded like CHAR.
    name: 'DB2 (fake ibm_db)',
    async open(): Promise<Warehouse> {
      useIbmDbDriver(ibmdb);
      const url = 'db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB';
      const admin = await ibmdb.open(DB2_CONNECTION);
      await admin.query(`CREATE TABLE canon (id INTEGER, i BIGINT, d DECIMAL(10,2), f REAL, g DOUBLE, t VARCHAR(80), c GRAPHIC(6),
        b VARCHAR(8) FOR BIT DATA, lt CLOB(1M), dt DATE, tm TIME, ts TIMESTAMP(6))`);
      const insert = 'INSERT INTO canon VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
      await admin.query(insert, [
        1,
        '-9223372036854775808',
        '12.50',
        1.2345678,
        0.30000000000000004,
        'héllo 😀',
        'ab',
        Buffer.from('00ff10', 'hex') as never,
        'long text',
        '2024-02-29',
        '12:34:56',
        '2024-02-29 23:59:59.999999',
      ] as never);
      await admin.query(insert, [2, null, null, null, null, null, null, null, null, null, null, null] as never);
      await admin.query(insert, [
        3,
        '0',
        '-0.50',
        16777217,
        1e20,
        '',
        '',
        Buffer.alloc(0) as never,
        '',
        '1970-01-01',
        '00:00:00',
        '1970-01-01 00:00:00',
      ] as never);
      await admin.close();
      return openWarehouse(target(url));
    },
    close: async () => useIbmDbDriver(null),
    async exec(sql: string) {
      const admin = await ibmdb.open(DB2_CONNECTION);
      try {
        await admin.query(sql);
      } finally {
        await admin.close();
      }
    },
  },
])('$name warehouse', ({ open, close, exec }) => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await open();
  });
  afterAll(async () => {
    await warehouse.close();
    await close();
  });

  test('digests the same rows to the expected text, row by row and per bucket', async () => {
    const { w, pairs } = await pairsOf(warehouse);
    const key = pairs[0].warehouse;
    expect(await warehouse.rowDigests(w, key, pairs, new KeyRange(0n, 3n))).toEqual(EXPECTED);
    expect(await warehouse.rangeDigests(w, key, pairs, new KeyRange(0n, 3n), 10n)).toEqual([
      { low: 0n, high: 10n, count: 3, checksum: EXPECTED_CHECKSUM },
    ]);
  });

  test('key statistics count rows, NULL keys and doubled rows', async () => {
    const { w, pairs } = await pairsOf(warehouse);
    const key = pairs[0].warehouse;
    expect(await warehouse.keyStats(w, key)).toEqual({
      rows: 3,
      min: 1n,
      max: 3n,
      nullKeys: 0,
      duplicateKeys: 0,
      duplicateRows: 0,
      duplicateSample: [],
    });
    const copy = `INSERT INTO canon (id, i) VALUES (3, 7), (3, 8), (1, 9), (NULL, 1)`;
    await exec(copy);
    try {
      expect(await warehouse.keyStats(w, key)).toEqual({
        rows: 7,
        min: 1n,
        max: 3n,
        nullKeys: 1,
        duplicateKeys: 2,
        duplicateRows: 3,
        duplicateSample: [1n, 3n],
      });
      // A key held by several rows shows all their digests.
      const digests = await warehouse.rowDigests(w, key, pairs, new KeyRange(0n, 3n));
      expect(digests.get(3n)!.split(',')).toHaveLength(3);
      expect(digests.get(3n)!.split(',')).toContain(EXPECTED.get(3n));
    } finally {
      await exec('DELETE FROM canon WHERE id IS NULL OR (id IN (1, 3) AND i IN (7, 8, 9))');
    }
  });

  test('without the float and CLOB columns too (DB2 then digests in SQL)', async () => {
    const { w, pairs } = await pairsOf(warehouse);
    const noFloats = pairs.filter((p) => !['f', 'g', 'lt'].includes(p.source.name));
    const expected = new Map(
      [...EXPECTED_TEXT].map(([k, text]) => [
        k,
        md5(
          text
            .split(SEP)
            .filter((_, i) => ![3, 4, 8].includes(i))
            .join(SEP),
        ),
      ]),
    );
    expect(await warehouse.rowDigests(w, noFloats[0].warehouse, noFloats, new KeyRange(0n, 3n))).toEqual(expected);
    expect(await source.rowDigests(s, noFloats[0].source, noFloats, new KeyRange(0n, 3n))).toEqual(expected);
  });
});
