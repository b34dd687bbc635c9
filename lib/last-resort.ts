/**
 * The entry points' last resort: an error nothing handled (a rejection no one awaited, an exception
 * thrown from a callback) ends the invocation with one redacted line and a failure, instead of
 * killing the process, which on a platform loses the result (Lambda: Runtime.ExitError; the
 * OpenWhisk runtime: no activation result) and prints a stack of minified bundle source.
 *
 * No known defect relies on this: each is handled where it happens. This only decides what an
 * unknown one looks like.
 */
import { UnexpectedError } from './errors';

export { UnexpectedError } from './errors';

const EVENTS = ['unhandledRejection', 'uncaughtException'] as const;
type Listener = (...args: unknown[]) => void;

/**
 * Runs `work`; if an error escapes to the process while it runs, the returned promise rejects with
 * an UnexpectedError instead. The platform's own listeners (the Lambda runtime's exit the process)
 * are set aside for that time and put back afterwards.
 */
export async function withLastResort<T>(work: () => Promise<T>): Promise<T> {
  let fail!: (error: unknown) => void;
  const stray = new Promise<never>((_, reject) => (fail = reject));
  const ours: Listener = (reason) => fail(new UnexpectedError(reason));
  const saved = EVENTS.map((event) => {
    const theirs = process.listeners(event as 'uncaughtException') as Listener[];
    process.removeAllListeners(event);
    process.on(event, ours);
    return [event, theirs] as const;
  });
  try {
    return await Promise.race([work(), stray]);
  } finally {
    for (const [event, theirs] of saved) {
      process.removeListener(event, ours);
      for (const listener of theirs) process.on(event, listener);
    }
  }
}

/** For a process that is ours alone (the CLI): a stray error prints one line and sets the exit code. */
export function installProcessLastResort(report: (error: UnexpectedError) => void): void {
  for (const event of EVENTS) {
    process.on(event, (reason: unknown) => {
      const error = new UnexpectedError(reason);
      report(error);
      process.exit(error.exitCode);
    });
  }
}
