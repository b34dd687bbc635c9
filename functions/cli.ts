/** Command-line entry point: argv + env → config → run/status/verify/ddl → human lines or JSON, exit code. */
import { HELP, optionsFromArgv, processEnv } from '../lib/config';
import { formatReport, publicReport } from '../lib/commands';
import { failedReport, failureOf, type Failure } from '../lib/errors';
import { invoke } from '../lib/invocation';
import { installProcessLastResort } from '../lib/last-resort';
import { RunLog } from '../lib/log';
import { ProgressBar } from '../lib/progress';
import { redact } from '../lib/redact';
import { version as VERSION } from '../package.json';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTty: boolean;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: Boolean(process.stderr.isTTY),
};

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo = processIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { options, help, version } = optionsFromArgv(argv);
    if (help) {
      io.stdout(HELP);
      return 0;
    }
    if (version) {
      io.stdout(`warehouse-sync ${VERSION}\n`);
      return 0;
    }
    const outcome = await invoke({
      options: () => options,
      env,
      // SYNC_LOG=json: one structured line per table on stderr, as the functions log, for schedulers that keep logs.
      log: (config) => (config.logJson ? new RunLog({ write: (line) => io.stderr(line + '\n') }) : null),
      progress: (config) =>
        config.command === 'run' && (config.progress ?? (io.stderrIsTty && !config.json)) ? new ProgressBar() : null,
      exitsAfter: io === processIo,
    });
    json = outcome.config?.json ?? json;
    if (!outcome.result) return printFailure(io, json, outcome.failure);
    if (json) {
      io.stdout(JSON.stringify(outcome.shown) + '\n');
    } else {
      const text = formatReport(outcome.result);
      if (text) io.stdout(redact(text) + '\n');
    }
    if (outcome.failure?.message) io.stderr(`warehouse-sync: ${outcome.failure.message}\n`);
    return outcome.result.report.exitCode;
  } catch (error) {
    return printFailure(io, json, failureOf(error));
  }
}

/**
 * The one line on stderr (and with --json, the JSON report on stdout) for a run that did not
 * happen; returns the exit code.
 */
function printFailure(io: CliIo, json: boolean, failure: Failure): number {
  if (json) io.stdout(JSON.stringify(publicReport(failedReport(failure))) + '\n');
  io.stderr(`warehouse-sync: ${failure.message}\n`);
  return failure.exitCode;
}

/** Process glue: used by bin/warehouse-sync.js and when the bundle is run directly (Code Engine job). */
export function main(): void {
  const argv = process.argv.slice(2);
  // An error that escaped everything else: the same line and JSON report.
  const stray = (error: unknown) => printFailure(processIo, argv.includes('--json'), failureOf(error));
  installProcessLastResort(stray);
  runCli(argv, processEnv()).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.exitCode = stray(error);
    },
  );
}

if (require.main === module) main();
