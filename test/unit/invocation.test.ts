/**
 * The invocation sequence every entry point goes through (lib/invocation.ts), without databases:
 * the command is an in-memory stand-in that returns or throws what each test needs, and AWS
 * Secrets Manager is the SDK's client mocked (aws-sdk-client-mock), as in the function tests.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CommandResult } from '../../lib/commands';
import type { SyncConfig } from '../../lib/config';
import { ConnectionError, RunError } from '../../lib/errors';
import { invoke, type Invocation, type Outcome } from '../../lib/invocation';
import { RunLog } from '../../lib/log';
import { forgetCachedSecrets } from '../../lib/secrets';
import type { RunOptions, TableReport } from '../../lib/sync-cycle';
import { runLimits, SAFETY_MARGIN_MS } from '../../lib/time-budget';

const secrets = mockClient(SecretsManagerClient);
const URLS = {
  SYNC_SOURCE_URL: 'mysql://etl:Src-Pw-41@db.internal/sales',
  SYNC_WAREHOUSE_URL: 'postgres://dw@dw.internal/warehouse',
};
const SECRET_ENV = { SYNC_SOURCE_SECRET_ID: 'sync/source', SYNC_WAREHOUSE_SECRET_ID: 'sync/warehouse' };

beforeEach(() => {
  secrets.reset();
  secrets
    .on(GetSecretValueCommand, { SecretId: 'sync/source' })
    .resolves({ SecretString: JSON.stringify({ url: URLS.SYNC_SOURCE_URL }) });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'sync/warehouse' })
    .resolves({ SecretString: JSON.stringify({ url: URLS.SYNC_WAREHOUSE_URL }) });
  forgetCachedSecrets();
});
afterEach(() => jest.restoreAllMocks());

const table = (over: Partial<TableReport> = {}): TableReport => ({
  table: 'sales_data',
  watermarkBefore: 10,
  watermarkAfter: 30,
  newRows: 20,
  inserted: 20,
  repaired: 0,
  batches: 2,
  durationMs: 5,
  rowsPerSecond: 4000,
  more: false,
  dryRun: false,
  skipped: false,
  sourceOnlyColumns: [],
  ...over,
});

/** A run that returns `report`, noting the config and options it was given. */
function runReturning(report: Partial<Extract<CommandResult, { command: 'run' }>['report']> = {}) {
  const calls: Array<{ config: SyncConfig; options: RunOptions }> = [];
  const command = async (config: SyncConfig, options: RunOptions): Promise<CommandResult> => {
    calls.push({ config, options });
    return { command: 'run', report: { ok: true, tables: [table()], exitCode: 0, ...report } };
  };
  return { calls, command };
}

function logLines(): { log: RunLog; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { log: new RunLog({ write: (l) => lines.push(JSON.parse(l)) }), lines };
}

/** The outcome of a command that ran. */
function ran(outcome: Outcome): Extract<Outcome, { result: CommandResult }> {
  if (!outcome.result) throw new Error(`the command did not run: ${outcome.failure.message}`);
  return outcome;
}

const invocation = (over: Partial<Invocation>): Invocation => ({ options: () => ({}), env: URLS, log: null, ...over });

describe('secrets', () => {
  test('read once while runs succeed, read again after a run whose report carries an error', async () => {
    const ok = runReturning();
    await invoke(invocation({ env: SECRET_ENV, command: ok.command }));
    await invoke(invocation({ env: SECRET_ENV, command: ok.command }));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(ok.calls[1].config.source.redacted).toBe('mysql://etl:***@db.internal/sales');

    const failed = runReturning({
      ok: false,
      error: 'loading sales_data failed: Access denied for user etl',
      exitCode: 1,
    });
    const outcome = await invoke(invocation({ env: SECRET_ENV, command: failed.command }));
    expect(outcome.failure).toEqual({ message: 'loading sales_data failed: Access denied for user etl', exitCode: 1 });
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);

    await invoke(invocation({ env: SECRET_ENV, command: ok.command }));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });

  test('forgotten after an error the command throws; kept after a refused config (nothing ran)', async () => {
    const ok = runReturning();
    await invoke(invocation({ env: SECRET_ENV, options: () => ({ batchSize: 0 }), command: ok.command }));
    expect(ok.calls).toHaveLength(0);
    await invoke(invocation({ env: SECRET_ENV, command: ok.command }));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);

    await invoke(
      invocation({
        env: SECRET_ENV,
        command: async () => {
          throw new RunError('source connection lost');
        },
      }),
    );
    await invoke(invocation({ env: SECRET_ENV, command: ok.command }));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });
});

describe('the report', () => {
  test('a run that succeeds: its report without the exit code, passwords removed; no failure', async () => {
    const { command } = runReturning({
      tables: [table({ sourceOnlyColumns: ['note mysql://etl:Src-Pw-41@db.internal'] })],
    });
    const outcome = ran(await invoke(invocation({ command })));
    expect(outcome.failure).toBeUndefined();
    expect(outcome.shown).toEqual({
      ok: true,
      tables: [table({ sourceOnlyColumns: ['note mysql://etl:***@db.internal'] })],
    });
    expect(outcome.result.report.exitCode).toBe(0);
  });

  test(
    'an error thrown by the command: one redacted line, its own exit code, a log line; the ' + 'config stays known',
    async () => {
      const { log, lines } = logLines();
      const thrown = new ConnectionError(
        'warehouse postgres://dw:Dw-Pw-9@dw.internal/warehouse refused:\n  too many connections',
      );
      const outcome = await invoke(
        invocation({
          log,
          command: async () => {
            throw thrown;
          },
        }),
      );
      expect(outcome.result).toBeUndefined();
      expect(outcome.failure).toEqual({
        message: 'warehouse postgres://dw:***@dw.internal/warehouse refused: too many connections',
        exitCode: 2,
      });
      expect(outcome.config?.warehouse.kind).toBe('postgres');
      expect(lines).toEqual([
        {
          level: 'error',
          time: expect.any(String),
          event: 'run-refused',
          error: 'warehouse postgres://dw:***@dw.internal/warehouse refused: too many connections',
        },
      ]);

      const plain = await invoke(
        invocation({
          command: async () => {
            throw new TypeError('x is undefined');
          },
        }),
      );
      expect(plain.failure).toEqual({ message: 'x is undefined', exitCode: 1 });
    },
  );

  test(
    'a report that carries an error: the failure is its line, redacted; the log ends with ' + 'the failed table',
    async () => {
      const { log, lines } = logLines();
      const error = 'table sales_data: mysql://etl:Src-Pw-41@db.internal went away';
      const { command } = runReturning({ ok: false, tables: [table({ error })], error, exitCode: 2 });
      const outcome = ran(await invoke(invocation({ log, command })));
      expect(outcome.failure).toEqual({
        message: 'table sales_data: mysql://etl:***@db.internal went away',
        exitCode: 2,
      });
      expect(outcome.shown).toMatchObject({
        ok: false,
        error: 'table sales_data: mysql://etl:***@db.internal went away',
      });
      expect(lines.map((l) => [l.level, l.event, l.table])).toEqual([['error', 'table-failed', 'sales_data']]);
    },
  );

  test('a refused config: the problems in one line, exit 2, logged by a function, not run', async () => {
    const { log, lines } = logLines();
    const run = runReturning();
    const message =
      '2 configuration problems: --batch-size must be a number from 1 to 100000, got "0"; ' +
      '--late-window must be a number from 0 to 10000000, got "-1"';
    const outcome = await invoke(
      invocation({ log, options: () => ({ batchSize: 0, lateWindow: -1 }), command: run.command }),
    );
    expect(outcome.failure).toEqual({ message, exitCode: 2 });
    expect(outcome.config).toBeUndefined();
    expect(run.calls).toHaveLength(0);
    expect(lines).toEqual([{ level: 'error', time: expect.any(String), event: 'run-refused', error: message }]);
  });

  test("a log opened from the config (the CLI's SYNC_LOG=json) exists only once the config does", async () => {
    const opened: boolean[] = [];
    const log = (config: { logJson: boolean }) => {
      opened.push(config.logJson);
      return null;
    };
    await invoke(invocation({ options: () => ({ batchSize: 0 }), log }));
    expect(opened).toEqual([]);
    await invoke(invocation({ env: { ...URLS, SYNC_LOG: 'json' }, log, command: runReturning().command }));
    expect(opened).toEqual([true]);
  });
});

describe('the deadline leaves the margin', () => {
  const NOW = 1_000_000;

  test('a known end (OpenWhisk): no batch starts in the last 30 s, or the last quarter of a short activation', () => {
    expect(runLimits(NOW, null, { endsAt: NOW + 600_000 })).toEqual({ deadline: NOW + 600_000 - SAFETY_MARGIN_MS });
    expect(runLimits(NOW, null, { endsAt: NOW + 20_000 })).toEqual({ deadline: NOW + 15_000 });
    expect(runLimits(NOW, 10, { endsAt: NOW + 600_000 })).toEqual({ deadline: NOW + 10_000 });
    expect(runLimits(NOW, null, { endsAt: NOW - 5 })).toEqual({ deadline: NOW });
    expect(runLimits(NOW, 2.5)).toEqual({ deadline: NOW + 2_500 });
    expect(runLimits(NOW, null)).toEqual({ deadline: null });
  });

  test("Lambda's clock: asked once for the margin, then before each batch", () => {
    const answers = [20_000, 5_001, 5_000];
    const asked: number[] = [];
    const remainingMs = () => {
      const answer = answers[asked.length];
      asked.push(answer);
      return answer;
    };
    const limits = runLimits(NOW, 60, { remainingMs });
    expect(limits.deadline).toBe(NOW + 60_000);
    expect(asked).toEqual([20_000]);
    expect([limits.outOfTime?.(), limits.outOfTime?.()]).toEqual([false, true]);
  });

  test('the sequence hands the command the limits computed after the config is read', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const { calls, command } = runReturning();
    await invoke(
      invocation({ options: () => ({ maxSeconds: 100 }), platformDeadline: { endsAt: NOW + 60_000 }, command }),
    );
    await invoke(
      invocation({ options: () => ({ maxSeconds: 10 }), platformDeadline: { endsAt: NOW + 60_000 }, command }),
    );
    await invoke(invocation({ command, exitsAfter: true }));
    expect(calls.map((c) => c.options.deadline)).toEqual([NOW + 45_000, NOW + 10_000, null]);
    expect(calls.map((c) => c.options.exitsAfter)).toEqual([undefined, undefined, true]);
  });
});

test(
  "progress: told of each batch through the command's hooks and finished after it, " + 'before the log ends',
  async () => {
    const seen: string[] = [];
    const { log } = logLines();
    jest.spyOn(log, 'end').mockImplementation(() => seen.push('log end'));
    const command = async (_config: SyncConfig, options: RunOptions): Promise<CommandResult> => {
      options.hooks?.progress?.('sales_data', 100, 0.5);
      return { command: 'run', report: { ok: true, tables: [table()], exitCode: 0 } };
    };
    await invoke(
      invocation({
        log,
        command,
        progress: (config) =>
          config.command === 'run'
            ? { update: (t, rows, f) => seen.push(`${t} ${rows} ${f}`), finish: () => seen.push('finish') }
            : null,
      }),
    );
    expect(seen).toEqual(['sales_data 100 0.5', 'finish', 'log end']);
  },
);
