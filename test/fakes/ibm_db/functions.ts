/**
 * DB2 scalar functions, operators and casts for the fake, on the value model of values.ts. Only the
 * functions the warehouse module and the tests call are here; any other name is SQL0440N (42884),
 * as DB2 answers for a function it does not have.
 */
import { createHash } from 'crypto';
import { sqlError, unknownFunction } from './errors';
import {
  asExact,
  asText,
  compare,
  convertNumberOrDatetime,
  digitsOf,
  incompatible,
  INT_RANGE,
  lengthIn,
  pow10,
  rescale,
  SqlType,
  toDate,
  toDecfloat,
  toDecimal,
  toDouble,
  toInteger,
  toTimestamp,
  Val,
} from './values';

type NonNull = Exclude<Val, null>;

const MAX_DECIMAL = 31;

const overflow = () => sqlError('22003', -802, 'SQL0802N  Arithmetic overflow or other arithmetic exception occurred.');
const divisionByZero = () => sqlError('22012', -801, 'SQL0801N  Division by zero was attempted.');

/** DB2 treats integers in decimal arithmetic as DECIMAL(5,0), DECIMAL(11,0), DECIMAL(19,0). */
function asDecimal(val: NonNull): { v: bigint; p: number; s: number } {
  if (val.t === 'dec') return val;
  if (val.t === 'int') return { v: val.v, p: val.w === 16 ? 5 : val.w === 32 ? 11 : 19, s: 0 };
  const exact = asExact(val, 'DECIMAL');
  return { v: exact.v, p: Math.min(MAX_DECIMAL, Math.max(digitsOf(exact.v), exact.s)), s: exact.s };
}

export function arithmetic(op: string, a: Val, b: Val): Val {
  if (a === null || b === null) return null;
  if (a.t === 'str' || b.t === 'str') {
    // DB2 casts a string operand to DECFLOAT(34) in arithmetic; the fake supports numeric strings as exact decimals.
    return arithmetic(op, a.t === 'str' ? toDecfloat(a, 34) : a, b.t === 'str' ? toDecfloat(b, 34) : b);
  }
  if (a.t === 'dbl' || b.t === 'dbl') {
    const x = (toDouble(a) as { v: number }).v;
    const y = (toDouble(b) as { v: number }).v;
    if (op === '/' && y === 0) throw divisionByZero();
    return { t: 'dbl', v: op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y };
  }
  if (a.t === 'int' && b.t === 'int') {
    const w = Math.max(a.w, b.w) as 16 | 32 | 64;
    const resultWidth = (w === 16 ? 32 : w) as 32 | 64;
    let v: bigint;
    if (op === '/') {
      if (b.v === 0n) throw divisionByZero();
      v = a.v / b.v;
    } else v = op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : a.v * b.v;
    const [lo, hi] = INT_RANGE[resultWidth];
    if (v < lo || v > hi) throw overflow();
    return { t: 'int', v, w: resultWidth };
  }
  if (a.t === 'dfp' || b.t === 'dfp') {
    const x = asExact(a, op);
    const y = asExact(b, op);
    if (op === '/') throw unknownFunction('DECFLOAT division');
    const s = Math.max(x.s, y.s);
    const v =
      op === '*'
        ? x.v * y.v
        : op === '+'
          ? rescale(x.v, x.s, s) + rescale(y.v, y.s, s)
          : rescale(x.v, x.s, s) - rescale(y.v, y.s, s);
    return toDecfloat({ t: 'dec', v, p: 31, s: op === '*' ? x.s + y.s : s }, 34);
  }
  if (!isNumeric(a) || !isNumeric(b)) throw unknownFunction(op);
  const x = asDecimal(a);
  const y = asDecimal(b);
  let v: bigint;
  let p: number;
  let s: number;
  switch (op) {
    case '+':
    case '-': {
      s = Math.max(x.s, y.s);
      p = Math.min(MAX_DECIMAL, Math.max(x.p - x.s, y.p - y.s) + s + 1);
      const xv = rescale(x.v, x.s, s);
      const yv = rescale(y.v, y.s, s);
      v = op === '+' ? xv + yv : xv - yv;
      break;
    }
    case '*':
      p = Math.min(MAX_DECIMAL, x.p + y.p);
      s = x.s + y.s;
      if (s > MAX_DECIMAL) throw overflow();
      v = x.v * y.v;
      break;
    default: {
      // DB2: precision 31, scale 31 - p1 + s1 - s2; the quotient is truncated.
      p = MAX_DECIMAL;
      s = MAX_DECIMAL - x.p + x.s - y.s;
      if (s < 0)
        throw sqlError(
          '42911',
          -419,
          'SQL0419N  A decimal divide operation is not valid because the result would have a ' + 'negative scale.',
        );
      if (y.v === 0n) throw divisionByZero();
      v = (x.v * pow10(s - x.s + y.s)) / y.v;
    }
  }
  if (digitsOf(v) > p && v !== 0n) throw overflow();
  return { t: 'dec', v, p, s };
}

function isNumeric(val: NonNull): boolean {
  return val.t === 'int' || val.t === 'dec' || val.t === 'dfp' || val.t === 'dbl';
}

export function concat(a: Val, b: Val): Val {
  if (a === null || b === null) return null;
  if (a.t === 'bin' && b.t === 'bin') return { t: 'bin', v: Buffer.concat([a.v, b.v]) };
  return { t: 'str', v: textOf(a) + textOf(b) };
}

/** The text of a value where DB2 casts it implicitly to a string (concatenation, string functions). */
function textOf(val: NonNull): string {
  if (val.t === 'bin') return val.v.toString('latin1');
  return asText(val);
}

export function like(value: Val, pattern: Val): Val {
  if (value === null || pattern === null) return null;
  const regex = new RegExp(
    '^' +
      [...textOf(pattern)]
        .map((c) => (c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'u',
  );
  return { t: 'bool', v: regex.test(textOf(value)) };
}

export function comparison(op: string, a: Val, b: Val): Val {
  if (a === null || b === null) return null;
  const c = compare(a, b);
  const v =
    op === '='
      ? c === 0
      : op === '<>'
        ? c !== 0
        : op === '<'
          ? c < 0
          : op === '<='
            ? c <= 0
            : op === '>'
              ? c > 0
              : c >= 0;
  return { t: 'bool', v };
}

// ---- casts ----------------------------------------------------------------------------------------

export function cast(val: Val, type: SqlType): Val {
  if (val === null) return null;
  const converted = convertNumberOrDatetime(val, type);
  if (converted !== undefined) return converted;
  switch (type.base) {
    case 'CHAR':
    case 'VARCHAR':
    case 'CLOB': {
      if (val.t === 'bin' && !type.forBitData) throw incompatible(type.base);
      if (type.forBitData) return { t: 'bin', v: val.t === 'bin' ? val.v : Buffer.from(textOf(val)) };
      let text = textOf(val);
      if (lengthIn(type, text) > type.length) {
        // Numbers that do not fit are an error; strings are truncated (with warning SQL0445W).
        if (val.t !== 'str') throw sqlError('22001', -433, `SQL0433N  Value "${text}" is too long.`);
        while (lengthIn(type, text) > type.length) text = [...text].slice(0, -1).join('');
      }
      if (type.base === 'CHAR') text += ' '.repeat(type.length - lengthIn(type, text));
      return { t: 'str', v: text };
    }
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      if (val.t !== 'bin') throw incompatible(type.base);
      return { t: 'bin', v: val.v.length > type.length ? val.v.subarray(0, type.length) : val.v };
    default:
      throw incompatible(type.base);
  }
}

// ---- scalar functions -----------------------------------------------------------------------------

export interface FunctionContext {
  /** False to behave like DB2 before 11.5, which has no HASH functions. */
  hashAvailable: boolean;
}

/** A bare word argument (ISO, JIS …) reaches functions as this marker. */
export interface Keyword {
  keyword: string;
}

export type Arg = Val | Keyword;

export function isKeyword(arg: Arg): arg is Keyword {
  return arg !== null && typeof arg === 'object' && 'keyword' in arg;
}

const DATETIME_FORMATS = new Set(['ISO', 'USA', 'EUR', 'JIS', 'LOCAL']);

const FUNCTIONS = new Set([
  'COALESCE',
  'VALUE',
  'NVL',
  'VARCHAR',
  'CHAR',
  'INTEGER',
  'INT',
  'BIGINT',
  'SMALLINT',
  'DECIMAL',
  'DEC',
  'DOUBLE',
  'DECFLOAT',
  'DATE',
  'TIMESTAMP',
  'HEX',
  'LOWER',
  'LCASE',
  'UPPER',
  'UCASE',
  'RTRIM',
  'LTRIM',
  'TRIM',
  'LENGTH',
  'OCTET_LENGTH',
  'CHR',
  'CONCAT',
  'SUBSTR',
  'SUBSTRING',
  'LOCATE',
  'VARCHAR_FORMAT',
  'TO_CHAR',
]);
const HASH_FUNCTIONS = new Set(['HASH', 'HASH_MD5', 'HASH_SHA1', 'HASH_SHA256']);

/** DB2 resolves functions when it prepares a statement, before any row is read. */
export function checkFunctionExists(name: string, context: FunctionContext): void {
  if (FUNCTIONS.has(name) || (context.hashAvailable && HASH_FUNCTIONS.has(name))) return;
  throw unknownFunction(name);
}

export function callFunction(name: string, args: Arg[], context: FunctionContext): Val {
  const values = args.map((a) => (isKeyword(a) ? null : a));
  const first = values[0];
  const nullIfAnyNull = () => values.some((v) => v === null);
  switch (name) {
    case 'COALESCE':
    case 'VALUE':
    case 'NVL':
      return values.find((v) => v !== null) ?? null;
    case 'VARCHAR':
    case 'CHAR': {
      if (first === null) return null;
      const format = isKeyword(args[1] ?? null) ? (args[1] as Keyword).keyword : null;
      if (format !== null && !DATETIME_FORMATS.has(format)) throw unknownFunction(name);
      const text = format
        ? datetimeText(first, format)
        : typeof values[1] === 'object' && values[1] !== null && values[1].t === 'int'
          ? textOf(first).slice(0, Number(values[1].v))
          : charText(first, name === 'CHAR');
      return { t: 'str', v: text };
    }
    case 'INTEGER':
    case 'INT':
      return toInteger(first, 32, name);
    case 'BIGINT':
      return toInteger(first, 64, name);
    case 'SMALLINT':
      return toInteger(first, 16, name);
    case 'DECIMAL':
    case 'DEC': {
      const p = values[1] && values[1].t === 'int' ? Number(values[1].v) : 15;
      const s = values[2] && values[2].t === 'int' ? Number(values[2].v) : 0;
      return toDecimal(first, p, s, name);
    }
    case 'DOUBLE':
      return toDouble(first, name);
    case 'DECFLOAT':
      return toDecfloat(first, 34, name);
    case 'DATE':
      return toDate(first);
    case 'TIMESTAMP':
      return toTimestamp(first, 6);
    case 'HEX':
      if (first === null) return null;
      return { t: 'str', v: bytesOf(first).toString('hex').toUpperCase() };
    case 'HASH':
    case 'HASH_MD5':
    case 'HASH_SHA1':
    case 'HASH_SHA256': {
      if (!context.hashAvailable) throw unknownFunction(name);
      if (first === null) return null;
      const algorithm =
        name === 'HASH'
          ? Number(values[1] && values[1].t === 'int' ? values[1].v : 0n)
          : { HASH_MD5: 0, HASH_SHA1: 1, HASH_SHA256: 2 }[name];
      const hash = ['md5', 'sha1', 'sha256', 'sha512'][algorithm ?? -1];
      if (!hash)
        throw sqlError(
          '42815',
          -171,
          `SQL0171N  The statement was not processed because the data type, length or value of ` +
            `the argument for the parameter in position "2" of routine "${name}" is incorrect.`,
        );
      return { t: 'bin', v: createHash(hash).update(bytesOf(first)).digest() };
    }
    case 'LOWER':
    case 'LCASE':
      return first === null ? null : { t: 'str', v: textOf(first).toLowerCase() };
    case 'UPPER':
    case 'UCASE':
      return first === null ? null : { t: 'str', v: textOf(first).toUpperCase() };
    case 'RTRIM':
      return first === null ? null : { t: 'str', v: textOf(first).replace(/ +$/, '') };
    case 'LTRIM':
      return first === null ? null : { t: 'str', v: textOf(first).replace(/^ +/, '') };
    case 'TRIM':
      return first === null ? null : { t: 'str', v: textOf(first).replace(/^ +| +$/g, '') };
    case 'LENGTH':
    case 'OCTET_LENGTH':
      return first === null ? null : { t: 'int', v: BigInt(bytesOf(first).length), w: 32 };
    case 'CHR': {
      if (first === null) return null;
      const code = Number(asExact(first, name).v);
      if (code < 0 || code > 255)
        throw sqlError('22003', -802, 'SQL0802N  Arithmetic overflow or other arithmetic exception occurred.');
      return { t: 'str', v: String.fromCharCode(code) };
    }
    case 'CONCAT':
      return concat(first, values[1] ?? null);
    case 'SUBSTR':
    case 'SUBSTRING': {
      if (nullIfAnyNull()) return null;
      const chars = [...textOf(first as NonNull)];
      const start = Number(asExact(values[1] as NonNull, name).v);
      const length = values[2] === undefined ? chars.length - start + 1 : Number(asExact(values[2] as NonNull, name).v);
      if (start < 1 || length < 0 || start + length - 1 > chars.length) {
        throw sqlError('22011', -138, 'SQL0138N  A numeric argument of a built-in string function is out of range.');
      }
      return { t: 'str', v: chars.slice(start - 1, start - 1 + length).join('') };
    }
    case 'LOCATE': {
      if (nullIfAnyNull()) return null;
      const needle = textOf(values[0] as NonNull);
      const haystack = [...textOf(values[1] as NonNull)];
      const from = values[2] ? Number(asExact(values[2], name).v) : 1;
      const at = haystack.join('').indexOf(needle, [...haystack.slice(0, from - 1)].join('').length);
      return { t: 'int', v: at < 0 ? 0n : BigInt([...haystack.join('').slice(0, at)].length + 1), w: 32 };
    }
    case 'VARCHAR_FORMAT':
    case 'TO_CHAR': {
      if (nullIfAnyNull()) return null;
      return { t: 'str', v: formatTimestamp(first as NonNull, textOf(values[1] as NonNull)) };
    }
    default:
      throw unknownFunction(name);
  }
}

function bytesOf(val: NonNull): Buffer {
  if (val.t === 'bin') return val.v;
  return Buffer.from(textOf(val), 'utf8');
}

/** CHAR(x) is fixed length and blank-padded for numbers; VARCHAR(x) is not. */
function charText(val: NonNull, fixed: boolean): string {
  const text = textOf(val);
  if (!fixed) return text;
  switch (val.t) {
    case 'int':
      return text.padEnd(val.w === 16 ? 6 : val.w === 32 ? 11 : 20, ' ');
    case 'dec':
      return text.padEnd(val.p + 2, ' ');
    default:
      return text;
  }
}

function datetimeText(val: NonNull, format: string): string {
  if (val.t === 'date' || (val.t === 'str' && format)) {
    const d = (toDate(val) as { v: string }).v;
    if (format === 'USA') return `${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(0, 4)}`;
    if (format === 'EUR') return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
    return d;
  }
  if (val.t === 'time') {
    if (format === 'JIS') return val.v;
    if (format === 'USA') {
      const [h, m] = val.v.split(':').map(Number);
      return (
        `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}:${String(m).padStart(2, '0')} ` +
        `${h < 12 || h === 24 ? 'AM' : 'PM'}`
      );
    }
    return val.v.replace(/:/g, '.');
  }
  if (val.t === 'ts') return asText(val);
  throw unknownFunction('CHAR');
}

/** VARCHAR_FORMAT for DATE/TIMESTAMP: YYYY MM DD HH24 MI SS FF[n], with - . / , ' : ; and blank between. */
function formatTimestamp(val: NonNull, format: string): string {
  const ts = val.t === 'date' ? (toTimestamp(val, 0) as { v: string }) : (toTimestamp(val, 12) as { v: string });
  const [date, time] = ts.v.split(' ');
  const fraction = (time.split('.')[1] ?? '').padEnd(12, '0');
  let out = '';
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i).toUpperCase();
    const ff = /^FF(1[0-2]|[1-9])?/.exec(rest);
    if (rest.startsWith('YYYY')) {
      out += date.slice(0, 4);
      i += 4;
    } else if (rest.startsWith('HH24')) {
      out += time.slice(0, 2);
      i += 4;
    } else if (rest.startsWith('MM')) {
      out += date.slice(5, 7);
      i += 2;
    } else if (rest.startsWith('DD')) {
      out += date.slice(8, 10);
      i += 2;
    } else if (rest.startsWith('MI')) {
      out += time.slice(3, 5);
      i += 2;
    } else if (rest.startsWith('SS')) {
      out += time.slice(6, 8);
      i += 2;
    } else if (ff) {
      out += fraction.slice(0, ff[1] ? Number(ff[1]) : 6);
      i += ff[0].length;
    } else if ("-./,':; ".includes(format[i])) {
      out += format[i++];
    } else {
      throw sqlError(
        '22007',
        -20448,
        `SQL20448N  "${format}" cannot be interpreted using format string "${format}" for the ` +
          `VARCHAR_FORMAT function.`,
      );
    }
  }
  return out;
}

export function sumValues(values: NonNull[]): Val {
  if (values.length === 0) return null;
  if (values.some((v) => v.t === 'dbl'))
    return { t: 'dbl', v: values.reduce((n, v) => n + (toDouble(v) as { v: number }).v, 0) };
  if (values.every((v) => v.t === 'int')) {
    const w = values.some((v) => (v as { w: number }).w === 64) ? 64 : 32;
    const total = values.reduce((n, v) => n + (v as { v: bigint }).v, 0n);
    const [lo, hi] = INT_RANGE[w];
    if (total < lo || total > hi) throw overflow();
    return { t: 'int', v: total, w };
  }
  // SUM(DECIMAL(p,s)) is DECIMAL(31,s).
  const s = Math.max(...values.map((v) => asExact(v, 'SUM').s));
  const total = values.reduce((n, v) => {
    const exact = asExact(v, 'SUM');
    return n + rescale(exact.v, exact.s, s);
  }, 0n);
  if (digitsOf(total) > MAX_DECIMAL) throw overflow();
  return { t: 'dec', v: total, p: MAX_DECIMAL, s };
}
