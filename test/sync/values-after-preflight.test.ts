/**
 * The last net behind the preflight's value checks (lib/value-checks.ts): a value PostgreSQL cannot
 * hold that is committed in staging after the run looked (here, while the run waits for the writer
 * lock) stops the run at its batch with one line naming table, row and column, exit 1, and the
 * batches before it committed and reported. Built CLI, own process.
 */
import { Client } from 'pg';
import { cliProcess, freshDatabases, type TestDatabases } from '../support/databases';

const DB = 'test_values_after_preflight';
let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
});
afterAll(() => db.close());

/**
 * Starts a run with the table's writer lock held, waits until the run has passed its preflight and
 * polls for the lock, runs `meanwhile` on the source, then lets the run go.
 */
async function runAfterPreflight(table: string, meanwhile: () => Promise<unknown>, extra: string[] = []) {
  const holder = new Client({ connectionString: db.warehouseUrl });
  await holder.connect();
  try {
    // The lock a run takes: namespace "WYNC", the table's oid.
    await holder.query(`SELECT pg_advisory_lock(${0x57594e43}, '${table}'::regclass::oid::int)`);
    const running = cliProcess([
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      table,
      '--batch-size',
      '2',
      '--lock-wait',
      '60',
      ...extra,
    ]);
    for (let i = 0; ; i++) {
      const polling = await holder.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> ' +
          "pg_backend_pid() AND query LIKE 'SELECT pg_try_advisory_lock%'",
        [DB],
      );
      if (polling.rows[0].n > 0) break;
      if (i > 400) throw new Error('the run never polled for the lock');
      await new Promise((r) => setTimeout(r, 25));
    }
    await meanwhile();
    await holder.query(`SELECT pg_advisory_unlock(${0x57594e43}, '${table}'::regclass::oid::int)`);
    return await running;
  } finally {
    await holder.end();
  }
}

test(
  'a NUL character committed after the preflight: streamed batches before it stay, its ' + 'own is not written',
  async () => {
    await db.mysql.query(
      'CREATE TABLE late_nul (rowid INT PRIMARY KEY, note VARCHAR(20) CHARACTER SET ' +
        "utf8mb4); INSERT INTO late_nul VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')",
    );
    await db.pg.query('CREATE TABLE late_nul (rowid integer NOT NULL, note text)');
    const run = await runAfterPreflight(
      'late_nul',
      () => db.mysql.query("INSERT INTO late_nul VALUES (5, CONCAT('e', CHAR(0))), (6, 'f')"),
      ['--json'],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'warehouse-sync: table late_nul: row rowid=5 has a NUL character (U+0000) in column ' +
        'note, which PostgreSQL text cannot hold; remove it in staging\n',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      tables: [{ table: 'late_nul', inserted: 4, batches: 2, watermarkAfter: 4 }],
    });
    expect((await db.pg.query('SELECT rowid, note FROM late_nul ORDER BY rowid')).rows).toEqual([
      { rowid: 1, note: 'a' },
      { rowid: 2, note: 'b' },
      { rowid: 3, note: 'c' },
      { rowid: 4, note: 'd' },
    ]);
  },
);

test(
  'a TIME outside a day committed after the preflight, found among late rows (loaded by ' + 'key): named, exit 1',
  async () => {
    await db.mysql.query(
      'CREATE TABLE late_time (rowid INT PRIMARY KEY, t TIME); INSERT INTO late_time VALUES ' +
        "(1, '01:00:00'), (2, '02:00:00'), (4, '04:00:00')",
    );
    await db.pg.query(
      'CREATE TABLE late_time (rowid integer NOT NULL, t time); INSERT INTO late_time VALUES ' +
        "(1, '01:00:00'), (2, '02:00:00'), (4, '04:00:00')",
    );
    // Key 3 commits late, below the watermark: the late-row path reads it by key.
    const run = await runAfterPreflight(
      'late_time',
      () => db.mysql.query("INSERT INTO late_time VALUES (3, '-03:00:00')"),
      ['--json'],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'warehouse-sync: table late_time: row rowid=3 has the TIME "-03:00:00" in column t, ' +
        'which warehouse column t time without time zone ' +
        'cannot hold (00:00:00 to 24:00:00); fix that row in staging, or use a MySQL warehouse for it\n',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      tables: [{ table: 'late_time', repaired: 0, watermarkBefore: 4 }],
    });
    expect((await db.pg.query('SELECT count(*)::int AS n FROM late_time')).rows[0].n).toBe(3);
  },
);
