/**
 * The Lambda handler in-process with a fake context, against the real local MariaDB and
 * PostgreSQL: every way it is invoked, its deadline, its failures and its log lines.
 */
import fs from 'fs';
import path from 'path';
import {
  handler,
  optionsFromEvent,
  safetyMargin,
  SAFETY_MARGIN_MS,
  type LambdaContext,
} from '../../functions/aws-handler';
import {
  resetCourseData,
  ROOT,
  sourceKeys,
  SOURCE_URL,
  StdoutCapture,
  WAREHOUSE_URL,
  warehouseKeys,
  withEnv,
} from './support';

const plenty: LambdaContext = { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'req-1' };
const event = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, 'events', name), 'utf8'));
const env = {
  SYNC_SOURCE_URL: SOURCE_URL,
  SYNC_WAREHOUSE_URL: WAREHOUSE_URL,
  SYNC_SOURCE_SECRET_ID: undefined,
  SYNC_WAREHOUSE_SECRET_ID: undefined,
};

const stdout = new StdoutCapture();
beforeEach(() => stdout.start());
afterEach(() => {
  stdout.stop();
  jest.restoreAllMocks();
});

describe('invoked by the schedule, the console and aws lambda invoke', () => {
  beforeAll(resetCourseData);

  test(
    'the scheduler event (the options themselves) syncs the course rows and returns the ' + 'CLI --json report',
    async () => {
      const report = await withEnv(env, () => handler(event('scheduler.json'), plenty));
      expect(report).toEqual({
        ok: true,
        tables: [
          {
            table: 'sales_data',
            watermarkBefore: 12289,
            watermarkAfter: 13939,
            newRows: 1650,
            inserted: 1650,
            repaired: 0,
            batches: 1,
            durationMs: expect.any(Number),
            rowsPerSecond: expect.any(Number),
            more: false,
            dryRun: false,
            skipped: false,
            sourceOnlyColumns: [],
          },
        ],
      });
      expect(report).not.toHaveProperty('exitCode');
    },
  );

  test('a scheduled-rule event carries the options in detail; a second run finds nothing new', async () => {
    const report = await withEnv(env, () => handler(event('scheduled-rule.json'), plenty));
    expect(report.tables[0]).toMatchObject({ watermarkBefore: 13939, newRows: 0, inserted: 0, more: false });
  });

  test('the console test event is a dry run', async () => {
    const report = await withEnv(env, () => handler(event('console-test.json'), plenty));
    expect(report.tables[0]).toMatchObject({ dryRun: true, inserted: 0 });
  });

  test('an aws lambda invoke payload can ask for status', async () => {
    const report = await withEnv(env, () => handler({ command: 'status' }, plenty));
    expect(report).toEqual({
      ok: true,
      tables: [{ table: 'sales_data', watermark: 13939, sourceHighKey: 13939, pending: 0 }],
    });
  });

  test('an empty payload runs with the environment alone', async () => {
    const report = await withEnv({ ...env, SYNC_TABLES: 'sales_data' }, () => handler(null, plenty));
    expect(report.ok).toBe(true);
  });
});

describe('translating events', () => {
  test.each([
    [
      { tables: ['a'], batchSize: 5 },
      { tables: ['a'], batchSize: 5 },
    ],
    [{ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: { tables: ['a'] } }, { tables: ['a'] }],
    [{ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, {}],
    [{}, {}],
    [undefined, {}],
  ])('%j → %j', (input, options) => {
    expect(optionsFromEvent(input)).toEqual(options);
  });

  test.each([
    [
      { key1: 'value1', key2: 'value2', key3: 'value3' },
      'unknown option "key1" (known: command, source, warehouse, tables, key, batchSize, ' +
        'maxSeconds, dryRun, json, repair, lateWindow, lockWaitSeconds, timeoutSeconds, ' +
        'progress, createTable, addColumns); unknown option "key2"',
    ],
    [
      { 'detail-type': 'Scheduled Event', detail: {}, tables: ['a'] },
      'an EventBridge event carries its options in "detail"; move "tables" there',
    ],
    [[{ tables: ['a'] }], 'the event must be a JSON object of options, e.g. {"tables": ["sales_data"]}, got an array'],
    ['sales_data', 'the event must be a JSON object of options, e.g. {"tables": ["sales_data"]}, got string'],
  ])('%j is refused', async (input, message) => {
    const failure = withEnv(env, () => handler(input, plenty));
    await expect(failure).rejects.toMatchObject({ name: 'SyncRefused' });
    await expect(failure).rejects.toThrow(message);
  });
});

describe('failures throw, so Lambda records them; no password anywhere', () => {
  const password = 'Sup3r-Secret-Pw';

  test('an unreachable warehouse is a SyncRefused error with the password removed', async () => {
    const url = `postgres://root:${password}@127.0.0.1:1/${'nowhere'}`;
    const failure = withEnv({ ...env, SYNC_WAREHOUSE_URL: url }, () => handler({ tables: ['sales_data'] }, plenty));
    await expect(failure).rejects.toMatchObject({ name: 'SyncRefused' });
    const error = await failure.then(
      () => new Error('resolved'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/^warehouse .*127\.0\.0\.1:1/);
    expect(`${error.message}\n${error.stack}`).not.toContain(password);
    expect(stdout.text).not.toContain(password);
    const refused = stdout.json().find((l) => l.event === 'run-failed');
    expect(refused).toMatchObject({ level: 'error', requestId: 'req-1', error: error.message });
  });

  test('a bad option value names the option', async () => {
    await expect(withEnv(env, () => handler({ batchSize: 0 }, plenty))).rejects.toThrow(
      '--batch-size must be a number from 1 to 100000, got "0"',
    );
    expect(stdout.json()).toEqual([expect.objectContaining({ level: 'error', event: 'run-refused' })]);
  });
});

describe('the deadline', () => {
  beforeAll(resetCourseData);

  test("Lambda's remaining time minus a margin of 30 s, or a quarter of the time when that is less", () => {
    expect(SAFETY_MARGIN_MS).toBe(30_000);
    expect(safetyMargin(600_000)).toBe(30_000);
    expect(safetyMargin(20_000)).toBe(5_000);
    expect(safetyMargin(3_000)).toBe(750);
  });

  test(
    'a deadline shorter than the work stops between batches with more: true; the next ' +
      'invocation finishes; nothing lost or doubled',
    async () => {
      // Lambda's clock, asked once at the start (20 s left: a margin of 5 s) and then before each
      // batch, one second less each time: batches start while more than 5 s remain, 14 of them.
      let remaining = 21_000;
      const shrinking: LambdaContext = { getRemainingTimeInMillis: () => (remaining -= 1_000) };

      const first = await withEnv(env, () => handler({ tables: ['sales_data'], batchSize: 100 }, shrinking));
      expect(first.tables[0]).toMatchObject({
        watermarkBefore: 12289,
        newRows: 1650,
        inserted: 1400,
        batches: 14,
        more: true,
      });
      expect(remaining).toBe(5_000);
      const stoppedAt = (first.tables[0] as { watermarkAfter: number }).watermarkAfter;

      const second = await withEnv(env, () => handler({ tables: ['sales_data'], batchSize: 100 }, plenty));
      expect(second.tables[0]).toMatchObject({
        watermarkBefore: stoppedAt,
        newRows: 250,
        inserted: 250,
        batches: 3,
        more: false,
        watermarkAfter: 13939,
      });

      expect(await warehouseKeys()).toEqual(await sourceKeys());

      // Metrics: the first run left 250 rows pending, the second none.
      const emf = stdout.json().filter((l) => '_aws' in l);
      expect(emf.map((m) => [m.Table, m.RowsInserted, m.PendingRows])).toEqual([
        ['sales_data', 1400, 250],
        ['sales_data', 250, 0],
      ]);
    },
  );

  test('maxSeconds can end a run sooner than Lambda would', async () => {
    await resetCourseData();
    // 1 ms: gone before the first batch, since opening the two connections alone takes longer.
    const report = await withEnv(env, () => handler({ tables: ['sales_data'], maxSeconds: 0.001 }, plenty));
    expect(report.tables[0]).toMatchObject({ newRows: 1650, inserted: 0, batches: 0, more: true });
  });
});
