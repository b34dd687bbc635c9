/** Rows as they cross from the source to a warehouse, as values or as a stream of COPY text chunks. */

/**
 * One value as it crosses from source to warehouse, losslessly: exact text for DECIMAL, BIGINT and
 * temporal types (temporal in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]`), JS numbers only where they are
 * exact (integers up to 32 bits, floats), Buffers for binary, null for NULL.
 */
export type Value = string | number | Buffer | null;
export type Row = Value[];

/** Where a producer of bytes writes: false from `write` = pause until `onDrain` calls back. */
export interface ChunkSink {
  /**
   * `release`, when given, is called once the chunk's bytes have been handed on (to the socket), so
   * that the producer may reuse its buffer; never for a chunk that is dropped.
   */
  write(chunk: Buffer, release?: (chunk: Buffer) => void): boolean;
  onDrain(listener: () => void): void;
}

/**
 * Bytes per chunk a producer writes into a ChunkSink (one CopyData message each for PostgreSQL):
 * large enough to amortise a write, small enough that the server starts early.
 */
export const COPY_CHUNK_BYTES = 64 * 1024;
