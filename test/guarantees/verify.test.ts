/**
 * verify compares source and warehouse in SQL (counts and checksums per key range), reports missing
 * keys as ranges and changed rows by key; --repair loads only what is missing and never overwrites.
 */
import { Readable } from 'stream';
import mysql from 'mysql2/promise';
import {
  cli,
  createCourseTables,
  freshDatabases,
  generateRows,
  MYSQL_SERVER,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_verify';
const ROWS = 50_000;
let db: TestDatabases;
let args: string[];

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, ROWS);
  args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl];
  expect((await cli(args)).code).toBe(0);
});
afterAll(() => db.close());

test('a deleted range and a changed row are found; --repair restores the range only', async () => {
  await db.pg.query(
    'DELETE FROM sales_data WHERE rowid BETWEEN 1000 AND 1999 OR rowid BETWEEN 30000 AND ' + '30010 OR rowid = 45000',
  );
  await db.pg.query('UPDATE sales_data SET quantity = quantity + 1 WHERE rowid = 4242');
  // Warehouse-only columns are not compared: filling price changes nothing for verify.
  await db.pg.query('UPDATE sales_data SET price = 99 WHERE rowid = 777');

  const found = await cli(['verify', ...args]);
  expect(found.code).toBe(1);
  expect(found.stdout).toBe(
    'sales_data: source rows = 50000, warehouse rows = 48988\n' +
      'sales_data: missing in warehouse = 1012 (keys 1000-1999, 30000-30010, 45000)\n' +
      'sales_data: rows that differ = 1 (keys 4242); not overwritten\n' +
      'sales_data: differences remain\n',
  );

  const repaired = await cli(['verify', '--repair', '--json', ...args]);
  expect(repaired.code).toBe(1);
  expect(JSON.parse(repaired.stdout)).toEqual({
    ok: false,
    tables: [
      {
        table: 'sales_data',
        sourceRows: 50000,
        warehouseRows: 48988,
        missing: 1012,
        missingRanges: ['1000-1999', '30000-30010', '45000'],
        differing: [4242],
        extra: 0,
        repaired: 1012,
        inStep: false,
        sourceDuplicates: 0,
        warehouseDuplicates: 0,
        sourceDuplicateKeys: [],
        warehouseDuplicateKeys: [],
        sourceNullKeys: 0,
        warehouseNullKeys: 0,
      },
    ],
  });
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
  const changed = await db.pg.query('SELECT quantity FROM sales_data WHERE rowid = 4242');
  expect(changed.rows).toEqual([{ quantity: (4242 % 5) + 2 }]);

  const again = await cli(['verify', ...args]);
  expect(again.code).toBe(1);
  expect(again.stdout).toBe(
    'sales_data: source rows = 50000, warehouse rows = 50000\n' +
      'sales_data: rows that differ = 1 (keys 4242); not overwritten\n' +
      'sales_data: differences remain\n',
  );
});

test('rows only in the warehouse (deleted in staging) are reported, not propagated', async () => {
  await db.pg.query('UPDATE sales_data SET quantity = quantity - 1 WHERE rowid = 4242');
  await db.mysql.query('DELETE FROM sales_data WHERE rowid IN (10, 11)');
  const result = await cli(['verify', '--json', ...args]);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ missing: 0, differing: [], extra: 2, inStep: true });
  expect(result.code).toBe(0);
  expect(await warehouseKeys(db)).toEqual({ count: ROWS, distinct: ROWS, min: 1, max: ROWS });
});

describe('duplicates and NULL keys', () => {
  const table = 'dupes';
  const dupArgs = () => ['--table', table, ...args];
  beforeAll(async () => {
    await createCourseTables(db, table);
    await generateRows(db, 1, 1000, table);
    expect((await cli(['run', ...dupArgs()])).code).toBe(0);
  });

  test('rows inserted twice in the warehouse are counted and named, never "in step"', async () => {
    await db.pg.query(`INSERT INTO ${table} SELECT * FROM ${table} WHERE rowid IN (7, 500, 999)`);
    const found = await cli(['verify', ...dupArgs()]);
    expect(found.stdout).toBe(
      'dupes: source rows = 1000, warehouse rows = 1003\n' +
        'dupes: doubled rows in warehouse = 3 (keys 7, 500, 999)\n' +
        'dupes: differences remain\n',
    );
    expect(found.code).toBe(1);
  });

  test('rows with a NULL key are counted on the warehouse side', async () => {
    await db.pg.query(`ALTER TABLE ${table} ALTER COLUMN rowid DROP NOT NULL`);
    await db.pg.query(
      `INSERT INTO ${table} (rowid, product_id, customer_id, quantity) VALUES (NULL, 1, 1, ` + `1), (NULL, 2, 2, 2)`,
    );
    const found = await cli(['verify', '--json', ...dupArgs()]);
    expect(JSON.parse(found.stdout).tables[0]).toEqual({
      table: 'dupes',
      sourceRows: 1000,
      warehouseRows: 1005,
      missing: 0,
      missingRanges: [],
      differing: [],
      extra: 0,
      sourceDuplicates: 0,
      warehouseDuplicates: 3,
      sourceDuplicateKeys: [],
      warehouseDuplicateKeys: [7, 500, 999],
      sourceNullKeys: 0,
      warehouseNullKeys: 2,
      repaired: 0,
      inStep: false,
    });
    expect(found.code).toBe(1);
  });
});

test("totals are the whole table's even when the first bucket differs", async () => {
  // Keys 1..1000 and 10,000,000: 64 buckets of 156,251 keys, the first split further.
  const table = 'totals';
  await createCourseTables(db, table);
  await generateRows(db, 1, 1000, table);
  await generateRows(db, 10_000_000, 10_000_000, table);
  const tableArgs = ['--table', table, ...args];
  expect((await cli(['run', ...tableArgs])).code).toBe(0);
  await db.pg.query(`DELETE FROM ${table} WHERE rowid = 5`);
  const found = await cli(['verify', ...tableArgs]);
  expect(found.stdout).toBe(
    'totals: source rows = 1001, warehouse rows = 1000\n' +
      'totals: missing in warehouse = 1 (keys 5)\n' +
      'totals: differences remain\n',
  );
});

test('--repair that cannot take the writer lock says so and loads nothing', async () => {
  const table = 'locked';
  await createCourseTables(db, table);
  await generateRows(db, 1, 100, table);
  const tableArgs = ['--table', table, ...args];
  expect((await cli(['run', ...tableArgs])).code).toBe(0);
  await db.pg.query(`DELETE FROM ${table} WHERE rowid IN (10, 11)`);
  // The writer lock of lib/warehouse/postgres: advisory lock ("WYNC", table oid).
  await db.pg.query(`SELECT pg_advisory_lock(${0x5759_4e43}, '${table}'::regclass::oid::int)`);
  try {
    const found = await cli(['verify', '--repair', ...tableArgs]);
    expect(found.stdout).toBe(
      'locked: source rows = 100, warehouse rows = 98\n' +
        'locked: missing in warehouse = 2 (keys 10-11)\n' +
        'locked: not repaired: another run holds the writer lock; run verify --repair again, or give it --lock-wait\n' +
        'locked: differences remain\n',
    );
    expect(found.code).toBe(1);
  } finally {
    await db.pg.query(`SELECT pg_advisory_unlock(${0x5759_4e43}, '${table}'::regclass::oid::int)`);
  }
  expect((await warehouseKeys(db, table)).count).toBe(98);
});

describe('keys and values that are easy to compare wrongly', () => {
  const verifyJson = async (table: string) => {
    const result = await cli(['verify', '--json', '--table', table, ...args]);
    return { code: result.code, table: JSON.parse(result.stdout).tables?.[0], error: JSON.parse(result.stdout).error };
  };

  test('a NUMERIC(20,0) warehouse key (for BIGINT UNSIGNED) up to 2^64 - 1', async () => {
    await db.mysql.query('CREATE TABLE unsigned_keys (rowid BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT NOT NULL)');
    await db.pg.query('CREATE TABLE unsigned_keys (rowid numeric(20,0) NOT NULL, v integer NOT NULL)');
    const rows = '(0, 1), (1, 2), (9223372036854775808, 3), (18446744073709551614, 4), (18446744073709551615, 5)';
    await db.mysql.query(`INSERT INTO unsigned_keys VALUES ${rows}`);
    await db.pg.query(`INSERT INTO unsigned_keys VALUES ${rows}`);
    expect(await verifyJson('unsigned_keys')).toMatchObject({
      code: 0,
      table: { sourceRows: 5, warehouseRows: 5, missing: 0, differing: [], inStep: true },
    });
    await db.pg.query('DELETE FROM unsigned_keys WHERE rowid = 18446744073709551614');
    await db.pg.query('UPDATE unsigned_keys SET v = 0 WHERE rowid = 9223372036854775808');
    expect(await verifyJson('unsigned_keys')).toMatchObject({
      code: 1,
      table: {
        sourceRows: 5,
        warehouseRows: 4,
        missing: 1,
        missingRanges: ['18446744073709551614'],
        differing: ['9223372036854775808'],
        inStep: false,
      },
    });
  });

  test("keys at BIGINT's minimum and maximum", async () => {
    await db.mysql.query('CREATE TABLE extreme_keys (rowid BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL)');
    await db.pg.query('CREATE TABLE extreme_keys (rowid bigint NOT NULL, v integer NOT NULL)');
    const rows = '(-9223372036854775808, 1), (-9223372036854775807, 2), (0, 3), (9223372036854775807, 4)';
    await db.mysql.query(`INSERT INTO extreme_keys VALUES ${rows}`);
    await db.pg.query(`INSERT INTO extreme_keys VALUES ${rows}`);
    expect(await verifyJson('extreme_keys')).toMatchObject({
      code: 0,
      table: { sourceRows: 4, warehouseRows: 4, inStep: true },
    });
    await db.pg.query('DELETE FROM extreme_keys WHERE rowid = -9223372036854775808');
    await db.pg.query('UPDATE extreme_keys SET v = 0 WHERE rowid = 9223372036854775807');
    expect(await verifyJson('extreme_keys')).toMatchObject({
      code: 1,
      table: { missing: 1, missingRanges: ['-9223372036854775808'], differing: ['9223372036854775807'], inStep: false },
    });
  });

  test("FLOAT and DOUBLE are compared at the source's precision", async () => {
    await db.mysql.query('CREATE TABLE floats (rowid INT NOT NULL PRIMARY KEY, f FLOAT, g DOUBLE, fd FLOAT)');
    // fd: a FLOAT source column in a double precision warehouse column, as loaded from its shortest text.
    await db.pg.query('CREATE TABLE floats (rowid integer NOT NULL, f real, g double precision, fd double precision)');
    await db.mysql
      .query(`INSERT INTO floats VALUES (1, 1.2345678, 0.30000000000000004e0, 1.2345678), (2, 16777217, 1.7976931348623157e308, 16777217),
      (3, -1.5e-7, -5e-324, 3.4028234e38), (4, NULL, NULL, NULL)`);
    await db.pg
      .query(`INSERT INTO floats VALUES (1, '1.2345678', '0.30000000000000004', '1.2345678'), (2, '16777216', '1.7976931348623157e308', '16777216'),
      (3, '-1.5e-7', '-5e-324', '3.4028235e38'), (4, NULL, NULL, NULL)`);
    expect(await verifyJson('floats')).toMatchObject({
      code: 0,
      table: { sourceRows: 4, differing: [], inStep: true },
    });
    // Differences a 6-digit text rendering would hide, and a DOUBLE's last digit.
    await db.pg.query("UPDATE floats SET f = '16777200' WHERE rowid = 2");
    await db.pg.query("UPDATE floats SET g = '0.3' WHERE rowid = 1");
    await db.pg.query("UPDATE floats SET fd = '-0' WHERE rowid = 4");
    expect(await verifyJson('floats')).toMatchObject({ code: 1, table: { differing: [1, 2, 4], inStep: false } });
  });

  test("a LONGTEXT value above the source's max_allowed_packet, the same on both sides, is in step", async () => {
    const [[{ packet }]] = (await db.mysql.query('SELECT @@max_allowed_packet AS packet')) as unknown as [
      [{ packet: number }],
    ];
    const chars = Math.ceil((Number(packet) + 1024) / 2);
    await db.mysql.query(
      'CREATE TABLE long_values (rowid INT NOT NULL PRIMARY KEY, body LONGTEXT CHARACTER SET ' + 'utf8mb4 NOT NULL)',
    );
    await db.pg.query('CREATE TABLE long_values (rowid integer NOT NULL, body text NOT NULL)');
    // No SQL statement can carry the value (the packet limit); LOAD DATA streams it.
    const loader = await mysql.createConnection({
      uri: `${MYSQL_SERVER}/${db.name}`,
      infileStreamFactory: () => Readable.from(inPieces(Buffer.from(`1\t${'é'.repeat(chars)}\n2\tshort\n`))),
    });
    await loader.query(
      "LOAD DATA LOCAL INFILE 'long_values.tsv' INTO TABLE long_values CHARACTER SET utf8mb4 " + '(rowid, body)',
    );
    await loader.end();
    await db.pg.query(`INSERT INTO long_values VALUES (1, repeat('é', ${chars})), (2, 'short')`);
    expect(await verifyJson('long_values')).toMatchObject({
      code: 0,
      table: { sourceRows: 2, differing: [], inStep: true },
    });
    await db.pg.query("UPDATE long_values SET body = body || 'x' WHERE rowid = 1");
    expect(await verifyJson('long_values')).toMatchObject({ code: 1, table: { differing: [1], inStep: false } });
  });
});

/** A buffer in 1 MB pieces: the client sends each piece of a LOAD DATA file as its own packet. */
function* inPieces(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
}
