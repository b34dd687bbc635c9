/** The commands behind every entry point: run, status, verify, ddl — one dispatch, one report shape. */
import type { Command, SyncConfig } from './config';
import { formatRun, formatStatus, formatVerify } from './report-format';
import { formatDdl, warehouseDdl, type DdlReport } from './schema/ddl-command';
import { readStatus, type StatusReport } from './status';
import { runSync, type RunOptions, type SyncReport } from './sync-cycle';
import { verify, type VerifyReport } from './verify';

/** Each command's report, by command. */
interface Reports {
  run: SyncReport;
  status: StatusReport;
  verify: VerifyReport;
  ddl: DdlReport;
}

/** A command's report, tagged with the command: whoever reads it knows its shape without a cast. */
export type CommandResult = { [C in Command]: { command: C; report: Reports[C] } }[Command];
export type CommandReport = CommandResult['report'];
/** What users see (CLI --json, function results): the report without its exit code. */
export type PublicReport =
  | Omit<SyncReport, 'exitCode'>
  | Omit<StatusReport, 'exitCode'>
  | Omit<VerifyReport, 'exitCode'>
  | Omit<DdlReport, 'exitCode'>;

export async function runCommand(config: SyncConfig, options: RunOptions = {}): Promise<CommandResult> {
  switch (config.command) {
    case 'status':
      return { command: 'status', report: await readStatus(config) };
    case 'verify':
      return { command: 'verify', report: await verify(config) };
    case 'ddl':
      return { command: 'ddl', report: await warehouseDdl(config) };
    case 'run':
      return { command: 'run', report: await runSync(config, options) };
  }
}

export function publicReport(report: CommandReport): PublicReport {
  const { exitCode: _exitCode, ...shown } = report;
  return shown;
}

/** Human-readable lines for a command's report. */
export function formatReport(result: CommandResult): string {
  switch (result.command) {
    case 'status':
      return formatStatus(result.report);
    case 'verify':
      return formatVerify(result.report);
    case 'ddl':
      return formatDdl(result.report);
    case 'run':
      return formatRun(result.report);
  }
}
