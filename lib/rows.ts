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

/**
 * What decides where a batch is cut: `fits` measures the next row and says whether it still fits
 * in a slice already holding `count` rows; `add` takes the row just measured, into a new slice
 * when `fresh`.
 */
export interface SliceMeter {
  fits(row: Row, count: number): boolean;
  add(fresh: boolean): void;
}

/**
 * Consecutive slices of `rows`, cut before each row the meter refuses; a row that alone is too much
 * is a slice of its own. Rows arrive in key order, so committing slice after slice always leaves a
 * key prefix committed.
 */
export function sliceRows(rows: Row[], meter: SliceMeter): Row[][] {
  const slices: Row[][] = [];
  let start = 0;
  for (let i = 0; i < rows.length; i++) {
    const fits = meter.fits(rows[i], i - start);
    if (i > start && !fits) {
      slices.push(rows.slice(start, i));
      start = i;
    }
    meter.add(i === start);
  }
  if (start < rows.length) slices.push(start === 0 ? rows : rows.slice(start));
  return slices;
}
