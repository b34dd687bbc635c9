/**
 * What a run does after a batch failed: a fault worth retrying (dropped connection, deadlock, lock
 * timeout: Warehouse.isTransient) is retried after a backoff and a reconnect that re-takes the writer
 * lock; anything else, or the last attempt's fault, ends the run with one line.
 */
import { oneLine, RunError, SyncError } from '../errors';
import type { Warehouse } from '../warehouse/warehouse';
import type { TablePlan } from './plan';

/** Attempts at one batch, and at reconnecting, before the run gives up. */
export const MAX_ATTEMPTS = 5;

/** The wait after the `failures`-th failure in a row: 200 ms, doubling, at most 5 s. */
export function backoffMs(failures: number): number {
  return Math.min(5_000, 200 * 2 ** (failures - 1));
}

/** How a retry waits; replaced by tests that do not want to wait. */
export const clock = { sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

/**
 * After attempt `attempt` at a batch failed: rethrows what is not worth retrying (or the last
 * attempt's fault) as one line; otherwise waits its backoff and reconnects, re-taking the lock.
 */
export async function recoverOrThrow(
  plan: TablePlan,
  warehouse: Warehouse,
  error: unknown,
  attempt: number,
): Promise<void> {
  if (error instanceof SyncError || !warehouse.isTransient(error) || attempt >= MAX_ATTEMPTS) {
    throw error instanceof SyncError
      ? error
      : new RunError(
          `loading ${plan.pair.label} into ${plan.warehouse.display} ` +
            `failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${oneLine(error)}`,
        );
  }
  await clock.sleep(backoffMs(attempt));
  await reconnectWithRetry(warehouse, attempt);
}

/** Reconnects after a fault mid-run; giving up is a failure of the run (exit 1), not a refusal. */
async function reconnectWithRetry(warehouse: Warehouse, attempt: number): Promise<void> {
  for (let tries = attempt; ; tries++) {
    try {
      await warehouse.reconnect();
      return;
    } catch (error) {
      if (error instanceof RunError) throw error;
      if (tries >= MAX_ATTEMPTS) {
        throw new RunError(
          `lost the warehouse connection during a batch and could not reconnect after ${tries} ` +
            `attempts: ${oneLine(error)}`,
        );
      }
      await clock.sleep(backoffMs(tries + 1));
    }
  }
}
