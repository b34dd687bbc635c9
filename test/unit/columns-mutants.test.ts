/**
 * Cases that kill mutants of lib/columns.ts the original unit tests let live (npm run mutate): at
 * each size check, the same size fits and one less is refused, so that turning `>=` into `>` (or
 * back) fails a test; TIME precision and binary length are refused with their own messages.
 */
import { cannotHold, matchColumns, type Column, type ColumnType } from '../../lib/columns';

const col = (name: string, sqlType: string, type: ColumnType, nullable = true, hasDefault = false): Column => ({
  name,
  sqlType,
  type,
  nullable,
  hasDefault,
});
const int = (bits: 8 | 16 | 24 | 32 | 64, unsigned = false): ColumnType => ({ kind: 'integer', bits, unsigned });
const dec = (precision: number | null, scale: number | null, maxPrecision?: number): ColumnType =>
  maxPrecision === undefined
    ? { kind: 'decimal', precision, scale }
    : { kind: 'decimal', precision, scale, maxPrecision };
const text = (maxChars: number | null, maxBytes: number | null = null): ColumnType => ({
  kind: 'text',
  maxChars,
  maxBytes,
});
const fits = (s: ColumnType, w: ColumnType, sType = 's', wType = 'w') =>
  cannotHold(col('c', sType, s), col('c', wType, w));

test.each([
  // integers: same width fits, narrower does not; unsigned needs one more bit when signed
  ['smallint into smallint', int(16), int(16), null],
  ['int unsigned into int unsigned', int(32, true), int(32, true), null],
  ['int into int unsigned', int(32), int(32, true), 'source s does not fit warehouse w; widen it to INTEGER'],
  ['int unsigned into bigint', int(32, true), int(64), null],
  ['smallint unsigned into smallint', int(16, true), int(16), 'source s does not fit warehouse w; widen it to INTEGER'],
  ['tinyint unsigned into smallint', int(8, true), int(16), null],
  ['tinyint unsigned into tinyint', int(8, true), int(8), 'source s does not fit warehouse w; widen it to SMALLINT'],
  ['mediumint into smallint', int(24), int(16), 'source s does not fit warehouse w; widen it to INTEGER'],
  ['bigint unsigned into bigint unsigned', int(64, true), int(64, true), null],
  ['int unsigned into bigint unsigned', int(32, true), int(64, true), null],
  [
    'bigint unsigned into int unsigned',
    int(64, true),
    int(32, true),
    'source s does not fit warehouse w; widen it to DECIMAL(20,0)',
  ],
  // integers into decimals: exactly the digits fit
  ['int into decimal(10,0)', int(32), dec(10, 0), null],
  ['int into decimal(9,0)', int(32), dec(9, 0), 'source s does not fit warehouse w; use DECIMAL(10,0) or wider'],
  ['int into decimal(12,2)', int(32), dec(12, 2), null],
  ['int into decimal(11,2)', int(32), dec(11, 2), 'source s does not fit warehouse w; use DECIMAL(12,2) or wider'],
  ['tinyint into decimal(3,0)', int(8), dec(3, 0), null],
  ['bigint into decimal(19,0)', int(64), dec(19, 0), null],
  ['int into decfloat(34)', int(32), dec(34, null), null],
  ['int into decfloat(7)', int(32), dec(7, null), 'source s does not fit warehouse w; use DECIMAL(10,0) or wider'],
  ['int into text', int(32), text(null), 'source s does not fit warehouse w; use an integer or DECIMAL column'],
  // decimals: same precision and scale fit
  ['decimal(10,2) into decimal(10,2)', dec(10, 2), dec(10, 2), null],
  [
    'decimal(10,2) into decimal(9,2)',
    dec(10, 2),
    dec(9, 2),
    'source s does not fit warehouse w; use DECIMAL(10,2) or wider',
  ],
  ['decimal(10,2) into decimal(11,3)', dec(10, 2), dec(11, 3), null],
  ['decimal(34,0) into decfloat(34)', dec(34, 0), dec(34, null), null],
  [
    'decimal(35,0) into decfloat(34)',
    dec(35, 0),
    dec(34, null),
    'source s does not fit warehouse w; it holds 34 significant digits but the source can have 35',
  ],
  ['decimal(31,2) into DB2 decimal(31,2)', dec(31, 2), dec(31, 2, 31), null],
  [
    'decimal(31,2) into DB2 decimal(30,1)',
    dec(31, 2),
    dec(30, 1, 31),
    'source s does not fit warehouse w; use DECIMAL(31,2) or wider',
  ],
  [
    'decimal(32,2) into DB2 decimal(31,2)',
    dec(32, 2),
    dec(31, 2, 31),
    'source s does not fit warehouse w; it would need DECIMAL(32,2) but DECIMAL holds at ' +
      'most 31 digits in this warehouse; ' +
      'narrow the source column to at most 31 digits, or use a decimal floating-point column with at least 32 digits',
  ],
  ['decimal into text', dec(5, 1), text(null), 'source s does not fit warehouse w; use DECIMAL(5,1)'],
  // floats
  [
    'float into text',
    { kind: 'float', bits: 32 } as ColumnType,
    text(null),
    'source s does not fit warehouse w; use REAL or DOUBLE',
  ],
  // text: the same length fits, one less does not
  ['varchar(10) into varchar(10)', text(10, 40), text(10), null],
  [
    'varchar(10) into varchar(9)',
    text(10, 40),
    text(9),
    'source s does not fit warehouse w; make it at least 10 characters long',
  ],
  [
    'text into varchar(10)',
    text(null, null),
    text(10),
    'source s does not fit warehouse w; make it at least unbounded characters long',
  ],
  ['varchar(10) into 40 bytes', text(10, 40), text(null, 40), null],
  [
    'varchar(10) into 39 bytes',
    text(10, 40),
    text(null, 39),
    'source s does not fit warehouse w; it holds 39 bytes but the source can need 40 (4 ' +
      'bytes per utf8mb4 character); make it VARCHAR(40) or declare it in CODEUNITS32',
  ],
  ['varchar(10), bytes unknown, into 40 bytes', text(10, null), text(null, 40), null],
  [
    'varchar(10), bytes unknown, into 39 bytes',
    text(10, null),
    text(null, 39),
    'source s does not fit warehouse w; it holds 39 bytes but the source can need 40 (4 ' +
      'bytes per utf8mb4 character); make it VARCHAR(40) or declare it in CODEUNITS32',
  ],
  [
    'text into bytes',
    text(null, null),
    text(null, 100),
    'source s does not fit warehouse w; it holds 100 bytes but the source can need ' +
      'unbounded (4 bytes per utf8mb4 character); make it VARCHAR(32672) or declare it in CODEUNITS32',
  ],
  [
    'text into json',
    text(null),
    { kind: 'json' } as ColumnType,
    'source s does not fit warehouse w; use a character column',
  ],
  ['text into integer', text(null), int(32), 'source s does not fit warehouse w; use a character column'],
  // binary: the same length fits, one less does not
  [
    'varbinary(16) into varbinary(16)',
    { kind: 'binary', maxBytes: 16 } as ColumnType,
    { kind: 'binary', maxBytes: 16 } as ColumnType,
    null,
  ],
  [
    'varbinary(16) into varbinary(15)',
    { kind: 'binary', maxBytes: 16 } as ColumnType,
    { kind: 'binary', maxBytes: 15 } as ColumnType,
    'source s does not fit warehouse w; make it at least 16 bytes',
  ],
  [
    'blob into varbinary(15)',
    { kind: 'binary', maxBytes: null } as ColumnType,
    { kind: 'binary', maxBytes: 15 } as ColumnType,
    'source s does not fit warehouse w; make it at least unbounded bytes',
  ],
  [
    'blob into bytea',
    { kind: 'binary', maxBytes: null } as ColumnType,
    { kind: 'binary', maxBytes: null } as ColumnType,
    null,
  ],
  [
    'binary into text',
    { kind: 'binary', maxBytes: 4 } as ColumnType,
    text(null),
    'source s does not fit warehouse w; use a binary column (BYTEA, VARBINARY, BLOB)',
  ],
  // date, time and timestamp: the same precision fits, one less does not
  ['date into date', { kind: 'date' } as ColumnType, { kind: 'date' } as ColumnType, null],
  [
    'date into text',
    { kind: 'date' } as ColumnType,
    text(null),
    'source s does not fit warehouse w; use DATE or TIMESTAMP',
  ],
  ['time(3) into time(3)', { kind: 'time', fsp: 3 } as ColumnType, { kind: 'time', fsp: 3 } as ColumnType, null],
  [
    'time(3) into time(2)',
    { kind: 'time', fsp: 3 } as ColumnType,
    { kind: 'time', fsp: 2 } as ColumnType,
    'source s does not fit warehouse w; use TIME with at least 3 fractional digits',
  ],
  [
    'time into timestamp',
    { kind: 'time', fsp: 0 } as ColumnType,
    { kind: 'timestamp', fsp: 6 } as ColumnType,
    'source s does not fit warehouse w; use TIME with at least 0 fractional digits',
  ],
  [
    'datetime(6) into timestamp(6)',
    { kind: 'timestamp', fsp: 6 } as ColumnType,
    { kind: 'timestamp', fsp: 6 } as ColumnType,
    null,
  ],
  [
    'datetime into date',
    { kind: 'timestamp', fsp: 0 } as ColumnType,
    { kind: 'date' } as ColumnType,
    'source s does not fit warehouse w; use TIMESTAMP(0) or finer',
  ],
  // boolean, json, other
  ['boolean into integer', { kind: 'boolean' } as ColumnType, int(16), null],
  ['boolean into boolean', { kind: 'boolean' } as ColumnType, { kind: 'boolean' } as ColumnType, null],
  [
    'boolean into text',
    { kind: 'boolean' } as ColumnType,
    text(null),
    'source s does not fit warehouse w; use BOOLEAN or an integer column',
  ],
  ['json into jsonb', { kind: 'json' } as ColumnType, { kind: 'json' } as ColumnType, null],
  ['json into text', { kind: 'json' } as ColumnType, text(null, null), null],
  [
    'json into varchar(100)',
    { kind: 'json' } as ColumnType,
    text(100),
    'source s does not fit warehouse w; use JSON/JSONB or an unbounded text column',
  ],
  [
    'json into 100 bytes',
    { kind: 'json' } as ColumnType,
    text(null, 100),
    'source s does not fit warehouse w; use JSON/JSONB or an unbounded text column',
  ],
  [
    'other',
    { kind: 'other' } as ColumnType,
    text(null),
    'source type s is not supported by warehouse-sync; leave the column out of the ' + 'warehouse table',
  ],
])('%s', (_name, source, warehouse, expected) => {
  expect(fits(source as ColumnType, warehouse as ColumnType)).toBe(expected);
});

test('a NOT NULL source fits a nullable or NOT NULL warehouse column; a nullable one only a nullable one', () => {
  expect(cannotHold(col('c', 'int', int(32), false), col('c', 'int', int(32), true))).toBeNull();
  expect(cannotHold(col('c', 'int', int(32), false), col('c', 'int', int(32), false))).toBeNull();
  expect(cannotHold(col('c', 'int', int(32), true), col('c', 'int', int(32), true))).toBeNull();
});

test(
  'warehouse-only columns: nullable or defaulted pass, NOT NULL without default refused; ' + 'key problems come first',
  () => {
    const key = col('id', 'int', int(32), false);
    const ok = matchColumns(
      [key],
      [col('ID', 'int', int(32), false), col('a', 'int', int(32), true, false), col('b', 'int', int(32), false, true)],
      'id',
    );
    expect(ok.problems).toEqual([]);
    const bad = matchColumns(
      [key, col('x', 'bigint', int(64))],
      [col('x', 'int', int(32)), col('must', 'INTEGER', int(32), false, false)],
      'id',
    );
    expect(bad.problems).toEqual([
      'key column id is not in the warehouse table (add it, or set --key)',
      'column x: source bigint does not fit warehouse int; widen it to BIGINT',
      'warehouse column must INTEGER is NOT NULL without a default and has no source column ' +
        '(make it nullable, give it a default, or add must to the source)',
    ]);
    expect(matchColumns([col('a', 'int', int(32))], [col('a', 'int', int(32))], 'Id').problems).toEqual([
      'key column Id is not in the source table (set --key)',
    ]);
    // A warehouse column matched once is not matched again by a second source column of the same name in another case.
    const twice = matchColumns(
      [key, col('Q', 'int', int(32)), col('q', 'int', int(32))],
      [col('id', 'int', int(32), false), col('q', 'int', int(32))],
      'ID',
    );
    expect(twice.pairs.map((p) => p.source.name)).toEqual(['id', 'Q']);
    expect(twice.sourceOnly).toEqual(['q']);
    expect(twice.warehouseOnly).toEqual([]);
  },
);
