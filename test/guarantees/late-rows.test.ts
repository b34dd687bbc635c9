/**
 * Late rows (kafka-connect-jdbc #915, Airbyte #85918): MySQL AUTO_INCREMENT keys become visible out
 * of order. A transaction holding a lower key commits after a higher key was synced; the next run
 * must still load it.
 */
import mysql from 'mysql2/promise';
import {
  cli,
  cliProcess,
  createCourseTables,
  freshDatabases,
  freshMySqlDatabase,
  generateRows,
  MYSQL_SERVER,
  warehouseKeys,
  type TestDatabases,
} from '../support/databases';

const DB = 'test_late_rows';
let db: TestDatabases;
let args: string[];

beforeEach(async () => {
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 10);
  args = ['--source', db.sourceUrl, '--warehouse', db.warehouseUrl, '--json'];
  expect((await cli(args)).code).toBe(0);
});
afterEach(() => db.close());

async function report(extra: string[] = []) {
  const result = await cli([...args, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).tables[0];
}

async function keysIn(table: 'source' | 'warehouse'): Promise<number[]> {
  if (table === 'warehouse')
    return (await db.pg.query('SELECT rowid FROM sales_data ORDER BY rowid')).rows.map((r) => Number(r.rowid));
  const [rows] = await db.mysql.query('SELECT rowid FROM sales_data ORDER BY rowid');
  return (rows as Array<{ rowid: number }>).map((r) => Number(r.rowid));
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Resolves once the run's locking read over the new keys is waiting for a writer's open transaction. */
async function runIsWaitingForWriter(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [rows] = await db.mysql.query(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ' +
        "CONNECTION_ID() AND INFO LIKE '%LOCK IN SHARE MODE%'",
      [DB],
    );
    if (Number((rows as Array<{ n: number }>)[0].n) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run never waited for the open transaction');
}

async function holdOneRowOpen(): Promise<mysql.Connection> {
  const slow = await mysql.createConnection(db.sourceUrl);
  await slow.query('BEGIN');
  const [held] = await slow.query('INSERT INTO sales_data (product_id, customer_id, quantity) VALUES (1, 1, 1)');
  expect((held as mysql.ResultSetHeader).insertId).toBe(11);
  return slow;
}

// A window counted in keys cannot follow a write rate. Key 11 stays uncommitted while
// 20 rows (four times the window) commit above it: the run must wait for it, not pass it.
test(
  'a run waits for a transaction holding a key below its high key, however many rows ' + 'commit after it (built CLI)',
  async () => {
    const slow = await holdOneRowOpen();
    try {
      await generateRows(db, 12, 31);
      const running = cliProcess([...args, '--late-window', '5']);
      await runIsWaitingForWriter();
      // While the run waits, writers of new keys are not blocked (its read has not locked the gap
      // above the high key; under READ COMMITTED it never does).
      await db.mysql.query('SET SESSION innodb_lock_wait_timeout = 1');
      const [inserted] = await db.mysql.query(
        'INSERT INTO sales_data (product_id, customer_id, quantity) VALUES (3, 3, 3)',
      );
      expect((inserted as mysql.ResultSetHeader).insertId).toBe(32);
      await slow.query('COMMIT');
      const result = await running;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
        watermarkBefore: 10,
        watermarkAfter: 31,
        newRows: 21,
        inserted: 21,
        repaired: 0,
        more: false,
      });
    } finally {
      await slow.end();
    }
    expect(await keysIn('warehouse')).toEqual(range(1, 31));
    expect(await report(['--late-window', '5'])).toMatchObject({
      watermarkBefore: 31,
      newRows: 1,
      inserted: 1,
      repaired: 0,
    });
    expect(await keysIn('warehouse')).toEqual(range(1, 32));
  },
);

test(
  'a transaction open past the wait stops the run below its key; the next run loads it ' +
    'and the rows above (built CLI)',
  async () => {
    const slow = await holdOneRowOpen();
    try {
      await generateRows(db, 12, 31);
      const result = await cliProcess([...args, '--late-window', '5', '--timeout', '1']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
        watermarkBefore: 10,
        watermarkAfter: 10,
        newRows: 20,
        inserted: 0,
        repaired: 0,
        more: true,
        heldBack:
          'a source transaction keeps rows above key 10 uncommitted or locked; the run stopped below them ' +
          '(waited 1 s), run again to continue',
      });
      const human = await cliProcess([...args.filter((a) => a !== '--json'), '--late-window', '5', '--timeout', '1']);
      expect(human.stdout).toBe(
        [
          'Last row id on production datawarehouse = 10',
          'New rows on staging datawarehouse = 20',
          'New rows inserted into production datawarehouse = 0',
          'Stopped at row id 10: a source transaction keeps rows above key 10 uncommitted or locked; the ' +
            'run stopped below them (waited 1 s), run again to continue',
          '',
        ].join('\n'),
      );
      expect(await keysIn('warehouse')).toEqual(range(1, 10));
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    const next = await cliProcess([...args, '--late-window', '5']);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout).tables[0]).toMatchObject({
      watermarkBefore: 10,
      watermarkAfter: 31,
      inserted: 21,
      repaired: 0,
      more: false,
    });
    expect(await keysIn('warehouse')).toEqual(range(1, 31));
  },
);

// The locking read that reads the new rows stops at the open row: the committed rows below it are
// loaded (streamed into PostgreSQL's COPY, or read again up to the settled key as rows for a MySQL
// warehouse), the watermark stops below it, and the next run loads it and the rest, each once.
test.each([
  ['PostgreSQL, streamed', 'postgres'],
  ['MySQL, as rows', 'mysql'],
])(
  'a transaction open past the wait in the middle of the new rows: the rows below it load, the run stops at it (%s, built CLI)',
  async (_label, warehouse) => {
    let target = args;
    let warehouseDb: mysql.Connection | null = null;
    if (warehouse === 'mysql') {
      warehouseDb = await freshMySqlDatabase(`${DB}_wh`);
      target = ['--source', db.sourceUrl, '--warehouse', `${MYSQL_SERVER}/${DB}_wh`, '--json'];
      expect((await cli([...target, '--create-table'])).code).toBe(0);
    }
    const warehouseKeysNow = async () =>
      warehouseDb
        ? ((await warehouseDb.query('SELECT rowid FROM sales_data ORDER BY rowid'))[0] as Array<{ rowid: number }>).map(
            (r) => Number(r.rowid),
          )
        : keysIn('warehouse');
    try {
      await generateRows(db, 11, 14);
      const slow = await mysql.createConnection(db.sourceUrl);
      try {
        await slow.query('BEGIN');
        const [held] = await slow.query('INSERT INTO sales_data (product_id, customer_id, quantity) VALUES (1, 1, 1)');
        expect((held as mysql.ResultSetHeader).insertId).toBe(15);
        await generateRows(db, 16, 31);
        const result = await cliProcess([...target, '--late-window', '5', '--timeout', '1']);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
          watermarkBefore: 10,
          watermarkAfter: 14,
          newRows: 20,
          inserted: 4,
          repaired: 0,
          more: true,
          heldBack:
            'a source transaction keeps rows above key 14 uncommitted or locked; the run stopped below them ' +
            '(waited 1 s), run again to continue',
        });
        expect(await warehouseKeysNow()).toEqual(range(1, 14));
        await slow.query('COMMIT');
      } finally {
        await slow.end();
      }
      const next = await cliProcess([...target, '--late-window', '5']);
      expect(next.code).toBe(0);
      expect(JSON.parse(next.stdout).tables[0]).toMatchObject({
        watermarkBefore: 14,
        watermarkAfter: 31,
        inserted: 17,
        more: false,
      });
      expect(await warehouseKeysNow()).toEqual(range(1, 31));
    } finally {
      await warehouseDb?.end();
    }
  },
);

// A committed row that an open transaction has UPDATEd is locked just as an uncommitted insert is:
// the locking read cannot tell them apart, so the run stops below it and says so, rather than
// loading the row's old value and moving on.
test('a new row locked by an open UPDATE: the run stops below it and loads it, changed, once the UPDATE commits (built CLI)', async () => {
  await generateRows(db, 11, 20);
  const slow = await mysql.createConnection(db.sourceUrl);
  try {
    await slow.query('BEGIN');
    await slow.query('UPDATE sales_data SET quantity = 777 WHERE rowid = 15');
    const result = await cliProcess([...args, '--timeout', '1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
      watermarkAfter: 14,
      inserted: 4,
      more: true,
      heldBack:
        'a source transaction keeps rows above key 14 uncommitted or locked; the run stopped below them ' +
        '(waited 1 s), run again to continue',
    });
    await slow.query('COMMIT');
  } finally {
    await slow.end();
  }
  expect(await report()).toMatchObject({ watermarkBefore: 14, watermarkAfter: 20, inserted: 6, more: false });
  expect(await keysIn('warehouse')).toEqual(range(1, 20));
  const { rows } = await db.pg.query('SELECT quantity FROM sales_data WHERE rowid = 15');
  expect(rows).toEqual([{ quantity: 777 }]);
});

// The soak's finding: verify --repair loaded the rows above the watermark past key 11 while its
// transaction was open, so the watermark jumped over it and no later run (window 5) looked there.
test(
  'verify --repair does not move the watermark past a source key whose transaction is ' + 'still open (built CLI)',
  async () => {
    const slow = await holdOneRowOpen();
    try {
      await generateRows(db, 12, 31);
      const repair = await cliProcess(['verify', '--repair', ...args, '--timeout', '1']);
      expect(repair.code).toBe(1);
      const verified = JSON.parse(repair.stdout).tables[0];
      expect(verified).toMatchObject({ missing: 20, repaired: 0 });
      expect(verified.repairSkipped).toBe(
        'a source transaction keeps rows above key 10 uncommitted or locked; they are left for the next ' +
          'run or repair',
      );
      expect(await keysIn('warehouse')).toEqual(range(1, 10));
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    expect(await report(['--late-window', '5'])).toMatchObject({
      watermarkBefore: 10,
      watermarkAfter: 31,
      inserted: 21,
    });
    expect(await keysIn('warehouse')).toEqual(range(1, 31));
  },
);

test('verify --repair below the watermark and up to a settled high key loads every missing row once', async () => {
  await generateRows(db, 11, 40);
  await db.pg.query('DELETE FROM sales_data WHERE rowid IN (3, 7)');
  const repair = await cliProcess(['verify', '--repair', ...args]);
  expect(repair.code).toBe(0);
  expect(JSON.parse(repair.stdout).tables[0]).toMatchObject({ missing: 32, repaired: 32, inStep: true });
  expect(await keysIn('warehouse')).toEqual(range(1, 40));
});

// The window compares keys, not counts: a row deleted in staging and a late row in the window
// leave the counts equal, and a count alone would lose the late row.
test.each([['without'], ['with']])(
  'a delete in staging does not hide a late row in the window (%s an index on the ' + 'warehouse key; built CLI)',
  async (index) => {
    if (index === 'with') await db.pg.query('CREATE INDEX ON sales_data (rowid)');
    await generateRows(db, 20, 30);
    expect(await report()).toMatchObject({ inserted: 11 });
    await db.mysql.query('DELETE FROM sales_data WHERE rowid = 25');
    await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (16, 6, 6, 6)');
    const status = await cli(['status', ...args, '--late-window', '15']);
    expect(JSON.parse(status.stdout).tables[0]).toEqual({
      table: 'sales_data',
      watermark: 30,
      sourceHighKey: 30,
      pending: 0,
      late: 1,
    });
    const result = await cliProcess([...args, '--late-window', '15']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tables[0]).toMatchObject({ watermarkBefore: 30, inserted: 0, repaired: 1 });
    const after = await cli(['status', ...args, '--late-window', '15']);
    expect(JSON.parse(after.stdout).tables[0]).toEqual({
      table: 'sales_data',
      watermark: 30,
      sourceHighKey: 30,
      pending: 0,
    });
    expect(await keysIn('warehouse')).toEqual([...range(1, 10), 16, ...range(20, 30)]);
    expect(await keysIn('source')).toEqual([...range(1, 10), 16, ...range(20, 24), ...range(26, 30)]);
    const row = await db.pg.query('SELECT product_id, customer_id, quantity FROM sales_data WHERE rowid = 16');
    expect(row.rows).toEqual([{ product_id: 6, customer_id: 6, quantity: 6 }]);
  },
);

test('late rows are compared and loaded a page at a time: 25,000 late rows in a sparse window, each once', async () => {
  // Even keys 12..100,010 synced; then the odd ones arrive late (explicit keys, as a backfill would).
  await db.mysql.query(
    `INSERT INTO sales_data (rowid, product_id, customer_id, quantity) SELECT seq, 1, 1, 1 ` +
      `FROM seq_12_to_100010_step_2`,
  );
  expect(await report()).toMatchObject({ inserted: 50_000 });
  await db.mysql.query(
    `INSERT INTO sales_data (rowid, product_id, customer_id, quantity) SELECT seq, 2, 2, 2 ` +
      `FROM seq_50011_to_100009_step_2`,
  );
  const result = await cliProcess([...args, '--late-window', '50000']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).tables[0]).toMatchObject({
    watermarkBefore: 100_010,
    inserted: 0,
    repaired: 25_000,
  });
  const [counts] = await db.pg
    .query('SELECT count(*)::int AS n, count(DISTINCT rowid)::int AS d FROM sales_data')
    .then((r) => [r.rows[0]]);
  expect(counts).toEqual({ n: 10 + 50_000 + 25_000, d: 10 + 50_000 + 25_000 });
  const [missing] = await Promise.all([
    db.pg.query('SELECT count(*)::int AS n FROM sales_data WHERE rowid > 50010 AND rowid % 2 = 1'),
  ]);
  expect(missing.rows[0].n).toBe(25_000);
});

test('a late row outside the window is left to verify --repair, which finds and loads it', async () => {
  await generateRows(db, 20, 30);
  expect(await report()).toMatchObject({ inserted: 11 });
  await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (15, 5, 5, 5)');
  expect(await report(['--late-window', '5'])).toMatchObject({ repaired: 0 });

  const found = await cli(['verify', ...args]);
  expect(found.code).toBe(1);
  expect(JSON.parse(found.stdout).tables[0]).toMatchObject({
    missing: 1,
    missingRanges: ['15'],
    differing: [],
    inStep: false,
  });
  const repaired = await cli(['verify', '--repair', ...args]);
  expect(JSON.parse(repaired.stdout).tables[0]).toMatchObject({ missing: 1, repaired: 1, inStep: true });
  expect(repaired.code).toBe(0);
  expect(await warehouseKeys(db)).toEqual({ count: 22, distinct: 22, min: 1, max: 30 });
});

test('--dry-run counts late rows without loading them', async () => {
  await db.mysql.query('INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (20, 1, 1, 1)');
  expect(await report()).toMatchObject({ inserted: 1 });
  await db.mysql.query(
    'INSERT INTO sales_data (rowid, product_id, customer_id, quantity) VALUES (15, 1, 1, ' + '1), (16, 1, 1, 1)',
  );
  expect(await report(['--dry-run'])).toMatchObject({ repaired: 2, inserted: 0, dryRun: true });
  expect(await warehouseKeys(db)).toEqual({ count: 11, distinct: 11, min: 1, max: 20 });
});
