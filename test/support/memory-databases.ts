/**
 * A Source and a Warehouse held in memory, for unit tests of the sync cycle's logic (retries, the
 * late window, the time budget, stream recovery, planning) without databases. They keep the
 * contracts of lib/source/source.ts and lib/warehouse/warehouse.ts for one table `sales` keyed by
 * `id`, and let a test script the faults a real database would give.
 */
import type { Column } from '../../lib/columns';
import type { SyncConfig, TableName } from '../../lib/config';
import { parseConnectionUrl, type ConnectionTarget } from '../../lib/connection-url';
import type { KeyRange } from '../../lib/key-range';
import type { CommitWait, CopyPage, Source, SourceTable } from '../../lib/source/source';
import type { ChunkSink, Row } from '../../lib/rows';
import type { CopyTextBatch, LoadTarget, Warehouse, WarehouseTable, WriterLock } from '../../lib/warehouse/warehouse';

export const ID: Column = {
  name: 'id',
  sqlType: 'bigint',
  type: { kind: 'integer', bits: 64, unsigned: false },
  nullable: false,
  hasDefault: false,
};
export const NOTE: Column = {
  name: 'note',
  sqlType: 'varchar(20)',
  type: { kind: 'text', maxChars: 20, maxBytes: 80 },
  nullable: true,
  hasDefault: false,
};

function target(url: string, role: string): ConnectionTarget {
  const parsed = parseConnectionUrl(url, role);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/** A run's settings as resolveConfig would give them, for table `sales`. */
export function syncConfig(over: Partial<SyncConfig> = {}): SyncConfig {
  return {
    command: 'run',
    source: target('mysql://etl@staging/sales', 'source'),
    warehouse: target('postgres://dw@warehouse/dw', 'warehouse'),
    tables: [{ label: 'sales', source: { schema: null, name: 'sales' }, warehouse: { schema: null, name: 'sales' } }],
    key: 'id',
    batchSize: 10,
    maxSeconds: null,
    dryRun: false,
    repair: false,
    lateWindow: 0,
    lockWaitSeconds: 0,
    timeoutSeconds: 60,
    createTable: false,
    addColumns: false,
    ...over,
  };
}

/** Rows (id, note) for the keys given. */
export function rows(...keys: number[]): Row[] {
  return keys.map((k) => [String(k), `row ${k}`]);
}

/** Keys from `first` to `last`, both included. */
export function keys(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function keyOf(row: Row): bigint {
  return BigInt(row[0] as string);
}

function sortedKeys(table: Map<bigint, Row>): bigint[] {
  return [...table.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Calls a test may assert on, in order: the method and its range or keys. */
type Calls = string[];

export class MemorySource implements Source {
  readonly table = new Map<bigint, Row>();
  readonly calls: Calls = [];
  /** Columns the source table has; `unique` lists those with a unique index of their own. */
  columns: Column[] = [ID, NOTE];
  unique = ['id'];
  /** Table names that do not exist here. */
  readonly missing = new Set<string>();
  /**
   * The last key before a transaction still open (undefined: all committed): where settleRange
   * stops, and where a page read with a CommitWait is held back.
   */
  openAbove: bigint | null | undefined = undefined;
  /** Whether the user may lock rows for reading (locksRows, settleRange). */
  locking = true;
  /** Page reads that waited for open transactions (with a CommitWait). */
  waitingReads = 0;

  constructor(initial: Row[] = []) {
    this.add(initial);
  }

  add(more: Row[]): void {
    for (const row of more) this.table.set(keyOf(row), row);
  }

  private inRange(range: KeyRange, limit = Infinity): Row[] {
    return sortedKeys(this.table)
      .filter((k) => range.has(k))
      .slice(0, limit)
      .map((k) => this.table.get(k)!);
  }

  async describeTable(name: TableName): Promise<SourceTable | null> {
    if (this.missing.has(name.name)) return null;
    return {
      sql: `\`${name.name}\``,
      display: `staging.${name.name}`,
      columns: this.columns,
      uniqueColumns: this.unique,
    };
  }
  async maxKey(): Promise<bigint | null> {
    const all = sortedKeys(this.table);
    return all.length ? all[all.length - 1] : null;
  }
  async minKey(): Promise<bigint | null> {
    return sortedKeys(this.table)[0] ?? null;
  }
  async countKeys(_t: SourceTable, _k: Column, range: KeyRange): Promise<number> {
    this.calls.push(`countKeys ${range}`);
    return this.inRange(range).length;
  }
  async listKeys(_t: SourceTable, _k: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    this.calls.push(`listKeys ${range}`);
    return this.inRange(range, limit).map(keyOf);
  }
  async locksRows(): Promise<boolean> {
    return this.locking;
  }
  /** The part of `range` a read with `wait` may return, and whether an open transaction cut it. */
  private committed(range: KeyRange, wait?: CommitWait): { range: KeyRange | null; heldBack: boolean } {
    if (!wait || this.openAbove === undefined || (this.openAbove !== null && this.openAbove >= range.high))
      return { range, heldBack: false };
    if (this.openAbove === null || this.openAbove <= (range.low ?? this.openAbove - 1n))
      return { range: null, heldBack: true };
    return { range: range.upTo(this.openAbove), heldBack: true };
  }
  async settleRange(
    _t: SourceTable,
    _k: Column,
    range: KeyRange,
  ): Promise<{ settledTo: bigint | null; locking: boolean }> {
    this.calls.push(`settleRange ${range}`);
    if (this.openAbove === undefined || !this.locking) return { settledTo: range.high, locking: this.locking };
    return { settledTo: this.openAbove, locking: true };
  }
  async *pages(
    _t: SourceTable,
    _c: Column[],
    _k: Column,
    range: KeyRange,
    pageSize: number,
    wait?: CommitWait,
  ): AsyncGenerator<{ rows: Row[]; heldBack: boolean }> {
    for (let rest = range; ;) {
      this.calls.push(`page ${rest}`);
      if (wait) this.waitingReads++;
      const readable = this.committed(rest, wait);
      const all = readable.range === null ? [] : this.inRange(readable.range);
      const page = all.slice(0, pageSize);
      const heldBack = readable.heldBack && page.length === all.length;
      if (page.length === 0) {
        if (heldBack) yield { rows: page, heldBack };
        return;
      }
      yield { rows: page, heldBack };
      if (heldBack || page.length < pageSize) return;
      rest = rest.above(keyOf(page[page.length - 1]));
    }
  }
  copyPage(_t: SourceTable, _c: Column[], _k: Column, range: KeyRange, limit: number, wait?: CommitWait): CopyPage {
    this.calls.push(`copyPage ${range}`);
    if (wait) this.waitingReads++;
    const readable = this.committed(range, wait);
    const all = readable.range === null ? [] : this.inRange(readable.range);
    const page = all.slice(0, limit);
    const heldBack = readable.heldBack && page.length === all.length;
    let settle!: (done: { rows: number; lastKey: bigint | null; heldBack: boolean }) => void;
    const done = new Promise<{ rows: number; lastKey: bigint | null; heldBack: boolean }>(
      (resolve) => (settle = resolve),
    );
    return {
      done,
      attach: (sink: ChunkSink) => {
        if (page.length > 0)
          sink.write(
            Buffer.from(page.map((r) => `${r.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`).join('')),
          );
        settle({ rows: page.length, lastKey: page.length ? keyOf(page[page.length - 1]) : null, heldBack });
      },
      discard: () => {
        this.calls.push(`discard ${range}`);
        settle({ rows: 0, lastKey: null, heldBack: false });
      },
    };
  }
  async rowsByKeys(_t: SourceTable, _c: Column[], _k: Column, wanted: bigint[]): Promise<Row[]> {
    this.calls.push(`rowsByKeys ${wanted.join(',')}`);
    return wanted.filter((k) => this.table.has(k)).map((k) => this.table.get(k)!);
  }
  async firstFailingRow(): Promise<null> {
    return null;
  }
  async rangeDigests(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async rowDigests(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async keyStats(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async answers(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/** A fault a test scripts for the next write: the error, and whether the rows were committed first. */
export interface Fault {
  error: Error & { transient?: boolean };
  committed: boolean;
}

/** An error the warehouse calls transient (a dropped connection, a deadlock). */
export function transient(message = 'Connection terminated unexpectedly'): Error & { transient: boolean } {
  return Object.assign(new Error(message), { transient: true });
}

export class MemoryWarehouse implements Warehouse {
  readonly kind = 'postgres';
  readonly table = new Map<bigint, Row>();
  readonly calls: Calls = [];
  /** Faults for the next writes (load or a streamed batch's commit), in order; null: that write succeeds. */
  readonly faults: Array<Fault | null> = [];
  /** Errors for the next reconnects, in order. */
  readonly reconnectFaults: Error[] = [];
  /** Another run holds the writer lock. */
  lockedByOther = false;
  /** The wait each lockWriter was given. */
  readonly lockWaits: number[] = [];
  reconnects = 0;
  columns: Column[] = [ID, NOTE];
  /** Table names that do not exist here. */
  readonly missing = new Set<string>();
  /** Runs after each successful reconnect (a test's other writer). */
  afterReconnect: () => void = () => undefined;

  constructor(initial: Row[] = [], streaming = false) {
    for (const row of initial) this.table.set(keyOf(row), row);
    if (!streaming) this.openCopyTextBatch = undefined;
  }

  private inRange(range: KeyRange): bigint[] {
    return sortedKeys(this.table).filter((k) => range.has(k));
  }

  /** Inserts rows all or nothing; a key already there fails the write, as a unique index would. */
  private write(incoming: Row[]): void {
    const fault = this.faults.shift() ?? null;
    if (fault && !fault.committed) throw fault.error;
    const doubled = incoming.find((r) => this.table.has(keyOf(r)));
    if (doubled) throw new Error(`duplicate key ${keyOf(doubled)}`);
    for (const row of incoming) this.table.set(keyOf(row), row);
    this.calls.push(`write ${incoming.length}`);
    if (fault) throw fault.error;
  }

  async describeTable(name: TableName): Promise<WarehouseTable | null> {
    return this.missing.has(name.name)
      ? null
      : { sql: `"${name.name}"`, display: `public.${name.name}`, columns: this.columns };
  }
  async lockWriter(_t: WarehouseTable, waitMs: number): Promise<WriterLock | null> {
    this.lockWaits.push(waitMs);
    if (this.lockedByOther) return null;
    this.calls.push('lock');
    return { release: async () => void this.calls.push('unlock') };
  }
  async maxKey(): Promise<bigint | null> {
    const all = sortedKeys(this.table);
    return all.length ? all[all.length - 1] : null;
  }
  async countKeys(_t: WarehouseTable, _k: Column, range: KeyRange): Promise<number> {
    this.calls.push(`countKeys ${range}`);
    return this.inRange(range).length;
  }
  async listKeys(_t: WarehouseTable, _k: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    this.calls.push(`listKeys ${range}`);
    return this.inRange(range).slice(0, limit);
  }
  async load(_target: LoadTarget, incoming: Row[]): Promise<void> {
    this.write(incoming);
  }
  openCopyTextBatch?(target: LoadTarget): CopyTextBatch {
    const chunks: Buffer[] = [];
    return {
      write: (chunk) => chunks.push(chunk) > 0,
      onDrain: () => undefined,
      commit: async () => {
        const text = Buffer.concat(chunks).toString();
        const parsed = text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => line.split('\t').map((v) => (v === '\\N' ? null : v)));
        this.write(parsed.map((r) => r.slice(0, target.columns.length)));
        return parsed.length;
      },
      abort: async () => undefined,
    };
  }
  async rangeDigests(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async rowDigests(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async keyStats(): Promise<never> {
    throw new Error('not used by the cycle');
  }
  async executeDdl(): Promise<void> {
    throw new Error('not used by the cycle');
  }
  isTransient(error: unknown): boolean {
    return (error as { transient?: boolean }).transient === true;
  }
  async reconnect(): Promise<void> {
    this.reconnects++;
    const fault = this.reconnectFaults.shift();
    if (fault) throw fault;
    this.afterReconnect();
  }
  async close(): Promise<void> {}
  /** The keys the warehouse holds, ascending, as numbers. */
  keys(): number[] {
    return sortedKeys(this.table).map(Number);
  }
}
