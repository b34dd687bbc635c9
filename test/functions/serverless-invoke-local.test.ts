/**
 * `osls invoke local` with the schedule's event JSON: the real serverless.yml, the built bundle,
 * a real sync between the local MariaDB and PostgreSQL. The function reads its connection URLs
 * from Secrets Manager as deployed; here the SDK is pointed (AWS_ENDPOINT_URL_SECRETS_MANAGER)
 * at a stand-in on 127.0.0.1 that answers GetSecretValue, so nothing reaches AWS.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { buildBundles, offlineEnv, OSLS, resetCourseData, ROOT, SOURCE_URL, WAREHOUSE_DB } from './support';

const run = promisify(execFile);
const SOURCE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-sync/source-AbCdEf';
const WAREHOUSE_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-sync/warehouse-GhIjKl';
const SECRETS: Record<string, string> = {
  [SOURCE_ARN]: JSON.stringify({ url: SOURCE_URL }),
  // PostgreSQL here trusts local connections: the password is only there to be kept out of the output.
  [WAREHOUSE_ARN]: JSON.stringify({
    engine: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    username: 'root',
    password: 'Rds-Pw-31',
    dbname: WAREHOUSE_DB,
  }),
};

interface SecretRequest {
  target: string | undefined;
  secretId: string;
  signed: boolean;
}
const requests: SecretRequest[] = [];

/** Answers the Secrets Manager JSON protocol's GetSecretValue for SECRETS. */
const secretsManager = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const secretId = String((JSON.parse(body || '{}') as { SecretId?: string }).SecretId);
    requests.push({
      target: req.headers['x-amz-target'] as string | undefined,
      secretId,
      signed: /AKIDLOCALTEST/.test(String(req.headers.authorization)),
    });
    const text = SECRETS[secretId];
    res.setHeader('Content-Type', 'application/x-amz-json-1.1');
    if (text === undefined) {
      res.statusCode = 400;
      res.setHeader('x-amzn-ErrorType', 'ResourceNotFoundException');
      res.end(
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        }),
      );
      return;
    }
    res.end(
      JSON.stringify({
        ARN: secretId,
        Name: secretId.split(':').pop(),
        SecretString: text,
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
      }),
    );
  });
});

let output: string;

beforeAll(async () => {
  buildBundles(['aws-handler']);
  await resetCourseData();
  await new Promise<void>((resolve) => secretsManager.listen(0, '127.0.0.1', resolve));
  const { port } = secretsManager.address() as AddressInfo;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'osls-invoke-'));
  const env = offlineEnv(home, {
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-only',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
  });
  const result = await run(
    process.execPath,
    [
      OSLS,
      'invoke',
      'local',
      '--function',
      'sync',
      '--path',
      'events/scheduler.json',
      '--stage',
      'test',
      '--region',
      'eu-west-1',
      `--param=sourceSecretArn=${SOURCE_ARN}`,
      `--param=warehouseSecretArn=${WAREHOUSE_ARN}`,
    ],
    { cwd: ROOT, env, timeout: 90_000 },
  );
  output = result.stdout;
});

afterAll(() => new Promise<void>((resolve) => secretsManager.close(() => resolve())));

test('performs the sync and returns the report', () => {
  // The report is printed last, indented; the function's own log lines come before it.
  const start = output.lastIndexOf('\n{\n');
  const report = JSON.parse(output.slice(start + 1));
  expect(report).toEqual({
    ok: true,
    tables: [
      expect.objectContaining({
        table: 'sales_data',
        watermarkBefore: 12289,
        newRows: 1650,
        inserted: 1650,
        more: false,
        dryRun: false,
      }),
    ],
  });
});

test('read each secret once through the AWS SDK, and printed neither', () => {
  // Both are read at once, so in either order.
  expect([...requests].sort((a, b) => a.secretId.localeCompare(b.secretId))).toEqual([
    { target: 'secretsmanager.GetSecretValue', secretId: SOURCE_ARN, signed: true },
    { target: 'secretsmanager.GetSecretValue', secretId: WAREHOUSE_ARN, signed: true },
  ]);
  expect(output).not.toContain('Rds-Pw-31');
});

test('logged one structured line and one EMF line for the table', () => {
  const lines = output.split('\n').filter((l) => l.startsWith('{"'));
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    expect.objectContaining({
      level: 'info',
      event: 'table-synced',
      table: 'sales_data',
      inserted: 1650,
      requestId: expect.any(String),
    }),
    expect.objectContaining({ Table: 'sales_data', RowsInserted: 1650, PendingRows: 0, _aws: expect.any(Object) }),
  ]);
});
