/**
 * The built OpenWhisk / Code Engine bundle (dist/openwhisk-main.js), loaded in a fresh Node.js
 * process the way the OpenWhisk Node.js runtime loads an action (harness/openwhisk-runner.js),
 * invoked with alarm-trigger-shaped parameters against the real local databases.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { activationDeadline, ALARM_FEED_KEYS } from '../../functions/openwhisk-main';
import { buildBundles, resetCourseData, ROOT, SOURCE_URL, WAREHOUSE_URL } from './support';

const run = promisify(execFile);
const BUNDLE = path.join(ROOT, 'dist', 'openwhisk-main.js');
const HARNESS = path.join(__dirname, 'harness', 'openwhisk-runner.js');

/** The action's default parameters, bound at `wsk action create … --param source … --param warehouse …`. */
const defaults = { source: SOURCE_URL, warehouse: WAREHOUSE_URL };
/** What the alarm trigger fires with: its trigger_payload. */
const alarmPayload = { tables: ['sales_data'], batchSize: 500 };

interface Activation {
  result: Record<string, unknown>;
  logs: string[];
}

async function activate(
  mode: 'plain' | 'zip',
  params: Record<string, unknown>,
  vars: Record<string, string> = {},
): Promise<Activation> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
  const { stdout } = await run(process.execPath, [HARNESS, mode, BUNDLE, JSON.stringify(params)], {
    env,
    timeout: 60_000,
  });
  const lines = stdout.split('\n').filter((l) => l !== '');
  const resultLine = lines.find((l) => l.startsWith('RESULT '));
  if (!resultLine) throw new Error(`no result from the action; output:\n${stdout}`);
  return { result: JSON.parse(resultLine.slice('RESULT '.length)), logs: lines.filter((l) => l !== resultLine) };
}

beforeAll(async () => {
  buildBundles(['openwhisk-main']);
  await resetCourseData();
});

test('loaded as a single-file action, an alarm firing syncs the course rows and returns the report', async () => {
  const { result, logs } = await activate('plain', { ...defaults, ...alarmPayload });
  expect(result).toEqual({
    ok: true,
    tables: [
      expect.objectContaining({
        table: 'sales_data',
        watermarkBefore: 12289,
        newRows: 1650,
        inserted: 1650,
        batches: 4,
        more: false,
      }),
    ],
  });
  const line = JSON.parse(logs.find((l) => l.includes('"table-synced"'))!);
  expect(line).toMatchObject({ level: 'info', activationId: 'a1b2c3d4e5f6', table: 'sales_data', inserted: 1650 });
  expect(logs.some((l) => l.includes('"_aws"'))).toBe(false); // no CloudWatch metrics off AWS
});

test(
  "loaded as a zipped action, with the platform's and the alarm feed's keys in its " + 'params, finds nothing new',
  async () => {
    const params = {
      ...defaults,
      ...alarmPayload,
      cron: '*/15 * * * *',
      trigger_payload: JSON.stringify(alarmPayload),
      startDate: '2025-01-01T00:00:00.000Z',
      __ow_method: 'post',
      __ow_headers: { 'content-type': 'application/json' },
      __ow_path: '',
    };
    const { result } = await activate('zip', params);
    expect(result).toMatchObject({
      ok: true,
      tables: [{ table: 'sales_data', watermarkBefore: 13939, newRows: 0, inserted: 0 }],
    });
  },
);

test('a bad parameter returns {error} naming it', async () => {
  const { result } = await activate('plain', { ...defaults, tables: ['sales_data'], batchsize: 500 });
  expect(result).toEqual({
    error:
      'unknown option "batchsize" (known: command, source, warehouse, tables, key, ' +
      'batchSize, maxSeconds, dryRun, json, repair, lateWindow, lockWaitSeconds, ' +
      'timeoutSeconds, progress, createTable, addColumns)',
  });
});

test('a database that refuses returns {error} without its password', async () => {
  const { result, logs } = await activate('plain', { ...defaults, source: 'mysql://root:Hidden-Pw-77@127.0.0.1:1/x' });
  expect(Object.keys(result)).toEqual(['error']);
  expect(result.error).toMatch(/^source .*127\.0\.0\.1:1/);
  expect(JSON.stringify(result) + logs.join('\n')).not.toContain('Hidden-Pw-77');
});

describe('as a Code Engine function (URLs from its environment, options from the request)', () => {
  const request = {
    __ce_method: 'POST',
    __ce_path: '/',
    __ce_query: '',
    __ce_headers: { 'Content-Type': 'application/json' },
    __ce_body: Buffer.from(JSON.stringify({ command: 'status' })).toString('base64'),
  };
  const urls = { SYNC_SOURCE_URL: SOURCE_URL, SYNC_WAREHOUSE_URL: WAREHOUSE_URL };
  const json = { 'Content-Type': 'application/json' };

  test('it answers with an HTTP response whose body is the report', async () => {
    const { result } = await activate('zip', { ...request, command: 'status' }, urls);
    expect(result).toEqual({
      statusCode: 200,
      headers: json,
      body: { ok: true, tables: [{ table: 'sales_data', watermark: 13939, sourceHighKey: 13939, pending: 0 }] },
    });
  });

  test('a refusal is a 400 with the error', async () => {
    const { result } = await activate('zip', { ...request, tables: 'no such table!' }, urls);
    expect(result).toEqual({
      statusCode: 400,
      headers: json,
      body: { error: 'table "no such table!" is not NAME, SRC:DST or SRC:SCHEMA.DST' },
    });
  });

  test('a request cannot point the function at other databases', async () => {
    const { result } = await activate('zip', { ...request, source: 'mysql://root@10.0.0.5:3306/x' }, urls);
    expect(result).toEqual({
      statusCode: 400,
      headers: json,
      body: {
        error:
          '"source" and "warehouse" cannot be set by a request; give the function ' +
          'SYNC_SOURCE_URL and SYNC_WAREHOUSE_URL (--env-from-secret)',
      },
    });
  });
});

test("its deadline is the activation's minus the margin", () => {
  expect(activationDeadline(1_000, String(1_000 + 300_000), null)).toBe(1_000 + 270_000);
  expect(activationDeadline(1_000, String(1_000 + 60_000), 10)).toBe(1_000 + 10_000);
  expect(activationDeadline(1_000, undefined, null)).toBeNull();
  expect(ALARM_FEED_KEYS).toEqual(expect.arrayContaining(['cron', 'trigger_payload', 'startDate', 'stopDate']));
});
