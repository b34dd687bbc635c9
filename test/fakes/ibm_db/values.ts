/**
 * DB2 data types and values for the fake: exact decimals as scaled bigints, strings measured in
 * bytes (OCTETS) or code points (CODEUNITS32), and DB2's assignment and cast rules for the types the
 * warehouse module loads. Errors are thrown as Db2SqlError with DB2's SQLSTATE and SQLCODE.
 */
import { Db2SqlError, sqlError } from './errors';

export type BaseType =
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'DECIMAL'
  | 'DECFLOAT'
  | 'REAL'
  | 'DOUBLE'
  | 'CHAR'
  | 'VARCHAR'
  | 'CLOB'
  | 'GRAPHIC'
  | 'VARGRAPHIC'
  | 'DBCLOB'
  | 'BINARY'
  | 'VARBINARY'
  | 'BLOB'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'BOOLEAN';

export interface SqlType {
  base: BaseType;
  /** Characters/bytes/code units for strings, digits for DECIMAL/DECFLOAT, fractional digits for TIMESTAMP. */
  length: number;
  scale: number;
  units: 'OCTETS' | 'CODEUNITS16' | 'CODEUNITS32' | null;
  forBitData: boolean;
}

export type Val =
  | null
  | { t: 'int'; v: bigint; w: 16 | 32 | 64 }
  | { t: 'dec'; v: bigint; p: number; s: number }
  /** DECFLOAT: coefficient × 10^e, at most `p` significant digits. */
  | { t: 'dfp'; v: bigint; e: number; p: number }
  | { t: 'dbl'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bin'; v: Buffer }
  | { t: 'date'; v: string }
  | { t: 'time'; v: string }
  /** 'YYYY-MM-DD HH:MM:SS' plus '.' and p digits when p > 0. */
  | { t: 'ts'; v: string; p: number }
  | { t: 'bool'; v: boolean };

export const INT_RANGE: Record<16 | 32 | 64, [bigint, bigint]> = {
  16: [-(2n ** 15n), 2n ** 15n - 1n],
  32: [-(2n ** 31n), 2n ** 31n - 1n],
  64: [-(2n ** 63n), 2n ** 63n - 1n],
};

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

export function digitsOf(v: bigint): number {
  return (v < 0n ? -v : v).toString().length;
}

// ---- decimals ------------------------------------------------------------------------------------

/** '12.50', '-.5', '7', '1.5E3' (exponent only when allowed) → unscaled value and scale. */
export function parseDecimal(text: string, allowExponent: boolean): { v: bigint; s: number } | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '') || (m[4] !== undefined && !allowExponent)) return null;
  const fraction = m[3] ?? '';
  let v = BigInt((m[2] || '0') + fraction);
  let s = fraction.length - Number(m[4] ?? 0);
  if (s < 0) {
    v *= pow10(-s);
    s = 0;
  }
  return { v: m[1] === '-' ? -v : v, s };
}

/** Rescales to `scale`, truncating extra fractional digits (DB2 truncates on DECIMAL assignment). */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (to >= from) return v * pow10(to - from);
  return v / pow10(from - to);
}

/** VARCHAR(decimal): no leading zeros ('.50', '-.50'), trailing zeros kept, no point at scale 0. */
export function formatDecimal(v: bigint, s: number): string {
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(s + 1, '0');
  let whole = digits.slice(0, digits.length - s).replace(/^0+/, '');
  const fraction = digits.slice(digits.length - s);
  if (s === 0 && whole === '') whole = '0';
  return `${negative ? '-' : ''}${whole}${s > 0 ? '.' + fraction : ''}`;
}

/** DECFLOAT to string, IEEE 754 to-scientific-string: plain unless the exponent is positive or very small. */
export function formatDecfloat(v: bigint, e: number): string {
  const negative = v < 0n;
  const coefficient = (negative ? -v : v).toString();
  const adjusted = e + coefficient.length - 1;
  let text: string;
  if (e <= 0 && adjusted >= -6) {
    if (e === 0) text = coefficient;
    else {
      const padded = coefficient.padStart(-e + 1, '0');
      text = `${padded.slice(0, padded.length + e)}.${padded.slice(padded.length + e)}`;
    }
  } else {
    text = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
    text += `E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return (negative ? '-' : '') + text;
}

/** Rounds a coefficient to `digits` significant digits, half-even (DECFLOAT's default rounding). */
function roundDecfloat(v: bigint, e: number, digits: number): { v: bigint; e: number } {
  const excess = digitsOf(v) - digits;
  if (excess <= 0) return { v, e };
  const divisor = pow10(excess);
  let q = v / divisor;
  const r = v % divisor;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice > divisor || (twice === divisor && q % 2n !== 0n)) q += v < 0n ? -1n : 1n;
  return { v: q, e: e + excess };
}

// ---- numbers from values -------------------------------------------------------------------------

/** An exact decimal view of any numeric value (doubles via their shortest decimal text). */
export function asExact(val: Val, fn: string): { v: bigint; s: number } {
  if (val === null) throw new Error('asExact(null)');
  switch (val.t) {
    case 'int':
      return { v: val.v, s: 0 };
    case 'dec':
      return { v: val.v, s: val.s };
    case 'dfp':
      return val.e >= 0 ? { v: val.v * pow10(val.e), s: 0 } : { v: val.v, s: -val.e };
    case 'dbl': {
      const parsed = parseDecimal(String(val.v), true);
      if (!parsed) throw sqlError('22003', -413, `SQL0413N  Overflow occurred during numeric data type conversion.`);
      return parsed;
    }
    case 'str': {
      const parsed = parseDecimal(val.v, true);
      if (!parsed) throw invalidCharacter(fn);
      return parsed;
    }
    default:
      throw sqlError(
        '42884',
        -440,
        `SQL0440N  No authorized routine named "${fn}" of type "FUNCTION" having compatible ` + `arguments was found.`,
      );
  }
}

export function invalidCharacter(fn: string): Db2SqlError {
  return sqlError(
    '22018',
    -420,
    `SQL0420N  Invalid character found in a character string argument of the function "${fn}".`,
  );
}

function overflow(): Db2SqlError {
  return sqlError('22003', -413, 'SQL0413N  Overflow occurred during numeric data type conversion.');
}

export function toInteger(val: Val, w: 16 | 32 | 64, fn: string): Val {
  if (val === null) return null;
  let v: bigint;
  if (val.t === 'str') {
    if (!/^\s*[+-]?\d+\s*$/.test(val.v)) throw invalidCharacter(fn);
    v = BigInt(val.v.trim());
  } else if (val.t === 'dbl') {
    if (!Number.isFinite(val.v)) throw overflow();
    v = BigInt(Math.trunc(val.v));
  } else {
    const exact = asExact(val, fn);
    v = rescale(exact.v, exact.s, 0);
  }
  const [lo, hi] = INT_RANGE[w];
  if (v < lo || v > hi) throw overflow();
  return { t: 'int', v, w };
}

export function toDecimal(val: Val, p: number, s: number, fn = 'DECIMAL'): Val {
  if (val === null) return null;
  if (val.t === 'str' && !parseDecimal(val.v, false)) throw invalidCharacter(fn);
  const exact = asExact(val, fn);
  const v = rescale(exact.v, exact.s, s);
  if (digitsOf(v) > p && v !== 0n) throw overflow();
  return { t: 'dec', v, p, s };
}

export function toDecfloat(val: Val, p: 16 | 34, fn = 'DECFLOAT'): Val {
  if (val === null) return null;
  const exact = asExact(val, fn);
  const rounded = roundDecfloat(exact.v, -exact.s, p);
  return { t: 'dfp', v: rounded.v, e: rounded.e, p };
}

export function toDouble(val: Val, fn = 'DOUBLE'): Val {
  if (val === null) return null;
  if (val.t === 'dbl') return val;
  if (val.t === 'str') {
    const n = Number(val.v.trim());
    if (val.v.trim() === '' || Number.isNaN(n)) throw invalidCharacter(fn);
    return { t: 'dbl', v: n };
  }
  const exact = asExact(val, fn);
  return { t: 'dbl', v: Number(formatDecimal(exact.v, exact.s).replace(/^(-?)\./, '$10.')) };
}

// ---- strings ---------------------------------------------------------------------------------------

/** DB2's text for a value, as VARCHAR(x) renders it. */
export function asText(val: Exclude<Val, null>): string {
  switch (val.t) {
    case 'int':
      return val.v.toString();
    case 'dec':
      return formatDecimal(val.v, val.s);
    case 'dfp':
      return formatDecfloat(val.v, val.e);
    case 'dbl':
      return formatDouble(val.v);
    case 'str':
      return val.v;
    case 'bin':
      return val.v.toString('latin1');
    case 'date':
      return val.v;
    case 'time':
      // ISO time format is hh.mm.ss.
      return val.v.replace(/:/g, '.');
    case 'ts':
      // DB2's own timestamp format: yyyy-mm-dd-hh.mm.ss.nnnnnn
      return val.v.slice(0, 10) + '-' + val.v.slice(11).replace(/:/g, '.');
    case 'bool':
      return val.v ? 'TRUE' : 'FALSE';
  }
}

/** DOUBLE to VARCHAR: DB2 prints floating-point constants with an exponent, e.g. 1.5E0. */
export function formatDouble(n: number): string {
  if (n === 0) return '0E0';
  const [mantissa, exponent] = n.toExponential().split('e');
  return `${mantissa}E${Number(exponent)}`;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Length of `text` in the units the column counts. */
export function lengthIn(type: SqlType, text: string): number {
  if (type.units === 'CODEUNITS32') return codePoints(text);
  if (type.units === 'CODEUNITS16') return text.length;
  return byteLength(text);
}

// ---- datetimes -------------------------------------------------------------------------------------

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && !leap ? 28 : DAYS[m - 1]);
}

const badSyntax = () =>
  sqlError('22007', -180, 'SQL0180N  The syntax of the string representation of a datetime value is incorrect.');
const outOfRange = () =>
  sqlError('22008', -181, 'SQL0181N  The string representation of a datetime value is out of range.');

export function toDate(val: Val): Val {
  if (val === null) return null;
  if (val.t === 'date') return val;
  if (val.t === 'ts') return { t: 'date', v: val.v.slice(0, 10) };
  if (val.t !== 'str') throw incompatible('DATE');
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(val.v);
  if (!m) throw badSyntax();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) throw outOfRange();
  return { t: 'date', v: `${m[1]}-${pad(mo)}-${pad(d)}` };
}

export function toTime(val: Val): Val {
  if (val === null) return null;
  if (val.t === 'time') return val;
  if (val.t === 'ts') return { t: 'time', v: val.v.slice(11, 19) };
  if (val.t !== 'str') throw incompatible('TIME');
  // hh:mm:ss (JIS), hh.mm.ss (ISO/EUR), hh:mm; DB2 TIME has no fractional seconds.
  const m = /^\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*$/.exec(val.v);
  if (!m) throw badSyntax();
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 24 || mi > 59 || s > 59 || (h === 24 && (mi > 0 || s > 0))) throw outOfRange();
  return { t: 'time', v: `${pad(h)}:${pad(mi)}:${pad(s)}` };
}

export function toTimestamp(val: Val, p: number): Val {
  if (val === null) return null;
  let date: string;
  let time = '00:00:00';
  let fraction = '';
  if (val.t === 'ts') {
    date = val.v.slice(0, 10);
    time = val.v.slice(11, 19);
    fraction = val.v.slice(20);
  } else if (val.t === 'date') {
    date = val.v;
  } else if (val.t === 'str') {
    // yyyy-mm-dd[ hh:mm:ss[.f…]], yyyy-mm-dd-hh.mm.ss[.f…], yyyy-mm-ddThh:mm:ss[.f…]
    const m =
      /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[ T](\d{1,2}):(\d{2}):(\d{2})|-(\d{1,2})\.(\d{2})\.(\d{2}))(?:[.,](\d{1,12}))?)?\s*$/.exec(
        val.v,
      );
    if (!m) throw badSyntax();
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) throw outOfRange();
    const [h, mi, s] = [Number(m[4] ?? m[7] ?? 0), Number(m[5] ?? m[8] ?? 0), Number(m[6] ?? m[9] ?? 0)];
    fraction = m[10] ?? '';
    if (h > 24 || mi > 59 || s > 59 || (h === 24 && (mi > 0 || s > 0 || /[1-9]/.test(fraction)))) throw outOfRange();
    date = `${m[1]}-${pad(mo)}-${pad(d)}`;
    time = `${pad(h)}:${pad(mi)}:${pad(s)}`;
  } else {
    throw incompatible('TIMESTAMP');
  }
  // Fractional digits beyond the column's precision are truncated, as DB2 does on assignment.
  const f = fraction.padEnd(p, '0').slice(0, p);
  return { t: 'ts', v: `${date} ${time}${p > 0 ? '.' + f : ''}`, p };
}

export function incompatible(target: string): Db2SqlError {
  return sqlError(
    '42821',
    -408,
    `SQL0408N  A value is not compatible with the data type of its assignment target. ` + `Target name is "${target}".`,
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

// ---- assignment --------------------------------------------------------------------------------------

/**
 * A value stored into a column of `type` (INSERT/UPDATE), with DB2's checks: numeric range and
 * precision, string length in the column's units (trailing blanks beyond it are dropped silently),
 * datetime syntax and range, binary length. `fromParameter` picks DB2's message for too-long values
 * (SQL0302N for parameter markers, SQL0433N for constants).
 */
export function assign(val: Val, type: SqlType, fromParameter: boolean): Val {
  if (val === null) return null;
  const converted = convertNumberOrDatetime(val, type);
  if (converted !== undefined) return converted;
  switch (type.base) {
    case 'BOOLEAN':
      if (val.t === 'bool') return val;
      if (val.t === 'int') return { t: 'bool', v: val.v !== 0n };
      if (val.t === 'str' && /^(true|false|1|0)$/i.test(val.v.trim()))
        return { t: 'bool', v: /^(true|1)$/i.test(val.v.trim()) };
      throw incompatible('BOOLEAN');
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return assignBinary(val, type, fromParameter);
    default:
      if (type.forBitData) return assignBinary(val, type, fromParameter);
      return assignText(val, type, fromParameter);
  }
}

/** Numeric and datetime conversion, the same for CAST and for assignment; undefined for other types. */
export function convertNumberOrDatetime(val: Exclude<Val, null>, type: SqlType): Val | undefined {
  switch (type.base) {
    case 'SMALLINT':
      return toInteger(val, 16, 'SMALLINT');
    case 'INTEGER':
      return toInteger(val, 32, 'INTEGER');
    case 'BIGINT':
      return toInteger(val, 64, 'BIGINT');
    case 'DECIMAL':
      return toDecimal(val, type.length, type.scale);
    case 'DECFLOAT':
      return toDecfloat(val, type.length === 16 ? 16 : 34);
    case 'REAL':
    case 'DOUBLE':
      return toDouble(val);
    case 'DATE':
      return toDate(val);
    case 'TIME':
      return toTime(val);
    case 'TIMESTAMP':
      return toTimestamp(val, type.scale);
    default:
      return undefined;
  }
}

function tooLong(fromParameter: boolean, shown: string): Db2SqlError {
  return fromParameter
    ? sqlError(
        '22001',
        -302,
        'SQL0302N  The value of a host variable in the EXECUTE or OPEN statement is out of ' +
          'range for its corresponding use.',
      )
    : sqlError('22001', -433, `SQL0433N  Value "${shown.slice(0, 40)}" is too long.`);
}

function assignText(val: Exclude<Val, null>, type: SqlType, fromParameter: boolean): Val {
  if (val.t === 'bin') throw incompatible(type.base);
  let text = val.t === 'str' ? val.v : asText(val);
  if (lengthIn(type, text) > type.length) {
    // Only trailing blanks may be cut to make a value fit; anything else is an error.
    const trimmed = text.replace(/ +$/, '');
    if (lengthIn(type, trimmed) > type.length) throw tooLong(fromParameter, text);
    text = trimmed + ' '.repeat(type.length - lengthIn(type, trimmed));
  }
  if (type.base === 'CHAR' || type.base === 'GRAPHIC') text += ' '.repeat(type.length - lengthIn(type, text));
  return { t: 'str', v: text };
}

function assignBinary(val: Exclude<Val, null>, type: SqlType, fromParameter: boolean): Val {
  if (val.t !== 'bin') throw incompatible(type.base);
  if (val.v.length > type.length) throw tooLong(fromParameter, val.v.toString('hex'));
  if (type.base === 'BINARY') return { t: 'bin', v: Buffer.concat([val.v, Buffer.alloc(type.length - val.v.length)]) };
  if (type.base === 'CHAR')
    return { t: 'bin', v: Buffer.concat([val.v, Buffer.alloc(type.length - val.v.length, 0x20)]) };
  return { t: 'bin', v: Buffer.from(val.v) };
}

// ---- comparison ----------------------------------------------------------------------------------------

const NUMERIC = new Set(['int', 'dec', 'dfp', 'dbl']);

/** -1, 0, 1; strings compare with blank padding (DB2's rule), numbers exactly across types. */
export function compare(a: Exclude<Val, null>, b: Exclude<Val, null>): number {
  if (NUMERIC.has(a.t) || NUMERIC.has(b.t)) {
    if (a.t === 'dbl' || b.t === 'dbl') {
      const x = (toDouble(a) as { v: number }).v;
      const y = (toDouble(b) as { v: number }).v;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = asExact(a, 'COMPARE');
    const y = asExact(b, 'COMPARE');
    const s = Math.max(x.s, y.s);
    const xv = rescale(x.v, x.s, s);
    const yv = rescale(y.v, y.s, s);
    return xv < yv ? -1 : xv > yv ? 1 : 0;
  }
  if (a.t === 'bin' || b.t === 'bin') {
    const x = a.t === 'bin' ? a.v : Buffer.from(asText(a));
    const y = b.t === 'bin' ? b.v : Buffer.from(asText(b));
    return Buffer.compare(x, y);
  }
  if (a.t === 'bool' && b.t === 'bool') return Number(a.v) - Number(b.v);
  let x = a.t === 'str' ? a.v : a.t === 'ts' || a.t === 'date' || a.t === 'time' ? a.v : asText(a);
  let y = b.t === 'str' ? b.v : b.t === 'ts' || b.t === 'date' || b.t === 'time' ? b.v : asText(b);
  if (a.t === 'ts' && b.t === 'str') y = (toTimestamp(b, 12) as { v: string }).v;
  if (b.t === 'ts' && a.t === 'str') x = (toTimestamp(a, 12) as { v: string }).v;
  if (a.t === 'ts' && b.t === 'ts') {
    x = x.padEnd(32, '0');
    y = y.padEnd(32, '0');
  }
  const length = Math.max(x.length, y.length);
  x = x.padEnd(length, ' ');
  y = y.padEnd(length, ' ');
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isTrue(val: Val): boolean {
  return val !== null && val.t === 'bool' && val.v;
}
