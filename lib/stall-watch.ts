/**
 * The client's half of bounded waits: a connection that owes a reply and sends nothing for too long
 * is dropped with one line naming the server. A statement the server is still working on and a
 * dead or stalled peer look the same from here (no bytes), which is why the servers also cancel
 * each statement after the timeout (lib/time-budget.ts) and the client waits a little longer: a
 * server that answers at all answers first. TCP keepalive does not replace this: a stalled proxy,
 * pooler or middlebox keeps acknowledging probes while forwarding nothing.
 */
import type { Socket } from 'net';
import { StalledError } from './errors';
import { seconds } from './time-budget';

export class StallWatch {
  private owedSince: number | null = null;
  private lastProgress = Date.now();
  private lastCheck = Date.now();
  private readonly intervalMs: number;
  private readonly timer: NodeJS.Timeout;
  /** True once the watch has dropped the connection. */
  stalled = false;

  /**
   * `owed`: true while the server owes this client something (a reply, or room to write), as
   * opposed to the client itself waiting, e.g. a source paused because the warehouse is full.
   * `describe` names the server for the message: "warehouse PostgreSQL at db.example:5432".
   */
  constructor(
    private readonly socket: Socket,
    private readonly limitMs: number,
    private readonly owed: () => boolean,
    private readonly describe: string,
  ) {
    socket
      .on('data', this.progress)
      .on('drain', this.progress)
      .once('close', () => this.stop());
    this.intervalMs = Math.max(50, Math.min(1_000, limitMs / 8));
    this.timer = setInterval(this.check, this.intervalMs);
    // A watch must never keep a process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.off('data', this.progress).off('drain', this.progress);
  }

  private readonly progress = (): void => {
    this.lastProgress = Date.now();
  };

  private readonly check = (): void => {
    const now = Date.now();
    // A check that comes far later than its interval means this process did not run (SIGSTOP or
    // Ctrl-Z, a suspended VM or container): the silence was its own, and what the server sent
    // meanwhile waits unread in the socket. The server's silence is counted again from now.
    const selfPaused = now - this.lastCheck > 2 * this.intervalMs + 1_000;
    this.lastCheck = now;
    if (!this.owed()) {
      this.owedSince = null;
      return;
    }
    if (selfPaused) this.owedSince = now;
    this.owedSince ??= now;
    if (now - Math.max(this.owedSince, this.lastProgress) < this.limitMs) return;
    this.stalled = true;
    this.stop();
    // Destroying with the error makes the driver reject whatever waits on this connection with it.
    this.socket.destroy(
      new StalledError(
        `the ${this.describe} stopped answering: nothing came back for ` +
          `${seconds(this.limitMs)} s while a reply was due ` +
          `(--timeout / SYNC_TIMEOUT_SECONDS); check that server and the network to it, then run again`,
      ),
    );
  };
}

/**
 * Waits for a connection's goodbye at most `ms`, then drops it: a close must not hang a run that is
 * otherwise done (the goodbye of a stalled connection never comes back).
 */
export async function endWithin(ending: Promise<unknown>, ms: number, drop: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
    timer.unref();
  });
  const outcome = await Promise.race([
    ending.then(
      () => 'ended' as const,
      () => 'ended' as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') drop();
}

/** SQLSTATE / errno of a statement the server cancelled at the timeout this client set. */
const STATEMENT_TIMEOUTS = new Set<string | number>(['57014', 1969, 3024]);

/**
 * Rewords, in place, the error of a statement the server cancelled at our own statement or lock
 * timeout, so that the line says what happened and names the setting; the error keeps its class
 * and codes (a lock timeout stays a fault the load path retries). PostgreSQL's 57014 is also a
 * user's cancel: only its statement-timeout message is reworded.
 */
export function explainStatementTimeout(error: unknown, describe: string, timeoutMs: number): unknown {
  const e = error as { code?: string; errno?: number; message?: string } | null;
  if (!e || typeof e.message !== 'string') return error;
  const cancelled =
    (e.code === '57014' && /statement timeout/.test(e.message)) ||
    (e.errno !== undefined && STATEMENT_TIMEOUTS.has(e.errno));
  if (cancelled) {
    e.message =
      `the ${describe} cancelled a statement that ran longer than the ${seconds(timeoutMs)} s timeout: ` +
      'if statements on tables this large need longer, raise --timeout / SYNC_TIMEOUT_SECONDS';
  } else if (e.code === '55P03' && /lock timeout/.test(e.message)) {
    e.message =
      `the ${describe} gave up waiting for a table lock that another session holds (a schema change, ` +
      `VACUUM FULL or LOCK TABLE still running?) after ` +
      `${seconds(pgLockTimeoutMs(timeoutMs))} s, half of --timeout / SYNC_TIMEOUT_SECONDS`;
  }
  return error;
}

/**
 * PostgreSQL's lock_timeout: shorter than statement_timeout, which would otherwise always fire
 * first, so that a statement stuck behind another session's lock is reported as that.
 */
export function pgLockTimeoutMs(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 2);
}

let abandonedCalls = 0;

/**
 * A driver call given up on while its native thread still waits for a reply (ibm_db runs each call
 * on a libuv worker that blocks in the CLI until the server answers or its ReceiveTimeout ends it).
 * Counted for tests and diagnostics.
 */
export function noteAbandonedCall(): void {
  abandonedCalls++;
}

export function abandonedCallCount(): number {
  return abandonedCalls;
}
