/**
 * Apache OpenWhisk action and IBM Code Engine function entry point: `main(params)`.
 *
 * OpenWhisk hands an action its default parameters merged with the invocation's: for an alarm
 * rule, the trigger's `trigger_payload` (the options, e.g. {"tables": ["sales_data"]}). The
 * platform's own keys are dropped before the options are read: `__ow_*` (web actions), `__ce_*`
 * (Code Engine's HTTP request) and the alarm feed's parameters, which reach the action when
 * they were bound to the trigger. Everything else must be an option; unknown keys are refused.
 *
 * Returns the report as a plain object, or {error: "one line"} on failure, which OpenWhisk
 * records as a failed activation (and composer's retry/try act on). A Code Engine function must
 * answer with an HTTP response, so there the same body is wrapped in {statusCode, headers, body};
 * and since its URL may be public, a request there cannot set the connection URLs.
 *
 * The Node.js runtime loads a zipped action with `require(dir).main` and a single-file action by
 * evaluating it and taking `module.exports.main`: this module's CommonJS bundle exports `main`.
 */
import { optionsFromJson, platformFromEnv, processEnv, type SyncOptions } from '../lib/config';
import { ConfigError } from '../lib/errors';
import type { Failure } from '../lib/errors';
import { invoke } from '../lib/invocation';
import { RunLog } from '../lib/log';
import { runLimits, type PlatformDeadline } from '../lib/time-budget';

type Params = Record<string, unknown>;

/** Platform-injected parameter names: web action and Code Engine request fields. */
const PLATFORM_PREFIX = /^__(ow|ce)_/;
/** The /whisk.system/alarms feeds' parameters (alarm, interval, once) and feed lifecycle fields. */
export const ALARM_FEED_KEYS = [
  'cron',
  'trigger_payload',
  'timezone',
  'startDate',
  'stopDate',
  'strict',
  'minutes',
  'date',
  'deleteAfterFire',
  'maxTriggers',
  'lifecycleEvent',
  'triggerName',
  'authKey',
];

/**
 * Epoch ms after which no batch starts: the activation's deadline (`__OW_DEADLINE`) minus the
 * margin, and --max-seconds if sooner.
 */
export function activationDeadline(
  now: number,
  owDeadline: string | undefined,
  maxSeconds: number | null,
): number | null {
  return runLimits(now, maxSeconds, platformDeadline({ __OW_DEADLINE: owDeadline })).deadline;
}

export async function main(params: Params = {}): Promise<Params> {
  const codeEngine = typeof params.__ce_method === 'string';
  const env = processEnv();
  const { activationId } = platformFromEnv(env);
  const outcome = await invoke({
    options: () => optionsFromParams(params, codeEngine),
    env,
    log: new RunLog({ fields: activationId ? { activationId } : {} }),
    platformDeadline: platformDeadline(env),
    lastResort: true,
  });
  if (outcome.failure) return failure(outcome.failure, codeEngine);
  return codeEngine ? httpResponse(200, outcome.shown) : outcome.shown;
}

function platformDeadline(env: NodeJS.ProcessEnv): PlatformDeadline | undefined {
  const endsAt = platformFromEnv(env).activationDeadline;
  return endsAt === undefined ? undefined : { endsAt };
}

function optionsFromParams(params: Params, codeEngine: boolean): SyncOptions {
  const options = optionsFromJson(Object.fromEntries(Object.entries(params).filter(([k]) => !isPlatformKey(k))));
  if (codeEngine && (options.source !== undefined || options.warehouse !== undefined)) {
    // A function's URL can be public: a request must not point it at other hosts.
    throw new ConfigError([
      '"source" and "warehouse" cannot be set by a request; give the function ' +
        'SYNC_SOURCE_URL and SYNC_WAREHOUSE_URL (--env-from-secret)',
    ]);
  }
  return options;
}

function isPlatformKey(key: string): boolean {
  return PLATFORM_PREFIX.test(key) || ALARM_FEED_KEYS.includes(key);
}

function failure({ message, exitCode }: Failure, codeEngine: boolean): Params {
  // 400: refused before writing (fix the input or config); 500: failed during the run.
  return codeEngine ? httpResponse(exitCode === 2 ? 400 : 500, { error: message }) : { error: message };
}

function httpResponse(statusCode: number, body: object): Params {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body };
}
