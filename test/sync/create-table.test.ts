/**
 * Creating warehouse tables, on the built CLI: `ddl`, `run --create-table` on a MySQL table holding every MySQL type
 * into an empty PostgreSQL and an empty MariaDB warehouse (then `verify` exits 0), two runs creating
 * the same table at once, `--add-columns` between two runs, and the refusals (exit 2, one line,
 * nothing written).
 */
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import {
  EVERY_TYPE_VALUES,
  everyTypeRows,
  expectDriftInStep,
  expectEveryCreated,
  expectEveryFoundAgain,
  expectEveryInStep,
  expectNoteAdded,
  expectRacedOnce,
  refusedLine as refusal,
} from '../support/create-table';
import { cliProcess, freshDatabases, MYSQL_SERVER, type TestDatabases } from '../support/databases';

const DB = 'test_create_table';
const MYSQL_WAREHOUSE_DB = `${DB}_wh`;
let db: TestDatabases;
let mysqlWarehouse: mysql.Connection;
const mysqlWarehouseUrl = `${MYSQL_SERVER}/${MYSQL_WAREHOUSE_DB}`;

/** Every MySQL type the issue lists, generated columns included (copied as values). */
const EVERY_TYPE = `CREATE TABLE every (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT NOT NULL, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d10 DECIMAL(10,2), d31 DECIMAL(31,5), d34 DECIMAL(34,4), d65 DECIMAL(65,30),
  f FLOAT, dbl DOUBLE, y YEAR, dd DATE, dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(3) NULL, t0 TIME, t6 TIME(6),
  c CHAR(5), vc VARCHAR(50), vbig VARCHAR(10000), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  b BINARY(4), vb VARBINARY(40), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  j JSON, e ENUM('small','medium','large'), st SET('a','b','c'), bt1 BIT(1), bt12 BIT(12), bt64 BIT(64),
  g INT AS (i * 2) VIRTUAL, gs VARCHAR(60) AS (CONCAT(vc, '!')) STORED
) CHARACTER SET utf8mb4`;

const { inserted: INSERTED, rows: ROWS } = everyTypeRows(EVERY_TYPE_VALUES);

beforeAll(async () => {
  db = await freshDatabases(DB);
  await db.mysql.query(`DROP DATABASE IF EXISTS ${MYSQL_WAREHOUSE_DB}; CREATE DATABASE ${MYSQL_WAREHOUSE_DB}`);
  mysqlWarehouse = await mysql.createConnection({
    uri: mysqlWarehouseUrl,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await db.mysql.query(EVERY_TYPE);
  for (const row of ROWS) await db.mysql.query(`INSERT INTO every (${INSERTED.join(', ')}) VALUES (?)`, [row]);
});
afterAll(async () => {
  await db.mysql.query(`DROP DATABASE IF EXISTS ${MYSQL_WAREHOUSE_DB}`);
  await mysqlWarehouse.end();
  await db.close();
});

const on = (warehouse: string, ...args: string[]) => ['--source', db.sourceUrl, '--warehouse', warehouse, ...args];

describe.each([
  ['PostgreSQL', () => db.warehouseUrl],
  ['MariaDB', () => mysqlWarehouseUrl],
])('into an empty %s warehouse', (_name, url) => {
  test(
    'run --create-table creates the table with the ddl statements, loads every row, and ' + 'verify exits 0',
    async () => {
      const ddl = await cliProcess(['ddl', ...on(url(), '--table', 'every', '--key', 'id', '--json')]);
      expect(ddl.code).toBe(0);
      const statements: string[] = JSON.parse(ddl.stdout).tables[0].statements;
      expect(statements).toHaveLength(1);

      const run = await cliProcess([
        'run',
        ...on(url(), '--table', 'every', '--key', 'id', '--create-table', '--json'),
      ]);
      expectEveryCreated(run);

      const verify = await cliProcess(['verify', ...on(url(), '--table', 'every', '--key', 'id', '--json')]);
      expectEveryInStep(verify);

      // A second run finds the table: nothing created, nothing new.
      expectEveryFoundAgain(
        await cliProcess(['run', ...on(url(), '--table', 'every', '--key', 'id', '--create-table', '--json')]),
      );
    },
  );
});

test('PostgreSQL: the created table has the key as its primary key and the values exactly', async () => {
  const pk = await db.pg
    .query(`SELECT a.attname, a.attnotnull FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indrelid = 'every'::regclass AND i.indisprimary`);
  expect(pk.rows).toEqual([{ attname: 'id', attnotnull: true }]);
  const got = await db.pg.query(
    `SELECT id::text, biu::text, d65::text, f::text, t6::text, e, st, g, gs, encode(b, ` +
      `'hex') AS b, j::text, encode(bt12, 'hex') AS bt12, encode(bt64, 'hex') AS bt64 FROM ` +
      `every ORDER BY every.id`,
  );
  expect(got.rows).toEqual([
    {
      id: '1',
      biu: null,
      d65: null,
      f: null,
      t6: null,
      e: null,
      st: null,
      g: 0,
      gs: null,
      b: null,
      j: null,
      bt12: null,
      bt64: null,
    },
    {
      id: '2',
      biu: '0',
      d65: '0.000000000000000000000000000000',
      f: '0',
      t6: '00:00:00.5',
      e: 'small',
      st: '',
      g: 10,
      gs: '!',
      b: '00000000',
      j: '[]',
      bt12: '0000',
      bt64: '0000000000000000',
    },
    {
      id: '18446744073709551615',
      biu: '18446744073709551615',
      d65: '12345678901234567890123456789012345.123456789012345678901234567891',
      f: '1.2345678',
      t6: '12:34:56.789012',
      e: 'medium',
      st: 'a,c',
      g: -2147483648,
      gs: '😀 emoji é!',
      b: '00ff0102',
      j: '{"b": 1, "a": [1, 2]}',
      bt12: '0801',
      bt64: 'ffffffffffffffff',
    },
  ]);
});

test('MariaDB: the created table has the key as its primary key', async () => {
  const [rows] = await mysqlWarehouse.query(
    `SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.STATISTICS JOIN information_schema.COLUMNS USING (TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME)
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'every' AND INDEX_NAME = 'PRIMARY'`,
    [MYSQL_WAREHOUSE_DB],
  );
  expect(rows).toEqual([{ COLUMN_NAME: 'id', IS_NULLABLE: 'NO' }]);
});

test('ddl is deterministic, writes nothing, and needs no warehouse connection', async () => {
  // A warehouse nobody listens on: ddl never dials it.
  const args = [
    'ddl',
    '--source',
    db.sourceUrl,
    '--warehouse',
    'postgres://root@127.0.0.1:1/nowhere',
    '--table',
    'every',
    '--key',
    'id',
  ];
  const [a, b] = [await cliProcess(args), await cliProcess(args)];
  expect(a.code).toBe(0);
  expect(a.stderr).toBe('');
  expect(a.stdout).toBe(b.stdout);
  expect(a.stdout.split('\n').slice(0, 4)).toEqual([
    '-- every (PostgreSQL)',
    'CREATE TABLE "every" (',
    '  "id" numeric(20,0) NOT NULL,',
    '  "ti" smallint,',
  ]);
  expect(a.stdout.trimEnd().split('\n').slice(-3)).toEqual(['  "gs" varchar(60),', '  PRIMARY KEY ("id")', ');']);
});

describe('refusals: exit 2, one line, nothing written', () => {
  beforeAll(async () => {
    await db.mysql.query(`CREATE TABLE with_point (id INT NOT NULL PRIMARY KEY, place POINT, note VARCHAR(10))`);
    await db.mysql.query(`INSERT INTO with_point VALUES (1, POINT(1, 2), 'x')`);
    await db.mysql.query(`CREATE TABLE wide_decimal (id INT NOT NULL PRIMARY KEY, amount DECIMAL(40,10))`);
  });

  const refusedLine = async (args: string[]): Promise<string> => refusal(await cliProcess(args));

  test('a missing table without --create-table names the flag and ddl', async () => {
    expect(await refusedLine(on(db.warehouseUrl, '--table', 'with_point', '--key', 'id'))).toBe(
      `warehouse-sync: table with_point: warehouse table with_point not found in ${db.warehouseUrl} ` +
        '(create it: run with --create-table [SYNC_CREATE_TABLE], or see its DDL with warehouse-sync ddl)',
    );
  });

  test('--create-table with --dry-run creates nothing and says so', async () => {
    expect(
      await refusedLine(on(db.warehouseUrl, '--table', 'with_point', '--key', 'id', '--create-table', '--dry-run')),
    ).toBe(
      `warehouse-sync: table with_point: warehouse table with_point not found in ${db.warehouseUrl} ` +
        '(a dry run creates nothing: run without --dry-run to create it, or see its DDL with warehouse-sync ddl)',
    );
  });

  test('a column with no lossless type: the table is not created, even beside a table that could be', async () => {
    await db.mysql.query(`CREATE TABLE fine (id INT NOT NULL PRIMARY KEY)`);
    expect(
      await refusedLine(
        on(db.warehouseUrl, '--table', 'fine', '--table', 'with_point', '--key', 'id', '--create-table'),
      ),
    ).toBe(
      'warehouse-sync: table with_point: column place point has no lossless PostgreSQL type ' +
        'in warehouse-sync; drop the column from the staging table, or change it to a type ' +
        "listed in the README's type mapping",
    );
    const tables = await db.pg.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('fine', 'with_point')`);
    expect(tables.rows).toEqual([{ n: 0 }]);
  });

  test('a refusal after the table was created (a value, an encoding) drops the table this run created', async () => {
    await db.mysql.query(
      `CREATE TABLE long_time (id INT NOT NULL PRIMARY KEY, t TIME, note VARCHAR(10)) ` + `CHARACTER SET utf8mb4`,
    );
    await db.mysql.query(`INSERT INTO long_time VALUES (1, '-01:00:00', 'x')`);
    const line = await refusedLine(on(db.warehouseUrl, '--table', 'long_time', '--key', 'id', '--create-table'));
    expect(line).toBe(
      'warehouse-sync: table long_time: row id=1 has the TIME "-01:00:00" in column t, which ' +
        'warehouse column t time(0) without time zone ' +
        'cannot hold (00:00:00 to 24:00:00); fix that row in staging, or use a MySQL warehouse for it',
    );
    const latin1 = `${DB}_latin1`;
    await db.pg.query(`DROP DATABASE IF EXISTS "${latin1}" WITH (FORCE)`);
    await db.pg.query(`CREATE DATABASE "${latin1}" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    try {
      const latin1Url = `${db.warehouseUrl.replace(/[^/]+$/, latin1)}`;
      expect(await refusedLine(on(latin1Url, '--table', 'long_time:notes', '--key', 'id', '--create-table'))).toBe(
        'warehouse-sync: table long_time:notes: column note: source varchar(10) can hold any ' +
          'Unicode characters, but warehouse character varying(10) ' +
          'stores ISO 8859-1 (PostgreSQL LATIN1) only; make the warehouse side UTF-8 ' +
          "(PostgreSQL: a database created with ENCODING 'UTF8'; " +
          'MySQL: CHARACTER SET utf8mb4), or the source column CHARACTER SET ascii',
      );
      const other = new Client({ connectionString: latin1Url });
      await other.connect();
      expect((await other.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'notes'`)).rows).toEqual([
        { n: 0 },
      ]);
      await other.end();
    } finally {
      await db.pg.query(`DROP DATABASE IF EXISTS "${latin1}" WITH (FORCE)`);
    }
    expect((await db.pg.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'long_time'`)).rows).toEqual([
      { n: 0 },
    ]);
  });

  test('DB2: DECIMAL beyond 34 digits, refused by ddl without connecting', async () => {
    const line =
      'warehouse-sync: table wide_decimal: column amount decimal(40,10) can have 40 digits ' +
      "but DB2's DECIMAL holds at most 31 and DECFLOAT(34) 34; " +
      'narrow the staging column to DECIMAL(34,10) or less, or sync this table to a PostgreSQL or MySQL warehouse';
    expect(
      await refusedLine(['ddl', ...on('db2://u@127.0.0.1:1/NOWHERE', '--table', 'wide_decimal', '--key', 'id')]),
    ).toBe(line);
  });
});

test('two runs creating the same table at once: one table, every row once', async () => {
  await db.mysql.query(`CREATE TABLE raced (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)`);
  await db.mysql.query(`INSERT INTO raced SELECT seq, CONCAT('v', seq) FROM seq_1_to_5000`);
  const args = (url: string) => [
    'run',
    ...on(
      url,
      '--table',
      'raced',
      '--key',
      'id',
      '--create-table',
      '--batch-size',
      '500',
      '--lock-wait',
      '30',
      '--json',
    ),
  ];
  const outcome = async (
    runs: Array<{ code: number; stderr: string; stdout: string }>,
    count: () => Promise<{ n: unknown; d: unknown }>,
  ) => {
    expectRacedOnce(runs);
    const { n, d } = await count();
    expect({ n: Number(n), d: Number(d) }).toEqual({ n: 5000, d: 5000 });
  };

  // PostgreSQL, made to collide: a transaction of the test's own creates the table and stays open,
  // so both runs find no table and both block inside CREATE TABLE; when it rolls back, one run's
  // CREATE goes through and the other's fails as "already there" (23505 on pg_type) and goes on.
  const blocker = new Client({ connectionString: db.warehouseUrl });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('CREATE TABLE raced (held int)');
  const pgRuns = Promise.all([cliProcess(args(db.warehouseUrl)), cliProcess(args(db.warehouseUrl))]);
  for (let waiting = 0; waiting < 2;) {
    await new Promise((r) => setTimeout(r, 50));
    const blocked = await db.pg.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'CREATE TABLE ` +
        `"raced"%' AND wait_event_type = 'Lock'`,
    );
    waiting = blocked.rows[0].n;
  }
  await blocker.query('ROLLBACK');
  await blocker.end();
  await outcome(
    await pgRuns,
    async () => (await db.pg.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM raced')).rows[0],
  );

  // MariaDB: started together, without forcing the collision.
  await outcome(
    await Promise.all([cliProcess(args(mysqlWarehouseUrl)), cliProcess(args(mysqlWarehouseUrl))]),
    async () =>
      (
        (await mysqlWarehouse.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM raced'))[0] as Array<{
          n: number;
          d: number;
        }>
      )[0],
  );
});

describe('--add-columns', () => {
  beforeAll(async () => {
    await db.mysql.query(`CREATE TABLE drift (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL)`);
    await db.mysql.query(`INSERT INTO drift VALUES (1, 10), (2, 20)`);
    const first = await cliProcess([
      'run',
      ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--create-table'),
    ]);
    expect(first.code).toBe(0);
    await db.mysql.query(`ALTER TABLE drift ADD COLUMN note VARCHAR(50)`);
    await db.mysql.query(`INSERT INTO drift VALUES (3, 30, 'third ☃')`);
  });

  test(
    'without the flag the column is only reported; with it the column is added before ' + 'loading, and verify exits 0',
    async () => {
      const dry = await cliProcess([
        'run',
        ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--dry-run', '--json'),
      ]);
      expect(JSON.parse(dry.stdout).tables[0]).toMatchObject({ sourceOnlyColumns: ['note'] });

      const run = await cliProcess(['run', ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--add-columns')]);
      expectNoteAdded(run);
      const rows = await db.pg.query('SELECT id, qty, note FROM drift ORDER BY id');
      expect(rows.rows).toEqual([
        { id: 1, qty: 10, note: null },
        { id: 2, qty: 20, note: null },
        { id: 3, qty: 30, note: 'third ☃' },
      ]);
      const column = await db.pg.query(
        `SELECT format_type(atttypid, atttypmod) AS type, attnotnull FROM pg_attribute WHERE ` +
          `attrelid = 'drift'::regclass AND attname = 'note'`,
      );
      expect(column.rows).toEqual([{ type: 'character varying(50)', attnotnull: false }]);
      const verify = await cliProcess(['verify', ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--json')]);
      expectDriftInStep(verify);
    },
  );

  test(
    'a column added in staging with a DEFAULT: rows loaded before hold NULL in the ' +
      'warehouse, and verify names them',
    async () => {
      await db.mysql.query(`ALTER TABLE drift ADD COLUMN region VARCHAR(10) NOT NULL DEFAULT 'eu'`);
      const run = await cliProcess([
        'run',
        ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--add-columns', '--json'),
      ]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ addedColumns: ['region'], inserted: 0 });
      const verify = await cliProcess(['verify', ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--json')]);
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.stdout).tables[0]).toMatchObject({
        sourceRows: 3,
        warehouseRows: 3,
        differing: [1, 2, 3],
      });
      await db.pg.query(`UPDATE drift SET region = 'eu'`);
    },
  );

  test(
    'a staging column that widened is refused before writing, with the ALTER TABLE to run; ' +
      'after it, the run goes on',
    async () => {
      await db.mysql.query(`ALTER TABLE drift MODIFY COLUMN note VARCHAR(200)`);
      await db.mysql.query(`INSERT INTO drift (id, qty, note) VALUES (4, 40, REPEAT('x', 200))`);
      const alter = 'ALTER TABLE "public"."drift" ALTER COLUMN "note" TYPE varchar(200)';
      for (const flags of [[], ['--add-columns']]) {
        const refused = await cliProcess(['run', ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', ...flags)]);
        expect([refused.code, refused.stdout]).toEqual([2, '']);
        expect(refused.stderr).toBe(
          'warehouse-sync: table drift: column note: source varchar(200) does not fit warehouse ' +
            'character varying(50); make it at least 200 characters long; ' +
            `to widen it run: ${alter}\n`,
        );
      }
      expect((await db.pg.query('SELECT count(*)::int AS n FROM drift')).rows).toEqual([{ n: 3 }]);
      await db.pg.query(alter);
      const run = await cliProcess(['run', ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--json')]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 1 });
    },
  );
  test(
    'a new column with no lossless type is refused with one line, and the other new column ' + 'is not added either',
    async () => {
      await db.mysql.query(`ALTER TABLE drift ADD COLUMN memo VARCHAR(5), ADD COLUMN place POINT`);
      const refused = await cliProcess([
        'run',
        ...on(db.warehouseUrl, '--table', 'drift', '--key', 'id', '--add-columns'),
      ]);
      expect([refused.code, refused.stdout]).toEqual([2, '']);
      expect(refused.stderr).toBe(
        'warehouse-sync: table drift: column place cannot be added: point has no lossless ' +
          'PostgreSQL type in warehouse-sync; drop the column from the staging table, or change ' +
          "it to a type listed in the README's type mapping\n",
      );
      const columns = await db.pg.query(
        `SELECT attname FROM pg_attribute WHERE attrelid = 'drift'::regclass AND attnum > 0 ` +
          `AND NOT attisdropped ORDER BY attnum`,
      );
      expect(columns.rows.map((r) => r.attname)).toEqual(['id', 'qty', 'note', 'region']);
    },
  );
});
