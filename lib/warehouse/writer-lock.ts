/** What every warehouse's writer lock does alike after a reconnect. */
import { RunError } from '../errors';

/**
 * Takes each writer lock the lost session held again on the new one, without waiting: `tryLock`
 * says whether it got it. One another run took meanwhile ends this run, since that run may already
 * be loading the same keys.
 */
export async function retakeWriterLocks<T>(held: Iterable<T>, tryLock: (lock: T) => Promise<boolean>): Promise<void> {
  for (const lock of held) {
    if (!(await tryLock(lock))) {
      throw new RunError(
        'another run took the writer lock while this run was reconnecting; stopped so that ' +
          'rows are not written twice',
      );
    }
  }
}
