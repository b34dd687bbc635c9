/**
 * The one sequence behind every entry point (functions/): the options the platform's input
 * carries → the config, with secrets → the log → the command → the log's end → cached secrets
 * forgotten after a failure → the report as users see it. An entry point translates its
 * platform's input into an Invocation and the Outcome into its platform's output; none of them
 * builds a report, a deadline or an error of its own.
 */
import { publicReport, runCommand, type CommandResult, type PublicReport } from './commands';
import { resolveConfig, type Config, type SyncConfig, type SyncOptions } from './config';
import { failureOf, type Failure } from './errors';
import { withLastResort } from './last-resort';
import type { RunLog } from './log';
import { redact, redactDeep } from './redact';
import { envWithSecrets, forgetCachedSecrets } from './secrets';
import type { RunOptions } from './sync-cycle';
import { runLimits, type PlatformDeadline } from './time-budget';

export interface Invocation {
  /** The options the platform's input carries; a throw (a ConfigError) refuses the invocation. */
  options(): SyncOptions;
  /** The environment the configuration is read from, *_SECRET_ID included. */
  env: NodeJS.ProcessEnv;
  /**
   * The run's log. A function keeps one from the start, so a refusal is logged too; the CLI opens
   * one only once the config asks for it (SYNC_LOG=json).
   */
  log: RunLog | null | ((config: Config) => RunLog | null);
  /** When the platform ends the invocation, if it does. */
  platformDeadline?: PlatformDeadline;
  /** A progress display for this config (the CLI's bar on a terminal), told of each committed batch. */
  progress?(config: Config): Progress | null;
  /**
   * Run under the last resort (lib/last-resort.ts): an error that escapes to the process ends the
   * invocation as a failure. For a platform's process, which outlives the invocation.
   */
  lastResort?: boolean;
  /** The process exits right after: connections close without waiting for the servers. */
  exitsAfter?: boolean;
  /** What runs the command: runCommand, or in the sequence's own tests a command without databases. */
  command?: (config: SyncConfig, options: RunOptions) => Promise<CommandResult>;
}

export interface Progress {
  update(table: string, rowsLoaded: number, fraction: number): void;
  /** After the command, before anything else is printed. */
  finish(): void;
}

export type Outcome =
  /** The command ran and its report carries no error. */
  | { config: Config; result: CommandResult; shown: PublicReport; failure?: undefined }
  /** The command ran and its report carries an error. */
  | { config: Config; result: CommandResult; shown: PublicReport; failure: Failure }
  /** Refused before the command ran (input, config, secrets), or an error nothing else handled. */
  | { config?: Config; result?: undefined; failure: Failure };

export async function invoke(invocation: Invocation): Promise<Outcome> {
  let log = typeof invocation.log === 'function' ? null : invocation.log;
  let config: Config | undefined;

  const sequence = async (): Promise<Outcome> => {
    let resolved: Config;
    try {
      resolved = resolveConfig(invocation.options(), await envWithSecrets(invocation.env));
    } catch (error) {
      // Cached secrets stay: nothing connected with them (a secret that fails its read is never cached).
      log?.failure(error);
      return { failure: failureOf(error) };
    }
    config = resolved;
    if (typeof invocation.log === 'function') log = invocation.log(resolved);
    const progress = invocation.progress?.(resolved) ?? null;
    const result = await (invocation.command ?? runCommand)(resolved, {
      ...runLimits(Date.now(), resolved.maxSeconds, invocation.platformDeadline),
      hooks: {
        progress: progress ? (table, rows, fraction) => progress.update(table, rows, fraction) : undefined,
        log: log?.hooks.log,
      },
      exitsAfter: invocation.exitsAfter,
    });
    progress?.finish();
    if (log) endLog(log, result);

    const shown = redactDeep(publicReport(result.report));
    const { error, exitCode } = result.report;
    if (error === undefined) return { config: resolved, result, shown };
    forgetCachedSecrets(); // the next invocation reads them again, e.g. after a password rotation
    return { config: resolved, result, shown, failure: { message: redact(error), exitCode: exitCode === 2 ? 2 : 1 } };
  };

  try {
    return await (invocation.lastResort ? withLastResort(sequence) : sequence());
  } catch (error) {
    // Anything unexpected: still one redacted line and a failure of its own kind, never a dead process.
    log?.failure(error);
    forgetCachedSecrets();
    return { failure: failureOf(error), config };
  }
}

/** Lines for the tables the run's events did not cover, from the command's report. */
function endLog(log: RunLog, result: CommandResult): void {
  if (result.command === 'run') log.end(result.report);
  else log.end(result.report, result.command);
}
