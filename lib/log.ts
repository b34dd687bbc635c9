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
import type { Command } from './config';
import { redactDeep } from './redact';
import { oneLine } from './errors';
import type { DdlReport } from './schema/ddl-command';
import type { TableStatus } from './status';
import type { RunEvent, SyncHooks, TableReport } from './sync-cycle';
import type { TableVerification } from './verify';

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

type OtherCommand = Exclude<Command, 'run'>;
/** A table of another command's report: status, verify or ddl. */
type OtherTable = TableStatus | TableVerification | DdlReport['tables'][number];

/** What `end` reads of a report. */
interface Ended<T> {
  ok: boolean;
  tables: readonly T[];
  error?: string;
}

/** The body of a structured line: the cycle's events, and the lines the log adds itself. */
type LogBody =
  | Exclude<RunEvent, { event: 'table-synced' | 'table-skipped' }>
  | ({ event: 'table-synced' | 'table-failed' } & TableReport)
  | ({ event: `table-${OtherCommand}` } & OtherTable)
  | { event: 'run-refused'; error: string };

/**
 * One run's log. Pass `hooks` to runSync; call `end(report)` afterwards (`end(report, command)`
 * for status, verify and ddl) so a table whose cycle failed (and so never reached its
 * `table-synced` event) still gets its line and metrics.
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
  event(event: RunEvent): void {
    switch (event.event) {
      case 'table-synced': {
        const { event: _name, ...table } = event;
        this.table(table);
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
  end(
    ...args:
      | [report: Ended<TableReport>]
      | [report: Ended<TableReport>, command: 'run']
      | [report: Ended<OtherTable>, command: OtherCommand]
  ): void {
    if (args.length === 1 || args[1] === 'run') {
      for (const table of args[0].tables) if (!this.logged.has(table.table)) this.table(table);
      return;
    }
    const [report, command] = args;
    for (const table of report.tables) {
      if (!this.logged.has(table.table))
        this.line(report.ok ? 'info' : 'error', { event: `table-${command}`, ...table });
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

  private line(level: 'info' | 'error', body: LogBody): void {
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
