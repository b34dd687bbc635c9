/** The structured log line and the CloudWatch Embedded Metric Format line written per table per run. */
import { emfLine, METRIC_NAMESPACE, RunLog } from '../../lib/log';
import type { TableReport } from '../../lib/sync-cycle';

const table: TableReport = {
  table: 'sales_data',
  watermarkBefore: 12289,
  watermarkAfter: 13789,
  newRows: 1650,
  inserted: 1500,
  repaired: 3,
  batches: 15,
  durationMs: 842,
  rowsPerSecond: 1785,
  more: true,
  dryRun: false,
  skipped: false,
  sourceOnlyColumns: [],
};
const NOW = Date.UTC(2025, 0, 1, 0, 15);

function collect(options: { metrics?: boolean } = {}): { log: RunLog; lines: string[] } {
  const lines: string[] = [];
  return {
    log: new RunLog({ ...options, write: (l) => lines.push(l), fields: { requestId: 'r-1' }, now: () => NOW }),
    lines,
  };
}

test('an EMF line parses and carries RowsInserted, PendingRows and Duration for the Table dimension', () => {
  const emf = JSON.parse(emfLine(table, NOW));
  expect(emf).toEqual({
    _aws: {
      Timestamp: NOW,
      CloudWatchMetrics: [
        {
          Namespace: 'WarehouseSync',
          Dimensions: [['Table']],
          Metrics: [
            { Name: 'RowsInserted', Unit: 'Count' },
            { Name: 'PendingRows', Unit: 'Count' },
            { Name: 'Duration', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    Table: 'sales_data',
    RowsInserted: 1503,
    PendingRows: 150,
    Duration: 842,
  });
  expect(METRIC_NAMESPACE).toBe('WarehouseSync');
  // Every metric and dimension the directive names is a top-level member, as EMF requires.
  const directive = emf._aws.CloudWatchMetrics[0];
  for (const name of [...directive.Metrics.map((m: { Name: string }) => m.Name), ...directive.Dimensions.flat()]) {
    expect(emf).toHaveProperty([name]);
  }
});

test('a run writes one structured line and one EMF line per table, each a single JSON line', () => {
  const { log, lines } = collect({ metrics: true });
  log.hooks.log!({ event: 'table-skipped', table: 'other', reason: 'another run holds the writer lock' });
  log.hooks.log!({ event: 'table-synced', ...table });
  log.end({ ok: true, tables: [table] });
  expect(lines).toHaveLength(2);
  expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  expect(JSON.parse(lines[0])).toEqual({
    level: 'info',
    time: '2025-01-01T00:15:00.000Z',
    requestId: 'r-1',
    event: 'table-synced',
    ...table,
  });
  expect(JSON.parse(lines[1])).toMatchObject({
    requestId: 'r-1',
    Table: 'sales_data',
    RowsInserted: 1503,
    PendingRows: 150,
  });
});

test(
  'a table whose cycle failed still gets its line and metrics (its committed batches ' +
    'count); the run error gets one',
  () => {
    const { log, lines } = collect({ metrics: true });
    const failed = { ...table, more: false, error: 'loading sales_data failed: connection reset' };
    log.hooks.log!({ event: 'run-failed', error: failed.error });
    log.end({ ok: false, tables: [failed], error: failed.error });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'error', time: expect.any(String), requestId: 'r-1', event: 'run-failed', error: failed.error },
      { level: 'error', time: expect.any(String), requestId: 'r-1', event: 'table-failed', ...failed },
      expect.objectContaining({ Table: 'sales_data', RowsInserted: 1503 }),
    ]);
  },
);

test('no metrics for dry runs, skipped tables, or where metrics are off (OpenWhisk, Code Engine)', () => {
  const { log, lines } = collect({ metrics: true });
  log.hooks.log!({ event: 'table-synced', ...table, table: 'a', dryRun: true });
  log.hooks.log!({ event: 'table-synced', ...table, table: 'b', skipped: true });
  expect(lines).toHaveLength(2);
  const off = collect();
  off.log.hooks.log!({ event: 'table-synced', ...table });
  expect(off.lines).toHaveLength(1);
});

test('passwords are removed from anything logged', () => {
  const { log, lines } = collect();
  log.failure(
    new Error('cannot reach mysql://etl:Pa55word@db.internal:3306/sales and ' + 'DATABASE=BLUDB;UID=u;PWD=db2secret;'),
  );
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/Pa55word|db2secret/);
  expect(JSON.parse(lines[0]).error).toBe(
    'cannot reach mysql://etl:***@db.internal:3306/sales and DATABASE=BLUDB;UID=u;PWD=***;',
  );
});

test('other commands log one line per table', () => {
  const { log, lines } = collect({ metrics: true });
  const status = { ok: true, tables: [{ table: 'sales_data', watermark: 1, sourceHighKey: 2, pending: 1 }] };
  log.end(status, 'status');
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    {
      level: 'info',
      time: expect.any(String),
      requestId: 'r-1',
      event: 'table-status',
      table: 'sales_data',
      watermark: 1,
      sourceHighKey: 2,
      pending: 1,
    },
  ]);
});
