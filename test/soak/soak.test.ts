/**
 * Soak: the promise (no row lost, none doubled, every value exact) under everything at once, on the
 * built CLI as separate processes against a PostgreSQL warehouse.
 *
 * - writers: several MySQL connections insert with AUTO_INCREMENT in small transactions; some are
 *   held open 1–5 s, some roll back (gaps in the keys), and a few stay open while more than 10,000
 *   other rows commit (past the default late window, and far past the --late-window the runs use);
 * - `run` processes started every few hundred ms, overlapping one another, some SIGKILLed at a
 *   random moment; `verify --repair` processes overlapping them;
 * - connections cut at random points by TCP proxies in front of the warehouse and the source.
 *
 * The last long transaction commits after the last `verify --repair` has ended, so only `run` can
 * load its row. Then writers stop, one quiet `run` follows, and the key multisets and every row's
 * text are compared on both sides: the test fails on a single lost, doubled, extra or changed row.
 *
 * Accounting is exact whatever the timing: the figures come from the databases and from each
 * process's exit, never from estimates. SOAK_SECONDS (default 70) sets the busy phase; SOAK_SEED
 * the random choices (printed, to replay a failing mix).
 */
import mysql from 'mysql2/promise';
import { cliProcess, freshDatabases, MYSQL_SERVER, type ChildResult, type TestDatabases } from '../support/databases';
import { TcpProxy } from '../support/tcp-proxy';

const DB = 'test_soak';
const TABLE = 'soak_data';
const WRITERS = 4;
const BUSY_SECONDS = Number(process.env.SOAK_SECONDS ?? 70);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
/** The runs' window, small so that ordinary held-open transactions already outrun it. */
const LATE_WINDOW = 500;
/** Rows other transactions commit while a long transaction stays open: past the default window of 10,000 keys. */
const PAST_WINDOW_ROWS = 10_500;
const MAX_CONCURRENT_RUNS = 3;

jest.setTimeout((BUSY_SECONDS + 150) * 1000);

/** mulberry32: a small seeded generator, so a failing mix can be replayed with SOAK_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let db: TestDatabases;

beforeAll(async () => {
  db = await freshDatabases(DB);
  await db.mysql.query(`CREATE TABLE ${TABLE} (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    writer INT NOT NULL,
    seq INT NOT NULL,
    note VARCHAR(40) CHARACTER SET utf8mb4 NOT NULL,
    amount DECIMAL(12,2) NULL
  ) ENGINE=InnoDB`);
  // No key on the warehouse side, like the course's: a doubled row stays visible as two rows.
  await db.pg.query(
    `CREATE TABLE ${TABLE} (id bigint NOT NULL, writer integer NOT NULL, seq integer NOT ` +
      `NULL, note varchar(40) NOT NULL, amount numeric(12,2))`,
  );
});
afterAll(() => db.close());

interface Counters {
  committedRows: number;
  transactions: number;
  heldOpen: number;
  rolledBack: number;
  longTransactions: { id: number; rowsCommittedWhileOpen: number; committedAt: number }[];
}

const NOTES = [
  'plain',
  'ümlaut',
  'квартал',
  '票据',
  'tab\there',
  'new\nline',
  "quote's",
  'back\\slash',
  '🙂 emoji',
  '',
];

function rowValues(writer: number, seq: number): (string | number | null)[] {
  const amount = random() < 0.1 ? null : (between(-99_999_999, 99_999_999) / 100).toFixed(2);
  return [writer, seq, `${NOTES[seq % NOTES.length]} ${writer}/${seq}`, amount];
}

async function connect(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${DB}` });
  await c.query('SET SESSION innodb_lock_wait_timeout = 60');
  return c;
}

/** One writer: small transactions until `stop()`; ~5% held open 1–5 s, ~3% rolled back. */
async function writer(n: number, counters: Counters, stopped: () => boolean): Promise<void> {
  const conn = await connect();
  let seq = 0;
  try {
    while (!stopped()) {
      const rows = Array.from({ length: between(1, 20) }, () => rowValues(n, ++seq));
      await conn.beginTransaction();
      await conn.query(`INSERT INTO ${TABLE} (writer, seq, note, amount) VALUES ?`, [rows]);
      const roll = random();
      if (roll < 0.05) {
        counters.heldOpen++;
        await sleep(between(1_000, 5_000));
      }
      if (roll > 0.97) {
        await conn.rollback();
        counters.rolledBack++;
      } else {
        await conn.commit();
        counters.committedRows += rows.length;
      }
      counters.transactions++;
      await sleep(between(0, 4));
    }
  } finally {
    await conn.end();
  }
}

/** One transaction with one row, held open until `PAST_WINDOW_ROWS` other rows have committed and `mayCommit()`. */
async function longTransaction(counters: Counters, mayCommit: () => boolean, giveUpAt: number): Promise<void> {
  const conn = await connect();
  try {
    await conn.beginTransaction();
    const [result] = await conn.query(`INSERT INTO ${TABLE} (writer, seq, note, amount) VALUES (?)`, [
      rowValues(99, counters.longTransactions.length + 1),
    ]);
    const id = (result as mysql.ResultSetHeader).insertId;
    const before = counters.committedRows;
    while ((counters.committedRows - before < PAST_WINDOW_ROWS || !mayCommit()) && Date.now() < giveUpAt)
      await sleep(100);
    await conn.commit();
    counters.committedRows++;
    counters.longTransactions.push({
      id,
      rowsCommittedWhileOpen: counters.committedRows - 1 - before,
      committedAt: Date.now(),
    });
  } finally {
    await conn.end();
  }
}

interface ProcessTally {
  started: number;
  ok: number;
  skipped: number;
  failed: number;
  /** Exit 2: refused before writing anything (e.g. a connection cut before the writer lock was asked for). */
  refused: number;
  killed: number;
  /** Each failure and refusal line, digits blanked, with how often it came. */
  lines: Record<string, number>;
  /** Processes that were not killed and exited with neither 0, 1 nor 2, or failed without exactly one stderr line. */
  /** verify --repair only: exit 1, not in step, with the reason on stdout (lock held, rows held back). */
  notRepaired: number;
  badEndings: string[];
}

const tally = (): ProcessTally => ({
  started: 0,
  ok: 0,
  skipped: 0,
  failed: 0,
  refused: 0,
  killed: 0,
  notRepaired: 0,
  lines: {},
  badEndings: [],
});

function notRepairedBecause(stdout: string): boolean {
  try {
    const report = JSON.parse(stdout) as { ok: boolean; tables: Array<{ repairSkipped?: string }> };
    return report.ok === false && report.tables.length === 1 && typeof report.tables[0].repairSkipped === 'string';
  } catch {
    return false;
  }
}

function account(t: ProcessTally, what: string, r: ChildResult, killedByUs: boolean): void {
  if (killedByUs && r.signal === 'SIGKILL') {
    t.killed++;
    return;
  }
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  if (r.code === 0 && lines.length === 0) {
    const report = JSON.parse(r.stdout);
    if (report.tables?.[0]?.skipped) t.skipped++;
    else t.ok++;
  } else if (what === 'verify --repair' && r.code === 1 && lines.length === 0 && notRepairedBecause(r.stdout)) {
    // Not in step, said on stdout, with the reason the repair left rows (the writer lock held by a
    // run, or rows above the watermark held back by a source transaction still open).
    t.notRepaired++;
  } else if ((r.code === 1 || r.code === 2) && lines.length === 1) {
    if (r.code === 1) t.failed++;
    else t.refused++;
    const line = lines[0].replace(/\d+/g, '#').slice(0, 160);
    t.lines[line] = (t.lines[line] ?? 0) + 1;
  } else {
    t.badEndings.push(`${what}: exit ${r.code} signal ${r.signal}: ${r.stderr.slice(0, 400)}`);
  }
}

type KeyTexts = Map<string, string[]>;

async function sourceRows(): Promise<KeyTexts> {
  const [rows] = await db.mysql.query(
    `SELECT CAST(id AS CHAR) AS id, CONCAT_WS('|', writer, seq, HEX(note), ` +
      `COALESCE(CAST(amount AS CHAR), 'NULL')) AS t FROM ${TABLE}`,
  );
  return group(rows as { id: string; t: string }[]);
}

async function warehouseRows(): Promise<KeyTexts> {
  const r = await db.pg.query(
    `SELECT id::text AS id, concat_ws('|', writer, seq, upper(encode(convert_to(note, ` +
      `'UTF8'), 'hex')), coalesce(amount::text, 'NULL')) AS t FROM ${TABLE}`,
  );
  return group(r.rows);
}

function group(rows: { id: string; t: string }[]): KeyTexts {
  const m: KeyTexts = new Map();
  for (const { id, t } of rows) {
    const list = m.get(id);
    if (list) list.push(t);
    else m.set(id, [t]);
  }
  return m;
}

test(
  'soak: writers, overlapping runs and repairs, SIGKILLs and cut connections: 0 lost, 0 ' + 'doubled, 0 changed',
  async () => {
    const started = Date.now();
    const warehouseProxy = await new TcpProxy(5432).start();
    const sourceProxy = await new TcpProxy(3306).start();
    const viaProxies = [
      '--source',
      `mysql://root@127.0.0.1:${sourceProxy.port}/${DB}`,
      '--warehouse',
      `postgres://root@127.0.0.1:${warehouseProxy.port}/${DB}`,
      '--table',
      TABLE,
      '--key',
      'id',
      '--late-window',
      String(LATE_WINDOW),
      '--timeout',
      '10',
      '--json',
    ];
    const counters: Counters = { committedRows: 0, transactions: 0, heldOpen: 0, rolledBack: 0, longTransactions: [] };
    const runs = tally();
    const verifies = tally();
    let repairedByVerify = 0;
    let cuts = { warehouse: 0, source: 0 };
    const children = new Set<Promise<unknown>>();

    let writersStopped = false;
    let verifiesStopped = false;
    let runsStopped = false;
    const busyEnd = started + BUSY_SECONDS * 1000;

    const writers = Array.from({ length: WRITERS }, (_, i) => writer(i + 1, counters, () => writersStopped));
    // Two long transactions during the busy phase (verify --repair may find their rows), and the
    // last one committed only once no verify runs any more: its row is for `run` alone to load.
    const longOnes = [
      sleep(2_000).then(() => longTransaction(counters, () => true, busyEnd)),
      sleep(BUSY_SECONDS * 300).then(() => longTransaction(counters, () => true, busyEnd)),
      sleep(BUSY_SECONDS * 500).then(() => longTransaction(counters, () => verifiesStopped, busyEnd + 20_000)),
    ];

    const spawnRun = () => {
      runs.started++;
      const killAfter = random() < 0.3 ? between(80, 1_200) : null;
      const lockWait = random() < 0.3 ? ['--lock-wait', String(between(1, 5))] : [];
      const batch = ['--batch-size', String([50, 500, 5_000][between(0, 2)])];
      let killedByUs = false;
      const p = cliProcess(['run', ...viaProxies, ...batch, ...lockWait], {}, (kill) => {
        if (killAfter !== null) {
          setTimeout(() => {
            killedByUs = true;
            kill();
          }, killAfter);
        }
      }).then((r) => account(runs, 'run', r, killedByUs));
      children.add(p);
      void p.finally(() => children.delete(p));
      return p;
    };

    const runLoop = (async () => {
      const inFlight = new Set<Promise<void>>();
      while (!runsStopped) {
        if (inFlight.size < MAX_CONCURRENT_RUNS) {
          const p = spawnRun();
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        await sleep(between(150, 700));
      }
      await Promise.all(inFlight);
    })();

    const verifyLoop = (async () => {
      await sleep(3_000);
      while (!verifiesStopped) {
        verifies.started++;
        // Two at once now and then: repairs overlapping each other as well as runs.
        const n = random() < 0.3 ? 2 : 1;
        await Promise.all(
          Array.from({ length: n }, () => {
            const p = cliProcess(['verify', '--repair', ...viaProxies, '--lock-wait', '20']).then((r) => {
              account(verifies, 'verify --repair', r, false);
              if (r.code === 0 || r.code === 1) {
                try {
                  repairedByVerify += JSON.parse(r.stdout).tables?.[0]?.repaired ?? 0;
                } catch {
                  // A failed verify's report is still counted above; its repaired rows are in the final check anyway.
                }
              }
            });
            children.add(p);
            void p.finally(() => children.delete(p));
            return p;
          }),
        );
        if (n === 2) verifies.started++;
        await sleep(between(2_000, 6_000));
      }
    })();

    const cutLoop = (async () => {
      while (!runsStopped) {
        await sleep(between(2_000, 6_000));
        if (runsStopped) break;
        if (random() < 0.6) {
          // Somewhere in the next rows sent to the warehouse: inside a COPY, a commit or a query.
          warehouseProxy.cutAfter(between(1, 200_000));
          cuts.warehouse++;
        } else {
          sourceProxy.cutAfterReceived(between(1, 300_000));
          cuts.source++;
        }
      }
    })();

    await sleep(Math.max(0, busyEnd - Date.now()));
    verifiesStopped = true;
    await verifyLoop;
    // The last long transaction commits now; runs go on a while so that they, not a repair, load it.
    await Promise.all(longOnes);
    await sleep(8_000);
    writersStopped = true;
    await Promise.all(writers);
    runsStopped = true;
    await Promise.all([runLoop, cutLoop]);
    await Promise.all([...children]);
    // Cut counts are what the proxies did, not what was asked (a cut asked for late may never fire).
    cuts = { warehouse: warehouseProxy.cuts, source: sourceProxy.cuts };
    await warehouseProxy.stop();
    await sourceProxy.stop();

    // The quiet run: no proxy, nothing else running, the same small window.
    const quiet = await cliProcess([
      'run',
      '--source',
      db.sourceUrl,
      '--warehouse',
      db.warehouseUrl,
      '--table',
      TABLE,
      '--key',
      'id',
      '--late-window',
      String(LATE_WINDOW),
      '--lock-wait',
      '60',
      '--json',
    ]);

    const [source, warehouse] = await Promise.all([sourceRows(), warehouseRows()]);
    let sourceCount = 0;
    let warehouseCount = 0;
    let lost = 0;
    let doubled = 0;
    let extra = 0;
    let changed = 0;
    const examples: string[] = [];
    for (const list of source.values()) sourceCount += list.length;
    for (const list of warehouse.values()) warehouseCount += list.length;
    for (const [id, [text]] of source) {
      const there = warehouse.get(id);
      if (!there) {
        lost++;
        if (examples.length < 10) examples.push(`lost ${id}`);
        continue;
      }
      doubled += there.length - 1;
      if (there.length > 1 && examples.length < 10) examples.push(`doubled ${id} x${there.length}`);
      const bent = there.filter((t) => t !== text).length;
      changed += bent;
      if (bent > 0 && examples.length < 10) examples.push(`changed ${id}: ${text} -> ${there.join(' / ')}`);
    }
    for (const [id, list] of warehouse) {
      if (!source.has(id)) {
        extra += list.length;
        if (examples.length < 10) examples.push(`extra ${id}`);
      }
    }
    const longLost = counters.longTransactions.filter((l) => !warehouse.has(String(l.id))).map((l) => l.id);

    const figures = {
      seed: SEED,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      writers: WRITERS,
      rows: sourceCount,
      distinctKeys: source.size,
      warehouseRows: warehouseCount,
      warehouseDistinctKeys: warehouse.size,
      transactions: counters.transactions,
      heldOpen1to5s: counters.heldOpen,
      rolledBack: counters.rolledBack,
      longTransactions: counters.longTransactions.map((l) => ({
        id: l.id,
        rowsCommittedWhileOpen: l.rowsCommittedWhileOpen,
      })),
      lateWindow: LATE_WINDOW,
      runs: { ...runs, badEndings: runs.badEndings.length },
      verifyRepairs: { ...verifies, badEndings: verifies.badEndings.length, repaired: repairedByVerify },
      cuts,
      quietRun: {
        code: quiet.code,
        stderr: quiet.stderr.trim(),
        report: quiet.code === 0 ? JSON.parse(quiet.stdout).tables[0] : quiet.stdout,
      },
      lost,
      doubled,
      extra,
      changed,
      longTransactionRowsLost: longLost,
      examples,
      badEndings: [...runs.badEndings, ...verifies.badEndings].slice(0, 10),
    };
    process.stdout.write(`soak figures: ${JSON.stringify(figures, null, 1)}\n`);

    // The source itself is sound: every committed row is there once (the writers' own count).
    expect(sourceCount).toBe(counters.committedRows);
    expect(source.size).toBe(sourceCount);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect({ lost, doubled, extra, changed, longTransactionRowsLost: longLost }).toEqual({
      lost: 0,
      doubled: 0,
      extra: 0,
      changed: 0,
      longTransactionRowsLost: [],
    });
    expect({ warehouseRows: warehouseCount, warehouseDistinctKeys: warehouse.size }).toEqual({
      warehouseRows: sourceCount,
      warehouseDistinctKeys: sourceCount,
    });
    // The adversity happened: otherwise a pass would prove nothing.
    expect(runs.killed).toBeGreaterThan(0);
    expect(runs.ok).toBeGreaterThan(0);
    expect(verifies.ok + verifies.failed + verifies.notRepaired).toBeGreaterThan(0);
    expect(cuts.warehouse + cuts.source).toBeGreaterThan(0);
    expect(counters.heldOpen).toBeGreaterThan(0);
    expect(counters.longTransactions).toHaveLength(3);
    for (const l of counters.longTransactions) expect(l.rowsCommittedWhileOpen).toBeGreaterThan(LATE_WINDOW);
    // Every process not killed by the test ended with 0, or with one line and 1 (failed) or 2 (refused, nothing written).
    expect([...runs.badEndings, ...verifies.badEndings]).toEqual([]);
  },
);
