/** The commands behind every entry point: run, status, verify, ddl — one dispatch, one report shape. */
import type { SyncConfig } from './config';
import { formatRun, formatStatus, formatVerify } from './report-format';
import { formatDdl, warehouseDdl, type DdlReport } from './schema/ddl-command';
import { readStatus, type StatusReport } from './status';
import { runSync, type RunOptions, type SyncReport } from './sync-cycle';
import { verify, type VerifyReport } from './verify';

export type CommandReport = SyncReport | StatusReport | VerifyReport | DdlReport;
/** What users see (CLI --json, function results): the report without its exit code. */
export type PublicReport =
  | Omit<SyncReport, 'exitCode'> | Omit<StatusReport, 'exitCode'> | Omit<VerifyReport, 'exitCode'> | Omit<DdlReport, 'exitCode'>;

export async function runCommand(config: SyncConfig, options: RunOptions = {}): Promise<CommandReport> {
  switch (config.command) {
    case 'status':
      return readStatus(config);
    case 'verify':
      return verify(config);
    case 'ddl':
      return warehouseDdl(config);
    case 'run':
      return runSync(config, options);
  }
}

export function publicReport(report: CommandReport): PublicReport {
  const { exitCode: _exitCode, ...shown } = report;
  return shown;
}

/** Human-readable lines for the report of `command`. */
export function formatReport(command: SyncConfig['command'], report: CommandReport): string {
  switch (command) {
    case 'status':
      return formatStatus(report as StatusReport);
    case 'verify':
      return formatVerify(report as VerifyReport);
    case 'ddl':
      return formatDdl(report as DdlReport);
    case 'run':
      return formatRun(report as SyncReport);
  }
}
