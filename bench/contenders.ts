/**
 * The command lines the bench times. Each loads source rows with rowid above `after` into the
 * warehouse table and is checked afterwards (row count and a checksum over every column).
 */
import { buildSync } from 'esbuild';
import os from 'os';
import path from 'path';
import { SOURCE_COLUMNS, SOURCE_DB, SOURCE_URL, TARGET, WAREHOUSE_DB, WAREHOUSE_URL } from './data';
import { measure, shellQuote, type Measurement } from './measure';

export const ROOT = path.join(__dirname, '..');

function hostPort(url: string, defaultPort: string): { host: string; port: string; user: string } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || defaultPort, user: decodeURIComponent(u.username) };
}

/**
 * The bulk-copy limit: the database's own clients, streaming text from one to the other.
 * `mariadb --batch` prints SQL NULL as the bare word NULL and escapes backslashes (so no SELECT
 * can make it print `\N`); psql is told that NULL is the null marker. Exact for this table, whose
 * columns are all integers: no non-NULL value prints as NULL. Its tab/newline/backslash escapes
 * are the ones COPY text format reads.
 */
export function limitPipeline(sourceTable: string, after: number): Promise<Measurement> {
  return measure((wrap) => pipeline(wrap, sourceTable, String(after)));
}

function pipeline(wrap: (argv: string[]) => string, sourceTable: string, after: string): string {
  const my = hostPort(SOURCE_URL, '3306');
  const columns = SOURCE_COLUMNS.join(', ');
  const select = `SELECT ${columns} FROM \`${sourceTable}\` WHERE rowid > ${after} ORDER BY rowid`;
  const copy = `\\copy ${TARGET} (${columns}) FROM STDIN WITH (NULL 'NULL')`;
  return [
    wrap([
      'mariadb',
      '-h',
      my.host,
      '-P',
      my.port,
      '-u',
      my.user,
      '--batch',
      '--quick',
      '--skip-column-names',
      '-e',
      select,
      SOURCE_DB,
    ]),
    wrap([...psql(), '-q', '-v', 'ON_ERROR_STOP=1', '-c', copy]),
  ].join(' | ');
}

function psql(): string[] {
  const pg = hostPort(WAREHOUSE_URL, '5432');
  return ['psql', '-h', pg.host, '-p', pg.port, '-U', pg.user, '-d', WAREHOUSE_DB, '-X'];
}

/**
 * The same limit pipeline, finding its own watermark first, as any incremental copy must: one psql
 * reads the warehouse's largest rowid, and the pipeline loads the rows above it. Its peak RSS is
 * the pipeline's (the first psql has exited before the pipeline starts, and is not counted).
 */
export function limitPipelineReadingWatermark(sourceTable: string): Promise<Measurement> {
  return measure((wrap) => {
    const max = `SELECT COALESCE(max(rowid), 0) FROM ${TARGET}`;
    const watermark = [...psql(), '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', max].map(shellQuote).join(' ');
    // The SELECT is single-quoted on the command line: the placeholder becomes a splice of "$W".
    return `W=$(${watermark}) && ${pipeline(wrap, sourceTable, 'WATERMARK').replace('> WATERMARK ', `> '"$W"' `)}`;
  });
}

export interface CliTable {
  table: string;
  inserted: number;
  newRows: number;
  batches: number;
  watermarkBefore: number | string | null;
  watermarkAfter: number | string | null;
}

/**
 * The built CLI bundle, as `npx warehouse-sync` runs it (bin/warehouse-sync.js only adds an mtime
 * check of lib/, which would rebuild the bundle mid-bench whenever someone edits a source file).
 */
export async function cli(
  sourceTable: string,
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
): Promise<Measurement & { report: CliTable }> {
  const args = [
    process.execPath,
    path.join(ROOT, 'dist', 'cli.js'),
    'run',
    '--source',
    SOURCE_URL,
    '--warehouse',
    WAREHOUSE_URL,
    '--table',
    `${sourceTable}:${TARGET}`,
    '--json',
    ...extraArgs,
  ];
  const m = await measure((wrap) => wrap(args), env);
  const parsed = JSON.parse(m.stdout) as { ok: boolean; tables: CliTable[]; error?: string };
  if (!parsed.ok) throw new Error(`warehouse-sync failed: ${parsed.error}`);
  return { ...m, report: parsed.tables[0] };
}

const bundles = new Map<string, string>();

/** A bench script bundled once into the temp directory, so that it starts like a plain Node script. */
function bundled(script: string): string {
  let file = bundles.get(script);
  if (!file) {
    file = path.join(os.tmpdir(), `bench-${script}-${process.pid}.js`);
    buildSync({
      entryPoints: [path.join(__dirname, `${script}.ts`)],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['pg-native'],
      logLevel: 'error',
    });
    bundles.set(script, file);
  }
  return file;
}

/** The course-style baseline (bench/row-by-row.ts). */
export async function rowByRow(
  sourceTable: string,
  maxRows: number | null,
): Promise<Measurement & { inserted: number }> {
  const args = [
    process.execPath,
    bundled('row-by-row'),
    SOURCE_URL,
    WAREHOUSE_URL,
    sourceTable,
    TARGET,
    ...(maxRows ? [String(maxRows)] : []),
  ];
  const m = await measure((wrap) => wrap(args), nodeEnv);
  return { ...m, inserted: (JSON.parse(m.stdout) as { inserted: number }).inserted };
}

/** The streaming peer, a one-COPY mysql2 → pg-copy-streams script (bench/stream-peer.ts). */
export async function streamPeer(sourceTable: string, after: number): Promise<Measurement & { inserted: number }> {
  const args = [
    process.execPath,
    bundled('stream-peer'),
    SOURCE_URL,
    WAREHOUSE_URL,
    sourceTable,
    TARGET,
    String(after),
  ];
  const m = await measure((wrap) => wrap(args), nodeEnv);
  return { ...m, inserted: (JSON.parse(m.stdout) as { inserted: number }).inserted };
}

let nodeEnv: NodeJS.ProcessEnv = process.env;

/** The environment every Node contender runs with (set once by bench/run.ts). */
export function useNodeEnv(env: NodeJS.ProcessEnv): void {
  nodeEnv = env;
}
