import { redact } from './redact';

/**
 * The product's error vocabulary. Every error a user can meet is one of these, with a message
 * that names what to fix. `exitCode`: 2 = refused before writing anything, 1 = failed during the
 * run. A driver's own answer (Db2Error) is classified where it is caught: the cycle retries a
 * transient one or ends the run with a RunError; one that escapes unclassified is a failure (1).
 */
export abstract class SyncError extends Error {
  abstract readonly exitCode: 1 | 2;
  // Each class spells its name: a bundle's minifier renames classes, and platforms show error.name.
  abstract override readonly name: string;
}

/** Bad flags, env vars or function input. Carries every problem found, not only the first. */
export class ConfigError extends SyncError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} configuration problems: ${problems.join('; ')}`);
  }
}

/** A database could not be reached, or refused our credentials. */
export class ConnectionError extends SyncError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'ConnectionError';
}

/** A table, key or column is missing, or the warehouse cannot hold what the source has. */
export class SchemaError extends SyncError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'SchemaError';
}

/** A native driver the chosen warehouse needs is not installed. */
export class DriverMissingError extends SyncError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'DriverMissingError';
}

/** Something failed after writing may have begun; whole batches already committed stay. */
export class RunError extends SyncError {
  readonly exitCode = 1 as const;
  override readonly name: string = 'RunError';
}

/** A value the warehouse cannot hold (e.g. a MySQL zero date); names the row's key. */
export class ValueError extends RunError {
  override readonly name: string = 'ValueError';
}

/** A database stopped answering mid-run (lib/stall-watch.ts); whole batches already committed stay. */
export class StalledError extends RunError {
  override readonly name: string = 'StalledError';
}

/**
 * An error that escaped everything else (lib/last-resort.ts): its own class's exit code when it is
 * one of ours, else a failed run, since nothing is known about what was written.
 */
export class UnexpectedError extends SyncError {
  readonly exitCode: 1 | 2;
  override readonly name: string = 'UnexpectedError';
  constructor(reason: unknown) {
    const text = reason instanceof Error ? reason.message : String(reason);
    super(`unexpected error: ${text}`);
    this.exitCode = reason instanceof SyncError ? reason.exitCode : 1;
  }
}

/**
 * How an invocation that did not succeed is reported to a platform that types its failures (AWS
 * Lambda's errorType is the thrown error's name): refused before writing anything (exit 2: fix
 * the input or config and rerun) or failed during the run (exit 1: committed batches stay, a
 * rerun continues). The message is the report's one line, passwords removed.
 */
export class SyncRefused extends SyncError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'SyncRefused';
  constructor(message: string) {
    super(redact(message));
  }
}

export class SyncFailed extends SyncError {
  readonly exitCode = 1 as const;
  override readonly name: string = 'SyncFailed';
  constructor(message: string) {
    super(redact(message));
  }
}

/** The SyncRefused or SyncFailed for a failure's one line and exit code. */
export function invocationError(message: string, exitCode: 1 | 2): SyncRefused | SyncFailed {
  return exitCode === 2 ? new SyncRefused(message) : new SyncFailed(message);
}

/**
 * What the DB2 driver (ibm_db) answered, as one clean line, with the SQLSTATE and SQLCODE that
 * callers branch on (toDb2Error in lib/dialect/db2/db2-connection.ts makes them).
 */
export class Db2Error extends Error {
  override readonly name: string = 'Db2Error';
  constructor(
    message: string,
    readonly sqlstate: string,
    readonly sqlcode: number,
  ) {
    super(message);
  }
}

export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof SyncError ? error.exitCode : 1;
}

/** Why an invocation did not succeed: one line, passwords removed, and the exit code it means. */
export interface Failure {
  message: string;
  exitCode: 1 | 2;
}

/** An error as a Failure: its one line and its exit code. */
export function failureOf(error: unknown): Failure {
  return { message: oneLine(error), exitCode: exitCodeOf(error) };
}

/** The report of a command that failed before it had a table to report, in every command's shape. */
export function failedReport({ message, exitCode }: Failure): {
  ok: false;
  tables: never[];
  error: string;
  exitCode: 1 | 2;
} {
  return { ok: false, tables: [], error: message, exitCode };
}

/** One line, whatever the error: multi-line driver messages are folded, passwords removed (lib/redact.ts). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text.replace(/\s*\n\s*/g, ' ').trim());
}
