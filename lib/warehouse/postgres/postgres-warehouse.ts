/**
 * PostgreSQL warehouse: COPY FROM STDIN per batch inside one transaction; the writer lock is a
 * session advisory lock keyed by the table's oid, which blocks no reader and vanishes with a dead
 * connection.
 */
import type { Client } from 'pg';
import type { Column, ColumnPair } from '../../columns';
import type { TableName } from '../../config';
import type { ConnectionTarget } from '../../connection-url';
import { RunError } from '../../errors';
import { keyStatsOf, rangeDigestsOf, rowDigestsOf } from '../../key-range';
import type { KeyRange, KeyStats, RangeDigest } from '../../key-range';
import type { CopyTextBatch, LoadTarget, Warehouse, WarehouseTable, WriterLock } from '../warehouse';
import type { Row } from '../../rows';
import { retakeWriterLocks } from '../writer-lock';
import { CopyIn, writeRows } from './postgres-load';
import {
  countKeysInLastBlocksSql,
  countKeysSql,
  hasFloatFields,
  ident,
  keyStatsSql,
  listKeysSql,
  maxKeySql,
  rangeDigestsSql,
  rowDigestsSql,
} from '../../dialect/postgres/postgres-sql';
import { closePostgres, explainCopyError, openPostgres } from '../../dialect/postgres/postgres-connection';
import { TABLE_COLUMNS_SQL, TableColumnRow, toColumn } from '../../dialect/postgres/postgres-introspector';
import { seconds, stalledHolderMs, timeoutOf } from '../../time-budget';

/** Advisory-lock namespace ("WYNC"); the second half of the key is the table's oid. */
const LOCK_CLASS = 0x5759_4e43;
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED']);

interface PgTable extends WarehouseTable {
  oid: number;
  /** Columns that lead a plain index, as described at the start of the run. */
  indexed: Set<string>;
}

export class PostgresWarehouse implements Warehouse {
  readonly kind = 'postgres';
  private lockedOids = new Set<number>();

  private constructor(
    private client: Client,
    private readonly target: ConnectionTarget,
  ) {}

  static async open(target: ConnectionTarget): Promise<PostgresWarehouse> {
    return new PostgresWarehouse(await openPostgres(target), target);
  }

  async describeTable(name: TableName): Promise<PgTable | null> {
    const qualified = name.schema ? `${name.schema}.${name.name}` : name.name;
    // One round trip: a row per column, each naming the table; none when the table does not exist.
    const found = await this.client.query<TableColumnRow>(TABLE_COLUMNS_SQL, [qualified]);
    if (found.rows.length === 0) return null;
    const { oid, schema, table } = found.rows[0];
    const described = found.rows.filter((r) => r.name !== null);
    const indexed = new Set(described.filter((r) => r.leads_index).map((r) => r.name));
    return {
      oid: Number(oid),
      sql: `${ident(schema)}.${ident(table)}`,
      display: `${schema}.${table}`,
      columns: described.map(toColumn),
      indexed,
    };
  }

  async lockWriter(table: WarehouseTable, waitMs: number): Promise<WriterLock | null> {
    const oid = (table as PgTable).oid;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const got = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        LOCK_CLASS,
        oid,
      ]);
      if (got.rows[0].ok) break;
      if (Date.now() >= deadline) {
        await this.refuseStalledHolder(table, oid);
        return null;
      }
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(1, deadline - Date.now()))));
    }
    this.lockedOids.add(oid);
    return {
      release: async () => {
        this.lockedOids.delete(oid);
        await this.client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, oid]).catch(() => undefined);
      },
    };
  }

  /**
   * Another session holds the lock. A live run is skipped (exit 0); a holder that has been idle, or
   * on one statement, for longer than any run would is a stalled or orphaned session (e.g. a
   * backend still in COPY for a client that vanished: no timeout cancels a COPY that waits for
   * its client), and every later run would skip for as long as it lives: a problem, reported.
   */
  private async refuseStalledHolder(table: WarehouseTable, oid: number): Promise<void> {
    const found = await this.client.query<LockHolderRow>(LOCK_HOLDER_SQL, [LOCK_CLASS, oid]);
    const holder = found.rows[0];
    const limit = stalledHolderMs(timeoutOf(this.target));
    // A state this role may not see (another role's session) cannot be judged: treated as live.
    if (!holder || holder.state === null || holder.quiet_ms === null || Number(holder.quiet_ms) < limit) return;
    const doing =
      holder.state === 'active'
        ? `running "${holder.query}"${holder.wait_event === 'ClientRead' ? ' and waiting for its client' : ''}`
        : holder.state.replace('idle in transaction', 'idle in a transaction');
    throw new RunError(
      `the writer lock on ${table.display} is held by PostgreSQL session pid ${holder.pid} ` +
        `(${holder.application_name ? `application "${holder.application_name}"` : 'no application name'}` +
        `${holder.client ? ` from ${holder.client}` : ''}), ` +
        `${doing} for ${seconds(Number(holder.quiet_ms))} s, longer than a live run would (2 x ` +
        `--timeout + 5 s = ${seconds(limit)} s): ` +
        `a stalled or orphaned session, so runs cannot proceed. If no run is still going, end it with ` +
        `SELECT pg_terminate_backend(${holder.pid}); and run again`,
    );
  }

  async executeDdl(statement: string): Promise<void> {
    await this.client.query(statement);
  }

  async maxKey(table: WarehouseTable, key: Column): Promise<bigint | null> {
    const [[max]] = await this.rows(maxKeySql(table.sql, key.name));
    return max === null ? null : BigInt(String(max));
  }

  async countKeysAtLeast(table: WarehouseTable, key: Column, range: KeyRange): Promise<number> {
    const { oid, indexed } = table as PgTable;
    // With a plain index on the key the exact count is a short index range scan.
    if (indexed.has(key.name)) return this.countKeys(table, key, range);
    // Without one, count only in the last blocks, where the late window's rows are.
    const res = await this.client.query<{ n: string }>(countKeysInLastBlocksSql(table.sql, oid, key.name, range));
    return Number(res.rows[0].n);
  }

  async listKeys(table: WarehouseTable, key: Column, range: KeyRange, limit?: number): Promise<bigint[]> {
    return (await this.rows(listKeysSql(table.sql, key.name, range, limit))).map((r) => BigInt(String(r[0])));
  }

  async countKeys(table: WarehouseTable, key: Column, range: KeyRange): Promise<number> {
    const [[count]] = await this.rows(countKeysSql(table.sql, key.name, range));
    return Number(count);
  }

  async load(target: LoadTarget, rows: Row[]): Promise<void> {
    const batch = this.openCopyTextBatch(target);
    try {
      await writeRows(batch, rows);
    } catch (error) {
      await batch.abort(error as Error);
      throw error;
    }
    await batch.commit();
  }

  openCopyTextBatch(target: LoadTarget): CopyTextBatch {
    const columns = target.columns.map((c) => ident(c.name)).join(', ');
    // One simple query per batch: the server opens the transaction, takes the rows and commits
    // without waiting on the client in between; `done` settles after the COMMIT.
    const copy = new CopyIn(`BEGIN; COPY ${target.table.sql} (${columns}) FROM STDIN; COMMIT`);
    const client = this.client;
    const endpoint = this.target;
    let submitted = false;
    const submit = () => {
      if (!submitted) client.query(copy);
      submitted = true;
    };
    // A failed COPY leaves the explicit transaction aborted; a failed COMMIT has already ended it.
    const rollback = () =>
      client.query('ROLLBACK').then(
        () => undefined,
        () => undefined,
      );
    return {
      write(chunk, release) {
        submit();
        return copy.write(chunk, release);
      },
      onDrain: (listener) => copy.onDrain(listener),
      async commit() {
        submit();
        copy.end();
        try {
          return await copy.done;
        } catch (error) {
          await rollback();
          throw explainCopyError(error, endpoint);
        }
      },
      async abort(error) {
        if (!submitted) return;
        copy.fail(error);
        await copy.done.catch(() => undefined);
        await rollback();
      },
    };
  }

  async rangeDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
    width: bigint,
  ): Promise<RangeDigest[]> {
    await this.useShortestFloats(pairs);
    return rangeDigestsOf(await this.rows(rangeDigestsSql(table.sql, key.name, pairs, range, width)), range, width);
  }

  async rowDigests(
    table: WarehouseTable,
    key: Column,
    pairs: ColumnPair[],
    range: KeyRange,
  ): Promise<Map<bigint, string>> {
    await this.useShortestFloats(pairs);
    return rowDigestsOf(await this.rows(rowDigestsSql(table.sql, key.name, pairs, range)));
  }

  async keyStats(table: WarehouseTable, key: Column): Promise<KeyStats> {
    const [totals, duplicates] = keyStatsSql(table.sql, key.name);
    return keyStatsOf((await this.rows(totals))[0], (await this.rows(duplicates))[0]);
  }

  /** One statement's rows as arrays of their fields. */
  private async rows(sql: string): Promise<unknown[][]> {
    return (await this.client.query<unknown[]>({ text: sql, rowMode: 'array' })).rows;
  }

  /** The canonical float text needs the shortest round-trip digits, whatever the server's default. */
  private async useShortestFloats(pairs: ColumnPair[]): Promise<void> {
    if (hasFloatFields(pairs)) await this.client.query('SET extra_float_digits = 1');
  }

  isTransient(error: unknown): boolean {
    const e = error as { code?: string; message?: string };
    if (e.code && (TRANSIENT_SQLSTATES.has(e.code) || e.code.startsWith('08') || TRANSIENT_CODES.has(e.code)))
      return true;
    return /Connection terminated|connection is closed|Client was closed|not queryable/i.test(e.message ?? '');
  }

  async reconnect(): Promise<void> {
    const old = this.client;
    old.removeAllListeners('error');
    old.on('error', () => undefined);
    await old.end().catch(() => undefined);
    this.client = await openPostgres(this.target);
    await retakeWriterLocks(this.lockedOids, async (oid) => {
      const got = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        LOCK_CLASS,
        oid,
      ]);
      return got.rows[0].ok;
    });
  }

  async close(detach = false): Promise<void> {
    return closePostgres(this.client, timeoutOf(this.target), detach);
  }
}

/** Who holds the writer lock, and for how long its session has been in its current state. */
const LOCK_HOLDER_SQL = `SELECT l.pid, a.state, a.wait_event, a.application_name, host(a.client_addr) AS client,
    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60) AS query,
    (extract(epoch FROM clock_timestamp() - a.state_change) * 1000)::bigint::text AS quiet_ms
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted
    AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2`;

interface LockHolderRow {
  pid: number;
  state: string | null;
  wait_event: string | null;
  application_name: string | null;
  client: string | null;
  query: string | null;
  quiet_ms: string | null;
}
