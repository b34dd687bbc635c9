import type { ConnectionTarget } from './connection-url';

/**
 * Time kept back from a platform's deadline (Lambda's remaining time, OpenWhisk's __OW_DEADLINE).
 * The cycle asks before each batch whether time is up, so after the last "no" one batch can still
 * be in flight (its page read, its insert and commit), then both connections close and the report
 * is returned. 30 s is many times what one batch of the default size takes (docs/performance.md),
 * leaving room for a slow network and a slow warehouse; a quarter of the time left at the start
 * caps it for short timeouts (a console test with the default 3 s timeout still gets to try). A
 * batch that overruns anyway is killed with the invocation and rolled back by the warehouse:
 * nothing is lost or doubled, the next run repeats it.
 */
export const SAFETY_MARGIN_MS = 30_000;

export function safetyMargin(remainingMs: number): number {
  return Math.min(SAFETY_MARGIN_MS, remainingMs / 4);
}

/** When the platform ends an invocation: at a known time (OpenWhisk), or ask its clock (AWS Lambda). */
export type PlatformDeadline = { endsAt: number } | { remainingMs: () => number };

/** When a run stops starting batches (see RunOptions in lib/sync-cycle.ts). */
export interface RunLimits {
  /** Epoch ms after which no batch starts; null = none. */
  deadline: number | null;
  /** Asked before each batch when the platform's own clock decides. */
  outOfTime?: () => boolean;
}

/**
 * A run's limits at `now`: --max-seconds [SYNC_MAX_SECONDS] from now, and the platform's end less
 * the safety margin, whichever comes first. Lambda's clock is asked once here (which sets the
 * margin) and then before each batch, since it, not this process's, decides when the invocation ends.
 */
export function runLimits(now: number, maxSeconds: number | null, platform?: PlatformDeadline): RunLimits {
  const limit = maxSeconds === null ? null : now + maxSeconds * 1000;
  if (platform === undefined) return { deadline: limit };
  if ('remainingMs' in platform) {
    const margin = safetyMargin(platform.remainingMs());
    return { deadline: limit, outOfTime: () => platform.remainingMs() <= margin };
  }
  const remaining = Math.max(0, platform.endsAt - now);
  const end = now + remaining - safetyMargin(remaining);
  return { deadline: limit === null ? end : Math.min(end, limit) };
}

/**
 * Bounded waits. One number, --timeout [SYNC_TIMEOUT_SECONDS], bounds every wait on a database:
 * connecting, each statement (the server cancels it: statement_timeout, max_statement_time), a lock
 * wait inside the database, and a connection that owes a reply but sends nothing (the client drops
 * it, lib/stall-watch.ts). So a stall ends a run within about one timeout, with one line naming the
 * server that stalled, instead of hanging until the platform kills it.
 */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** A connection target that also says how long to wait on it (attached by resolveConfig). */
export interface TimedTarget extends ConnectionTarget {
  timeoutMs?: number;
}

export function withTimeout<T extends ConnectionTarget>(target: T, seconds: number): T & TimedTarget {
  return { ...target, timeoutMs: seconds * 1000 };
}

export function timeoutOf(target: ConnectionTarget): number {
  return (target as TimedTarget).timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000;
}

/**
 * How long the client waits on a silent connection before calling it stalled: past the server's
 * own statement timeout, so that a statement the server cancels reports the server's message.
 */
export function stallLimitMs(timeoutMs: number): number {
  return timeoutMs + Math.min(timeoutMs, 5_000);
}

/**
 * A session holding a writer lock that has been idle, or on one statement, for longer than this
 * is not a live run: a run's statements end within the timeout (the server cancels them), and its
 * session is idle only while the source answers one statement (also bounded) or during a retry's
 * backoff (at most 5 s). The servers end such sessions themselves after this long
 * (idle_session_timeout, wait_timeout), but not one stuck in COPY waiting for a vanished client.
 */
export function stalledHolderMs(timeoutMs: number): number {
  return 2 * timeoutMs + 5_000;
}

/** Seconds for messages: "1", "2.5". */
export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
