/**
 * Bad input is refused before anything is written: exit 2, one line on stderr naming what to fix,
 * no password echoed, and the warehouse exactly as it was.
 */
import { Client } from 'pg';
import {
  cli,
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  MYSQL_SERVER,
  POSTGRES_SERVER,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_refusals';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 100);
  await db.pg.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (1, 1, 1, 1)');
  await db.mysql.query(
    `CREATE TABLE notes (rowid INT PRIMARY KEY, note VARCHAR(50) NOT NULL, amount ` + `DECIMAL(10,2) NOT NULL)`,
  );
  await db.mysql.query(`INSERT INTO notes VALUES (1, 'a note longer than five', 12345678.90)`);
  await db.mysql.query(`CREATE TABLE no_key (id INT PRIMARY KEY, v INT)`);
  await db.pg.query(
    `CREATE TABLE notes_narrow (rowid int NOT NULL, note varchar(5) NOT NULL, amount ` + `numeric(10,2) NOT NULL)`,
  );
  await db.pg.query(
    `CREATE TABLE notes_small_decimal (rowid int NOT NULL, note varchar(50) NOT NULL, ` +
      `amount numeric(5,2) NOT NULL)`,
  );
  await db.pg.query(
    `CREATE TABLE notes_required (rowid int NOT NULL, note varchar(50) NOT NULL, amount ` +
      `numeric(10,2) NOT NULL, region text NOT NULL)`,
  );
  await db.pg.query(`CREATE TABLE no_key (id int, v int)`);
});
afterAll(() => db.close());

async function refused(args: string[]): Promise<string> {
  const before = await snapshot();
  const result = await cli(['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, ...args]);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(await snapshot()).toEqual(before);
  return result.stderr.trim();
}

async function snapshot(): Promise<unknown> {
  const counts = await db.pg.query(
    `SELECT (SELECT count(*) FROM sales_data)::int AS sales, (SELECT count(*) FROM notes_narrow)::int AS narrow,
            (SELECT count(*) FROM notes_small_decimal)::int AS small, (SELECT count(*) FROM notes_required)::int AS required`,
  );
  return counts.rows[0];
}

test('a URL that is not a URL', async () => {
  expect(await refused(['--source', 'localhost:3306/sales'])).toBe(
    'warehouse-sync: source URL scheme "localhost:" is not supported (use mysql://, ' +
      'postgres:// or db2://) (set --source or SYNC_SOURCE_URL)',
  );
  expect(await refused(['--warehouse', 'nonsense'])).toBe(
    // Never quoted: a malformed URL may hold a password anywhere.
    'warehouse-sync: warehouse URL is not a URL: it must start with a scheme such as ' +
      'mysql:// (expected e.g. mysql://user@host:3306/db, with :password after the user; the ' +
      'value is not shown, as it may hold a password) (set --warehouse or SYNC_WAREHOUSE_URL)',
  );
});

test('a wrong password, which is never echoed', async () => {
  const message = await refused(['--source', `mysql://root:Sup3rSecret@127.0.0.1:3306/${DB}`]);
  expect(message).toBe(
    'warehouse-sync: source refused the login for user "root" at 127.0.0.1:3306: check the ' +
      'user and password in --source / SYNC_SOURCE_URL',
  );
  expect(message).not.toContain('Sup3rSecret');
});

test('an unknown database, on either side', async () => {
  expect(await refused(['--source', `${MYSQL_SERVER}/no_such_db`])).toBe(
    'warehouse-sync: source database "no_such_db" does not exist at 127.0.0.1:3306: check ' +
      'the database name in --source / SYNC_SOURCE_URL',
  );
  expect(await refused(['--warehouse', `${POSTGRES_SERVER}/no_such_db`])).toBe(
    'warehouse-sync: warehouse database "no_such_db" does not exist at 127.0.0.1:5432: ' +
      'check the database name in --warehouse / SYNC_WAREHOUSE_URL',
  );
});

test('a database nobody listens for', async () => {
  expect(await refused(['--warehouse', `postgres://root@127.0.0.1:1/${DB}`])).toBe(
    'warehouse-sync: warehouse at 127.0.0.1:1 refused the connection: is PostgreSQL ' +
      'running there? (check host and port in --warehouse)',
  );
});

test('a missing source or warehouse table', async () => {
  expect(await refused(['--table', 'nothing_here'])).toBe(
    `warehouse-sync: table nothing_here: source table nothing_here not found in ${MYSQL_SERVER}/${DB}; ` +
      `table nothing_here: warehouse table nothing_here not found in ${POSTGRES_SERVER}/${DB} ` +
      '(create it: run with --create-table [SYNC_CREATE_TABLE], or see its DDL with warehouse-sync ddl)',
  );
  expect(await refused(['--table', 'notes'])).toBe(
    `warehouse-sync: table notes: warehouse table notes not found in ${POSTGRES_SERVER}/${DB} ` +
      '(create it: run with --create-table [SYNC_CREATE_TABLE], or see its DDL with warehouse-sync ddl)',
  );
});

test('a missing key column', async () => {
  expect(await refused(['--table', 'no_key'])).toBe(
    'warehouse-sync: table no_key: key column rowid is not in the source table (set --key)',
  );
  expect(await refused(['--key', 'id'])).toBe(
    'warehouse-sync: table sales_data: key column id is not in the source table (set --key)',
  );
});

test('a NOT NULL warehouse column with no default and no source column', async () => {
  expect(await refused(['--table', 'notes:notes_required'])).toBe(
    'warehouse-sync: table notes:notes_required: warehouse column region text is NOT NULL ' +
      'without a default and has no source column ' +
      '(make it nullable, give it a default, or add region to the source)',
  );
});

test('a warehouse column too narrow: VARCHAR(5) for VARCHAR(50)', async () => {
  expect(await refused(['--table', 'notes:notes_narrow'])).toBe(
    'warehouse-sync: table notes:notes_narrow: column note: source varchar(50) does not ' +
      'fit warehouse character varying(5); make it at least 50 characters long; ' +
      'to widen it run: ALTER TABLE "public"."notes_narrow" ALTER COLUMN "note" TYPE varchar(50)',
  );
});

test('a warehouse column too narrow: DECIMAL(5,2) for DECIMAL(10,2)', async () => {
  expect(await refused(['--table', 'notes:notes_small_decimal'])).toBe(
    'warehouse-sync: table notes:notes_small_decimal: column amount: source decimal(10,2) ' +
      'does not fit warehouse numeric(5,2); use DECIMAL(10,2) or wider; ' +
      'to widen it run: ALTER TABLE "public"."notes_small_decimal" ALTER COLUMN "amount" TYPE numeric(10,2)',
  );
});

test('every problem of a table is reported at once, and nothing of the good table is written either', async () => {
  expect(
    await refused(['--table', 'sales_data', '--table', 'notes:notes_narrow', '--table', 'notes:notes_small_decimal']),
  ).toBe(
    'warehouse-sync: table notes:notes_narrow: column note: source varchar(50) does not ' +
      'fit warehouse character varying(5); make it at least 50 characters long; ' +
      'to widen it run: ALTER TABLE "public"."notes_narrow" ALTER COLUMN "note" TYPE varchar(50); ' +
      'table notes:notes_small_decimal: column amount: source decimal(10,2) does not fit ' +
      'warehouse numeric(5,2); use DECIMAL(10,2) or wider; ' +
      'to widen it run: ALTER TABLE "public"."notes_small_decimal" ALTER COLUMN "amount" TYPE numeric(10,2)',
  );
});

test('bad options are all reported together', async () => {
  expect(await refused(['--batch-size', '0', '--max-seconds', 'soon', '--frobnicate'])).toBe(
    'warehouse-sync: unknown argument "--frobnicate" (see --help)',
  );
  expect(await refused(['--batch-size', '0', '--max-seconds', 'soon'])).toBe(
    'warehouse-sync: 2 configuration problems: --batch-size must be a number from 1 to ' +
      '100000, got "0"; --max-seconds must be a number from 0.001 to 604800, got "soon"',
  );
});

/**
 * Refusals that depend on the source's key and values, run as the built CLI in its own process:
 * exit 2, one line naming the table, row and column where there is one, and no row written.
 */
describe('the key and the values, before anything is written (built CLI)', () => {
  const LATIN1_DB = `${DB}_latin1`;
  let latin1: Client;

  beforeAll(async () => {
    await db.mysql.query(`
      CREATE TABLE dup_keys (rowid INT NOT NULL, v INT NOT NULL, KEY (rowid));
      INSERT INTO dup_keys VALUES (1, 1), (2, 2), (2, 3), (3, 4), (3, 5), (4, 6);
      CREATE TABLE null_keys (rowid INT NULL, v INT NOT NULL, UNIQUE KEY (rowid));
      INSERT INTO null_keys VALUES (1, 1), (NULL, 2), (NULL, 3), (2, 4);
      CREATE TABLE pair_keys (rowid INT NOT NULL, v INT NOT NULL, PRIMARY KEY (rowid, v));
      INSERT INTO pair_keys VALUES (1, 1), (1, 2);
      CREATE TABLE unique_keys (rowid INT NOT NULL, v INT NOT NULL, UNIQUE KEY (rowid));
      INSERT INTO unique_keys VALUES (1, 1), (2, 2);
      CREATE TABLE times (rowid INT PRIMARY KEY, t TIME NULL);
      INSERT INTO times VALUES (1, '01:00:00'), (2, '24:00:00'), (3, NULL), (4, '-01:00:00'), (5, '100:00:00');
      CREATE TABLE times_ok (rowid INT PRIMARY KEY, t TIME NULL);
      INSERT INTO times_ok VALUES (1, '00:00:00'), (2, '24:00:00'), (3, '23:59:59');
      CREATE TABLE nuls (rowid INT PRIMARY KEY, note VARCHAR(50) CHARACTER SET utf8mb4 NULL, other VARCHAR(50) CHARACTER SET latin1 NULL);
      INSERT INTO nuls VALUES (1, 'fine', 'fine'), (2, 'also fine', NULL), (3, 'fine', CONCAT('a', CHAR(0), 'b')), (4, CONCAT('x', CHAR(0)), 'fine');
      CREATE TABLE floats_bent (rowid INT PRIMARY KEY, f FLOAT NULL, d DOUBLE NULL);
      INSERT INTO floats_bent VALUES (1, 1.2345678, 0.1);
      CREATE TABLE emoji (rowid INT PRIMARY KEY, note VARCHAR(50) CHARACTER SET utf8mb4 NULL) CHARACTER SET utf8mb4;
      INSERT INTO emoji VALUES (1, 'café'), (2, 'party 🎉')`);
    for (const t of ['dup_keys', 'null_keys', 'pair_keys', 'unique_keys'])
      await db.pg.query(`CREATE TABLE ${t} (rowid integer, v integer)`);
    await db.pg.query(
      'CREATE TABLE times (rowid integer NOT NULL, t time); CREATE TABLE times_ok (rowid ' +
        'integer NOT NULL, t time)',
    );
    await db.pg.query('CREATE TABLE nuls (rowid integer NOT NULL, note text, other varchar(50))');
    await db.pg.query('CREATE TABLE floats_bent (rowid integer NOT NULL, f numeric(20,10), d real)');
    const admin = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${LATIN1_DB}" WITH (FORCE)`);
    await admin.query(
      `CREATE DATABASE "${LATIN1_DB}" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
    await admin.end();
    latin1 = new Client({ connectionString: `${POSTGRES_SERVER}/${LATIN1_DB}` });
    await latin1.connect();
    await latin1.query('CREATE TABLE emoji (rowid integer NOT NULL, note varchar(50))');
  });
  afterAll(async () => {
    await latin1.end();
    const admin = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${LATIN1_DB}" WITH (FORCE)`);
    await admin.end();
  });

  /** Runs the built CLI; expects exit 2, one line on stderr, nothing on stdout and `table` still empty. */
  async function refusedBuilt(
    args: string[],
    table: string,
    warehouse: Client = db.pg,
    warehouseUrl = db.warehouseUrl,
  ): Promise<string> {
    const result = await cliProcess([...args, '--source', db.sourceUrl, '--warehouse', warehouseUrl]);
    expect([result.code, result.stdout, result.stderr.split('\n').filter(Boolean).length]).toEqual([2, '', 1]);
    expect((await warehouse.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(0);
    return result.stderr.trim();
  }

  test('a key with repeated values (1,2,2,3,3,4) is refused, by run and by verify --repair', async () => {
    const message =
      'warehouse-sync: table dup_keys: source key rowid has no PRIMARY KEY or UNIQUE index ' +
      'of its own, so rows sharing a key or without one ' +
      'would be lost; add a PRIMARY KEY or UNIQUE index on rowid alone';
    expect(await refusedBuilt(['--table', 'dup_keys'], 'dup_keys')).toBe(message);
    expect(await refusedBuilt(['verify', '--repair', '--table', 'dup_keys'], 'dup_keys')).toBe(message);
  });

  test('verify without --repair still looks at such a table, and counts its doubled keys', async () => {
    const result = await cliProcess([
      'verify',
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      'dup_keys',
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
      sourceRows: 6,
      sourceDuplicates: 2,
      sourceDuplicateKeys: [2, 3],
      inStep: false,
    });
  });

  test('a nullable key, even with a UNIQUE index, is refused', async () => {
    expect(await refusedBuilt(['--table', 'null_keys'], 'null_keys')).toBe(
      'warehouse-sync: table null_keys: source key rowid has a UNIQUE index but is nullable, ' +
        'so rows sharing a key or without one would be lost; make rowid NOT NULL',
    );
  });

  test('a key that is only part of a PRIMARY KEY is refused', async () => {
    expect(await refusedBuilt(['--table', 'pair_keys'], 'pair_keys')).toContain(
      'table pair_keys: source key rowid has no PRIMARY KEY or UNIQUE index of its own',
    );
  });

  test('a UNIQUE index on a NOT NULL key is proof enough', async () => {
    const result = await cliProcess([
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      'unique_keys',
      '--json',
    ]);
    expect([result.code, result.stderr, JSON.parse(result.stdout).tables[0].inserted]).toEqual([0, '', 2]);
  });

  test('a TIME outside 00:00:00..24:00:00 for a PostgreSQL time column: the first such row is named', async () => {
    expect(await refusedBuilt(['--table', 'times'], 'times')).toBe(
      'warehouse-sync: table times: row rowid=4 has the TIME "-01:00:00" in column t, which ' +
        'warehouse column t time without time zone ' +
        'cannot hold (00:00:00 to 24:00:00); fix that row in staging, or use a MySQL warehouse for it',
    );
    await db.mysql.query("UPDATE times SET t = '01:00:00' WHERE rowid = 4");
    expect(await refusedBuilt(['--table', 'times'], 'times')).toContain(
      'row rowid=5 has the TIME "100:00:00" in column t',
    );
    await db.mysql.query("UPDATE times SET t = '-01:00:00' WHERE rowid = 4");
  });

  test('TIME values within a day load', async () => {
    const result = await cliProcess([
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      'times_ok',
      '--json',
    ]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect((await db.pg.query('SELECT t::text FROM times_ok ORDER BY rowid')).rows.map((r) => r.t)).toEqual([
      '00:00:00',
      '24:00:00',
      '23:59:59',
    ]);
  });

  test('a NUL character in text for PostgreSQL: the first such row and its column are named', async () => {
    expect(await refusedBuilt(['--table', 'nuls'], 'nuls')).toBe(
      'warehouse-sync: table nuls: row rowid=3 has a NUL character (U+0000) in column other, ' +
        'which warehouse column other character varying(50) ' +
        'cannot hold; remove it in staging',
    );
  });

  test('a FLOAT into numeric and a DOUBLE into real would bend: refused, every column named', async () => {
    const message = await refusedBuilt(['--table', 'floats_bent'], 'floats_bent');
    expect(message).toContain(
      'warehouse-sync: table floats_bent: column f: source float does not fit warehouse ' +
        'numeric(20,10); use REAL or DOUBLE',
    );
    expect(message).toContain('table floats_bent: column d: source double does not fit warehouse real; use DOUBLE');
  });

  test(
    'utf8mb4 text into a LATIN1 PostgreSQL database is refused before the first row, ' + 'whatever the rows hold',
    async () => {
      expect(await refusedBuilt(['--table', 'emoji'], 'emoji', latin1, `${POSTGRES_SERVER}/${LATIN1_DB}`)).toContain(
        'warehouse-sync: table emoji: column note: source varchar(50) can hold any Unicode ' +
          'characters, but warehouse character varying(50) ' +
          'stores ISO 8859-1 (PostgreSQL LATIN1) only; make the warehouse side UTF-8 ' +
          "(PostgreSQL: a database created with ENCODING 'UTF8'; " +
          'MySQL: CHARACTER SET utf8mb4), or the source column CHARACTER SET ascii',
      );
    },
  );
});
