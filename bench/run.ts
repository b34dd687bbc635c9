/**
 * `npm run bench [-- options]`: warehouse-sync against the bulk-copy limit and the course-style
 * baseline, on the same data, interleaved and repeated. See the README, "Performance".
 *
 *   --rows N        rows of the full load (default 1,000,000); incremental adds 10,000 on top
 *   --runs N        rounds; each contender runs once per scenario per round (default 5)
 *   --quick         100,000 rows, 3 rounds, baseline capped at 10,000 rows: a smoke test
 *   --memory        also the CLI's peak RSS on full loads of --rows and 5,000,000 rows (slow)
 *   --memory-rows N the larger size for --memory (default 5,000,000)
 *   --only LIST     scenarios, comma-separated: full, incremental, nothing-new
 *   --no-baseline   skip the row-by-row baseline
 *   --cli-arg ARG   pass ARG to every CLI run (repeatable), e.g. --cli-arg=--batch-size=100000
 *   --keep-env      run Node clients with NODE_EXTRA_CA_CERTS/NODE_OPTIONS as inherited
 *   --index         give the warehouse table an index on rowid (the course's has none); every
 *                   contender loads into the same indexed table, and the CLI reads its watermark
 *                   through the index instead of scanning the table
 *   --no-write      print only; write nothing to bench/results/
 *   --db2-only      only the DB2 load through the real ibm_db and the stand-in libdb2.so.1 (its CPU
 *                   time and peak RSS; see bench/db2-driver.ts), written to <date>-db2-driver.md
 *   --no-db2        skip it
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  CLI_NAME,
  WATERMARK_LIMIT_NAME,
  Line,
  markdown,
  MemoryResult,
  median,
  Run,
  SCENARIOS,
  ScenarioName,
  summarise,
  svgChart,
  terminalTable,
  verdicts,
} from './report';
import {
  cli,
  limitPipeline,
  limitPipelineReadingWatermark,
  ROOT,
  rowByRow,
  streamPeer,
  useNodeEnv,
} from './contenders';
import { ensureSourceTable, Fingerprint, mysqlVersion, sourceFingerprint, WarehouseState } from './data';
import { db2DriverBench, db2DriverTable, db2DriverVerdicts, DB2_DRIVER_NOTES, type Db2DriverCase } from './db2-driver';
import { db2StatementsPer10k } from './db2-statements';
import { measure } from './measure';

const INCREMENT = 10_000;
const PEER_NAME = 'peer: Node mysql2 stream → pg-copy-streams';

interface Options {
  rows: number;
  runs: number;
  quick: boolean;
  memory: boolean;
  memoryRows: number;
  only: ScenarioName[];
  baseline: boolean;
  baselineCap: number;
  cliArgs: string[];
  keepEnv: boolean;
  index: boolean;
  write: boolean;
  db2: 'also' | 'only' | 'no';
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    rows: 1_000_000,
    runs: 5,
    quick: false,
    memory: false,
    memoryRows: 5_000_000,
    only: ['full', 'incremental', 'nothing-new'],
    baseline: true,
    baselineCap: 100_000,
    cliArgs: [],
    keepEnv: false,
    index: false,
    write: true,
    db2: 'also',
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=')
        ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
        : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    const count = (name: string, min: number) => {
      const n = Number(String(value()).replace(/[_,]/g, ''));
      if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs a whole number ≥ ${min}`);
      return n;
    };
    given.add(flag);
    switch (flag) {
      case '--rows':
        o.rows = count('--rows', 1000);
        break;
      case '--runs':
        o.runs = count('--runs', 1);
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--memory':
        o.memory = true;
        break;
      case '--memory-rows':
        o.memoryRows = count('--memory-rows', 1000);
        break;
      case '--only':
        o.only = String(value())
          .split(',')
          .map((s) => s.trim()) as ScenarioName[];
        break;
      case '--no-baseline':
        o.baseline = false;
        break;
      case '--cli-arg':
        o.cliArgs.push(String(value()));
        break;
      case '--keep-env':
        o.keepEnv = true;
        break;
      case '--index':
        o.index = true;
        break;
      case '--no-write':
        o.write = false;
        break;
      case '--db2-only':
        o.db2 = 'only';
        break;
      case '--no-db2':
        o.db2 = 'no';
        break;
      case '-h':
      case '--help':
        process.stdout.write(
          fs
            .readFileSync(__filename, 'utf8')
            .split('*/')[0]
            .replace(/^\/\*\*?/, '')
            .replace(/^ \* ?/gm, '') + '\n',
        );
        return process.exit(0);
      default:
        throw new Error(`unknown option ${argv[i]} (see --help)`);
    }
  }
  if (o.quick) {
    if (!given.has('--rows')) o.rows = 100_000;
    if (!given.has('--runs')) o.runs = 3;
    o.baselineCap = 10_000;
  }
  for (const s of o.only)
    if (!(s in SCENARIOS)) throw new Error(`--only: unknown scenario "${s}" (full, incremental, nothing-new)`);
  return o;
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function machine(): string {
  const cpu =
    fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ??
    os.cpus()[0]?.model ??
    'unknown CPU';
  const ramGiB = os.totalmem() / 1024 ** 3;
  return (
    `${os.cpus().length} × ${cpu.trim()} (nproc ` +
    `${os.availableParallelism?.() ?? os.cpus().length}), ${ramGiB.toFixed(1)} GiB RAM, ` +
    `Linux ${os.release()}`
  );
}

function clientVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return `${cmd}: not found`;
  }
}

/** Environment for the Node clients: the bench's own, minus variables that only slow Node's start here. */
function nodeEnv(keep: boolean): { env: NodeJS.ProcessEnv; removed: string[] } {
  const env = { ...process.env };
  const removed: string[] = [];
  if (!keep) {
    for (const name of ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']) {
      if (env[name] !== undefined) {
        delete env[name];
        removed.push(name);
      }
    }
  }
  return { env, removed };
}

async function nodeStartCost(env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) times.push((await measure((wrap) => wrap([process.execPath, '-e', '0']), env)).seconds);
  return median(times);
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function sameRows(got: Fingerprint & { nullPrices: number }, want: Fingerprint, what: string): void {
  if (got.count !== want.count || got.maxKey !== want.maxKey || got.sum !== want.sum || got.nullPrices !== want.count) {
    throw new Error(
      `${what}: warehouse holds ${JSON.stringify(got)}, expected ` +
        `${JSON.stringify({ ...want, nullPrices: want.count })}`,
    );
  }
}

interface Contender {
  name: string;
  isLimit?: boolean;
  isWatermarkLimit?: boolean;
  note?: string;
  /** Rows it actually loads, when capped. */
  measuredRows?: number;
  run(): Promise<{ seconds: number; peakRssMiB: number }>;
}

/** Rounds of the DB2 driver runs: each loads 100,000 rows into the engine twice over, so at most 3. */
const db2Rounds = (o: Options) => Math.max(1, Math.min(o.runs, 3));

/** `--db2-only`: the DB2 rows alone, in their own results file. */
async function db2Only(o: Options, env: NodeJS.ProcessEnv, started: Date): Promise<void> {
  const cases = await db2DriverBench(db2Rounds(o), env, log);
  const table = db2DriverTable(cases);
  const verdictLines = db2DriverVerdicts(cases);
  process.stdout.write(`\n${table.join('\n')}\n\n${verdictLines.join('\n')}\n`);
  if (!o.write) return;
  const stamp = started
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, 'Z')
    .replace('T', ' ');
  const md = [
    `# warehouse-sync benchmark: DB2 through the real ibm_db, ${stamp}`,
    '',
    `Median of ${db2Rounds(o)} runs per case.`,
    '',
    `- Machine: ${machine()}`,
    `- Versions: Node ${process.version}, MariaDB ${await mysqlVersion()}, ibm_db ` +
      `${ibmDbVersion()} (prebuilt binding) over the project's stand-in libdb2.so.1`,
    `- Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``,
    '',
    ...table,
    '',
    '## Targets',
    '',
    ...verdictLines.map((v) => `- ${v}`),
    '',
    '## Notes',
    '',
    ...DB2_DRIVER_NOTES.map((n) => `- ${n}`),
    '',
  ].join('\n');
  const file = `${started.toISOString().slice(0, 10)}-db2-driver.md`;
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', file), md);
  log(`wrote bench/results/${file}`);
}

function ibmDbVersion(): string {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'ibm_db', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'not installed';
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const { env, removed } = nodeEnv(o.keepEnv);
  useNodeEnv(env);
  const started = new Date();
  if (o.db2 === 'only') {
    await db2Only(o, env, started);
    return;
  }
  const loadAtStart = os.loadavg();
  const N = o.rows;
  log(
    `${N.toLocaleString('en')} rows, ${o.runs} rounds, scenarios ` +
      `${o.only.join(', ')}${o.cliArgs.length ? `, CLI args ${o.cliArgs.join(' ')}` : ''}`,
  );

  const fullTable = await ensureSourceTable(N, log);
  const incrementalTable = await ensureSourceTable(N + INCREMENT, log);
  const wantFull = await sourceFingerprint(fullTable, N);
  const wantIncremental = await sourceFingerprint(incrementalTable, N + INCREMENT);

  const state = await WarehouseState.open(o.index);
  await state.recreate();
  // Warm-up, untimed: fills both servers' caches, and leaves the N-row base the incremental runs restart from.
  await state.settle();
  await limitPipeline(fullTable, 0);
  sameRows(await state.fingerprint(), wantFull, 'warm-up load');
  // The CLI's first run after a build compiles the bundle and writes V8's code cache for the next
  // runs (dist/.v8-cache/, see scripts/build.js): like a deployed CLI's first run, it is untimed, and
  // a full load, so that the cache holds the loading code too.
  fs.rmSync(path.join(ROOT, 'dist', '.v8-cache'), { recursive: true, force: true });
  await state.truncate();
  await state.settle();
  await cli(fullTable, env, o.cliArgs);
  sameRows(await state.fingerprint(), wantFull, 'warm-up CLI load');
  await state.saveBase();

  const cap = (n: number) => (n > o.baselineCap ? o.baselineCap : null);
  const scenarios: Record<
    ScenarioName,
    {
      rows: number;
      prepare(): Promise<void>;
      check(what: string, loaded?: number): Promise<void>;
      contenders: Contender[];
    }
  > = {
    full: {
      rows: N,
      prepare: async () => {
        await state.truncate();
        await state.settle();
      },
      check: async (what, loaded) =>
        sameRows(await state.fingerprint(), loaded ? await sourceFingerprint(fullTable, loaded) : wantFull, what),
      contenders: [
        { name: 'bulk-copy limit (mariadb | psql \\copy)', isLimit: true, run: () => limitPipeline(fullTable, 0) },
        { name: CLI_NAME, run: () => cli(fullTable, env, o.cliArgs) },
        { name: PEER_NAME, run: () => streamPeer(fullTable, 0) },
        ...(o.baseline
          ? [
              {
                name: 'row by row (course style)',
                note: cap(N)
                  ? `(measured on ${cap(N)!.toLocaleString('en')} rows, time × ${(N / cap(N)!).toFixed(0)})`
                  : undefined,
                measuredRows: cap(N) ?? undefined,
                run: () => rowByRow(fullTable, cap(N)),
              },
            ]
          : []),
      ],
    },
    incremental: {
      rows: INCREMENT,
      prepare: () => state.resetTo(N),
      check: async (what) => sameRows(await state.fingerprint(), wantIncremental, what),
      contenders: [
        {
          name: 'bulk-copy limit (mariadb | psql \\copy)',
          isLimit: true,
          note: '(told the watermark)',
          run: () => limitPipeline(incrementalTable, N),
        },
        {
          name: WATERMARK_LIMIT_NAME,
          isWatermarkLimit: true,
          run: () => limitPipelineReadingWatermark(incrementalTable),
        },
        { name: CLI_NAME, run: () => cli(incrementalTable, env, o.cliArgs) },
        { name: PEER_NAME, note: '(told the watermark)', run: () => streamPeer(incrementalTable, N) },
        ...(o.baseline ? [{ name: 'row by row (course style)', run: () => rowByRow(incrementalTable, null) }] : []),
      ],
    },
    'nothing-new': {
      rows: 0,
      prepare: () => state.resetTo(N),
      check: async (what) => sameRows(await state.fingerprint(), wantFull, what),
      contenders: [
        {
          name: 'bulk-copy limit (mariadb | psql \\copy)',
          isLimit: true,
          note: '(told the watermark; 0 rows: its fixed cost)',
          run: () => limitPipeline(fullTable, N),
        },
        { name: WATERMARK_LIMIT_NAME, isWatermarkLimit: true, run: () => limitPipelineReadingWatermark(fullTable) },
        { name: CLI_NAME, run: () => cli(fullTable, env, o.cliArgs) },
        { name: PEER_NAME, note: '(told the watermark)', run: () => streamPeer(fullTable, N) },
        ...(o.baseline ? [{ name: 'row by row (course style)', run: () => rowByRow(fullTable, null) }] : []),
      ],
    },
  };

  const lines: Line[] = [];
  for (const name of o.only) {
    for (const c of scenarios[name].contenders) {
      lines.push({
        scenario: name,
        contender: c.name,
        rows: scenarios[name].rows,
        runs: [],
        measuredRows: c.measuredRows,
        isLimit: c.isLimit,
        isWatermarkLimit: c.isWatermarkLimit,
        note: c.note,
      });
    }
  }
  for (let round = 0; round < o.runs; round++) {
    for (const name of o.only) {
      const scenario = scenarios[name];
      for (const c of rotate(scenario.contenders, round)) {
        await scenario.prepare();
        const m = await c.run();
        await scenario.check(`${name}, ${c.name}, round ${round + 1}`, c.measuredRows);
        const run: Run = { seconds: m.seconds, peakRssMiB: m.peakRssMiB };
        lines.find((l) => l.scenario === name && l.contender === c.name)!.runs.push(run);
        log(
          `round ${round + 1}/${o.runs} ${name.padEnd(11)} ${c.name.padEnd(40)} ` +
            `${m.seconds.toFixed(3)} s  ${m.peakRssMiB.toFixed(0)} MB`,
        );
      }
    }
  }

  let memory: MemoryResult[] | null = null;
  if (o.memory) {
    memory = [];
    const memoryRuns = Math.max(1, Math.min(o.runs, 3));
    const bigTable = await ensureSourceTable(o.memoryRows, log);
    const wantBig = await sourceFingerprint(bigTable, o.memoryRows);
    const sizes: Array<[number, string, Fingerprint]> = [
      [N, fullTable, wantFull],
      [o.memoryRows, bigTable, wantBig],
    ];
    for (const [rows] of sizes) memory.push({ rows, runs: [] });
    for (let round = 0; round < memoryRuns; round++) {
      for (const [i, [rows, table, want]] of sizes.entries()) {
        await state.truncate();
        await state.settle();
        const m = await cli(table, env, o.cliArgs);
        sameRows(await state.fingerprint(), want, `memory ${rows} rows`);
        memory[i].runs.push({ seconds: m.seconds, peakRssMiB: m.peakRssMiB });
        log(
          `memory round ${round + 1}/${memoryRuns} ${rows.toLocaleString('en')} rows ` +
            `${m.seconds.toFixed(2)} s ${m.peakRssMiB.toFixed(1)} MB`,
        );
      }
    }
    await state.resetTo(N);
  }

  const extra: string[] = [];
  const db2 = await db2StatementsPer10k(log);
  extra.push(db2);
  const db2Cases: Db2DriverCase[] = o.db2 === 'also' ? await db2DriverBench(db2Rounds(o), env, log) : [];

  const nodeCost = removed.length ? await nodeStartCost(process.env) : null;
  const nodeCostClean = await nodeStartCost(env);
  const pgVersion = await state.serverVersion();
  await state.close();

  const summaries = summarise(lines);
  const table = terminalTable(summaries);
  const checks = [...verdicts(summaries, memory), ...(db2Cases.length ? db2DriverVerdicts(db2Cases) : [])];
  const db2Section = db2Cases.length ? db2DriverTable(db2Cases) : [];
  process.stdout.write(
    `\n${table}\n\n${db2Section.map((l) => `${l}\n`).join('')}\n${checks.join('\n')}\n${extra.map((e) => `${e}\n`).join('')}`,
  );
  if (memory) {
    for (const m of memory) {
      process.stdout.write(
        `memory: ${m.rows.toLocaleString('en')} rows: peak RSS median ` +
          `${median(m.runs.map((r) => r.peakRssMiB)).toFixed(1)} MB\n`,
      );
    }
  }

  const stamp = started
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, 'Z')
    .replace('T', ' ');
  const base = `${started.toISOString().slice(0, 10)}-${N >= 1_000_000 && N % 1_000_000 === 0 ? `${N / 1_000_000}M` : N}${o.index ? '-indexed' : ''}${o.quick ? '-quick' : ''}`;
  const notes = [
    'Each round runs every contender once per scenario, in an order rotated per round; ' +
      'before each timed run the warehouse table is reset (untimed), vacuumed and ' +
      'checkpointed, and after it the loaded rows are checked (count, max key, checksum over ' +
      'all columns, NULL price/timestamp).',
    "Warm-up, untimed: one load by the limit pipeline (fills both servers' caches), then " +
      "one full load by the CLI, its first run after the build, which writes V8's code " +
      'cache that later runs of the CLI read (dist/.v8-cache/; about 40 ms more, once per build).',
    'Times are wall-clock from spawning the client to its exit, through `bash -c` for ' +
      "every contender; peak RSS is GNU time's max RSS of each client process (summed for " +
      'the two processes of the pipeline).',
    `The limit pipeline: \`mariadb --batch --quick --skip-column-names -e "SELECT rowid, ` +
      `product_id, customer_id, quantity FROM … WHERE rowid > W ORDER BY rowid" | psql -c ` +
      `"\\copy sales_data (…) FROM STDIN WITH (NULL 'NULL')"\`, told the watermark W for ` +
      `free. For incremental and nothing-new the bench also times the same pipeline finding ` +
      `W itself, as any incremental copy must: \`W=$(psql -X -A -t -c "SELECT ` +
      `COALESCE(max(rowid), 0) FROM sales_data")\` first (on the course's table, without an ` +
      `index, a scan of the whole table), its RSS not counted. mariadb --batch prints NULL ` +
      `as the word NULL and cannot print \`\\N\` (it escapes backslashes); the table's ` +
      `columns are all integers, so reading the word NULL as NULL is exact.`,
    'The CLI: `node dist/cli.js run --source … --warehouse … --table sales_N:sales_data --json`' +
      (o.cliArgs.length ? ` plus ${o.cliArgs.join(' ')}` : ' with default options') +
      ' (the bundle `npm run bench` builds first; `npx warehouse-sync` runs the same file). ' +
      'It reads the watermark from the warehouse table (' +
      (o.index
        ? 'through the index on rowid that --index adds'
        : 'no index on rowid, like the course: each run scans the whole table for the watermark, ' +
          'and counts the late-row window in its last blocks') +
      '), re-checks the late-row window, then streams each keyset page of the source into ' +
      'one COPY transaction (100,000 rows by default).',
    'The peer: a Node script streaming one mysql2 query into one pg-copy-streams COPY in ' +
      'one transaction, told the watermark like the limit: no paging, no batches, no ' +
      'late-row or lock logic (bench/stream-peer.ts).',
    `Row by row (course style): fetchall, then one INSERT per row in one transaction ` +
      `(Node, pg, ` +
      `mysql2)${cap(N) ? `; full load measured on the first ${o.baselineCap.toLocaleString('en')} rows and its time scaled to ${N.toLocaleString('en')} rows (fetchall memory grows with N: its RSS here is for the capped load)` : ''}.`,
    removed.length
      ? `The environment sets ${removed.join(', ')}; the bench removes ` +
        `${removed.length > 1 ? 'them' : 'it'} for the Node clients (they connect without ` +
        `TLS). With it a bare \`node -e 0\` takes ${(nodeCost! * 1000).toFixed(0)} ms here, ` +
        `without it ${(nodeCostClean * 1000).toFixed(0)} ms. Pass --keep-env to keep ` +
        `${removed.length > 1 ? 'them' : 'it'}.`
      : `A bare \`node -e 0\` takes ${(nodeCostClean * 1000).toFixed(0)} ms here (part of ` +
        `every Node contender's time).`,
    ...(db2Cases.length ? DB2_DRIVER_NOTES : []),
    `Load average (1, 5, 15 min) when the bench started: ` +
      `${loadAtStart.map((l) => l.toFixed(2)).join(', ')}; when it ended: ` +
      `${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}. Other work on the machine shows ` +
      `up as spread: the per-round ratios pair each run with the limit's run in the same round.`,
  ];
  const context = {
    date: stamp,
    machine: machine(),
    versions:
      `Node ${process.version}, ${await mysqlVersion().then((v) => `MariaDB ${v}`)}, ` +
      `PostgreSQL ${pgVersion}; clients: ${clientVersion('mariadb', ['--version'])}; ` +
      `${clientVersion('psql', ['--version'])}`,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    rows: N,
    runs: o.runs,
    notes,
    chart: `${base}.svg`,
  };
  if (o.write) {
    const dir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const md = markdown(
      summaries,
      context,
      memory,
      extra,
      db2Section,
      db2Cases.length ? db2DriverVerdicts(db2Cases) : [],
    );
    const svg = svgChart(
      summaries,
      `warehouse-sync vs the bulk-copy limit, ${N.toLocaleString('en')} rows, ` + `${stamp.slice(0, 10)}`,
    );
    fs.writeFileSync(path.join(dir, `${base}.md`), md);
    fs.writeFileSync(path.join(dir, `${base}.svg`), svg);
    log(`wrote bench/results/${base}.md and bench/results/${base}.svg`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
