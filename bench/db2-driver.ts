/**
 * The DB2 load path through the real ibm_db: the built CLI (`node dist/cli.js run`) in its own
 * process, ibm_db's own JavaScript and prebuilt binding, the project's stand-in libdb2.so.1
 * (native/db2-standin, found through LD_LIBRARY_PATH as scripts/db2-standin.sh prints) and the
 * project's DB2 engine served by this process on 127.0.0.1 (test/fakes/ibm_db/wire.ts).
 *
 * Measured per run, by GNU time around the CLI process: its CPU time (user + system) and its peak
 * RSS. The engine's own work runs in this process and is not counted. The stand-in is not DB2: no
 * wall time is reported, and none of this says how fast DB2 is. What is real is the client side:
 * the rows read from MySQL, what ibm_db allocates and copies for each array insert, and the CLI
 * calls it makes.
 */
import { execFileSync, spawn } from 'child_process';
import fs from 'fs';
import mysql from 'mysql2/promise';
import os from 'os';
import path from 'path';
import { MYSQL_SERVER, SOURCE_DB, SOURCE_URL, ensureSourceTable } from './data';
import { median } from './report';

const ROOT = path.resolve(__dirname, '..');
const STANDIN_DIR = path.join(ROOT, 'build', 'db2-standin');
const ROWS = 100_000;
/** One long value per this many rows. */
const LONG_EVERY = 10_000;
const LONG_BYTES = 1024 * 1024;
export const RSS_TARGET_MIB = 200;

export interface Db2DriverCase {
  name: string;
  rows: number;
  runs: Array<{ cpuSeconds: number; peakRssMiB: number; arrayExecutes: number; rowExecutes: number }>;
}

interface CaseSpec {
  name: string;
  sourceTable: string;
  ddl: string;
  /** Checks the loaded table; throws when it does not hold exactly the source's rows. */
  check(query: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<void>;
}

/**
 * `db2_text_<rows>`: the course's four columns plus `note`, a 1 MiB text every LONG_EVERY rows,
 * short text otherwise.
 */
async function ensureLongTextTable(rows: number, log: (line: string) => void): Promise<string> {
  const table = `db2_text_${rows}`;
  const conn = await mysql.createConnection({ uri: `${MYSQL_SERVER}/${SOURCE_DB}` });
  try {
    const present = await conn
      .query(`SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(note) = ${LONG_BYTES}), 0) AS l FROM \`${table}\``)
      .then(
        ([r]) => (r as Array<{ n: number | string; l: number | string }>)[0],
        () => ({ n: 0, l: 0 }),
      );
    if (Number(present.n) === rows && Number(present.l) === rows / LONG_EVERY) return table;
    const started = Date.now();
    await conn.query(`DROP TABLE IF EXISTS \`${table}\``);
    await conn.query(`CREATE TABLE \`${table}\` (rowid INT NOT NULL PRIMARY KEY, product_id INT NOT NULL, customer_id INT NOT NULL,
      quantity INT NOT NULL, note MEDIUMTEXT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    // The long value sits in the middle of each default batch of 10,000 rows.
    await conn.query(`INSERT INTO \`${table}\` SELECT seq, 5000 + (seq * 7919) % 4000, 1 + (seq * 104729) % 99991, 1 + (seq * 31) % 5,
      IF(seq % ${LONG_EVERY} = ${LONG_EVERY / 2}, REPEAT('0123456789abcdef', ${LONG_BYTES / 16}), CONCAT('note ', seq)) FROM seq_1_to_${rows}`);
    log(
      `generated ${SOURCE_DB}.${table} (${rows.toLocaleString('en')} rows, one ` +
        `${LONG_BYTES / 1024 / 1024} MiB text per ${LONG_EVERY.toLocaleString('en')}) in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return table;
  } finally {
    await conn.end();
  }
}

/** Runs the CLI under GNU time: CPU seconds (user + system) and peak RSS of its process. */
function timedCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ cpuSeconds: number; peakRssMiB: number; stdout: string }> {
  const file = path.join(os.tmpdir(), `bench-db2-${process.pid}-${Date.now()}.tmp`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M %U %S', '-o', file, process.execPath, path.join(ROOT, 'dist', 'cli.js'), ...args],
      {
        env: { ...env, LD_LIBRARY_PATH: STANDIN_DIR },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const figures = fs.existsSync(file) ? (fs.readFileSync(file, 'utf8').trim().split('\n').pop() ?? '') : '';
      fs.rmSync(file, { force: true });
      const m = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(figures);
      if (code !== 0 || !m) {
        reject(new Error(`warehouse-sync ${args.join(' ')} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolve({ peakRssMiB: Number(m[1]) / 1024, cpuSeconds: Number(m[2]) + Number(m[3]), stdout });
    });
  });
}

/** Loads each case `rounds` times into a fresh engine; each run is checked row for row in aggregate. */
export async function db2DriverBench(
  rounds: number,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<Db2DriverCase[]> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ibm-db-binding.js')], { stdio: 'ignore' });
  const { FakeDb2Server, createFakeIbmDb } = await import('../test/fakes/ibm_db');
  const { serveWire } = await import('../test/fakes/ibm_db/wire');
  const course = await ensureSourceTable(ROWS, log);
  const longText = await ensureLongTextTable(ROWS, log);
  const quantities = ROWS * 3; // 1 + (seq * 31) % 5 takes 1..5 equally often over every 5 keys
  const specs: CaseSpec[] = [
    {
      name: `${ROWS.toLocaleString('en')} rows of the course's shape`,
      sourceTable: course,
      ddl:
        'CREATE TABLE SALES_DATA (ROWID INTEGER NOT NULL, PRODUCT_ID INTEGER NOT NULL, ' +
        'CUSTOMER_ID INTEGER NOT NULL, PRICE DECIMAL(10,2), QUANTITY INTEGER NOT NULL, ' +
        '"TIMESTAMP" TIMESTAMP)',
      check: async (query) => {
        // PRICE counted without COUNT(PRICE): an aggregate that drops NULLs makes DB2 warn (01003), which ibm_db's query() rejects.
        const [r] = await query(
          'SELECT COUNT(*) AS N, MAX(ROWID) AS HI, SUM(QUANTITY) AS Q, SUM(CASE WHEN PRICE IS NULL THEN 0 ELSE 1 END) AS P FROM SALES_DATA',
        );
        if (Number(r.N) !== ROWS || Number(r.HI) !== ROWS || Number(r.Q) !== quantities || Number(r.P) !== 0)
          throw new Error(`SALES_DATA holds ${JSON.stringify(r)}`);
      },
    },
    {
      name: `${ROWS.toLocaleString('en')} rows with one 1 MiB text per ${LONG_EVERY.toLocaleString('en')} rows`,
      sourceTable: longText,
      ddl:
        'CREATE TABLE SALES_DATA (ROWID INTEGER NOT NULL, PRODUCT_ID INTEGER NOT NULL, ' +
        'CUSTOMER_ID INTEGER NOT NULL, QUANTITY INTEGER NOT NULL, NOTE CLOB(16M))',
      check: async (query) => {
        const [r] = await query(
          `SELECT COUNT(*) AS N, MAX(ROWID) AS HI, SUM(QUANTITY) AS Q, SUM(CASE WHEN ` +
            `LENGTH(NOTE) = ${LONG_BYTES} THEN 1 ELSE 0 END) AS L FROM SALES_DATA`,
        );
        if (
          Number(r.N) !== ROWS ||
          Number(r.HI) !== ROWS ||
          Number(r.Q) !== quantities ||
          Number(r.L) !== ROWS / LONG_EVERY
        )
          throw new Error(`SALES_DATA holds ${JSON.stringify(r)}`);
      },
    },
  ];
  const results: Db2DriverCase[] = specs.map((s) => ({ name: s.name, rows: ROWS, runs: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, spec] of specs.entries()) {
      const served = await serveWire((port) => new FakeDb2Server({ host: '127.0.0.1', port }));
      try {
        const connection = `DATABASE=BLUDB;HOSTNAME=127.0.0.1;PORT=${served.port};PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;`;
        const admin = await createFakeIbmDb(served.server).open(connection);
        const query = (sql: string) => admin.query(sql) as Promise<Array<Record<string, unknown>>>;
        try {
          await query(spec.ddl);
          const url = `db2://db2inst1:db2-secret@127.0.0.1:${served.port}/BLUDB`;
          const m = await timedCli(
            ['run', '--source', SOURCE_URL, '--warehouse', url, '--table', `${spec.sourceTable}:SALES_DATA`, '--json'],
            env,
          );
          const report = JSON.parse(m.stdout) as { ok: boolean; error?: string };
          if (!report.ok) throw new Error(`warehouse-sync failed: ${report.error}`);
          await spec.check(query);
          const inserts = served.executions.filter((e) => /^INSERT INTO "DB2INST1"\."SALES_DATA"/.test(e.sql));
          const run = {
            cpuSeconds: m.cpuSeconds,
            peakRssMiB: m.peakRssMiB,
            arrayExecutes: inserts.filter((e) => e.sets > 1).length,
            rowExecutes: inserts.filter((e) => e.sets <= 1).length,
          };
          results[i].runs.push(run);
          log(
            `db2 round ${round + 1}/${rounds} ${spec.name}: CPU ${run.cpuSeconds.toFixed(2)} s, ` +
              `peak RSS ${run.peakRssMiB.toFixed(1)} MB, ${run.arrayExecutes} array executes`,
          );
        } finally {
          await admin.close();
        }
      } finally {
        await served.stop();
      }
    }
  }
  return results;
}

const range = (values: number[], digits: number, unit: string) =>
  `${median(values).toFixed(digits)} ${unit} ` +
  `(${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

/** The results as a Markdown table, one row per case. */
export function db2DriverTable(cases: Db2DriverCase[]): string[] {
  return [
    '| DB2 load, real ibm_db → stand-in | Rows | CLI CPU time, median (min–max) | CLI peak ' +
      'RSS, median (min–max) | Inserts per run |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...cases.map((c) => {
      const executes = c.runs[0];
      return (
        `| ${c.name} | ${c.rows.toLocaleString('en')} | ` +
        `${range(
          c.runs.map((r) => r.cpuSeconds),
          2,
          's',
        )} | ` +
        `${range(
          c.runs.map((r) => r.peakRssMiB),
          0,
          'MB',
        )} | ` +
        `${executes.arrayExecutes} array executes${executes.rowExecutes ? `, ${executes.rowExecutes} single` : ''} |`
      );
    }),
  ];
}

export function db2DriverVerdicts(cases: Db2DriverCase[]): string[] {
  return cases.map((c) => {
    const peak = Math.max(...c.runs.map((r) => r.peakRssMiB));
    return (
      `DB2 through the real ibm_db, ${c.name}: client peak RSS ${peak.toFixed(0)} MB at most ` +
      `(target ≤ ${RSS_TARGET_MIB} MB): ${peak <= RSS_TARGET_MIB ? 'met' : 'NOT met'}`
    );
  });
}

export const DB2_DRIVER_NOTES = [
  'DB2 rows: the built CLI (`node dist/cli.js run … --warehouse ' +
    'db2://…@127.0.0.1:PORT/BLUDB --json`, default options) in its own process, loading ' +
    "through ibm_db 4.0.1's JavaScript and its prebuilt Linux binding into the project's " +
    'stand-in libdb2.so.1 (LD_LIBRARY_PATH), which forwards each CLI call over TCP to the ' +
    "project's DB2 engine running in the bench process. Each run starts a fresh engine " +
    'with an empty SALES_DATA and checks the loaded rows afterwards (count, max key, sum ' +
    'of quantity; for the long-text table the number of 1 MiB values).',
  'CPU time is user + system time of the CLI process (GNU time), which includes reading ' +
    "the rows from MariaDB and everything ibm_db does on the client; the engine's work " +
    "happens in the bench process and is not counted. Peak RSS is GNU time's max RSS of " +
    'the CLI process. No wall time is given: the stand-in is not DB2, so nothing here says ' +
    'how fast a DB2 server loads these rows.',
];
