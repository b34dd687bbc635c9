/**
 * The sync cycle's decisions, without databases: lib/sync-cycle.ts and lib/cycle/* run against the
 * in-memory Source and Warehouse of test/support/memory-databases.ts, which a test scripts with the
 * faults, open transactions and locks a real database would give. What is asserted is what the
 * live tests (test/guarantees, test/sync) assert end to end: the exact keys in the warehouse, the
 * report, and what the run asked the databases.
 */
import type { SyncConfig } from '../../lib/config';
import { planTables } from '../../lib/cycle/plan';
import { clock } from '../../lib/cycle/retry';
import type { Column } from '../../lib/columns';
import { RunError, SchemaError, ValueError } from '../../lib/errors';
import { syncTables, type RunEvent, type RunOptions, type TableReport } from '../../lib/sync-cycle';
import {
  ID,
  keys,
  MemorySource,
  MemoryWarehouse,
  NOTE,
  rows,
  syncConfig,
  transient,
} from '../support/memory-databases';

/** The backoff waits a run asked for, in ms (the clock is replaced: nobody waits). */
let waits: number[];
const realSleep = clock.sleep;
beforeEach(() => {
  waits = [];
  clock.sleep = async (ms) => void waits.push(ms);
});
afterAll(() => {
  clock.sleep = realSleep;
});

interface Outcome {
  report: TableReport;
  events: RunEvent[];
  error?: unknown;
}

/** One run of table `sales`; a failed run's error is returned beside its report. */
async function run(
  source: MemorySource,
  warehouse: MemoryWarehouse,
  config: Partial<SyncConfig> = {},
  options: RunOptions = {},
): Promise<Outcome> {
  const tables: TableReport[] = [];
  const events: RunEvent[] = [];
  const hooks = { log: (event: RunEvent) => void events.push(event) };
  try {
    await syncTables(syncConfig(config), source, warehouse, { hooks, ...options }, tables);
    return { report: tables[0], events };
  } catch (error) {
    return { report: tables[0], events, error };
  }
}

describe.each([
  ['rows', false],
  ['the streaming path', true],
])('retries, through %s', (_path, streaming) => {
  test('a transient fault after the batch committed: its rows are not sent again, and the run goes on', async () => {
    const warehouse = new MemoryWarehouse([], streaming);
    warehouse.faults.push(null, { committed: true, error: transient() });
    const { report, error } = await run(new MemorySource(rows(...keys(1, 25))), warehouse);
    expect(error).toBeUndefined();
    expect(warehouse.keys()).toEqual(keys(1, 25));
    expect(report).toMatchObject({ inserted: 25, newRows: 25, batches: 3, watermarkAfter: 25, more: false });
    expect(warehouse.reconnects).toBe(1);
    expect(waits).toEqual([200]);
  });

  test('a transient fault before the batch committed: the batch is sent again', async () => {
    const warehouse = new MemoryWarehouse([], streaming);
    warehouse.faults.push(null, { committed: false, error: transient() });
    const { report, error } = await run(new MemorySource(rows(...keys(1, 25))), warehouse);
    expect(error).toBeUndefined();
    expect(warehouse.keys()).toEqual(keys(1, 25));
    expect(warehouse.calls.filter((c) => c.startsWith('write'))).toEqual(['write 10', 'write 10', 'write 5']);
    expect(report).toMatchObject({ inserted: 25, batches: 3 });
  });

  test('a fault that is not transient ends the run at once with one line naming the table', async () => {
    const warehouse = new MemoryWarehouse([], streaming);
    warehouse.faults.push(null, {
      committed: false,
      error: new Error('value too long for type character varying(20)'),
    });
    const { report, error } = await run(new MemorySource(rows(...keys(1, 25))), warehouse);
    expect(error).toBeInstanceOf(RunError);
    expect((error as Error).message).toBe(
      'loading sales into public.sales failed: value too long for type character varying(20)',
    );
    expect(warehouse.keys()).toEqual(keys(1, 10));
    expect(warehouse.reconnects).toBe(0);
    expect(report).toMatchObject({ inserted: 10, watermarkAfter: 10 });
  });

  test('a failed run whose source cannot count any more still reports at least the new rows it inserted', async () => {
    const warehouse = new MemoryWarehouse([], streaming);
    warehouse.faults.push(null, { committed: false, error: new Error('disk full') });
    const source = new MemorySource(rows(...keys(1, 25)));
    source.countKeys = () => Promise.reject(new Error('source gone'));
    const { report, error } = await run(source, warehouse);
    expect(error).toBeInstanceOf(RunError);
    expect(report).toMatchObject({ inserted: 10, newRows: 10, watermarkAfter: 10 });
  });

  test('five transient faults in a row: the run gives up after backing off 200, 400, 800 and 1600 ms', async () => {
    const warehouse = new MemoryWarehouse([], streaming);
    for (let i = 0; i < 5; i++) warehouse.faults.push({ committed: false, error: transient() });
    const { error } = await run(new MemorySource(rows(...keys(1, 5))), warehouse);
    expect((error as Error).message).toBe(
      'loading sales into public.sales failed after 5 attempts: Connection terminated unexpectedly',
    );
    expect(waits).toEqual([200, 400, 800, 1600]);
    expect(warehouse.reconnects).toBe(4);
    expect(warehouse.keys()).toEqual([]);
  });
});

describe('reconnecting', () => {
  test('a reconnect that fails is tried again after the next backoff', async () => {
    const warehouse = new MemoryWarehouse();
    warehouse.faults.push({ committed: false, error: transient() });
    warehouse.reconnectFaults.push(transient('connect ECONNREFUSED'));
    const { report, error } = await run(new MemorySource(rows(...keys(1, 5))), warehouse);
    expect(error).toBeUndefined();
    expect(waits).toEqual([200, 400]);
    expect(warehouse.reconnects).toBe(2);
    expect(report.inserted).toBe(5);
  });

  test('reconnects that keep failing end the run as a failure (exit 1), naming the attempts', async () => {
    const warehouse = new MemoryWarehouse();
    warehouse.faults.push({ committed: false, error: transient() });
    for (let i = 0; i < 5; i++) warehouse.reconnectFaults.push(transient('connect ECONNREFUSED'));
    const { error } = await run(new MemorySource(rows(...keys(1, 5))), warehouse);
    expect(error).toBeInstanceOf(RunError);
    expect((error as Error).message).toBe(
      'lost the warehouse connection during a batch and could not reconnect after 5 attempts: connect ECONNREFUSED',
    );
    expect(waits).toEqual([200, 400, 800, 1600, 3200]);
  });

  test('a reconnect that finds the writer lock taken ends the run with its own message', async () => {
    const warehouse = new MemoryWarehouse();
    warehouse.faults.push({ committed: false, error: transient() });
    warehouse.reconnectFaults.push(
      new RunError(
        'another run took the writer lock while this run was reconnecting; stopped so that rows are not written twice',
      ),
    );
    const { error } = await run(new MemorySource(rows(...keys(1, 5))), warehouse);
    expect((error as Error).message).toBe(
      'another run took the writer lock while this run was reconnecting; stopped so that rows are not written twice',
    );
    expect(warehouse.reconnects).toBe(1);
  });
});

describe('stream recovery', () => {
  test('after a reconnect the warehouse ends at a key this run did not write: it stops and says so', async () => {
    const warehouse = new MemoryWarehouse([], true);
    warehouse.faults.push(null, { committed: false, error: transient() });
    warehouse.afterReconnect = () => warehouse.table.set(15n, ['15', 'another writer']);
    const { error } = await run(new MemorySource(rows(...keys(1, 25))), warehouse);
    expect(error).toBeInstanceOf(RunError);
    expect((error as Error).message).toBe(
      'after reconnecting, public.sales ends at key 15 where this run expected 10 or 20; stopped (run verify)',
    );
  });

  test('a batch that failed before it landed is read again from the last committed key; the page read ahead is dropped', async () => {
    const source = new MemorySource(rows(...keys(1, 25)));
    const warehouse = new MemoryWarehouse([], true);
    warehouse.faults.push(null, { committed: false, error: transient() });
    await run(source, warehouse);
    expect(source.calls.filter((c) => /^(copyPage|discard)/.test(c))).toEqual([
      'copyPage (-inf, 25]',
      'copyPage (10, 25]',
      'copyPage (20, 25]',
      'discard (20, 25]',
      'copyPage (10, 25]',
      'copyPage (20, 25]',
    ]);
  });
});

describe.each([
  ['rows', false],
  ['the streaming path', true],
])('time budget, through %s', (_path, streaming) => {
  test('asked before each batch: out of time after two, the run stops with more and counts every new row', async () => {
    const warehouse = new MemoryWarehouse(rows(...keys(1, 5)), streaming);
    const outOfTime = () => warehouse.calls.filter((c) => c.startsWith('write')).length >= 2;
    const { report } = await run(new MemorySource(rows(...keys(1, 40))), warehouse, {}, { outOfTime });
    expect(warehouse.keys()).toEqual(keys(1, 25));
    expect(report).toMatchObject({
      watermarkBefore: 5,
      watermarkAfter: 25,
      inserted: 20,
      newRows: 35,
      more: true,
      batches: 2,
    });
  });

  test('a deadline already passed: no batch starts, not even of late rows, and the lock is not waited for', async () => {
    const warehouse = new MemoryWarehouse(rows(...keys(1, 10).filter((k) => k !== 7)), streaming);
    const { report } = await run(
      new MemorySource(rows(...keys(1, 30))),
      warehouse,
      { lateWindow: 5, lockWaitSeconds: 30 },
      { deadline: Date.now() - 1 },
    );
    expect(warehouse.lockWaits).toEqual([0]);
    expect(warehouse.keys()).toEqual(keys(1, 10).filter((k) => k !== 7));
    expect(report).toMatchObject({ inserted: 0, repaired: 0, newRows: 20, more: true });
  });

  test('a complete run reports what it inserted as its new rows, without counting them', async () => {
    const source = new MemorySource(rows(...keys(1, 35)));
    const { report } = await run(
      source,
      new MemoryWarehouse(rows(...keys(1, 5)), streaming),
      {},
      { deadline: Date.now() + 60_000 },
    );
    expect(report).toMatchObject({ inserted: 30, newRows: 30, more: false, batches: 3 });
    expect(source.calls.filter((c) => c.startsWith('countKeys'))).toEqual([]);
  });
});

describe('late window', () => {
  test('rows missing just below the watermark are loaded as late rows; a key below the window is not', async () => {
    const warehouse = new MemoryWarehouse(rows(...keys(1, 20).filter((k) => ![4, 12, 17].includes(k))));
    const { report } = await run(new MemorySource(rows(...keys(1, 30))), warehouse, { lateWindow: 10 });
    expect(warehouse.keys()).toEqual(keys(1, 30).filter((k) => k !== 4));
    expect(report).toMatchObject({ repaired: 2, inserted: 10, newRows: 10, batches: 2 });
  });

  test('a row deleted in staging does not hide a late row: keys are compared, not counts', async () => {
    const source = new MemorySource(rows(...keys(1, 20).filter((k) => k !== 13)));
    const warehouse = new MemoryWarehouse(rows(...keys(1, 20).filter((k) => k !== 16)));
    const { report } = await run(source, warehouse, { lateWindow: 10 });
    expect(report.repaired).toBe(1);
    expect(warehouse.keys()).toEqual(keys(1, 20));
  });

  test('a window where both sides hold every key is passed without listing keys', async () => {
    const source = new MemorySource(rows(...keys(1, 20)));
    const warehouse = new MemoryWarehouse(rows(...keys(1, 20)));
    const { report } = await run(source, warehouse, { lateWindow: 10 });
    expect(report.repaired).toBe(0);
    expect([...source.calls, ...warehouse.calls].filter((c) => c.startsWith('listKeys'))).toEqual([]);
    expect(source.calls).toContain('countKeys (10, 20]');
  });

  test('late rows load in batches of at most --batch-size rows, fetched by key', async () => {
    const source = new MemorySource(rows(...keys(1, 20)));
    const warehouse = new MemoryWarehouse(rows(...keys(1, 20).filter((k) => k < 14 || k > 18)));
    const { report } = await run(source, warehouse, { lateWindow: 10, batchSize: 2 });
    expect(source.calls.filter((c) => c.startsWith('rowsByKeys'))).toEqual([
      'rowsByKeys 14,15',
      'rowsByKeys 16,17',
      'rowsByKeys 18',
    ]);
    expect(report).toMatchObject({ repaired: 5, batches: 3 });
  });

  test('a dry run counts the late rows and the new rows, takes no lock and writes nothing', async () => {
    const warehouse = new MemoryWarehouse(rows(...keys(1, 20).filter((k) => k !== 12 && k !== 17)));
    const { report } = await run(new MemorySource(rows(...keys(1, 30))), warehouse, { lateWindow: 10, dryRun: true });
    expect(report).toMatchObject({ repaired: 2, newRows: 10, inserted: 0, dryRun: true });
    expect(warehouse.lockWaits).toEqual([]);
    expect(warehouse.keys()).toHaveLength(18);
  });
});

describe.each([
  ['as rows', false],
  ['through the streaming path', true],
])('uncommitted source rows, %s', (_path, streaming) => {
  test('an open transaction holds the run below it: more, heldBack, and the new rows counted up to the high key', async () => {
    const source = new MemorySource(rows(...keys(1, 30)));
    source.openAbove = 20n;
    const warehouse = new MemoryWarehouse(rows(...keys(1, 10)), streaming);
    const { report, events } = await run(source, warehouse, { batchSize: 4 });
    expect(source.waitingReads).toBeGreaterThan(0);
    expect(source.calls.filter((c) => c.startsWith('settleRange'))).toEqual([]);
    expect(warehouse.keys()).toEqual(keys(1, 20));
    expect(report).toMatchObject({ inserted: 10, newRows: 20, more: true, watermarkAfter: 20 });
    expect(report.heldBack).toMatch(
      /^a source transaction keeps rows above key 20 uncommitted or locked; the run stopped below them \(waited \d+ s\)/,
    );
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'uncommitted-source-rows', settledTo: 20, highKey: 30 }),
    );
  });

  test('an empty warehouse whose first rows are not committed yet: nothing loaded, every row counted', async () => {
    const source = new MemorySource(rows(...keys(1, 5)));
    source.openAbove = null;
    const warehouse = new MemoryWarehouse([], streaming);
    const { report } = await run(source, warehouse);
    expect(warehouse.keys()).toEqual([]);
    expect(report).toMatchObject({ inserted: 0, newRows: 5, more: true });
    expect(report.heldBack).toMatch(
      /^a source transaction keeps rows from the first key on uncommitted or locked; the run stopped/,
    );
  });

  test('a source user who may not lock rows: the run loads everything and says only the late window guards', async () => {
    const source = new MemorySource(rows(...keys(1, 5)));
    source.locking = false;
    const { report, events } = await run(source, new MemoryWarehouse([], streaming));
    expect(report).toMatchObject({ inserted: 5, more: false });
    expect(events.map((e) => e.event)).toEqual(['late-rows-unguarded', 'table-synced']);
  });

  test('another run holds the writer lock: skipped, nothing read', async () => {
    const source = new MemorySource(rows(...keys(1, 5)));
    const warehouse = new MemoryWarehouse([], streaming);
    warehouse.lockedByOther = true;
    const { report, events } = await run(source, warehouse, { lockWaitSeconds: 2 });
    expect(report).toMatchObject({ skipped: true, inserted: 0 });
    expect(warehouse.lockWaits).toEqual([2000]);
    expect(source.calls).toEqual([]);
    expect(events[0]).toEqual({ event: 'table-skipped', table: 'sales', reason: 'another run holds the writer lock' });
  });
});

describe('planning', () => {
  const two = syncConfig({
    tables: [
      { label: 'sales', source: { schema: null, name: 'sales' }, warehouse: { schema: null, name: 'sales' } },
      { label: 'orders', source: { schema: null, name: 'orders' }, warehouse: { schema: null, name: 'orders' } },
    ],
  });

  test('every table is checked before anything is written, and every problem named at once', async () => {
    const source = new MemorySource();
    const warehouse = new MemoryWarehouse();
    source.missing.add('sales');
    warehouse.missing.add('orders');
    const error = await planTables(two, source, warehouse).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toMatch(
      /^table sales: source table sales not found in mysql:\/\/etl@staging\/sales; table orders: warehouse table orders /,
    );
  });

  test('a key with no unique index of its own is refused for a run, and fine for verify without --repair', async () => {
    const source = new MemorySource();
    source.unique = [];
    const refused = await planTables(syncConfig(), source, new MemoryWarehouse()).catch((e: unknown) => e);
    expect((refused as Error).message).toBe(
      'table sales: source key id has no PRIMARY KEY or UNIQUE index of its own, so rows sharing a key or without one would be lost; add a PRIMARY KEY or UNIQUE index on id alone',
    );
    const [plan] = await planTables(syncConfig({ command: 'verify' }), source, new MemoryWarehouse());
    expect(plan.keyIndex).toBe(0);
  });

  test('a run with a problem in planning writes nothing and starts no table', async () => {
    const source = new MemorySource(rows(1, 2, 3));
    const warehouse = new MemoryWarehouse();
    source.missing.add('orders');
    const tables: TableReport[] = [];
    await expect(syncTables(two, source, warehouse, {}, tables)).rejects.toThrow(SchemaError);
    expect(tables).toEqual([]);
    expect(warehouse.lockWaits).toEqual([]);
  });
});

describe('values no warehouse can hold, in rows loaded as rows', () => {
  const AT: Column = {
    name: 'at',
    sqlType: 'datetime',
    type: { kind: 'timestamp', fsp: 0 },
    nullable: true,
    hasDefault: false,
  };

  test.each(['0000-00-00 00:00:00', '2024-00-10 08:00:00', '2024-05-00'])(
    'the MySQL zero date %s stops the run before its batch, naming row and column',
    async (zero) => {
      const source = new MemorySource([
        ['1', 'a', '2024-05-06 07:08:09'],
        ['2', 'b', zero],
        ['3', 'c', null],
      ]);
      source.columns = [ID, NOTE, AT];
      const warehouse = new MemoryWarehouse();
      warehouse.columns = [ID, NOTE, AT];
      const { error } = await run(source, warehouse);
      expect(error).toBeInstanceOf(ValueError);
      expect((error as Error).message).toBe(
        `table sales: row id=2 has the MySQL zero date "${zero}" in column at, which the warehouse cannot hold; fix that row in staging (e.g. set it to NULL)`,
      );
      expect(warehouse.keys()).toEqual([]);
    },
  );

  test('dates with zeros elsewhere load', async () => {
    const source = new MemorySource([
      ['1', 'a', '2000-10-20 00:00:00'],
      ['2', 'b', '2010-01-01'],
    ]);
    source.columns = [ID, NOTE, AT];
    const warehouse = new MemoryWarehouse();
    warehouse.columns = [ID, NOTE, AT];
    const { report, error } = await run(source, warehouse);
    expect(error).toBeUndefined();
    expect(report.inserted).toBe(2);
  });
});
