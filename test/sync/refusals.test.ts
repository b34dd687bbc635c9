/**
 * Bad input is refused before anything is written: exit 2, one line on stderr naming what to fix,
 * no password echoed, and the warehouse exactly as it was.
 */
import { cli, createCourseTables, freshDatabases, generateRows, MYSQL_SERVER, POSTGRES_SERVER, type TestDatabases } from '../support/databases';

const DB = 'test_refusals';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 100);
  await db.pg.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (1, 1, 1, 1)');
  await db.mysql.query(`CREATE TABLE notes (rowid INT PRIMARY KEY, note VARCHAR(50) NOT NULL, amount DECIMAL(10,2) NOT NULL)`);
  await db.mysql.query(`INSERT INTO notes VALUES (1, 'a note longer than five', 12345678.90)`);
  await db.mysql.query(`CREATE TABLE no_key (id INT PRIMARY KEY, v INT)`);
  await db.pg.query(`CREATE TABLE notes_narrow (rowid int NOT NULL, note varchar(5) NOT NULL, amount numeric(10,2) NOT NULL)`);
  await db.pg.query(`CREATE TABLE notes_small_decimal (rowid int NOT NULL, note varchar(50) NOT NULL, amount numeric(5,2) NOT NULL)`);
  await db.pg.query(`CREATE TABLE notes_required (rowid int NOT NULL, note varchar(50) NOT NULL, amount numeric(10,2) NOT NULL, region text NOT NULL)`);
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
    'warehouse-sync: source URL scheme "localhost:" is not supported (use mysql://, postgres:// or db2://) (set --source or SYNC_SOURCE_URL)',
  );
  expect(await refused(['--warehouse', 'nonsense'])).toBe(
    'warehouse-sync: warehouse URL is not a URL: "nonsense" (expected e.g. mysql://user@host:3306/db) (set --warehouse or SYNC_WAREHOUSE_URL)',
  );
});

test('a wrong password, which is never echoed', async () => {
  const message = await refused(['--source', `mysql://root:Sup3rSecret@127.0.0.1:3306/${DB}`]);
  expect(message).toBe(
    'warehouse-sync: source refused the login for user "root" at 127.0.0.1:3306: check the user and password in --source / SYNC_SOURCE_URL',
  );
  expect(message).not.toContain('Sup3rSecret');
});

test('an unknown database, on either side', async () => {
  expect(await refused(['--source', `${MYSQL_SERVER}/no_such_db`])).toBe(
    'warehouse-sync: source database "no_such_db" does not exist at 127.0.0.1:3306: check the database name in --source / SYNC_SOURCE_URL',
  );
  expect(await refused(['--warehouse', `${POSTGRES_SERVER}/no_such_db`])).toBe(
    'warehouse-sync: warehouse database "no_such_db" does not exist at 127.0.0.1:5432: check the database name in --warehouse / SYNC_WAREHOUSE_URL',
  );
});

test('a database nobody listens for', async () => {
  expect(await refused(['--warehouse', `postgres://root@127.0.0.1:1/${DB}`])).toBe(
    'warehouse-sync: warehouse at 127.0.0.1:1 refused the connection: is PostgreSQL running there? (check host and port in --warehouse)',
  );
});

test('a missing source or warehouse table', async () => {
  expect(await refused(['--table', 'nothing_here'])).toBe(
    `warehouse-sync: table nothing_here: source table nothing_here not found in ${MYSQL_SERVER}/${DB}; ` +
      `table nothing_here: warehouse table nothing_here not found in ${POSTGRES_SERVER}/${DB} (create it first)`,
  );
  expect(await refused(['--table', 'notes'])).toBe(
    `warehouse-sync: table notes: warehouse table notes not found in ${POSTGRES_SERVER}/${DB} (create it first)`,
  );
});

test('a missing key column', async () => {
  expect(await refused(['--table', 'no_key'])).toBe('warehouse-sync: table no_key: key column rowid is not in the source table (set --key)');
  expect(await refused(['--key', 'id'])).toBe('warehouse-sync: table sales_data: key column id is not in the source table (set --key)');
});

test('a NOT NULL warehouse column with no default and no source column', async () => {
  expect(await refused(['--table', 'notes:notes_required'])).toBe(
    'warehouse-sync: table notes:notes_required: warehouse column region text is NOT NULL without a default and has no source column ' +
      '(make it nullable, give it a default, or add region to the source)',
  );
});

test('a warehouse column too narrow: VARCHAR(5) for VARCHAR(50)', async () => {
  expect(await refused(['--table', 'notes:notes_narrow'])).toBe(
    'warehouse-sync: table notes:notes_narrow: column note: source varchar(50) does not fit warehouse character varying(5); make it at least 50 characters long',
  );
});

test('a warehouse column too narrow: DECIMAL(5,2) for DECIMAL(10,2)', async () => {
  expect(await refused(['--table', 'notes:notes_small_decimal'])).toBe(
    'warehouse-sync: table notes:notes_small_decimal: column amount: source decimal(10,2) does not fit warehouse numeric(5,2); use DECIMAL(10,2) or wider',
  );
});

test('every problem of a table is reported at once, and nothing of the good table is written either', async () => {
  expect(await refused(['--table', 'sales_data', '--table', 'notes:notes_narrow', '--table', 'notes:notes_small_decimal'])).toBe(
    'warehouse-sync: table notes:notes_narrow: column note: source varchar(50) does not fit warehouse character varying(5); make it at least 50 characters long; ' +
      'table notes:notes_small_decimal: column amount: source decimal(10,2) does not fit warehouse numeric(5,2); use DECIMAL(10,2) or wider',
  );
});

test('bad options are all reported together', async () => {
  expect(await refused(['--batch-size', '0', '--max-seconds', 'soon', '--frobnicate'])).toBe(
    'warehouse-sync: unknown argument "--frobnicate" (see --help)',
  );
  expect(await refused(['--batch-size', '0', '--max-seconds', 'soon'])).toBe(
    'warehouse-sync: 2 configuration problems: --batch-size must be a number from 1 to 100000, got "0"; --max-seconds must be a number from 0.001 to 604800, got "soon"',
  );
});
