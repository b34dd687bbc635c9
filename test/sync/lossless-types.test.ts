/**
 * Values cross exactly: every value is compared as text on the warehouse side against what the
 * source holds, with the CLI process run under host time zones far from UTC.
 */
import { cliProcess, freshDatabases, type TestDatabases } from '../support/databases';

const DB = 'test_lossless';
let db: TestDatabases;

const SOURCE_DDL = `CREATE TABLE types (
  id BIGINT NOT NULL PRIMARY KEY,
  d30 DECIMAL(30,10), d65 DECIMAL(65,30), ubig BIGINT UNSIGNED, sbig BIGINT,
  dt DATETIME(6), ts TIMESTAMP(6) NULL, ts_tz TIMESTAMP(6) NULL, dd DATE, tt TIME(6),
  txt VARCHAR(100) CHARACTER SET utf8mb4, empty VARCHAR(10), vb VARBINARY(64), bl BLOB
) CHARACTER SET utf8mb4`;

const WAREHOUSE_DDL = `CREATE TABLE types (
  id bigint NOT NULL,
  d30 numeric(30,10), d65 numeric(65,30), ubig numeric(20,0), sbig bigint,
  dt timestamp(6), ts timestamp(6), ts_tz timestamptz(6), dd date, tt time(6),
  txt varchar(100), empty varchar(10), vb bytea, bl bytea
)`;

const TEXT = 'emoji 😀🎉, combining e\u0301 a\u0308, 日本語, tab\there, back\\slash, new\nline, cr\rend';
const COMBINING = 'Zalgo: Z\u0351\u0368a\u0306\u0300l\u0303g\u0310o\u0301 and ZWJ 👩\u200d👩\u200d👧';
const BLOB = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Rows inserted into MySQL (session time zone UTC), with the exact text PostgreSQL must then show. */
const ROWS: Array<{ insert: unknown[]; expected: Record<string, string | null> }> = [
  {
    insert: [
      1,
      '99999999999999999999.9999999999',
      '99999999999999999999999999999999999.999999999999999999999999999999',
      '18446744073709551615',
      '-9223372036854775808',
      '9999-12-31 23:59:59.999999',
      '2038-01-19 03:14:07.999999',
      '2021-03-14 07:30:00.123456',
      '9999-12-31',
      '23:59:59.999999',
      TEXT,
      '',
      Buffer.from([0, 255, 16]),
      BLOB,
    ],
    expected: {
      id: '1',
      d30: '99999999999999999999.9999999999',
      d65: '99999999999999999999999999999999999.999999999999999999999999999999',
      ubig: '18446744073709551615',
      sbig: '-9223372036854775808',
      dt: '9999-12-31 23:59:59.999999',
      ts: '2038-01-19 03:14:07.999999',
      ts_tz: '2021-03-14 07:30:00.123456+00',
      dd: '9999-12-31',
      tt: '23:59:59.999999',
      txt: TEXT,
      empty: '',
      vb: '\\x00ff10',
      bl: '\\x' + BLOB.toString('hex'),
    },
  },
  {
    insert: [
      2,
      '-99999999999999999999.9999999999',
      '-99999999999999999999999999999999999.999999999999999999999999999999',
      '0',
      '9223372036854775807',
      '1000-01-01 00:00:00.000000',
      '1970-01-01 00:00:01.000000',
      '2021-11-07 06:30:00.500000',
      '1000-01-01',
      '00:00:00',
      COMBINING,
      '',
      Buffer.alloc(0),
      Buffer.from(''),
    ],
    expected: {
      id: '2',
      d30: '-99999999999999999999.9999999999',
      d65: '-99999999999999999999999999999999999.999999999999999999999999999999',
      ubig: '0',
      sbig: '9223372036854775807',
      dt: '1000-01-01 00:00:00',
      ts: '1970-01-01 00:00:01',
      ts_tz: '2021-11-07 06:30:00.5+00',
      dd: '1000-01-01',
      tt: '00:00:00',
      txt: COMBINING,
      empty: '',
      vb: '\\x',
      bl: '\\x',
    },
  },
  {
    // Host-zone traps: 02:30 on 2021-03-14 does not exist in New York; 01:30 on 2021-11-07 happens twice there.
    insert: [
      3,
      '0.0000000001',
      '0.000000000000000000000000000001',
      '9007199254740993',
      '-9007199254740993',
      '2021-03-14 02:30:00.000001',
      '2021-11-07 01:30:00.000000',
      '2000-01-01 00:00:00',
      '2021-03-14',
      '02:30:00.5',
      ' ',
      ' ',
      Buffer.from([0]),
      Buffer.from([0]),
    ],
    expected: {
      id: '3',
      d30: '0.0000000001',
      d65: '0.000000000000000000000000000001',
      ubig: '9007199254740993',
      sbig: '-9007199254740993',
      dt: '2021-03-14 02:30:00.000001',
      ts: '2021-11-07 01:30:00',
      ts_tz: '2000-01-01 00:00:00+00',
      dd: '2021-03-14',
      tt: '02:30:00.5',
      txt: ' ',
      empty: ' ',
      vb: '\\x00',
      bl: '\\x00',
    },
  },
  {
    insert: [4, null, null, null, null, null, null, null, null, null, null, null, null, null],
    expected: {
      id: '4',
      d30: null,
      d65: null,
      ubig: null,
      sbig: null,
      dt: null,
      ts: null,
      ts_tz: null,
      dd: null,
      tt: null,
      txt: null,
      empty: null,
      vb: null,
      bl: null,
    },
  },
];

const COLUMNS = Object.keys(ROWS[0].expected);

beforeAll(async () => {
  db = await freshDatabases(DB);
  await db.mysql.query(SOURCE_DDL);
  for (const row of ROWS) {
    await db.mysql.query(`INSERT INTO types VALUES (${row.insert.map(() => '?').join(', ')})`, row.insert);
  }
  await db.pg.query(WAREHOUSE_DDL);
  // A server whose own zone is not UTC: the sync must still read TIMESTAMP values as stored (UTC).
  await db.mysql.query("SET GLOBAL time_zone = '-05:00'");
});
afterAll(async () => {
  await db.mysql.query("SET GLOBAL time_zone = 'SYSTEM'");
  await db.close();
});

describe.each(['America/New_York', 'Asia/Kolkata', 'UTC'])('with the CLI process in TZ=%s', (tz) => {
  test('every value arrives as exactly the same text', async () => {
    await db.pg.query('TRUNCATE types');
    const run = await cliProcess(
      ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--table', 'types', '--key', 'id', '--json'],
      { TZ: tz },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 4, newRows: 4 });
    const got = await db.pg.query(
      `SELECT ${COLUMNS.map((c) => `${c}::text AS ${c}`).join(', ')} FROM types ORDER BY id`,
    );
    expect(got.rows).toEqual(ROWS.map((r) => r.expected));
  });
});

test('verify agrees, in SQL on both sides, that every value is the same', async () => {
  const run = await cliProcess([
    'verify',
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--table',
    'types',
    '--key',
    'id',
    '--json',
  ]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({
    sourceRows: 4,
    warehouseRows: 4,
    missing: 0,
    differing: [],
    inStep: true,
  });
});

describe('FLOAT and DOUBLE cross as their stored binary value, on every path', () => {
  // MySQL prints a FLOAT with 6 digits (16777217 → 16777200, 1.2345678 → 1.23457); mysql2 parses a
  // short DOUBLE text digit by digit and misses its last bit (9.454976715503815 → …816).
  const FLOATS = ['16777217', '1.2345678', '-1.5e-7', '3.4028234e38', '1e-45', '0.1', '123456.789', '-0.001'];
  const DOUBLES = [
    '9.454976715503815',
    '9739.425024170261',
    '0.30000000000000004',
    '1.7976931348623157e308',
    '5e-324',
    '-2.2250738585072014e-308',
    '0.1',
    '1e20',
  ];
  /** What the warehouse must hold, as doubles: a FLOAT's 4-byte value widened, a DOUBLE's own. */
  const EXPECTED = FLOATS.map((f, i) => [i + 1, Math.fround(Number(f)), Number(DOUBLES[i]), Math.fround(Number(f))]);
  const WAREHOUSE_DB = `${DB}_wh`;
  let mysqlWarehouse: string;

  beforeAll(async () => {
    await db.mysql.query('CREATE TABLE floats (id INT NOT NULL PRIMARY KEY, f FLOAT, d DOUBLE, fd FLOAT)');
    await db.mysql.query(
      `INSERT INTO floats VALUES ` +
        `${FLOATS.map((f, i) => `(${i + 1}, ${f}, ${/e/.test(DOUBLES[i]) ? DOUBLES[i] : `${DOUBLES[i]}e0`}, ${f})`).join(', ')}, ` +
        `(99, NULL, NULL, NULL)`,
    );
    // fd: a FLOAT into double precision, which holds the float's shortest text exactly as a double.
    await db.pg.query('CREATE TABLE floats (id integer NOT NULL, f real, d double precision, fd double precision)');
    await db.mysql.query(`DROP DATABASE IF EXISTS ${WAREHOUSE_DB}; CREATE DATABASE ${WAREHOUSE_DB}`);
    await db.mysql.query(`CREATE TABLE ${WAREHOUSE_DB}.floats (id INT NOT NULL, f FLOAT, d DOUBLE, fd DOUBLE)`);
    mysqlWarehouse = db.sourceUrl.replace(new RegExp(`/${DB}$`), `/${WAREHOUSE_DB}`);
  });
  afterAll(() => db.mysql.query(`DROP DATABASE IF EXISTS ${WAREHOUSE_DB}`));

  const args = (warehouse: string, ...more: string[]) => [
    '--source',
    db.sourceUrl,
    '--warehouse',
    warehouse,
    '--table',
    'floats',
    '--key',
    'id',
    '--json',
    ...more,
  ];
  /** The warehouse's values widened to double, each read back exactly (shortest round-trip text). */
  const inPostgres = async () =>
    (await db.pg.query(
      'SET extra_float_digits = 1; SELECT id, f::float8::text AS f, d::text AS d, ' +
        'fd::float4::float8::text AS fd FROM floats WHERE id < 99 ORDER BY id',
    )) as unknown as [unknown, { rows: Array<Record<string, string>> }];
  const asNumbers = (rows: Array<Record<string, string | number>>) =>
    rows.map((r) => [Number(r.id), Number(r.f), Number(r.d), Number(r.fd)]);

  test(
    'PostgreSQL: streamed by run, the shortest text of the 4-byte float in a real column ' +
      'and in a double precision one',
    async () => {
      await db.pg.query('TRUNCATE floats');
      const run = await cliProcess(args(db.warehouseUrl));
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(asNumbers((await inPostgres())[1].rows)).toEqual(EXPECTED);
      // The FLOAT in double precision is the float's shortest text, not its binary expansion.
      const fd = await db.pg.query('SELECT fd::text AS fd FROM floats WHERE id IN (1, 2, 3) ORDER BY id');
      expect(fd.rows.map((r) => r.fd)).toEqual(['16777216', '1.2345678', '-1.5e-07']);
    },
  );

  test('PostgreSQL: late rows, loaded by key, and verify --repair', async () => {
    await db.pg.query('DELETE FROM floats WHERE id IN (1, 2, 3, 4)');
    const late = await cliProcess(args(db.warehouseUrl));
    expect([late.code, late.stderr, JSON.parse(late.stdout).tables[0].repaired]).toEqual([0, '', 4]);
    expect(asNumbers((await inPostgres())[1].rows)).toEqual(EXPECTED);
    await db.pg.query('DELETE FROM floats WHERE id IN (5, 6, 7)');
    const repair = await cliProcess(['verify', '--repair', ...args(db.warehouseUrl)]);
    expect([repair.code, repair.stderr, JSON.parse(repair.stdout).tables[0]]).toMatchObject([
      0,
      '',
      { missing: 3, repaired: 3, differing: [] },
    ]);
    expect(asNumbers((await inPostgres())[1].rows)).toEqual(EXPECTED);
    const verified = await cliProcess(['verify', ...args(db.warehouseUrl)]);
    expect([verified.code, JSON.parse(verified.stdout).tables[0].inStep]).toEqual([0, true]);
  });

  test('a MySQL warehouse: read in pages as values', async () => {
    const run = await cliProcess(args(mysqlWarehouse));
    expect([run.code, run.stderr]).toEqual([0, '']);
    const [rows] = await db.mysql.query(
      `SELECT id, CAST(f AS DOUBLE) AS f, CAST(d AS CHAR) AS d, CAST(CAST(fd AS FLOAT) AS ` +
        `DOUBLE) AS fd FROM ${WAREHOUSE_DB}.floats WHERE id < 99 ORDER BY id`,
    );
    expect(asNumbers(rows as Array<Record<string, string>>)).toEqual(EXPECTED);
    const [text] = await db.mysql.query(
      `SELECT CAST(fd AS CHAR) AS fd FROM ${WAREHOUSE_DB}.floats WHERE id IN (1, 2) ORDER BY id`,
    );
    expect((text as Array<{ fd: string }>).map((r) => r.fd)).toEqual(['16777216', '1.2345678']);
  });
});
