/**
 * MySQL text-protocol rows → PostgreSQL COPY text, byte to byte, without a JavaScript value per
 * field. A result row is a run of length-prefixed fields, each already the exact text MySQL
 * renders (digits, `2024-01-02 03:04:05.123456` in the UTC session, utf8mb4 text); COPY text wants
 * the same text tab-separated, with `\N` for NULL, four characters escaped and bytea as `\\x` hex.
 * So numbers and temporal values are copied as they are, text is copied with its escapes, binary
 * columns are re-encoded, and floats (read as the exact double, see mysql-source.ts selectList) are
 * written as their shortest round-trip text (lib/float-text.ts).
 *
 * Values PostgreSQL cannot hold are refused here with the row's key and column, as a last net:
 * the run's preflight looks for them first (lib/value-checks.ts). COPY text cannot carry U+0000,
 * and PostgreSQL's time holds 00:00:00 to 24:00:00 only.
 */
import type { Column } from '../../columns';
import { ValueError } from '../../errors';
import { float32Text, float64Text } from '../../float-text';
import { isZeroDate, rowValueMessage, zeroDate } from '../../value-checks';
import { COPY_CHUNK_BYTES } from '../../rows';

/** How one column's bytes become COPY text. */
export const enum FieldMode {
  /** Digits, signs, dots, dashes, colons and spaces only: copied as they are. */
  Verbatim = 0,
  /** Like Verbatim, after refusing MySQL's zero dates, which no warehouse can hold. */
  Temporal = 1,
  /** Any bytes: `\`, tab, newline and carriage return escaped. */
  Text = 2,
  /** Raw bytes: bytea hex input, `\\x…`. */
  Binary = 3,
  /** A FLOAT column read as the exact double: its 4-byte float's shortest text. */
  Float32 = 4,
  /** A DOUBLE column read as the exact double: its shortest text. */
  Float64 = 5,
  /** MySQL TIME: copied as it is once it is within 00:00:00..24:00:00. */
  Time = 6,
}

export function fieldModes(columns: Column[]): Uint8Array {
  return Uint8Array.from(columns, (c) => {
    switch (c.type.kind) {
      case 'integer':
      case 'decimal':
      case 'boolean':
        return FieldMode.Verbatim;
      case 'float':
        return c.type.bits === 32 ? FieldMode.Float32 : FieldMode.Float64;
      case 'time':
        return FieldMode.Time;
      case 'date':
      case 'timestamp':
        return FieldMode.Temporal;
      case 'binary':
        return FieldMode.Binary;
      default:
        return FieldMode.Text;
    }
  });
}

const NULL_FIELD = 0xfb;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NUL = 0x00;
const MINUS = 0x2d;
const COLON = 0x3a;

/**
 * Chunks whose bytes have reached the socket come back here to be filled again: a load writes its
 * whole size through 64 KiB buffers, and fresh ones left for the garbage collector raised the peak
 * RSS with the size of the load.
 */
const freeChunks: Buffer[] = [];
const MAX_FREE_CHUNKS = 16;

export function releaseChunk(chunk: Buffer): void {
  if (freeChunks.length < MAX_FREE_CHUNKS && chunk.byteOffset === 0 && chunk.buffer.byteLength === COPY_CHUNK_BYTES) {
    freeChunks.push(Buffer.from(chunk.buffer, 0, COPY_CHUNK_BYTES));
  }
}

const newChunkBuffer = () => freeChunks.pop() ?? Buffer.allocUnsafe(COPY_CHUNK_BYTES);

/**
 * Encodes rows as they arrive and hands out chunks of about COPY_CHUNK_BYTES. Keeps no row: only a
 * reference to the last one, whose key is where the next keyset page starts.
 */
export class CopyTextEncoder {
  rows = 0;
  private buf = newChunkBuffer();
  private pos = 0;
  private lastRow: Buffer | null = null;
  private lastStart = 0;
  private lastEnd = 0;
  /** A float's text is at most 24 characters (`-1.2345678901234567e-308`). */
  private readonly floatSlack: number;

  constructor(
    private readonly columns: Column[],
    private readonly modes: Uint8Array,
    private readonly keyIndex: number,
    private readonly emit: (chunk: Buffer) => void,
  ) {
    this.floatSlack = 24 * modes.filter((m) => m === FieldMode.Float32 || m === FieldMode.Float64).length;
  }

  /** One row packet's payload, `src[start..end)`. Throws a ValueError for a value no warehouse can hold. */
  row(src: Buffer, start: number, end: number): void {
    const modes = this.modes;
    const n = modes.length;
    // Worst case: every byte escaped or hex-encoded (2×), plus the `\\x` prefix and a separator per
    // field, and floats whose text is longer than MySQL's (`1e20` → `100000000000000000000`).
    const need = 2 * (end - start) + 4 * n + this.floatSlack + 8;
    if (this.pos + need > this.buf.length) this.newChunk(need);
    const out = this.buf;
    let o = this.pos;
    let p = start;
    for (let c = 0; c < n; c++) {
      if (c > 0) out[o++] = TAB;
      // A length below 251 is its one byte, read here: most fields are that short.
      let len = src[p];
      if (len < NULL_FIELD) p++;
      else {
        len = fieldLength(src, p);
        p = fieldStart;
      }
      if (len < 0) {
        out[o++] = BACKSLASH;
        out[o++] = 0x4e; // N
        continue;
      }
      const fieldEnd = p + len;
      const mode = modes[c];
      if (mode === FieldMode.Text) {
        while (p < fieldEnd) {
          const b = src[p++];
          if (b === NUL)
            this.refuse(
              src,
              start,
              end,
              c,
              'a NUL character (U+0000)',
              'which PostgreSQL text cannot hold; remove it in staging',
            );
          if (b === BACKSLASH || b === TAB || b === NEWLINE || b === CARRIAGE_RETURN) {
            out[o++] = BACKSLASH;
            out[o++] = b === BACKSLASH ? BACKSLASH : b === TAB ? 0x74 : b === NEWLINE ? 0x6e : 0x72;
          } else {
            out[o++] = b;
          }
        }
      } else if (mode === FieldMode.Binary) {
        out[o++] = BACKSLASH;
        out[o++] = BACKSLASH;
        out[o++] = 0x78; // x
        o += out.write(src.toString('hex', p, fieldEnd), o, 'latin1');
        p = fieldEnd;
      } else if (mode === FieldMode.Float32 || mode === FieldMode.Float64) {
        const value = Number(src.toString('latin1', p, fieldEnd));
        o += out.write(mode === FieldMode.Float32 ? float32Text(value) : float64Text(value), o, 'latin1');
        p = fieldEnd;
      } else {
        if (mode === FieldMode.Temporal && isZeroDate(src, p, len)) {
          const { what, why } = zeroDate(src.toString('latin1', p, fieldEnd));
          this.refuse(src, start, end, c, what, why);
        }
        if (mode === FieldMode.Time && !withinDay(src, p, fieldEnd)) {
          this.refuse(
            src,
            start,
            end,
            c,
            `the TIME "${src.toString('latin1', p, fieldEnd)}"`,
            `which PostgreSQL's time cannot hold (00:00:00 to 24:00:00); fix that row in staging, ` +
              `or use a MySQL warehouse for it`,
          );
        }
        if (len > 24) {
          src.copy(out, o, p, fieldEnd);
          o += len;
          p = fieldEnd;
        } else {
          while (p < fieldEnd) out[o++] = src[p++];
        }
      }
    }
    out[o++] = NEWLINE;
    this.pos = o;
    this.rows++;
    this.lastRow = src;
    this.lastStart = start;
    this.lastEnd = end;
    if (o >= COPY_CHUNK_BYTES) this.flush();
  }

  /** Hands out what is buffered. */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = newChunkBuffer();
    this.pos = 0;
    this.emit(chunk);
  }

  /** The key of the last row encoded, as MySQL printed it; null before the first row. */
  lastKey(): string | null {
    return this.lastRow === null
      ? null
      : fieldsOf(this.lastRow, this.lastStart, this.lastEnd)[this.keyIndex]!.toString('latin1');
  }

  private newChunk(need: number): void {
    this.flush();
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
  }

  private refuse(src: Buffer, start: number, end: number, column: number, what: string, why: string): never {
    const fields = fieldsOf(src, start, end);
    const key = String(fields[this.keyIndex]);
    throw new ValueError(rowValueMessage(this.columns[this.keyIndex].name, key, what, this.columns[column].name, why));
  }
}

/** MySQL's TIME text `[-]H…H:MM:SS[.f…]` is within 00:00:00..24:00:00 (PostgreSQL's time). */
function withinDay(src: Buffer, p: number, end: number): boolean {
  if (src[p] === MINUS) return false;
  let hours = 0;
  while (p < end && src[p] !== COLON) hours = hours * 10 + src[p++] - ZERO;
  if (hours < 24) return true;
  if (hours > 24) return false;
  for (p++; p < end; p++) if (src[p] !== ZERO && src[p] !== COLON && src[p] !== 0x2e) return false;
  return true;
}

/** Where the field whose length fieldLength read last starts (kept here: no object per field). */
let fieldStart = 0;

/**
 * The length of the field at `src[p]` in a text-protocol row packet, -1 for NULL: a length-encoded
 * integer, one byte up to 250, else 0xfc, 0xfd or 0xfe and the length in 2, 3 or 8 bytes. The
 * field's bytes start at `fieldStart`.
 */
function fieldLength(src: Buffer, p: number): number {
  const first = src[p];
  if (first < NULL_FIELD) {
    fieldStart = p + 1;
    return first;
  }
  if (first === NULL_FIELD) {
    fieldStart = p + 1;
    return -1;
  }
  if (first === 0xfc) {
    fieldStart = p + 3;
    return src[p + 1] | (src[p + 2] << 8);
  }
  if (first === 0xfd) {
    fieldStart = p + 4;
    return src[p + 1] | (src[p + 2] << 8) | (src[p + 3] << 16);
  }
  fieldStart = p + 9;
  return src.readUInt32LE(p + 1) + src.readUInt32LE(p + 5) * 2 ** 32;
}

/** A row's fields as slices (null for NULL): the slow path, for messages and the last key. */
function fieldsOf(src: Buffer, start: number, end: number): (Buffer | null)[] {
  const fields: (Buffer | null)[] = [];
  let p = start;
  while (p < end) {
    const len = fieldLength(src, p);
    p = fieldStart;
    fields.push(len < 0 ? null : src.subarray(p, p + len));
    if (len > 0) p += len;
  }
  return fields;
}
