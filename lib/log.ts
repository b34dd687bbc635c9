/**
 * What a run tells its platform's log: one structured JSON line per table per run, and (on AWS)
 * one CloudWatch Embedded Metric Format line per table, from which CloudWatch extracts the metrics
 * itself: no PutMetricData call, no extra latency, nothing to grant in IAM.
 *
 * Lines go straight to stdout (`process.stdout.write`), not through `console.log`, which in
 * Lambda prefixes each line with a timestamp, request id and level: each line stays one bare JSON
 * object, as the EMF specification describes it, and is parsed as such by Logs Insights and any
 * log shipper (on IBM Cloud Logs too).
 *
 * Nothing here knows a password: the sync cycle's events carry none, and every line is passed
 * through `redactDeep` anyway, so a URL that slips into an error message is printed without one.
 */
import { redactDeep } from './redact';
import { oneLine } from './errors';
import type { SyncHooks, TableReport } from './sync-cycle';

export const METRIC_NAMESPACE = 'WarehouseSync';

export interface RunLogOptions {
  /** Where lines go; default stdout. */
  write?: (line: string) => void;
  /** Also write EMF metric lines (AWS only; on other platforms they are noise). */
  metrics?: boolean;
  /** Added to every structured line, e.g. the invocation's request id. */
  fields?: Record<string, unknown>;
  /** Clock for the EMF timestamp (tests). */
  now?: () => number;
}

/** Per-command report shapes `end` accepts: each has tables named by `table`. */
interface AnyReport {
  ok: boolean;
  tables: ReadonlyArray<{ table: string }>;
  error?: string;
}

/**
 * One run's log. Pass `hooks` to runSync; call `end(report)` afterwards so a table whose cycle
 * failed (and so never reached its `table-synced` event) still gets its line and metrics.
 */
export class RunLog {
  readonly hooks: SyncHooks;
  private readonly write: (line: string) => void;
  private readonly metrics: boolean;
  private readonly fields: Record<string, unknown>;
  private readonly now: () => number;
  private readonly logged = new Set<string>();

  constructor(options: RunLogOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(line + '\n'));
    this.metrics = options.metrics ?? false;
    this.fields = options.fields ?? {};
    this.now = options.now ?? Date.now;
    this.hooks = { log: (event) => this.event(event) };
  }

  /** runSync's `hooks.log`. */
  event(event: Record<string, unknown>): void {
    switch (event.event) {
      case 'table-synced': {
        const { event: _name, ...table } = event;
        this.table(table as unknown as TableReport);
        break;
      }
      case 'table-skipped':
        // Folded into the table's line (skipped: true), which follows when its cycle returns.
        break;
      case 'run-failed':
        this.line('error', event);
        break;
      default:
        this.line('info', event);
    }
  }

  /** Lines for the tables the hooks did not already cover (a failed table; other commands' tables). */
  end(report: AnyReport, command = 'run'): void {
    for (const table of report.tables) {
      if (this.logged.has(table.table)) continue;
      if (command === 'run') this.table(table as TableReport);
      else this.line(report.ok ? 'info' : 'error', { event: `table-${command}`, ...table });
    }
  }

  /** A failure before the run could start (bad input, config, unreadable secret). */
  failure(error: unknown): void {
    this.line('error', { event: 'run-refused', error: oneLine(error) });
  }

  private table(table: TableReport): void {
    this.logged.add(table.table);
    this.line(table.error ? 'error' : 'info', { event: table.error ? 'table-failed' : 'table-synced', ...table });
    if (this.metrics && !table.dryRun && !table.skipped) this.write(emfLine(table, this.now(), this.fields));
  }

  private line(level: 'info' | 'error', body: Record<string, unknown>): void {
    const record = { level, time: new Date(this.now()).toISOString(), ...this.fields, ...body };
    // Each string redacted before it is quoted: JSON escapes could hide a password's spelling.
    this.write(JSON.stringify(redactDeep(record)));
  }
}

/**
 * A CloudWatch Embedded Metric Format line for one table's run: RowsInserted (late rows repaired
 * included), PendingRows (rows above the watermark still to load: > 0 when the run stopped at its
 * deadline) and Duration, with the dimension Table. `properties` (e.g. the request id) ride along
 * as plain log fields, so a Logs Insights query by request id finds this line too.
 */
export function emfLine(table: TableReport, timestamp: number, properties: Record<string, unknown> = {}): string {
  const record = {
    ...properties,
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Table']],
          Metrics: [
            { Name: 'RowsInserted', Unit: 'Count' },
            { Name: 'PendingRows', Unit: 'Count' },
            { Name: 'Duration', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    Table: table.table,
    RowsInserted: table.inserted + table.repaired,
    PendingRows: Math.max(0, table.newRows - table.inserted),
    Duration: table.durationMs,
  };
  return JSON.stringify(record);
}
