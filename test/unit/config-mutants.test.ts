/**
 * Cases that kill mutants of lib/config.ts the original unit tests let live (npm run mutate):
 * each boundary of each numeric option, every spelling a flag accepts, and the argv forms.
 */
import { optionsFromArgv, optionsFromEnv, optionsFromJson, parseTableName, resolveConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

test('numeric options: both ends of each range accepted, one step beyond refused, with the option named', () => {
  const mysqlWarehouse = { warehouse: 'mysql://u@h/db' };
  expect(resolveConfig({ ...mysqlWarehouse, batchSize: '1' }).batchSize).toBe(1);
  expect(resolveConfig({ ...mysqlWarehouse, batchSize: '100000' }).batchSize).toBe(100_000);
  expect(problemsOf(() => resolveConfig({ batchSize: '0' }))).toEqual([
    '--batch-size must be a number from 1 to 100000, got "0"',
  ]);
  expect(problemsOf(() => resolveConfig({ batchSize: '100001' }))).toEqual([
    '--batch-size must be a number from 1 to 100000, got "100001"',
  ]);
  expect(problemsOf(() => resolveConfig({ batchSize: '2.5' }))).toEqual([
    '--batch-size must be a whole number, got "2.5"',
  ]);
  expect(problemsOf(() => resolveConfig({ batchSize: '12abc' }))).toEqual([
    '--batch-size must be a number from 1 to 100000, got "12abc"',
  ]);
  expect(resolveConfig({ batchSize: ' 7 ' }).batchSize).toBe(7);
  expect(resolveConfig({ batchSize: 9 }).batchSize).toBe(9);

  expect(resolveConfig({ lateWindow: '0' }).lateWindow).toBe(0);
  expect(resolveConfig({ lateWindow: '10000000' }).lateWindow).toBe(10_000_000);
  expect(problemsOf(() => resolveConfig({ lateWindow: '-1' }))).toEqual([
    '--late-window must be a number from 0 to 10000000, got "-1"',
  ]);
  expect(problemsOf(() => resolveConfig({ lateWindow: '10000001' }))).toEqual([
    '--late-window must be a number from 0 to 10000000, got "10000001"',
  ]);

  expect(resolveConfig({ lockWaitSeconds: '0' }).lockWaitSeconds).toBe(0);
  expect(resolveConfig({ lockWaitSeconds: '3600' }).lockWaitSeconds).toBe(3600);
  expect(resolveConfig({ lockWaitSeconds: '0.5' }).lockWaitSeconds).toBe(0.5);
  expect(problemsOf(() => resolveConfig({ lockWaitSeconds: '3601' }))).toEqual([
    '--lock-wait must be a number from 0 to 3600, got "3601"',
  ]);
  expect(problemsOf(() => resolveConfig({ lockWaitSeconds: '-0.1' }))).toEqual([
    '--lock-wait must be a number from 0 to 3600, got "-0.1"',
  ]);

  expect(resolveConfig({ timeoutSeconds: '0.1' }).timeoutSeconds).toBe(0.1);
  expect(resolveConfig({ timeoutSeconds: '86400' }).timeoutSeconds).toBe(86_400);
  expect(problemsOf(() => resolveConfig({ timeoutSeconds: '0.09' }))).toEqual([
    '--timeout must be a number from 0.1 to 86400, got "0.09"',
  ]);
  expect(problemsOf(() => resolveConfig({ timeoutSeconds: '86401' }))).toEqual([
    '--timeout must be a number from 0.1 to 86400, got "86401"',
  ]);

  expect(resolveConfig({}).maxSeconds).toBeNull();
  expect(resolveConfig({ maxSeconds: '0.001' }).maxSeconds).toBe(0.001);
  expect(resolveConfig({ maxSeconds: '604800' }).maxSeconds).toBe(604_800);
  expect(problemsOf(() => resolveConfig({ maxSeconds: '0' }))).toEqual([
    '--max-seconds must be a number from 0.001 to 604800, got "0"',
  ]);
  expect(problemsOf(() => resolveConfig({ maxSeconds: '604801' }))).toEqual([
    '--max-seconds must be a number from 0.001 to 604800, got "604801"',
  ]);
  expect(problemsOf(() => resolveConfig({ maxSeconds: 'Infinity' }))).toEqual([
    '--max-seconds must be a number from 0.001 to 604800, got "Infinity"',
  ]);
});

test('flags: each accepted spelling, case-insensitive; anything else refused', () => {
  for (const yes of ['1', 'true', 'TRUE', 'yes', 'Yes', 'on', true])
    expect(resolveConfig({ dryRun: yes }).dryRun).toBe(true);
  for (const no of ['0', 'false', 'False', 'no', 'off', 'OFF', '', false])
    expect(resolveConfig({ dryRun: no }).dryRun).toBe(false);
  expect(resolveConfig({}).dryRun).toBe(false);
  expect(problemsOf(() => resolveConfig({ json: 'y' }))).toEqual(['--json must be true or false, got "y"']);
  expect(resolveConfig({}).progress).toBeNull();
  expect(resolveConfig({ progress: 'off' }).progress).toBe(false);
  expect(resolveConfig({ progress: 'on' }).progress).toBe(true);
  expect(resolveConfig({ command: 'verify', repair: 'yes' }).repair).toBe(true);
  expect(resolveConfig({ command: 'verify' }).repair).toBe(false);
});

test('environment: each SYNC_ variable read, empty ones ignored, flags win', () => {
  expect(optionsFromEnv({ SYNC_BATCH_SIZE: '', SYNC_LATE_WINDOW: '5', OTHER: 'x' })).toEqual({ lateWindow: '5' });
  const env = {
    SYNC_KEY: 'id',
    SYNC_MAX_SECONDS: '30',
    SYNC_LATE_WINDOW: '7',
    SYNC_LOCK_WAIT_SECONDS: '3',
    SYNC_TIMEOUT_SECONDS: '9',
    SYNC_DRY_RUN: 'true',
  };
  expect(resolveConfig({}, env)).toMatchObject({
    key: 'id',
    maxSeconds: 30,
    lateWindow: 7,
    lockWaitSeconds: 3,
    timeoutSeconds: 9,
    dryRun: true,
  });
  expect(resolveConfig({ lateWindow: '8', key: 'k' }, env)).toMatchObject({ lateWindow: 8, key: 'k' });
  // An option given as undefined (a function input without it) does not hide the variable.
  expect(resolveConfig({ lateWindow: undefined }, env).lateWindow).toBe(7);
});

test('tables: names, quoted names, schemas; empty, malformed and duplicated lists refused', () => {
  expect(parseTableName('sales')).toEqual({ schema: null, name: 'sales' });
  expect(parseTableName(' dw.sales ')).toEqual({ schema: 'dw', name: 'sales' });
  expect(parseTableName('"My ""Q"" t"')).toEqual({ schema: null, name: '"My ""Q"" t"' });
  expect(parseTableName('_a$1#@')).toEqual({ schema: null, name: '_a$1#@' });
  expect(parseTableName('1abc')).toBeNull();
  expect(parseTableName('a.b.c')).toBeNull();
  expect(parseTableName('a b')).toBeNull();
  expect(parseTableName('""')).toBeNull();
  expect(resolveConfig({ tables: 'src:dw.dst' }).tables).toEqual([
    { label: 'src:dw.dst', source: { schema: null, name: 'src' }, warehouse: { schema: 'dw', name: 'dst' } },
  ]);
  expect(problemsOf(() => resolveConfig({ tables: ' , ' }))).toEqual([
    'no table given (use --table NAME or SYNC_TABLES)',
  ]);
  expect(problemsOf(() => resolveConfig({ tables: [] }))).toEqual(['no table given (use --table NAME or SYNC_TABLES)']);
  expect(problemsOf(() => resolveConfig({ tables: 'a,b,a' }))).toEqual(['table "a" is listed twice']);
  expect(problemsOf(() => resolveConfig({ tables: 'a:' }))).toEqual([
    'table "a:" is not NAME, SRC:DST or SRC:SCHEMA.DST',
  ]);
  expect(problemsOf(() => resolveConfig({ key: '1id' }))).toEqual(['--key "1id" is not a plain column name']);
  expect(problemsOf(() => resolveConfig({ key: 'id;' }))).toEqual(['--key "id;" is not a plain column name']);
  expect(resolveConfig({ key: '_Id$9' }).key).toBe('_Id$9');
});

test(
  'argv: the command only first, --flag=value for value flags only, repeated --table, ' +
    'every unknown argument named',
  () => {
    expect(
      optionsFromArgv(['verify', '--table', 'a', '--table=b', '--lock-wait=5', '--json', '--no-progress']).options,
    ).toEqual({
      command: 'verify',
      tables: ['a', 'b'],
      lockWaitSeconds: '5',
      json: true,
      progress: false,
    });
    expect(optionsFromArgv(['--progress', '--repair', '--dry-run']).options).toEqual({
      progress: true,
      repair: true,
      dryRun: true,
    });
    expect(optionsFromArgv([]).options).toEqual({});
    expect(optionsFromArgv(['-h']).help).toBe(true);
    expect(optionsFromArgv(['run']).help).toBe(false);
    expect(problemsOf(() => optionsFromArgv(['--json=true']))).toEqual(['unknown argument "--json=true" (see --help)']);
    expect(problemsOf(() => optionsFromArgv(['--json', 'status']))).toEqual(['unknown argument "status" (see --help)']);
    expect(problemsOf(() => optionsFromArgv(['run', 'verify', '-x']))).toEqual([
      'unknown argument "verify" (see --help)',
      'unknown argument "-x" (see --help)',
    ]);
    expect(problemsOf(() => optionsFromArgv(['--key']))).toEqual(['--key needs a value']);
    expect(optionsFromArgv(['--source=mysql://u@h/a=b']).options).toEqual({ source: 'mysql://u@h/a=b' });
  },
);

test('function input: null and undefined values and the platform keys passed over', () => {
  expect(optionsFromJson({ batchSize: null, dryRun: undefined, key: 'id' })).toEqual({ key: 'id' });
  expect(optionsFromJson({ __ow_method: 'post', key: 'id' }, ['__ow_method'])).toEqual({ key: 'id' });
  expect(problemsOf(() => optionsFromJson({ a: 1, b: 2 })).map((p) => p.slice(0, 19))).toEqual([
    'unknown option "a" ',
    'unknown option "b" ',
  ]);
});

test('--repair on a command other than verify is refused; the command defaults to run', () => {
  expect(problemsOf(() => resolveConfig({ command: 'status', repair: true }))).toEqual([
    '--repair only applies to the verify command',
  ]);
  expect(resolveConfig({}).command).toBe('run');
  expect(resolveConfig({ command: 'status' }).command).toBe('status');
});
