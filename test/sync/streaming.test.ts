/**
 * The PostgreSQL streaming path (MySQL row packets → COPY text, page by page): values far larger
 * than a COPY chunk or a one-byte length prefix, many small batches, and a bad value in a later
 * batch, which must leave exactly the batches before it.
 */
import { cliProcess, freshDatabases, type TestDatabases } from '../support/databases';

const DB = 'test_streaming';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
});
afterAll(() => db.close());

const sync = (table: string, extra: string[] = []) =>
  cliProcess([
    '--source',
    db.sourceUrl,
    '--warehouse',
    db.warehouseUrl,
    '--table',
    table,
    '--key',
    'id',
    '--json',
    ...extra,
  ]);

test(
  'values of 98,002 characters (over 64 KiB in UTF-8) and 70,000 bytes arrive exactly, ' + 'through batches of 2 rows',
  async () => {
    await db.mysql.query(
      `CREATE TABLE big (id INT NOT NULL PRIMARY KEY, note MEDIUMTEXT CHARACTER SET utf8mb4, ` +
        `raw MEDIUMBLOB) CHARACTER SET utf8mb4`,
    );
    await db.pg.query('CREATE TABLE big (id integer NOT NULL, note text, raw bytea)');
    const rows: Array<[number, string | null, Buffer | null]> = [];
    for (let id = 1; id <= 7; id++) {
      const note =
        id === 4 ? null : `${id}:` + 'tab\tback\\slash new\nline cr\r 😀 日本 '.repeat(id * 600).slice(0, id * 14_000);
      const raw = id === 5 ? null : Buffer.from(Array.from({ length: id * 10_000 }, (_, i) => (i * 7 + id) & 0xff));
      rows.push([id, note, raw]);
      await db.mysql.query('INSERT INTO big VALUES (?, ?, ?)', [id, note, raw]);
    }
    const run = await sync('big', ['--batch-size', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 7, newRows: 7, batches: 4, watermarkAfter: 7 });
    const got = await db.pg.query<{ id: number; note: string | null; raw: Buffer | null }>(
      'SELECT id, note, raw FROM big ORDER BY id',
    );
    expect(got.rows.map((r) => [r.id, r.note, r.raw])).toEqual(rows);
    expect(Math.max(...rows.map(([, note]) => note?.length ?? 0))).toBe(98_002);
  },
);

test(
  'a MySQL zero date in the third batch: the two batches before it stay, nothing of its ' + 'own is written',
  async () => {
    await db.mysql.query(`SET SESSION sql_mode = ''; CREATE TABLE zeroes (id BIGINT NOT NULL PRIMARY KEY, dt DATETIME);
    INSERT INTO zeroes VALUES (1, '2024-01-01 00:00:00'), (2, NULL), (3, '2024-01-03 00:00:00'), (4, '2024-01-04 00:00:00'),
      (5, '2024-01-05 00:00:00'), (6, '0000-00-00 00:00:00'), (7, '2024-01-07 00:00:00')`);
    await db.pg.query('CREATE TABLE zeroes (id bigint NOT NULL, dt timestamp)');
    const run = await sync('zeroes', ['--batch-size', '2']);
    expect(run.stderr).toBe(
      'warehouse-sync: table zeroes: row id=6 has the MySQL zero date "0000-00-00 00:00:00" ' +
        'in column dt, which the warehouse ' +
        'cannot hold; fix that row in staging (e.g. set it to NULL)\n',
    );
    expect(run.code).toBe(1);
    expect((await db.pg.query('SELECT id::int, dt::text FROM zeroes ORDER BY id')).rows).toEqual([
      { id: 1, dt: '2024-01-01 00:00:00' },
      { id: 2, dt: null },
      { id: 3, dt: '2024-01-03 00:00:00' },
      { id: 4, dt: '2024-01-04 00:00:00' },
    ]);
    // Fixed in staging, the next run takes the rest.
    await db.mysql.query('UPDATE zeroes SET dt = NULL WHERE id = 6');
    const rerun = await sync('zeroes', ['--batch-size', '2']);
    expect(JSON.parse(rerun.stdout).tables[0]).toMatchObject({ watermarkBefore: 4, inserted: 3, watermarkAfter: 7 });
  },
);

test('a value PostgreSQL rejects stops the run with its message and leaves only whole batches', async () => {
  await db.mysql.query('CREATE TABLE narrow (id INT NOT NULL PRIMARY KEY, n INT)');
  await db.mysql.query('INSERT INTO narrow VALUES (1, 1), (2, 2), (3, -3), (4, 4), (5, 5)');
  await db.pg.query('CREATE TABLE narrow (id integer NOT NULL, n integer CHECK (n > 0))');
  const run = await sync('narrow', ['--batch-size', '2']);
  expect(run.stderr).toBe(
    'warehouse-sync: loading narrow into public.narrow failed: new row for relation ' +
      '"narrow" violates check constraint "narrow_n_check"\n',
  );
  expect(run.code).toBe(1);
  expect((await db.pg.query('SELECT id FROM narrow ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
});
