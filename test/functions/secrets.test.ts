/**
 * Connection URLs from AWS Secrets Manager, with the SDK client mocked (aws-sdk-client-mock):
 * nothing here reaches AWS. The syncs themselves run for real against the local databases.
 */
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runCli } from '../../functions/cli';
import { handler, type LambdaContext } from '../../functions/aws-handler';
import { resolveConfig } from '../../lib/config';
import { passwordOf } from '../../lib/connection-url';
import { envWithSecrets, forgetCachedSecrets, urlFromSecretText } from '../../lib/secrets';
import { resetCourseData, SOURCE_URL, StdoutCapture, WAREHOUSE_DB, withEnv } from './support';

const secrets = mockClient(SecretsManagerClient);
const context: LambdaContext = { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'req-s' };
const SOURCE_ID = 'warehouse-sync/source';
const WAREHOUSE_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-sync/warehouse-AbCdEf';
/** Values that must never be printed. PostgreSQL here trusts local connections, so any password works. */
const WAREHOUSE_PASSWORD = 'pw-Wh$9:/@?#%';
const MALFORMED = 'password=hunter2-never-print';

const secretEnv = {
  SYNC_SOURCE_SECRET_ID: SOURCE_ID,
  SYNC_WAREHOUSE_SECRET_ID: WAREHOUSE_ID,
  SYNC_SOURCE_URL: undefined,
  SYNC_WAREHOUSE_URL: undefined,
  AWS_REGION: 'eu-west-1',
};
const rdsWarehouse = JSON.stringify({
  engine: 'postgres',
  host: '127.0.0.1',
  port: 5432,
  username: 'root',
  password: WAREHOUSE_PASSWORD,
  dbname: WAREHOUSE_DB,
  dbInstanceIdentifier: 'dw-prod',
});

function answer(values: Record<string, string>): void {
  for (const [id, text] of Object.entries(values)) {
    secrets.on(GetSecretValueCommand, { SecretId: id }).resolves({ SecretString: text });
  }
}

const stdout = new StdoutCapture();
beforeAll(resetCourseData);
beforeEach(() => {
  secrets.reset();
  forgetCachedSecrets();
  stdout.start();
});
afterEach(() => stdout.stop());

test('a {url} secret and an RDS-style secret become the connection URLs; read once per container', async () => {
  answer({ [SOURCE_ID]: JSON.stringify({ url: SOURCE_URL }), [WAREHOUSE_ID]: rdsWarehouse });

  const first = await withEnv(secretEnv, () => handler({ tables: ['sales_data'] }, context));
  expect(first.tables[0]).toMatchObject({ watermarkBefore: 12289, newRows: 1650, inserted: 1650 });
  const second = await withEnv(secretEnv, () => handler({ tables: ['sales_data'] }, context));
  expect(second.tables[0]).toMatchObject({ watermarkBefore: 13939, newRows: 0, inserted: 0 });

  expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SOURCE_ID });
  expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: WAREHOUSE_ID });
  expect(stdout.text).not.toContain(WAREHOUSE_PASSWORD);
  expect(stdout.text).not.toContain(encodeURIComponent(WAREHOUSE_PASSWORD));
});

test('RDS-style: user and password are percent-encoded and come back intact', () => {
  const url = urlFromSecretText(rdsWarehouse, 'secret "x"');
  expect(url).toBe(`postgres://root:${encodeURIComponent(WAREHOUSE_PASSWORD)}@127.0.0.1:5432/${WAREHOUSE_DB}`);
  const config = resolveConfig({ warehouse: url, source: SOURCE_URL });
  expect(passwordOf(config.warehouse)).toBe(WAREHOUSE_PASSWORD);
  expect(config.warehouse.redacted).not.toContain('Wh');
  expect(
    urlFromSecretText(
      JSON.stringify({ engine: 'mariadb', host: 'db.internal', username: 'etl user', password: 'p', dbname: 'sales' }),
      'x',
    ),
  ).toBe('mysql://etl%20user:p@db.internal:3306/sales');
  expect(
    urlFromSecretText(
      JSON.stringify({
        engine: 'db2',
        host: 'dw.example.com',
        port: '50001',
        username: 'u',
        password: 'p',
        dbname: 'BLUDB',
      }),
      'x',
    ),
  ).toBe('db2://u:p@dw.example.com:50001/BLUDB');
});

test('the CLI honours the same variables', async () => {
  answer({ [SOURCE_ID]: JSON.stringify({ url: SOURCE_URL }), [WAREHOUSE_ID]: rdsWarehouse });
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), stderrIsTty: false };
  const code = await runCli(
    ['status', '--json'],
    { ...secretEnv, SYNC_SOURCE_URL: undefined } as NodeJS.ProcessEnv,
    io,
  );
  expect(code).toBe(0);
  expect(JSON.parse(out.join(''))).toEqual({
    ok: true,
    tables: [{ table: 'sales_data', watermark: 13939, sourceHighKey: 13939, pending: 0 }],
  });
  expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
});

describe('refusals: exit-2-style errors with an exact message and no secret value', () => {
  async function refusal(values: Record<string, string | Error>): Promise<Error> {
    for (const [id, value] of Object.entries(values)) {
      const stub = secrets.on(GetSecretValueCommand, { SecretId: id });
      if (value instanceof Error) stub.rejects(value);
      else stub.resolves({ SecretString: value });
    }
    const error = await withEnv(secretEnv, () => handler({}, context)).then(
      () => new Error('resolved'),
      (e: Error) => e,
    );
    expect(error.name).toBe('SyncRefused');
    for (const hidden of [WAREHOUSE_PASSWORD, 'hunter2', 'topsecret']) {
      expect(`${error.message}\n${error.stack}\n${stdout.text}`).not.toContain(hidden);
    }
    expect(stdout.json()).toEqual([
      { level: 'error', time: expect.any(String), requestId: 'req-s', event: 'run-refused', error: error.message },
    ]);
    return error;
  }

  test('a missing secret (ResourceNotFoundException)', async () => {
    const notFound = new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    });
    const error = await refusal({ [SOURCE_ID]: JSON.stringify({ url: SOURCE_URL }), [WAREHOUSE_ID]: notFound });
    expect(error.message).toBe(
      `secret "${WAREHOUSE_ID}" (SYNC_WAREHOUSE_SECRET_ID) not found in AWS Secrets Manager ` +
        `(region eu-west-1); check the name or ARN and the region`,
    );
  });

  test('malformed JSON, without quoting it', async () => {
    const error = await refusal({ [SOURCE_ID]: MALFORMED, [WAREHOUSE_ID]: rdsWarehouse });
    expect(error.message).toBe(
      `secret "${SOURCE_ID}" (SYNC_SOURCE_SECRET_ID) is not valid JSON; store {"url": ` +
        `"mysql://…"} or the RDS form {"engine", "host", "port", "username", "password", "dbname"}`,
    );
  });

  test('missing fields, and both secrets wrong at once', async () => {
    const error = await refusal({
      [SOURCE_ID]: JSON.stringify({ engine: 'mysql', host: 'db', username: 'u', password: 'topsecret' }),
      [WAREHOUSE_ID]: JSON.stringify({ url: 42 }),
    });
    expect(error.message).toBe(
      `2 configuration problems: secret "${SOURCE_ID}" (SYNC_SOURCE_SECRET_ID) lacks dbname; ` +
        `store {"url": "mysql://…"} or the RDS form ` +
        `{"engine", "host", "port", "username", "password", "dbname"}; secret ` +
        `"${WAREHOUSE_ID}" (SYNC_WAREHOUSE_SECRET_ID) has a "url" that is not a non-empty string`,
    );
  });

  test('Secrets Manager out of reach (a VPC without a route to it)', async () => {
    const timeout = Object.assign(
      new Error(
        'the request socket did not establish a connection with the server within the ' +
          'configured timeout of 5000 ms.',
      ),
      { name: 'TimeoutError' },
    );
    const error = await refusal({ [SOURCE_ID]: timeout, [WAREHOUSE_ID]: timeout });
    expect(error.message).toBe(
      `2 configuration problems: could not reach AWS Secrets Manager to read secret ` +
        `"${SOURCE_ID}" (SYNC_SOURCE_SECRET_ID) (region eu-west-1): timed out; ` +
        'from a VPC it needs an interface endpoint (secretsmanager) or a NAT gateway; ' +
        `could not reach AWS Secrets Manager to read secret "${WAREHOUSE_ID}" ` +
        `(SYNC_WAREHOUSE_SECRET_ID) (region eu-west-1): timed out; ` +
        'from a VPC it needs an interface endpoint (secretsmanager) or a NAT gateway',
    );
  });

  test('a URL and a secret for the same database', async () => {
    await expect(envWithSecrets({ SYNC_SOURCE_SECRET_ID: SOURCE_ID, SYNC_SOURCE_URL: SOURCE_URL })).rejects.toThrow(
      'both SYNC_SOURCE_URL and SYNC_SOURCE_SECRET_ID are set; keep one',
    );
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  test('a failed read is not cached: the next invocation reads again', async () => {
    const notFound = new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    secrets
      .on(GetSecretValueCommand, { SecretId: SOURCE_ID })
      .rejectsOnce(notFound)
      .resolves({ SecretString: JSON.stringify({ url: SOURCE_URL }) });
    secrets.on(GetSecretValueCommand, { SecretId: WAREHOUSE_ID }).resolves({ SecretString: rdsWarehouse });
    await expect(withEnv(secretEnv, () => handler({}, context))).rejects.toThrow('not found in AWS Secrets Manager');
    const report = await withEnv(secretEnv, () => handler({ command: 'status' }, context));
    expect(report.ok).toBe(true);
  });
});

test('without *_SECRET_ID the environment passes through untouched and the SDK is never asked', async () => {
  const env = { SYNC_SOURCE_URL: SOURCE_URL, SYNC_SOURCE_SECRET_ID: '' };
  expect(await envWithSecrets(env)).toBe(env);
  expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
});
