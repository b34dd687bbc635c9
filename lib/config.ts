/**
 * Configuration, read in one place: command-line flags, environment variables and function input
 * (JSON) all become one validated Config. Every problem is collected and reported together.
 * Precedence: flags / function input > environment > defaults. Every environment variable the
 * program reads is read here, the platforms' own (__OW_*, AWS_REGION) included.
 */
import { ConnectionTarget, parseConnectionUrl } from './connection-url';
import { ConfigError } from './errors';
import { rememberSecrets } from './redact';
import { DEFAULT_TIMEOUT_SECONDS, withTimeout } from './time-budget';

export type Command = 'run' | 'status' | 'verify' | 'ddl';

export interface TableName {
  /** Schema as written (quoted or not), or null for the connection's default schema. */
  schema: string | null;
  /** Table name as written; `"Quoted"` keeps its case, unquoted names follow the warehouse's folding. */
  name: string;
}

export interface TablePair {
  /** As the user wrote it: `sales_data` or `staging_sales:dw.SALES`. */
  label: string;
  source: TableName;
  warehouse: TableName;
}

/** What a command does: databases, tables, keys, batches, time. Everything under lib/ reads only these. */
export interface SyncConfig {
  command: Command;
  source: ConnectionTarget;
  warehouse: ConnectionTarget;
  tables: TablePair[];
  key: string;
  batchSize: number;
  /** Time budget for the whole run; null = until the source's high key is reached. */
  maxSeconds: number | null;
  dryRun: boolean;
  repair: boolean;
  /** How many keys below the watermark each run re-checks for rows that committed late. */
  lateWindow: number;
  /** How long a run waits for another run's writer lock before reporting `skipped`. */
  lockWaitSeconds: number;
  /** The longest any one wait on a database may last (connect, statement, silent connection, lock wait). */
  timeoutSeconds: number;
  /** Create a missing warehouse table from the source's columns (lib/schema/type-map.ts). */
  createTable: boolean;
  /** Add columns that appeared in staging to the warehouse table before loading. */
  addColumns: boolean;
}

/** How the CLI shows a result: nothing a command does depends on these. */
export interface OutputConfig {
  /** One JSON report on stdout instead of lines of text. */
  json: boolean;
  /** Progress bar on stderr: null = only when stderr is a terminal. */
  progress: boolean | null;
  /** SYNC_LOG=json: the structured log lines the functions write, on stderr too. */
  logJson: boolean;
}

/** What resolveConfig returns: the command's settings and how its result is shown. */
export interface Config extends SyncConfig, OutputConfig {}

/** The options as plain values, whichever way they arrived (flags, env, function JSON). */
export interface SyncOptions {
  command?: string;
  source?: string;
  warehouse?: string;
  tables?: string[] | string;
  key?: string;
  batchSize?: number | string;
  maxSeconds?: number | string;
  dryRun?: boolean | string;
  json?: boolean | string;
  repair?: boolean | string;
  lateWindow?: number | string;
  lockWaitSeconds?: number | string;
  timeoutSeconds?: number | string;
  progress?: boolean | string;
  createTable?: boolean | string;
  addColumns?: boolean | string;
}

export const DEFAULTS = {
  source: 'mysql://root@127.0.0.1:3306/sales',
  warehouse: 'postgres://root@127.0.0.1:5432/warehouse',
  tables: ['sales_data'],
  key: 'rowid',
  /** Rows per transaction where a batch is held in memory (DB2, MySQL warehouses). */
  batchSize: 10_000,
  /** PostgreSQL streams each batch from source to COPY without holding it: fewer, larger commits. */
  streamedBatchSize: 100_000,
  lateWindow: 10_000,
  lockWaitSeconds: 0,
  timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
} as const;

export const MAX_BATCH_SIZE = 100_000;

const OPTION_KEYS: ReadonlyArray<keyof SyncOptions> = [
  'command',
  'source',
  'warehouse',
  'tables',
  'key',
  'batchSize',
  'maxSeconds',
  'dryRun',
  'json',
  'repair',
  'lateWindow',
  'lockWaitSeconds',
  'timeoutSeconds',
  'progress',
  'createTable',
  'addColumns',
];

/** Environment variables, by option. */
export const ENV_VARS: Partial<Record<keyof SyncOptions, string>> = {
  source: 'SYNC_SOURCE_URL',
  warehouse: 'SYNC_WAREHOUSE_URL',
  tables: 'SYNC_TABLES',
  key: 'SYNC_KEY',
  batchSize: 'SYNC_BATCH_SIZE',
  maxSeconds: 'SYNC_MAX_SECONDS',
  lateWindow: 'SYNC_LATE_WINDOW',
  lockWaitSeconds: 'SYNC_LOCK_WAIT_SECONDS',
  timeoutSeconds: 'SYNC_TIMEOUT_SECONDS',
  dryRun: 'SYNC_DRY_RUN',
  createTable: 'SYNC_CREATE_TABLE',
  addColumns: 'SYNC_ADD_COLUMNS',
};

/** Not an option: only the CLI reads it (the functions always log). */
const LOG_VAR = 'SYNC_LOG';

/**
 * The process's environment, for the entry points to pass on: the variables in it are read by the
 * functions of this module, whatever environment (the process's, a test's) they are given.
 */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): SyncOptions {
  const options: Record<string, string> = {};
  for (const [option, variable] of Object.entries(ENV_VARS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') options[option] = value;
  }
  return options as SyncOptions;
}

/**
 * Function input (schedule input, console test event, OpenWhisk params) → options.
 * Unknown keys are refused so that a typo in a schedule's input does not silently do the default.
 */
export function optionsFromJson(input: Record<string, unknown>, ignoreKeys: ReadonlyArray<string> = []): SyncOptions {
  const problems: string[] = [];
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (ignoreKeys.includes(name) || value === undefined || value === null) continue;
    if (name === 'table') options.tables = value;
    else if ((OPTION_KEYS as string[]).includes(name)) options[name] = value;
    else problems.push(`unknown option "${name}" (known: ${OPTION_KEYS.join(', ')})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return options as SyncOptions;
}

export function resolveConfig(given: SyncOptions, env: NodeJS.ProcessEnv = {}): Config {
  const o: SyncOptions = { ...optionsFromEnv(env), ...stripUndefined(given) };
  const problems: string[] = [];

  const command = (o.command ?? 'run') as Command;
  if (!['run', 'status', 'verify', 'ddl'].includes(command)) {
    problems.push(`unknown command "${o.command}" (use run, status, verify or ddl)`);
  }
  const source = target(o.source ?? DEFAULTS.source, 'source', 'SYNC_SOURCE_URL', problems);
  const warehouse = target(o.warehouse ?? DEFAULTS.warehouse, 'warehouse', 'SYNC_WAREHOUSE_URL', problems);
  if (source && source.kind !== 'mysql') {
    problems.push(`--source must be a MySQL/MariaDB URL (mysql://…), got ${source.kind}`);
  }

  const key = o.key ?? DEFAULTS.key;
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(key)) problems.push(`--key "${key}" is not a plain column name`);

  const tables = parseTables(o.tables ?? [...DEFAULTS.tables], problems);
  const defaultBatch = warehouse?.kind === 'postgres' ? DEFAULTS.streamedBatchSize : DEFAULTS.batchSize;
  const batchSize = integer(o.batchSize, defaultBatch, '--batch-size', 1, MAX_BATCH_SIZE, problems);
  const lateWindow = integer(o.lateWindow, DEFAULTS.lateWindow, '--late-window', 0, 10_000_000, problems);
  const lockWaitSeconds = number(o.lockWaitSeconds, DEFAULTS.lockWaitSeconds, '--lock-wait', 0, 3600, problems);
  const timeoutSeconds = number(o.timeoutSeconds, DEFAULTS.timeoutSeconds, '--timeout', 0.1, 86_400, problems);
  const maxSeconds =
    o.maxSeconds === undefined ? null : number(o.maxSeconds, 0, '--max-seconds', 0.001, 86_400 * 7, problems);
  const dryRun = flag(o.dryRun, '--dry-run', problems);
  const json = flag(o.json, '--json', problems);
  const repair = flag(o.repair, '--repair', problems);
  if (repair && command !== 'verify') problems.push('--repair only applies to the verify command');
  const progress = o.progress === undefined ? null : flag(o.progress, '--progress', problems);
  const createTable = flag(o.createTable, '--create-table', problems);
  const addColumns = flag(o.addColumns, '--add-columns', problems);

  if (problems.length) throw new ConfigError(problems);
  return {
    command,
    source: withTimeout(source!, timeoutSeconds),
    warehouse: withTimeout(warehouse!, timeoutSeconds),
    tables,
    key,
    batchSize,
    maxSeconds,
    dryRun,
    json,
    repair,
    lateWindow,
    lockWaitSeconds,
    timeoutSeconds,
    progress,
    createTable,
    addColumns,
    logJson: env[LOG_VAR] === 'json',
  };
}

/**
 * A connection URL that AWS Secrets Manager may hold instead: the variable naming the secret, and
 * the one it stands for.
 */
export interface SecretVariable {
  idVariable: string;
  urlVariable: string;
}

export const SECRET_VARIABLES: readonly SecretVariable[] = [
  { idVariable: 'SYNC_SOURCE_SECRET_ID', urlVariable: 'SYNC_SOURCE_URL' },
  { idVariable: 'SYNC_WAREHOUSE_SECRET_ID', urlVariable: 'SYNC_WAREHOUSE_URL' },
];

/** A secret to read: its id, the variable that named it, and the URL variable its value becomes. */
export interface SecretRequest extends SecretVariable {
  secretId: string;
}

/**
 * The secrets `env` asks for: each *_SECRET_ID that is set (an empty value counts as unset).
 * Throws a ConfigError when a database is given both a URL and a secret.
 */
export function secretRequests(env: NodeJS.ProcessEnv): SecretRequest[] {
  const wanted = SECRET_VARIABLES.flatMap((v) => {
    const secretId = env[v.idVariable];
    return nonEmpty(secretId) ? [{ ...v, secretId }] : [];
  });
  const problems = wanted
    .filter((v) => nonEmpty(env[v.urlVariable]))
    .map((v) => `both ${v.urlVariable} and ${v.idVariable} are set; keep one`);
  if (problems.length) throw new ConfigError(problems);
  return wanted;
}

/** What a platform tells the process through its environment, beside the options. */
export interface PlatformEnv {
  /** OpenWhisk / Code Engine functions: the activation's id (__OW_ACTIVATION_ID), added to each log line. */
  activationId?: string;
  /** OpenWhisk: when the platform ends the activation, epoch ms (__OW_DEADLINE). */
  activationDeadline?: number;
  /** AWS: the region (AWS_REGION, else AWS_DEFAULT_REGION), named in messages about Secrets Manager. */
  awsRegion?: string;
}

export function platformFromEnv(env: NodeJS.ProcessEnv): PlatformEnv {
  const deadline = env.__OW_DEADLINE;
  const end = Number(deadline);
  return {
    activationId: env.__OW_ACTIVATION_ID || undefined,
    activationDeadline: deadline && Number.isFinite(end) ? end : undefined,
    awsRegion: (env.AWS_REGION ?? env.AWS_DEFAULT_REGION) || undefined,
  };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function target(url: string, role: string, envVar: string, problems: string[]): ConnectionTarget | undefined {
  const parsed = parseConnectionUrl(url, role);
  if (typeof parsed === 'string') {
    problems.push(`${parsed} (set --${role} or ${envVar})`);
    return undefined;
  }
  return parsed;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$#@]*)`;
const QUALIFIED = new RegExp(`^(?:(${IDENT})\\.)?(${IDENT})$`);

export function parseTableName(text: string): TableName | null {
  const m = QUALIFIED.exec(text.trim());
  return m ? { schema: m[1] ?? null, name: m[2] } : null;
}

function parseTables(value: string[] | string, problems: string[]): TablePair[] {
  const items = (Array.isArray(value) ? value : String(value).split(','))
    .map((t) => String(t).trim())
    .filter((t) => t !== '');
  if (items.length === 0) problems.push('no table given (use --table NAME or SYNC_TABLES)');
  const pairs: TablePair[] = [];
  for (const item of items) {
    const colon = item.indexOf(':');
    const [src, dst] = colon >= 0 ? [item.slice(0, colon), item.slice(colon + 1)] : [item, item];
    const source = parseTableName(src);
    const warehouse = parseTableName(dst);
    if (!source || !warehouse) {
      problems.push(`table "${item}" is not NAME, SRC:DST or SRC:SCHEMA.DST`);
      continue;
    }
    pairs.push({ label: item, source, warehouse });
  }
  const labels = pairs.map((p) => p.label);
  const dupes = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (dupes.length) problems.push(`table "${dupes[0]}" is listed twice`);
  return pairs;
}

function integer(value: unknown, fallback: number, name: string, min: number, max: number, problems: string[]): number {
  const n = number(value, fallback, name, min, max, problems);
  if (!Number.isInteger(n)) {
    problems.push(`${name} must be a whole number, got "${value}"`);
  }
  return n;
}

function number(value: unknown, fallback: number, name: string, min: number, max: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\s*[0-9.eE+-]+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    problems.push(`${name} must be a number from ${min} to ${max}, got "${value}"`);
    return fallback;
  }
  return n;
}

function flag(value: unknown, name: string, problems: string[]): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  problems.push(`${name} must be true or false, got "${value}"`);
  return false;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const HELP = `warehouse-sync: keep a warehouse table (IBM DB2, PostgreSQL or MySQL/MariaDB) in step with a MySQL
staging table, incrementally, without losing or duplicating a row.

Usage: warehouse-sync [run|status|verify|ddl] [options]

Commands:
  run               (default) load every source row above the warehouse's largest key
  status            show watermark, source high key and pending rows per table
  verify            compare source and warehouse over the whole key range; exit 1 on differences
    --repair        also load the rows missing from the warehouse
  ddl               print the CREATE TABLE each warehouse table needs (from the source's columns);
                    connects to the source only, writes nothing; --json: statements as an array

Options (environment variable in brackets):
  --source URL        mysql://user:pass@host:3306/db                [SYNC_SOURCE_URL]
                      default ${DEFAULTS.source}
  --warehouse URL     postgres://user:pass@host:5432/db, mysql://…,     [SYNC_WAREHOUSE_URL]
                      db2://user:pass@host:50001/BLUDB?security=SSL,
                      or a DB2 CLI string "DATABASE=…;HOSTNAME=…;PORT=…;UID=…;PWD=…;"
                      default ${DEFAULTS.warehouse}
  --table NAME        table to sync; repeatable; SRC:DST or SRC:SCHEMA.DST
                      [SYNC_TABLES, comma-separated] default ${DEFAULTS.tables.join(',')}
  --key COL           integer key column, ascending with inserts      [SYNC_KEY] default ${DEFAULTS.key}
  --batch-size N      rows per warehouse transaction (1-${MAX_BATCH_SIZE})   [SYNC_BATCH_SIZE]
                      default ${DEFAULTS.streamedBatchSize} on PostgreSQL (streamed: memory does not grow with it),
                      ${DEFAULTS.batchSize} on DB2 and MySQL
  --max-seconds S     time budget; stops between batches and reports more=true  [SYNC_MAX_SECONDS]
  --late-window N     keys below the watermark re-checked for late commits
                      [SYNC_LATE_WINDOW] default ${DEFAULTS.lateWindow}
  --lock-wait S       wait up to S seconds for another run's lock, then skip
                      [SYNC_LOCK_WAIT_SECONDS] default ${DEFAULTS.lockWaitSeconds}
  --timeout S         longest wait on a database: connecting, one statement, one batch, a silent
                      connection; a lock holder quiet for 2 x S + 5 s is reported as stalled
                      [SYNC_TIMEOUT_SECONDS] default ${DEFAULTS.timeoutSeconds}
  --dry-run           read and report, write nothing                   [SYNC_DRY_RUN]
  --create-table      create a missing warehouse table with the DDL that ddl prints, then sync it
                      [SYNC_CREATE_TABLE]
  --add-columns       add columns that appeared in staging to the warehouse table (nullable: rows
                      loaded earlier hold NULL there)                  [SYNC_ADD_COLUMNS]
  --json              print one JSON report on stdout
  --progress / --no-progress   progress bar on stderr (default: when stderr is a terminal)
                      SYNC_LOG=json: also one structured JSON log line per table on stderr
  -h, --help          this help
  -V, --version       print the version

Exit status: 0 done (also nothing new, or skipped because another run holds the lock);
2 refused before writing anything (usage, config, unreachable database, incompatible schema);
1 failed during the run (whole batches already committed stay; rerun to continue).
`;

const VALUE_FLAGS: Record<string, keyof SyncOptions> = {
  '--source': 'source',
  '--warehouse': 'warehouse',
  '--table': 'tables',
  '--key': 'key',
  '--batch-size': 'batchSize',
  '--max-seconds': 'maxSeconds',
  '--late-window': 'lateWindow',
  '--lock-wait': 'lockWaitSeconds',
  '--timeout': 'timeoutSeconds',
};
const BOOLEAN_FLAGS: Record<string, [keyof SyncOptions, boolean]> = {
  '--dry-run': ['dryRun', true],
  '--json': ['json', true],
  '--repair': ['repair', true],
  '--progress': ['progress', true],
  '--no-progress': ['progress', false],
  '--create-table': ['createTable', true],
  '--add-columns': ['addColumns', true],
};

/** Command-line arguments → options. `help` / `version` are true when usage or the version was asked for. */
export function optionsFromArgv(argv: string[]): { options: SyncOptions; help: boolean; version: boolean } {
  const options: SyncOptions = {};
  const tables: string[] = [];
  const problems: string[] = [];
  let help = false;
  let version = false;
  // Before any problem is reported: an argument a message may echo can be a URL with its password.
  for (const arg of argv) rememberSecrets(arg);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flagName = eq > 0 ? arg.slice(0, eq) : arg;
    if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '-V' || arg === '--version') version = true;
    else if (flagName in VALUE_FLAGS) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) {
        problems.push(`${flagName} needs a value`);
        continue;
      }
      const option = VALUE_FLAGS[flagName];
      if (option === 'tables') tables.push(value);
      else (options as Record<string, string>)[option] = value;
    } else if (flagName in BOOLEAN_FLAGS && eq < 0) {
      const [option, value] = BOOLEAN_FLAGS[flagName];
      (options as Record<string, boolean>)[option] = value;
    } else if (!arg.startsWith('-') && options.command === undefined && i === 0) {
      options.command = arg;
    } else {
      problems.push(`unknown argument "${arg}" (see --help)`);
    }
  }
  if (tables.length) options.tables = tables;
  if (problems.length && !help && !version) throw new ConfigError(problems);
  return { options, help, version };
}
