/** Command-line entry point: argv + env → config → run/status/verify → human lines or JSON, exit code. */
import { HELP, optionsFromArgv, resolveConfig } from '../lib/config';
import { exitCodeOf, oneLine } from '../lib/errors';
import { ProgressBar } from '../lib/progress';
import { formatReport, publicReport, runCommand } from '../lib/commands';
import { RunLog } from '../lib/log';
import { redact, redactDeep } from '../lib/redact';
import { installProcessLastResort } from '../lib/last-resort';
import { envWithSecrets } from '../lib/secrets';
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
    const config = resolveConfig(options, await envWithSecrets(env));
    json = config.json;
    const deadline = config.maxSeconds === null ? null : Date.now() + config.maxSeconds * 1000;
    const showProgress = config.command === 'run' && (config.progress ?? (io.stderrIsTty && !json));
    const bar = showProgress ? new ProgressBar() : null;
    // SYNC_LOG=json: one structured line per table on stderr, as the functions log, for schedulers that keep logs.
    const log = env.SYNC_LOG === 'json' ? new RunLog({ write: (line) => io.stderr(line + '\n') }) : null;
    const report = await runCommand(config, {
      deadline,
      exitsAfter: io === processIo,
      hooks: { progress: bar ? (t, d, n) => bar.update(t, d, n) : undefined, log: log?.hooks.log },
    });
    bar?.finish();
    log?.end(report, config.command);
    if (json) {
      io.stdout(JSON.stringify(redactDeep(publicReport(report))) + '\n');
    } else {
      const text = formatReport(config.command, report);
      if (text) io.stdout(redact(text) + '\n');
    }
    if (report.error) io.stderr(`warehouse-sync: ${redact(report.error)}\n`);
    return report.exitCode;
  } catch (error) {
    const message = oneLine(error);
    if (json) io.stdout(JSON.stringify({ ok: false, tables: [], error: message }) + '\n');
    io.stderr(`warehouse-sync: ${message}\n`);
    return exitCodeOf(error);
  }
}

/** The one line (and with --json, the JSON report) for an error that escaped everything else. */
function reportStray(error: unknown, argv: string[]): void {
  const message = oneLine(error);
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({ ok: false, tables: [], error: message }) + '\n');
  process.stderr.write(`warehouse-sync: ${message}\n`);
}

/** Process glue: used by bin/warehouse-sync.js and when the bundle is run directly (Code Engine job). */
export function main(): void {
  const argv = process.argv.slice(2);
  installProcessLastResort((error) => reportStray(error, argv));
  runCli(argv, process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      reportStray(error, argv);
      process.exitCode = exitCodeOf(error);
    },
  );
}

if (require.main === module) main();
