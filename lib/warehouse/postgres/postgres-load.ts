/**
 * COPY … FROM STDIN for PostgreSQL: rows → COPY text format (tab-separated, `\N` for NULL,
 * backslash escapes) written straight into chunks, and the query that streams chunks to the server.
 */
import type { Connection } from 'pg';
import { COPY_CHUNK_BYTES, type ChunkSink, type Row } from '../../rows';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A CopyData message's header: type byte 'd' and a 4-byte length that counts itself. */
const COPY_DATA_HEADER = 5;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);
/** Longest COPY text of a JS number (`-1.7976931348623157e+308` is 24) plus its separator, rounded up. */
const MAX_NUMBER_BYTES = 32;

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const MINUS = 0x2d;

/**
 * COPY text (NULL as `\N`, numbers in digits, text escaped, bytea as `\\x` hex) written straight
 * into buffers of about `chunkBytes` (COPY data messages need not end at row boundaries). No
 * per-row strings, no rope of a whole batch to flatten and re-encode: integers are written digit by
 * digit, short ASCII text byte by byte, anything else through Buffer's own UTF-8 writer.
 */
export function* copyTextChunks(rows: Row[], chunkBytes = COPY_CHUNK_BYTES): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(chunkBytes);
  let pos = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const last = row.length - 1;
    // Room for every number and NULL of the row with their separators; text and binary check their own.
    const fixed = row.length * MAX_NUMBER_BYTES;
    if (pos + fixed > buf.length) {
      yield buf.subarray(0, pos);
      buf = Buffer.allocUnsafe(Math.max(chunkBytes, fixed));
      pos = 0;
    }
    for (let c = 0; c <= last; c++) {
      const value = row[c];
      if (typeof value === 'number') {
        pos = Number.isSafeInteger(value)
          ? writeInteger(buf, pos, value)
          : pos + buf.write(String(value), pos, 'latin1');
      } else if (value === null) {
        buf[pos++] = BACKSLASH;
        buf[pos++] = 0x4e; // N
      } else {
        // Worst case: 3 UTF-8 bytes per UTF-16 unit, doubled by escapes; hex doubles bytes. Plus the rest of the row.
        const need = (typeof value === 'string' ? value.length * 6 : value.length * 2 + 3) + fixed;
        if (pos + need > buf.length) {
          yield buf.subarray(0, pos);
          buf = Buffer.allocUnsafe(Math.max(chunkBytes, need));
          pos = 0;
        }
        if (typeof value === 'string') {
          pos = writeText(buf, pos, value);
        } else {
          // bytea hex input `\x…`; the backslash itself is escaped in COPY text.
          buf[pos++] = BACKSLASH;
          buf[pos++] = BACKSLASH;
          buf[pos++] = 0x78; // x
          pos += buf.write(value.toString('hex'), pos, 'latin1');
        }
      }
      buf[pos++] = c === last ? NEWLINE : TAB;
    }
    if (pos >= chunkBytes) {
      yield buf.subarray(0, pos);
      buf = Buffer.allocUnsafe(chunkBytes);
      pos = 0;
    }
  }
  if (pos > 0) yield buf.subarray(0, pos);
}

function writeInteger(buf: Buffer, pos: number, value: number): number {
  if (value < 0) {
    buf[pos++] = MINUS;
    value = -value;
  }
  if (value < 10) {
    buf[pos] = ZERO + value;
    return pos + 1;
  }
  if (value > 0x7fffffff) {
    // Beyond 31 bits `| 0` would wrap: the engine's own conversion is exact for every safe integer.
    return pos + buf.write(String(value), pos, 'latin1');
  }
  const end = pos + digitCount(value);
  for (let i = end - 1; i >= pos; i--) {
    const q = (value / 10) | 0;
    buf[i] = ZERO + value - q * 10;
    value = q;
  }
  return end;
}

function digitCount(value: number): number {
  if (value < 100_000) return value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4 : 5;
  return value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
}

/** Short ASCII without COPY's special characters goes byte by byte; the rest is escaped and UTF-8 encoded by Buffer. */
function writeText(buf: Buffer, pos: number, text: string): number {
  const start = pos;
  const n = text.length;
  if (n > 64) return start + buf.write(escapeText(text), start, 'utf8');
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || code === BACKSLASH || code === TAB || code === NEWLINE || code === 0x0d) {
      return start + buf.write(escapeText(text), start, 'utf8');
    }
    buf[pos++] = code;
  }
  return pos;
}

/**
 * `COPY … FROM STDIN` as a query that pg's Client runs in its queue like any other (a
 * "submittable", the extension point pg-copy-streams uses too), fed by whoever produces the COPY
 * text: `write()` chunks, then `end()`, or `fail()` to abort. The data is pipelined: CopyData
 * messages follow the Query message at once instead of after the server's CopyInResponse, so the
 * server never waits a round trip before its first row. The protocol allows it: a server whose
 * COPY failed (or never started) drops the CopyData and CopyDone it receives afterwards.
 *
 * Until pg's queue reaches this query, chunks wait here; `write()` returns false whenever the
 * producer should pause (not yet sent, or the socket's buffer is full) and `onDrain` says when to
 * go on. Each chunk goes out as one CopyData message (header and body in one corked write).
 *
 * `done` settles once the server has answered the whole query (for `BEGIN; COPY …; COMMIT`, after
 * the commit) with the COPY's row count, or at the first error, after which nothing more is sent.
 */
export class CopyIn {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rowCount = 0;
  private failure: Error | null = null;
  private socket: Connection['stream'] | null = null;
  private waiting: Array<[Buffer, ((chunk: Buffer) => void) | undefined]> = [];
  private ended = false;
  private drainListener: (() => void) | null = null;
  private awaitingDrain = false;

  constructor(private readonly text: string) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => undefined); // the caller awaits it; an early failure must not count as unhandled
  }

  /** Queues one chunk of COPY text (whole rows or not); false = pause until `onDrain` fires. */
  write(chunk: Buffer, release?: (chunk: Buffer) => void): boolean {
    if (this.failure !== null || this.ended) return true; // the server drops it anyway: let the producer finish quickly
    if (this.socket === null) {
      this.waiting.push([chunk, release]);
      return false;
    }
    return this.send(chunk, release);
  }

  /**
   * True while the server is what this COPY waits for: its rows are all sent (or it was aborted)
   * and the reply is due, or the socket will not take more. Not while the producer (the source)
   * has nothing to write: a slow source is not a stalled warehouse.
   */
  waitingOnServer(): boolean {
    return this.ended || this.awaitingDrain;
  }

  /** Called once, the next time a paused producer may write again. */
  onDrain(listener: () => void): void {
    this.drainListener = listener;
    if (this.socket !== null && !this.socket.writableNeedDrain) this.drained();
  }

  /** No more rows: the server finishes the COPY and runs the rest of the query. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.socket !== null && this.failure === null) this.socket.write(COPY_DONE);
  }

  /** Aborts the COPY (and so its transaction); `done` rejects with this error. */
  fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.waiting = [];
    if (this.socket !== null && !this.ended) this.socket.write(copyFail(error.message));
    this.ended = true;
  }

  submit(connection: Connection): void {
    connection.query(this.text);
    const socket = connection.stream;
    this.socket = socket;
    if (this.failure !== null) {
      socket.write(copyFail(this.failure.message));
      return;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const [chunk, release] of waiting) this.send(chunk, release);
    if (this.ended) socket.write(COPY_DONE);
    if (this.drainListener !== null) this.onDrain(this.drainListener);
  }

  private send(chunk: Buffer, release: ((chunk: Buffer) => void) | undefined): boolean {
    const socket = this.socket!;
    const header = Buffer.allocUnsafe(COPY_DATA_HEADER);
    header[0] = 0x64; // 'd'
    header.writeUInt32BE(chunk.length + 4, 1);
    socket.cork();
    socket.write(header);
    const ok = socket.write(chunk, release && (() => release(chunk)));
    socket.uncork();
    if (!ok && !this.awaitingDrain) {
      this.awaitingDrain = true;
      socket.once('drain', this.drained);
    }
    return ok;
  }

  private readonly drained = (): void => {
    this.awaitingDrain = false;
    const listener = this.drainListener;
    this.drainListener = null;
    listener?.();
  };

  // Called by pg's Client as the server answers.
  handleCommandComplete(message: { text?: string }): void {
    const copied = /^COPY (\d+)/.exec(message.text ?? '');
    if (copied) this.rowCount = Number(copied[1]);
  }

  handleError(error: Error): void {
    this.callback();
    const reported = this.failure ?? error;
    this.failure = reported;
    this.ended = true;
    this.drained(); // a paused producer must not wait for a drain that may never come
    this.reject(reported);
  }

  handleReadyForQuery(): void {
    this.callback();
    if (this.failure === null) this.resolve(this.rowCount);
  }

  /** The data is already on its way. */
  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  /** pg replaces this to clear its query_timeout timer. */
  callback(): void {}
}

/** Writes rows already in memory as COPY text, chunk by chunk, pausing while the sink is full. */
export function writeRows(sink: ChunkSink, rows: Row[]): Promise<void> {
  const chunks = copyTextChunks(rows);
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      try {
        for (let next = chunks.next(); !next.done; next = chunks.next()) {
          if (!sink.write(next.value)) {
            sink.onDrain(pump);
            return;
          }
        }
        resolve();
      } catch (error) {
        reject(error);
      }
    };
    pump();
  });
}

function copyFail(reason: string): Buffer {
  const text = Buffer.from(reason.replace(/\0/g, ' ') + '\0', 'utf8');
  const message = Buffer.allocUnsafe(5 + text.length);
  message[0] = 0x66; // 'f'
  message.writeUInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}
