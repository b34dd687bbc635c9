/**
 * The type contract between source and warehouse: each database describes its columns in these
 * logical types, and the preflight decides, before anything is written, whether the warehouse can
 * hold every value the source column can hold.
 */

export type ColumnType =
  | { kind: 'integer'; bits: 8 | 16 | 24 | 32 | 64; unsigned: boolean }
  /**
   * precision null = unbounded (PostgreSQL `numeric`). Scale null with a precision = floating scale
   * (DB2 DECFLOAT(34): any value of at most 34 significant digits). maxPrecision = the most digits
   * this warehouse's DECIMAL can have (DB2: 31), so a refusal can say what is possible.
   */
  | { kind: 'decimal'; precision: number | null; scale: number | null; maxPrecision?: number }
  | { kind: 'float'; bits: 32 | 64 }
  /**
   * maxChars / maxBytes null = unbounded; a warehouse counting bytes sets maxBytes. `charset`: the
   * characters the column can hold (absent = any). `nulFree`: the column cannot store U+0000
   * (PostgreSQL text), which only the values themselves can show (see lib/value-checks.ts).
   */
  | { kind: 'text'; maxChars: number | null; maxBytes: number | null; charset?: Charset; nulFree?: boolean }
  | { kind: 'binary'; maxBytes: number | null }
  | { kind: 'date' }
  /** `day`: the column holds 00:00:00 to 24:00:00 only (PostgreSQL, DB2); absent = MySQL's -838:59:59 to 838:59:59. */
  | { kind: 'time'; fsp: number; day?: boolean }
  | { kind: 'timestamp'; fsp: number }
  | { kind: 'boolean' }
  | { kind: 'json' }
  | { kind: 'other' };

/**
 * What characters a text column can hold. `unicode`: any (UTF-8, utf8mb4, UTF-16…); `bytes`: any
 * bytes, stored unconverted (PostgreSQL SQL_ASCII); `latin1`: U+0000–U+00FF (ISO 8859-1, PostgreSQL
 * LATIN1); `cp1252`: Windows-1252 (what MySQL calls latin1, PostgreSQL WIN1252); `ascii`: U+0000–U+007F;
 * `other`: some other repertoire, taken to hold ASCII only, as every PostgreSQL server encoding does.
 */
export type Charset = 'unicode' | 'bytes' | 'latin1' | 'cp1252' | 'ascii' | 'other';

const CHARSET_NAMES: Record<Charset, string> = {
  unicode: 'any Unicode',
  bytes: 'any',
  latin1: 'ISO 8859-1 (PostgreSQL LATIN1)',
  cp1252: 'Windows-1252 (MySQL latin1, PostgreSQL WIN1252)',
  ascii: 'ASCII',
  other: 'some non-Unicode',
};

/** Whether every character of `source` can be stored under `warehouse`. */
export function charsetFits(source: Charset, warehouse: Charset): boolean {
  if (warehouse === 'unicode' || warehouse === 'bytes' || source === 'ascii') return true;
  return source === warehouse && source !== 'other';
}

export interface Column {
  name: string;
  /** The database's own spelling, for messages: `VARCHAR(5)`, `decimal(10,2) unsigned`. */
  sqlType: string;
  type: ColumnType;
  nullable: boolean;
  hasDefault: boolean;
}

/** One column as it crosses: the source column and the warehouse column it lands in. */
export interface ColumnPair {
  source: Column;
  warehouse: Column;
}

export interface ColumnMatch {
  pairs: ColumnPair[];
  /** Source columns the warehouse lacks: reported, not loaded. */
  sourceOnly: string[];
  /** Warehouse columns the source lacks: must be nullable or defaulted. */
  warehouseOnly: Column[];
  /** Each problem names the column and what to change. */
  problems: string[];
}

/** Matches columns by name, case-insensitively, and checks each pair's types. */
export function matchColumns(source: Column[], warehouse: Column[], key: string): ColumnMatch {
  const byName = new Map(warehouse.map((c) => [c.name.toLowerCase(), c]));
  const pairs: ColumnPair[] = [];
  const sourceOnly: string[] = [];
  const problems: string[] = [];
  for (const s of source) {
    const w = byName.get(s.name.toLowerCase());
    if (!w) {
      sourceOnly.push(s.name);
      continue;
    }
    byName.delete(s.name.toLowerCase());
    pairs.push({ source: s, warehouse: w });
    const why = cannotHold(s, w);
    if (why) problems.push(`column ${s.name}: ${why}`);
  }
  const warehouseOnly = [...byName.values()];
  for (const w of warehouseOnly) {
    if (!w.nullable && !w.hasDefault) {
      problems.push(
        `warehouse column ${w.name} ${w.sqlType} is NOT NULL without a default and has no source column ` +
          `(make it nullable, give it a default, or add ${w.name} to the source)`,
      );
    }
  }
  const keyPair = pairs.find((p) => p.source.name.toLowerCase() === key.toLowerCase());
  if (!source.some((c) => c.name.toLowerCase() === key.toLowerCase())) {
    problems.unshift(`key column ${key} is not in the source table (set --key)`);
  } else if (!keyPair) {
    problems.unshift(`key column ${key} is not in the warehouse table (add it, or set --key)`);
  } else if (keyPair.source.type.kind !== 'integer') {
    problems.unshift(`key column ${key} is ${keyPair.source.sqlType}; the key must be an integer column`);
  }
  return { pairs, sourceOnly, warehouseOnly, problems };
}

/**
 * Why the source key does not prove that each key is one row, or null when it does: a watermark
 * over a key that repeats loses the rows that share the watermark's key, and a NULL key is never
 * above any watermark. `uniqueColumns`: the columns that alone make up a PRIMARY KEY or UNIQUE index.
 */
export function unprovenKey(key: Column, uniqueColumns: string[]): string | null {
  const unique = uniqueColumns.some((c) => c.toLowerCase() === key.name.toLowerCase());
  if (unique && !key.nullable) return null;
  const what = unique
    ? 'has a UNIQUE index but is nullable'
    : key.nullable
      ? 'is nullable and has no PRIMARY KEY or UNIQUE index of its own'
      : 'has no PRIMARY KEY or UNIQUE index of its own';
  const fix = unique
    ? `make ${key.name} NOT NULL`
    : `add a PRIMARY KEY or UNIQUE index on ${key.name} ` + `alone${key.nullable ? ` and make it NOT NULL` : ''}`;
  return `source key ${key.name} ${what}, so rows sharing a key or without one would be lost; ${fix}`;
}

/** Why warehouse column `w` cannot hold every value of source column `s`, or null if it can. */
export function cannotHold(s: Column, w: Column): string | null {
  const fix = (what: string) => `source ${s.sqlType} does not fit warehouse ${w.sqlType}; ${what}`;
  if (s.nullable && !w.nullable) {
    return `source is nullable but warehouse ${w.sqlType} is NOT NULL; make the warehouse column nullable`;
  }
  const st = s.type;
  const wt = w.type;
  switch (st.kind) {
    case 'integer': {
      const digits = integerDigits(st);
      if (wt.kind === 'integer') {
        if (integerFits(st, wt)) return null;
        return fix(`widen it to ${st.unsigned && st.bits === 64 ? 'DECIMAL(20,0)' : widerInteger(st)}`);
      }
      if (wt.kind === 'decimal') {
        if (wt.precision === null) return null;
        if (wt.precision - (wt.scale ?? 0) >= digits) return null;
        return fix(`use DECIMAL(${digits + (wt.scale ?? 0)},${wt.scale ?? 0}) or wider`);
      }
      return fix('use an integer or DECIMAL column');
    }
    case 'decimal': {
      if (wt.kind !== 'decimal') return fix(`use DECIMAL(${st.precision},${st.scale})`);
      if (wt.precision === null) return null;
      if (wt.scale === null) {
        if ((st.precision ?? 65) <= wt.precision) return null;
        return fix(`it holds ${wt.precision} significant digits but the source can have ${st.precision ?? 65}`);
      }
      const sInt = (st.precision ?? 65) - (st.scale ?? 0);
      const wScale = wt.scale;
      if (wScale >= (st.scale ?? 0) && wt.precision - wScale >= sInt) return null;
      const scale = Math.max(wScale, st.scale ?? 0);
      if (wt.maxPrecision !== undefined && sInt + scale > wt.maxPrecision) {
        return fix(
          `it would need DECIMAL(${sInt + scale},${scale}) but DECIMAL holds at most ` +
            `${wt.maxPrecision} digits in this warehouse; ` +
            `narrow the source column to at most ${wt.maxPrecision} digits, or use a decimal floating-point column ` +
            `with at least ${st.precision ?? 65} digits`,
        );
      }
      return fix(`use DECIMAL(${sInt + scale},${scale}) or wider`);
    }
    case 'float':
      if (wt.kind === 'float' && wt.bits >= st.bits) return null;
      return fix(`use ${st.bits === 32 ? 'REAL or DOUBLE' : 'DOUBLE'}`);
    case 'text': {
      if (wt.kind === 'json' || wt.kind === 'other') return fix('use a character column');
      if (wt.kind !== 'text') return fix('use a character column');
      if (!charsetFits(st.charset ?? 'unicode', wt.charset ?? 'unicode')) {
        return (
          `source ${s.sqlType} can hold ${CHARSET_NAMES[st.charset ?? 'unicode']} characters, ` +
          `but warehouse ${w.sqlType} stores ` +
          `${CHARSET_NAMES[wt.charset ?? 'unicode']} only; make the warehouse side UTF-8 ` +
          `(PostgreSQL: a database created with ` +
          `ENCODING 'UTF8'; MySQL: CHARACTER SET utf8mb4), or the source column CHARACTER SET ascii`
        );
      }
      if (wt.maxChars !== null && (st.maxChars === null || st.maxChars > wt.maxChars)) {
        return fix(`make it at least ${st.maxChars ?? 'unbounded'} characters long`);
      }
      if (wt.maxBytes !== null) {
        const need = st.maxBytes ?? (st.maxChars === null ? null : st.maxChars * 4);
        if (need === null || need > wt.maxBytes) {
          return fix(
            `it holds ${wt.maxBytes} bytes but the source can need ${need ?? 'unbounded'} (4 bytes ` +
              `per utf8mb4 character); ` +
              `make it VARCHAR(${need ?? 32672}) or declare it in CODEUNITS32`,
          );
        }
      }
      return null;
    }
    case 'binary':
      if (wt.kind !== 'binary') return fix('use a binary column (BYTEA, VARBINARY, BLOB)');
      if (wt.maxBytes !== null && (st.maxBytes === null || st.maxBytes > wt.maxBytes)) {
        return fix(`make it at least ${st.maxBytes ?? 'unbounded'} bytes`);
      }
      return null;
    case 'date':
      return wt.kind === 'date' || wt.kind === 'timestamp' ? null : fix('use DATE or TIMESTAMP');
    case 'time':
      if (wt.kind === 'time' && wt.fsp >= st.fsp) return null;
      return fix(`use TIME with at least ${st.fsp} fractional digits`);
    case 'timestamp':
      if (wt.kind === 'timestamp' && wt.fsp >= st.fsp) return null;
      return fix(`use TIMESTAMP(${st.fsp}) or finer`);
    case 'boolean':
      return wt.kind === 'boolean' || wt.kind === 'integer' ? null : fix('use BOOLEAN or an integer column');
    case 'json':
      if (wt.kind === 'json' || (wt.kind === 'text' && wt.maxChars === null && wt.maxBytes === null)) return null;
      return fix('use JSON/JSONB or an unbounded text column');
    case 'other':
      return `source type ${s.sqlType} is not supported by warehouse-sync; leave the column out of the warehouse table`;
  }
}

function integerDigits(t: { bits: number; unsigned: boolean }): number {
  const max = t.unsigned ? 2n ** BigInt(t.bits) - 1n : 2n ** BigInt(t.bits - 1);
  return max.toString().length;
}

function integerFits(s: { bits: number; unsigned: boolean }, w: { bits: number; unsigned: boolean }): boolean {
  if (w.unsigned) return s.unsigned && w.bits >= s.bits;
  return s.unsigned ? w.bits > s.bits : w.bits >= s.bits;
}

function widerInteger(s: { bits: number; unsigned: boolean }): string {
  const need = s.unsigned ? s.bits + 1 : s.bits;
  return need <= 16 ? 'SMALLINT' : need <= 32 ? 'INTEGER' : 'BIGINT';
}
