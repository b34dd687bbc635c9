import { optionsFromArgv, optionsFromJson, resolveConfig } from '../../lib/config';
import { ConfigError, oneLine } from '../../lib/errors';

test('defaults are the local course setup', () => {
  const config = resolveConfig({});
  expect(config).toMatchObject({
    command: 'run',
    key: 'rowid',
    batchSize: 100_000,
    maxSeconds: null,
    dryRun: false,
    json: false,
    lateWindow: 10_000,
    lockWaitSeconds: 0,
    tables: [
      {
        label: 'sales_data',
        source: { schema: null, name: 'sales_data' },
        warehouse: { schema: null, name: 'sales_data' },
      },
    ],
  });
  expect(config.source.redacted).toBe('mysql://root@127.0.0.1:3306/sales');
  expect(config.warehouse.kind).toBe('postgres');
});

test(
  'batches default to 100,000 rows on PostgreSQL, which streams them, and 10,000 where a ' + 'batch is held in memory',
  () => {
    expect(resolveConfig({ warehouse: 'postgres://u@h/db' }).batchSize).toBe(100_000);
    expect(resolveConfig({ warehouse: 'db2://u:p@h:50001/BLUDB' }).batchSize).toBe(10_000);
    expect(resolveConfig({ warehouse: 'mysql://u@h/db' }).batchSize).toBe(10_000);
    expect(resolveConfig({ warehouse: 'mysql://u@h/db', batchSize: '250' }).batchSize).toBe(250);
  },
);

test('flags beat environment variables, which beat defaults', () => {
  const env = {
    SYNC_SOURCE_URL: 'mysql://u:pw@db:3306/stage',
    SYNC_TABLES: 'a, b:dw.B',
    SYNC_BATCH_SIZE: '500',
    SYNC_WAREHOUSE_URL: 'db2://u:p@h:50001/BLUDB?security=SSL',
  };
  const { options } = optionsFromArgv([
    'status',
    '--batch-size=2000',
    '--table',
    'orders:"Sales"."Orders"',
    '--dry-run',
  ]);
  const config = resolveConfig(options, env);
  expect(config.command).toBe('status');
  expect(config.batchSize).toBe(2000);
  expect(config.dryRun).toBe(true);
  expect(config.source.redacted).toBe('mysql://u:***@db:3306/stage');
  expect(config.warehouse.kind).toBe('db2');
  expect(config.tables).toEqual([
    {
      label: 'orders:"Sales"."Orders"',
      source: { schema: null, name: 'orders' },
      warehouse: { schema: '"Sales"', name: '"Orders"' },
    },
  ]);
  expect(resolveConfig({}, env).tables.map((t) => t.warehouse)).toEqual([
    { schema: null, name: 'a' },
    { schema: 'dw', name: 'B' },
  ]);
});

test('a DB2 CLI connection string is accepted and its password hidden', () => {
  const config = resolveConfig({
    warehouse: 'DATABASE=BLUDB;HOSTNAME=db2.example;PORT=50001;PROTOCOL=TCPIP;UID=me;PWD=s3cret;SECURITY=SSL;',
  });
  expect(config.warehouse.kind).toBe('db2');
  expect(config.warehouse.redacted).toBe(
    'DATABASE=BLUDB;HOSTNAME=db2.example;PORT=50001;PROTOCOL=TCPIP;UID=me;PWD=***;SECURITY=SSL;',
  );
});

test('every problem is reported at once', () => {
  let error: unknown;
  try {
    resolveConfig({
      command: 'sync',
      batchSize: '-1',
      key: 'row id',
      tables: 'ok,,bad name',
      source: 'postgres://x@h/db',
      dryRun: 'maybe',
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    'unknown command "sync" (use run, status, verify or ddl)',
    '--source must be a MySQL/MariaDB URL (mysql://…), got postgres',
    '--key "row id" is not a plain column name',
    'table "bad name" is not NAME, SRC:DST or SRC:SCHEMA.DST',
    '--batch-size must be a number from 1 to 100000, got "-1"',
    '--dry-run must be true or false, got "maybe"',
  ]);
  expect((error as ConfigError).exitCode).toBe(2);
});

test('function input: known keys only, table or tables', () => {
  expect(optionsFromJson({ table: 'sales_data', batchSize: 100, dryRun: true })).toEqual({
    tables: 'sales_data',
    batchSize: 100,
    dryRun: true,
  });
  expect(() => optionsFromJson({ tabels: ['x'] })).toThrow('unknown option "tabels"');
  expect(resolveConfig(optionsFromJson({ tables: ['a', 'b'] })).tables.map((t) => t.label)).toEqual(['a', 'b']);
});

test('--help is recognised even next to bad flags', () => {
  expect(optionsFromArgv(['--bogus', '--help']).help).toBe(true);
  expect(() => optionsFromArgv(['--table'])).toThrow('--table needs a value');
  expect(() => optionsFromArgv(['--repair'])).not.toThrow();
  expect(() => resolveConfig(optionsFromArgv(['--repair']).options)).toThrow(
    '--repair only applies to the verify command',
  );
});

test(
  'a password in an argument is remembered before any problem is reported, so a message ' + 'that echoes it hides it',
  () => {
    // A URL given without its flag comes back in "unknown argument"; a password with a space defeats any shape rule.
    let message = '';
    try {
      optionsFromArgv([
        'run',
        '--source',
        'mysql://root:Wide Open9@db:3306/sales',
        'mysql://root:Wide Open9@db:3306/sales',
      ]);
    } catch (error) {
      message = oneLine(error);
    }
    expect(message).toBe('unknown argument "mysql://root:***@db:3306/sales" (see --help)');
  },
);

test('the URL problems of both roles are reported together, none quoting the URL', () => {
  expect(() =>
    resolveConfig({ source: 'mysql//root:S3cr3tPW@h/db', warehouse: 'postgres://root:ab%zzS3cr3t@h:5432/w' }),
  ).toThrow(
    new ConfigError([
      'source URL is not a URL: a ":" is missing after "mysql" (write mysql://…) (expected ' +
        'e.g. mysql://user@host:3306/db, with :password after the user; the value is not ' +
        'shown, as it may hold a password) (set --source or SYNC_SOURCE_URL)',
      'warehouse URL\'s password has a "%" that does not start a valid escape: write a ' +
        'literal % as %25 (and @ : / ? # as %40 %3A %2F %3F %23) (set --warehouse or ' +
        'SYNC_WAREHOUSE_URL)',
    ]),
  );
});
