/**
 * AWS Lambda entry point. Translates what invoked it into options and returns the same report as
 * `warehouse-sync --json`:
 *   - an EventBridge Scheduler schedule: the event is the schedule's input, i.e. the options;
 *   - an EventBridge scheduled rule: {"detail-type": "Scheduled Event", "detail": {…options}}
 *     (a rule with a constant input delivers that input, i.e. the options, like the Scheduler);
 *   - a console test event or an `aws lambda invoke` payload: the options.
 * Unknown keys are refused, so a typo in a schedule's input fails loudly instead of syncing the
 * default table. `{}` (or no payload) runs with the function's environment alone.
 *
 * Failures throw. Lambda then marks the invocation failed: the Errors metric and alarms see it,
 * asynchronous invocations (the schedule's) are retried as serverless.yml configures, and
 * `aws lambda invoke` prints the message. errorType says which kind it was: `SyncRefused` (exit 2:
 * input, config, secret, unreachable database, schema; nothing was written, fix and rerun) or
 * `SyncFailed` (exit 1: failed mid-run; committed batches stay, a rerun continues). Returning
 * {ok:false} instead would look like success to Lambda and hide the failure from every alarm.
 * The message is the report's one line, passwords removed.
 */
import type { PublicReport } from '../lib/commands';
import { optionsFromJson, processEnv, type SyncOptions } from '../lib/config';
import { ConfigError, invocationError } from '../lib/errors';
import { invoke } from '../lib/invocation';
import { RunLog } from '../lib/log';

export { SAFETY_MARGIN_MS, safetyMargin } from '../lib/time-budget';

/** The part of Lambda's context object this handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId?: string;
}

export type FunctionReport = PublicReport;

/** Keys of the EventBridge envelope around a scheduled rule's `detail`. */
const ENVELOPE_KEYS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

/** The options inside whatever invoked the function. Throws ConfigError naming the problem. */
export function optionsFromEvent(event: unknown): SyncOptions {
  if (event === null || event === undefined) return {};
  if (!isObject(event))
    throw new ConfigError([
      `the event must be a JSON object of options, e.g. {"tables": ["sales_data"]}, got ` + `${describe(event)}`,
    ]);
  if (typeof event['detail-type'] !== 'string') return optionsFromJson(event);

  const stray = Object.keys(event).filter((k) => !ENVELOPE_KEYS.includes(k));
  if (stray.length) {
    throw new ConfigError([
      `an EventBridge event carries its options in "detail"; move ` + `${stray.map((k) => `"${k}"`).join(', ')} there`,
    ]);
  }
  const detail = event.detail;
  if (detail === undefined || detail === null) return {};
  if (!isObject(detail))
    throw new ConfigError([`the event's "detail" must be a JSON object of options, got ${describe(detail)}`]);
  return optionsFromJson(detail);
}

export const handler = async (event: unknown, context: LambdaContext): Promise<FunctionReport> => {
  const outcome = await invoke({
    options: () => optionsFromEvent(event),
    env: processEnv(),
    log: new RunLog({ metrics: true, fields: context.awsRequestId ? { requestId: context.awsRequestId } : {} }),
    // Lambda's own clock decides, asked before each batch; --max-seconds can only shorten the run.
    platformDeadline: { remainingMs: () => context.getRemainingTimeInMillis() },
    lastResort: true,
  });
  if (outcome.failure) throw invocationError(outcome.failure.message, outcome.failure.exitCode);
  return outcome.shown;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : typeof value;
}
