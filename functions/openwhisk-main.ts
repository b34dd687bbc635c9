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
import { optionsFromJson, resolveConfig, type SyncConfig } from '../lib/config';
import { ConfigError, exitCodeOf, oneLine } from '../lib/errors';
import { withLastResort } from '../lib/last-resort';
import { redactDeep } from '../lib/redact';
import { RunLog } from '../lib/log';
import { envWithSecrets, forgetCachedSecrets } from '../lib/secrets';
import { publicReport, runCommand } from '../lib/commands';
import { safetyMargin } from '../lib/time-budget';

type Params = Record<string, unknown>;

/** Platform-injected parameter names: web action and Code Engine request fields. */
const PLATFORM_PREFIX = /^__(ow|ce)_/;
/** The /whisk.system/alarms feeds' parameters (alarm, interval, once) and feed lifecycle fields. */
export const ALARM_FEED_KEYS = [
  'cron', 'trigger_payload', 'timezone', 'startDate', 'stopDate', 'strict', 'minutes', 'date', 'deleteAfterFire',
  'maxTriggers', 'lifecycleEvent', 'triggerName', 'authKey',
];

/** Epoch ms after which no batch starts: the activation's deadline (`__OW_DEADLINE`) minus the margin, and --max-seconds if sooner. */
export function activationDeadline(now: number, owDeadline: string | undefined, maxSeconds: number | null): number | null {
  const limit = maxSeconds === null ? null : now + maxSeconds * 1000;
  const end = Number(owDeadline);
  if (!owDeadline || !Number.isFinite(end)) return limit;
  const remaining = Math.max(0, end - now);
  const platform = now + remaining - safetyMargin(remaining);
  return limit === null ? platform : Math.min(platform, limit);
}

export async function main(params: Params = {}): Promise<Params> {
  const codeEngine = typeof params.__ce_method === 'string';
  const activation = process.env.__OW_ACTIVATION_ID;
  const log = new RunLog({ fields: activation ? { activationId: activation } : {} });
  try {
    return redactDeep(await withLastResort(() => activate(params, codeEngine, log)));
  } catch (error) {
    // Anything unexpected: a failed activation with one line, never a dead action process (no result at all).
    log.failure(error);
    forgetCachedSecrets();
    return failure(oneLine(error), exitCodeOf(error), codeEngine);
  }
}

async function activate(params: Params, codeEngine: boolean, log: RunLog): Promise<Params> {
  let config: SyncConfig;
  try {
    const options = optionsFromJson(Object.fromEntries(Object.entries(params).filter(([k]) => !isPlatformKey(k))));
    if (codeEngine && (options.source !== undefined || options.warehouse !== undefined)) {
      // A function's URL can be public: a request must not point it at other hosts.
      throw new ConfigError(['"source" and "warehouse" cannot be set by a request; give the function SYNC_SOURCE_URL and SYNC_WAREHOUSE_URL (--env-from-secret)']);
    }
    config = resolveConfig(options, await envWithSecrets(process.env));
  } catch (error) {
    log.failure(error);
    return failure(oneLine(error), exitCodeOf(error), codeEngine);
  }

  const deadline = activationDeadline(Date.now(), process.env.__OW_DEADLINE, config.maxSeconds);
  const report = await runCommand(config, { deadline, hooks: log.hooks });
  log.end(report, config.command);

  if (report.error !== undefined) {
    forgetCachedSecrets();
    return failure(report.error, report.exitCode, codeEngine);
  }
  const shown = publicReport(report);
  return codeEngine ? httpResponse(200, shown) : shown;
}

function isPlatformKey(key: string): boolean {
  return PLATFORM_PREFIX.test(key) || ALARM_FEED_KEYS.includes(key);
}

function failure(message: string, exitCode: number, codeEngine: boolean): Params {
  const error = redactDeep(message);
  // 400: refused before writing (fix the input or config); 500: failed during the run.
  return codeEngine ? httpResponse(exitCode === 2 ? 400 : 500, { error }) : { error };
}

function httpResponse(statusCode: number, body: object): Params {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body };
}
