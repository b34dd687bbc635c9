import { redact } from './redact';

/**
 * The product's error vocabulary. Every error a user can meet is one of these, with a message
 * that names what to fix. `exitCode` follows DESIGN.md: 2 = refused before writing anything,
 * 1 = failed during the run.
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

export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof SyncError ? error.exitCode : 1;
}

/** One line, whatever the error: multi-line driver messages are folded, passwords removed (lib/redact.ts). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text.replace(/\s*\n\s*/g, ' ').trim());
}
