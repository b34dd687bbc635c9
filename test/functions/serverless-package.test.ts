/**
 * `osls package` on the real serverless.yml, offline and without AWS credentials, and the
 * CloudFormation template it writes: the schedule and its input, timeout, memory, concurrency,
 * retries, and only the IAM the function needs. Packaged once, in beforeAll (it takes seconds).
 */
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { buildBundles, offlineEnv, OSLS, ROOT } from './support';
import { freshDatabases, type TestDatabases } from '../support/databases';
import { badWarehouses, spellingsOf } from '../support/password-corpus';

const run = promisify(execFile);
const SOURCE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-sync/source-AbCdEf';
const WAREHOUSE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-sync/warehouse-GhIjKl';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };
let resources: Record<string, Resource>;
let artifact: string;

beforeAll(async () => {
  buildBundles(['aws-handler']);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'osls-package-'));
  await run(
    process.execPath,
    [
      OSLS,
      'package',
      '--stage',
      'test',
      '--region',
      'eu-west-1',
      '--package',
      out,
      `--param=sourceSecretArn=${SOURCE_ARN}`,
      `--param=warehouseSecretArn=${WAREHOUSE_ARN}`,
    ],
    { cwd: ROOT, env: offlineEnv(out), timeout: 90_000 },
  );
  const template = JSON.parse(fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
  artifact = path.join(out, 'warehouse-sync.zip');
});

test(
  "the function: Node.js 22 on x86_64, the bundle's handler, 600 s, 1024 MB, one at a " +
    'time, no layer for PostgreSQL',
  () => {
    expect(resources.SyncLambdaFunction.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['x86_64'],
      Handler: 'dist/aws-handler.handler',
      Timeout: 600,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 1,
      FunctionName: 'warehouse-sync-test-sync',
    });
    // Exactly these: the secrets' ARNs, no URL, no password.
    expect(resources.SyncLambdaFunction.Properties.Environment).toEqual({
      Variables: { SYNC_SOURCE_SECRET_ID: SOURCE_ARN, SYNC_WAREHOUSE_SECRET_ID: WAREHOUSE_ARN },
    });
    expect(resources.SyncLambdaFunction.Properties.Layers ?? []).toEqual([]);
    expect(resources.SyncLambdaEvConf).toEqual({
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: expect.objectContaining({
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 900,
        Qualifier: '$LATEST',
      }),
    });
  },
);

test('one EventBridge Scheduler schedule, every 15 minutes, whose input is events/scheduler.json', () => {
  const schedules = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::Scheduler::Schedule' || r.Type === 'AWS::Events::Rule',
  );
  expect(schedules.map(([id]) => id)).toEqual(['SyncSchedulerSchedule1']);
  const schedule = resources.SyncSchedulerSchedule1.Properties as { Target: { Input: string } } & Record<
    string,
    unknown
  >;
  expect(schedule).toEqual({
    ScheduleExpression: 'rate(15 minutes)',
    State: 'ENABLED',
    Description: 'Sync sales_data every 15 minutes',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: { 'Fn::GetAtt': ['SyncLambdaFunction', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] },
      Input: expect.any(String),
    },
  });
  const input = JSON.parse(schedule.Target.Input);
  expect(input).toEqual({ tables: ['sales_data'] });
  expect(input).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'events', 'scheduler.json'), 'utf8')));
});

test('IAM: its logs, its two secrets, and invoking itself for the scheduler; nothing else', () => {
  const iam = Object.entries(resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::'));
  expect(iam.map(([id]) => id)).toEqual(['IamRoleLambdaExecution']);
  const role = resources.IamRoleLambdaExecution.Properties as {
    AssumeRolePolicyDocument: { Statement: Array<{ Principal: { Service: string[] } }> };
    Policies: Array<{ PolicyDocument: { Statement: unknown[] } }>;
    ManagedPolicyArns?: unknown;
  };
  expect(role.AssumeRolePolicyDocument.Statement.map((s) => s.Principal.Service)).toEqual([
    ['lambda.amazonaws.com', 'scheduler.amazonaws.com'],
  ]);
  expect(role.ManagedPolicyArns).toBeUndefined(); // no VPC access policy unless the vpc block is enabled
  expect(role.Policies).toHaveLength(1);
  const sub = (s: string) => ({ 'Fn::Sub': s });
  expect(role.Policies[0].PolicyDocument.Statement).toEqual([
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
      Resource: [
        sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/warehouse-sync-test*:*'),
      ],
    },
    {
      Effect: 'Allow',
      Action: ['logs:PutLogEvents'],
      Resource: [
        sub(
          'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/warehouse-sync-test*:*:*',
        ),
      ],
    },
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [SOURCE_ARN, WAREHOUSE_ARN] },
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [
        sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:warehouse-sync-test-sync'),
        sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:warehouse-sync-test-sync:*'),
      ],
    },
  ]);
});

test('logs are kept 30 days', () => {
  expect(resources.SyncLogGroup.Properties).toMatchObject({
    LogGroupName: '/aws/lambda/warehouse-sync-test-sync',
    RetentionInDays: 30,
  });
});

test('the artifact holds the esbuild bundle and its source map, nothing else', () => {
  expect(zipEntries(fs.readFileSync(artifact)).sort()).toEqual(['dist/aws-handler.js', 'dist/aws-handler.js.map']);
});

/** File names from a zip's central directory. */
function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The handler inside the zip, unpacked as Lambda unpacks it into its task root and called the way
 * the Lambda Node.js runtime calls it (harness/lambda-runtime.js: the runtime's own listeners turn
 * an unhandled rejection into Runtime.ExitError). Each input the hostile run found is a SyncRefused
 * with one line, no password, nothing written.
 */
describe('the packaged handler under a Lambda-like runtime', () => {
  const DB = 'test_fn_lambda_bad_input';
  let db: TestDatabases;
  let taskRoot: string;
  beforeAll(async () => {
    taskRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-task-'));
    await run('unzip', ['-q', artifact, '-d', taskRoot]);
    db = await freshDatabases(DB);
    await db.pg.query(
      'CREATE TABLE sales_data (rowid INTEGER, product_id INTEGER, customer_id INTEGER, ' + 'quantity INTEGER)',
    );
    await db.mysql.query(
      'CREATE TABLE sales_data (rowid INT NOT NULL PRIMARY KEY, product_id INT, customer_id ' + 'INT, quantity INT)',
    );
    await db.mysql.query('INSERT INTO sales_data VALUES (1, 1, 1, 1), (2, 2, 2, 2)');
  });
  afterAll(() => db.close());

  const invoke = async (event: object, vars: Record<string, string> = {}) => {
    const { stdout } = await run(
      process.execPath,
      [
        path.join(__dirname, 'harness', 'lambda-runtime.js'),
        taskRoot,
        'dist/aws-handler.handler',
        JSON.stringify(event),
      ],
      {
        env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...vars },
        timeout: 60_000,
      },
    ).catch((error: { stdout: string }) => error);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    return { stdout, result: JSON.parse(line!.slice('RESULT '.length)) as Record<string, unknown> };
  };

  test.each(badWarehouses(DB).map((c) => [c.label, c] as const))(
    '%s: SyncRefused, one line, no password, nothing written',
    async (_label, c) => {
      const { stdout, result } = await invoke({
        source: db.sourceUrl,
        warehouse: c.url,
        tables: [c.table ?? 'sales_data'],
      });
      expect(result.errorType).toBe('SyncRefused');
      expect(result.errorMessage).toMatch(c.message);
      expect(String(result.errorMessage)).not.toContain('\n');
      for (const spelling of spellingsOf(c.password)) expect(stdout).not.toContain(spelling);
      expect(Number((await db.pg.query('SELECT count(*) AS n FROM sales_data')).rows[0].n)).toBe(0);
    },
  );

  test(
    'the last resort: a rejection nobody handles mid-invocation is a SyncFailed with one ' +
      'redacted line, not Runtime.ExitError',
    async () => {
      // The source does not answer (a black-holed address), so the invocation is still waiting when
      // the stray rejection comes.
      const { stdout, result } = await invoke(
        {
          source: 'mysql://root@10.255.255.1:3306/x',
          warehouse: db.warehouseUrl,
          tables: ['sales_data'],
          timeoutSeconds: 5,
        },
        { STRAY_REJECTION_MS: '300' },
      );
      expect(result).toEqual({
        errorType: 'SyncFailed',
        errorMessage: 'unexpected error: stray failure for mysql://root:***@10.0.0.5/x',
      });
      expect(stdout).not.toContain('Str4yPw9');
    },
  );

  test('the bundle is strict code, and its errors keep their names after minifying (errorType was "Ri")', async () => {
    const bundle = path.join(taskRoot, 'dist', 'aws-handler.js');
    expect(fs.readFileSync(bundle, 'utf8').startsWith('"use strict";')).toBe(true);
    const script = `require(${JSON.stringify(bundle)}).handler({ batchsize: 1 }, { getRemainingTimeInMillis: () => 60000 })
      .catch((e) => console.log(JSON.stringify([e.name, e.constructor.name])));`;
    const { stdout } = await run(process.execPath, ['-e', script], { env: { PATH: process.env.PATH } });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual(['SyncRefused', 'SyncRefused']);
  });

  test('a good invocation still returns the report', async () => {
    const { result } = await invoke({
      source: db.sourceUrl,
      warehouse: db.warehouseUrl,
      tables: ['sales_data'],
      dryRun: true,
    });
    expect(result).toMatchObject({ result: { ok: true, tables: [{ table: 'sales_data', newRows: 2, dryRun: true }] } });
  });
});
