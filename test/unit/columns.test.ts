import {
  cannotHold,
  charsetFits,
  matchColumns,
  unprovenKey,
  type Charset,
  type Column,
  type ColumnType,
} from '../../lib/columns';

const col = (name: string, sqlType: string, type: ColumnType, nullable = true, hasDefault = false): Column => ({
  name,
  sqlType,
  type,
  nullable,
  hasDefault,
});
const int = (bits: 8 | 16 | 32 | 64, unsigned = false): ColumnType => ({ kind: 'integer', bits, unsigned });
const dec = (precision: number | null, scale: number | null): ColumnType => ({ kind: 'decimal', precision, scale });
const text = (maxChars: number | null, maxBytes: number | null = null): ColumnType => ({
  kind: 'text',
  maxChars,
  maxBytes,
});

test.each([
  ['int into bigint', col('a', 'int', int(32)), col('a', 'bigint', int(64)), null],
  [
    'bigint into int',
    col('a', 'bigint', int(64)),
    col('a', 'integer', int(32)),
    'source bigint does not fit warehouse integer; widen it to BIGINT',
  ],
  [
    'bigint unsigned into bigint',
    col('a', 'bigint unsigned', int(64, true)),
    col('a', 'bigint', int(64)),
    'source bigint unsigned does not fit warehouse bigint; widen it to DECIMAL(20,0)',
  ],
  [
    'bigint unsigned into decimal(20,0)',
    col('a', 'bigint unsigned', int(64, true)),
    col('a', 'DECIMAL(20,0)', dec(20, 0)),
    null,
  ],
  [
    'bigint unsigned into decimal(19,0)',
    col('a', 'bigint unsigned', int(64, true)),
    col('a', 'DECIMAL(19,0)', dec(19, 0)),
    'source bigint unsigned does not fit warehouse DECIMAL(19,0); use DECIMAL(20,0) or wider',
  ],
  [
    'int unsigned into int',
    col('a', 'int unsigned', int(32, true)),
    col('a', 'integer', int(32)),
    'source int unsigned does not fit warehouse integer; widen it to BIGINT',
  ],
  ['decimal(10,2) into numeric', col('a', 'decimal(10,2)', dec(10, 2)), col('a', 'numeric', dec(null, null)), null],
  [
    'decimal(10,2) into decimal(12,4)',
    col('a', 'decimal(10,2)', dec(10, 2)),
    col('a', 'numeric(12,4)', dec(12, 4)),
    null,
  ],
  [
    'decimal(10,2) into decimal(10,3)',
    col('a', 'decimal(10,2)', dec(10, 2)),
    col('a', 'numeric(10,3)', dec(10, 3)),
    'source decimal(10,2) does not fit warehouse numeric(10,3); use DECIMAL(11,3) or wider',
  ],
  [
    'decimal(10,4) into decimal(10,2)',
    col('a', 'decimal(10,4)', dec(10, 4)),
    col('a', 'numeric(10,2)', dec(10, 2)),
    'source decimal(10,4) does not fit warehouse numeric(10,2); use DECIMAL(10,4) or wider',
  ],
  [
    'decimal into float',
    col('a', 'decimal(10,2)', dec(10, 2)),
    col('a', 'double precision', { kind: 'float', bits: 64 }),
    'source decimal(10,2) does not fit warehouse double precision; use DECIMAL(10,2)',
  ],
  [
    'varchar(50) into bytes 50',
    col('a', 'varchar(50)', text(50, 200)),
    col('A', 'VARCHAR(50)', text(null, 50)),
    'source varchar(50) does not fit warehouse VARCHAR(50); it holds 50 bytes but the ' +
      'source can need 200 (4 bytes per utf8mb4 character); make it VARCHAR(200) or declare ' +
      'it in CODEUNITS32',
  ],
  [
    'varchar(50) into bytes 200',
    col('a', 'varchar(50)', text(50, 200)),
    col('A', 'VARCHAR(200)', text(null, 200)),
    null,
  ],
  ['varchar(50) into text', col('a', 'varchar(50)', text(50, 200)), col('a', 'text', text(null)), null],
  [
    'datetime(6) into timestamp(3)',
    col('a', 'datetime(6)', { kind: 'timestamp', fsp: 6 }),
    col('a', 'timestamp(3)', { kind: 'timestamp', fsp: 3 }),
    'source datetime(6) does not fit warehouse timestamp(3); use TIMESTAMP(6) or finer',
  ],
  [
    'date into timestamp',
    col('a', 'date', { kind: 'date' }),
    col('a', 'timestamp', { kind: 'timestamp', fsp: 6 }),
    null,
  ],
])('%s', (_name, source, warehouse, expected) => {
  expect(cannotHold(source, warehouse)).toBe(expected);
});

test('nullable source into NOT NULL warehouse column is refused', () => {
  expect(cannotHold(col('a', 'int', int(32), true), col('a', 'integer', int(32), false))).toBe(
    'source is nullable but warehouse integer is NOT NULL; make the warehouse column nullable',
  );
});

test('columns match by name case-insensitively; extra columns are reported or checked', () => {
  const source = [
    col('rowid', 'int', int(32), false),
    col('Qty', 'int', int(32), false),
    col('note', 'text', text(null)),
  ];
  const warehouse = [
    col('ROWID', 'INTEGER', int(32), false),
    col('QTY', 'INTEGER', int(32), false),
    col('PRICE', 'DECIMAL(10,2)', dec(10, 2), true),
  ];
  const match = matchColumns(source, warehouse, 'rowid');
  expect(match.pairs.map((p) => [p.source.name, p.warehouse.name])).toEqual([
    ['rowid', 'ROWID'],
    ['Qty', 'QTY'],
  ]);
  expect(match.sourceOnly).toEqual(['note']);
  expect(match.warehouseOnly.map((c) => c.name)).toEqual(['PRICE']);
  expect(match.problems).toEqual([]);
  expect(matchColumns(source, warehouse, 'qty').problems).toEqual([]);
  expect(
    matchColumns([col('id', 'varchar(5)', text(5), false)], [col('id', 'text', text(null), false)], 'id').problems,
  ).toEqual(['key column id is varchar(5); the key must be an integer column']);
});

describe('floats (a FLOAT is a 4-byte float, DOUBLE an 8-byte one)', () => {
  const float = (bits: 32 | 64): ColumnType => ({ kind: 'float', bits });
  test.each([
    ['float into real', col('f', 'float', float(32)), col('f', 'real', float(32)), null],
    ['float into double', col('f', 'float', float(32)), col('f', 'double precision', float(64)), null],
    ['double into double', col('d', 'double', float(64)), col('d', 'double precision', float(64)), null],
    [
      'double into real',
      col('d', 'double', float(64)),
      col('d', 'real', float(32)),
      'source double does not fit warehouse real; use DOUBLE',
    ],
    [
      'float into numeric',
      col('f', 'float', float(32)),
      col('f', 'numeric', dec(null, null)),
      'source float does not fit warehouse numeric; use REAL or DOUBLE',
    ],
    [
      'double into decimal(30,10)',
      col('d', 'double', float(64)),
      col('d', 'numeric(30,10)', dec(30, 10)),
      'source double does not fit warehouse numeric(30,10); use DOUBLE',
    ],
  ])('%s', (_name, source, warehouse, expected) => {
    expect(cannotHold(source, warehouse)).toBe(expected);
  });
});

describe('character sets: what the warehouse encoding can store', () => {
  const chars = (charset: Charset | undefined): ColumnType => ({
    kind: 'text',
    maxChars: null,
    maxBytes: null,
    charset,
  });
  const NAMES = {
    unicode: 'any Unicode',
    latin1: 'ISO 8859-1 (PostgreSQL LATIN1)',
    cp1252: 'Windows-1252 (MySQL latin1, PostgreSQL WIN1252)',
    other: 'some non-Unicode',
  };
  const refusal = (source: keyof typeof NAMES, warehouse: keyof typeof NAMES) =>
    `source varchar(20) can hold ${NAMES[source]} characters, but warehouse text stores ` +
    `${NAMES[warehouse]} only; make the warehouse side UTF-8 ` +
    `(PostgreSQL: a database created with ENCODING 'UTF8'; MySQL: CHARACTER SET utf8mb4), ` +
    `or the source column CHARACTER SET ascii`;
  test.each<[string, Charset | undefined, Charset | undefined, string | null]>([
    ['utf8mb4 into UTF8', 'unicode', 'unicode', null],
    ['utf8mb4 into LATIN1', 'unicode', 'latin1', refusal('unicode', 'latin1')],
    ['utf8mb4 into WIN1252', 'unicode', 'cp1252', refusal('unicode', 'cp1252')],
    ['utf8mb4 into SQL_ASCII (bytes stored as they are)', 'unicode', 'bytes', null],
    ['MySQL latin1 (Windows-1252: €) into LATIN1', 'cp1252', 'latin1', refusal('cp1252', 'latin1')],
    ['MySQL latin1 into WIN1252', 'cp1252', 'cp1252', null],
    ['ascii into LATIN1', 'ascii', 'latin1', null],
    ['ascii into another encoding', 'ascii', 'other', null],
    ['another charset into another encoding', 'other', 'other', refusal('other', 'other')],
    ['unknown into LATIN1 (taken as any character)', undefined, 'latin1', refusal('unicode', 'latin1')],
    ['utf8mb4 into a warehouse that does not say', 'unicode', undefined, null],
  ])('%s', (_name, source, warehouse, expected) => {
    expect(cannotHold(col('t', 'varchar(20)', chars(source)), col('t', 'text', chars(warehouse)))).toBe(expected);
  });

  test('charsetFits is a subset relation', () => {
    expect(charsetFits('latin1', 'latin1')).toBe(true);
    expect(charsetFits('latin1', 'cp1252')).toBe(false);
    expect(charsetFits('unicode', 'ascii')).toBe(false);
  });
});

describe('a proven key: PRIMARY KEY or UNIQUE index on the key alone, NOT NULL', () => {
  test('a NOT NULL column with its own unique index is proven, matched case-insensitively', () => {
    expect(unprovenKey(col('rowid', 'int', int(32), false), ['ROWID'])).toBeNull();
  });
  test('no unique index of its own', () => {
    expect(unprovenKey(col('rowid', 'int', int(32), false), ['other'])).toBe(
      'source key rowid has no PRIMARY KEY or UNIQUE index of its own, so rows sharing a key ' +
        'or without one would be lost; add a PRIMARY KEY or UNIQUE index on rowid alone',
    );
  });
  test('nullable and without a unique index', () => {
    expect(unprovenKey(col('rowid', 'int', int(32), true), [])).toBe(
      'source key rowid is nullable and has no PRIMARY KEY or UNIQUE index of its own, so ' +
        'rows sharing a key or without one would be lost; ' +
        'add a PRIMARY KEY or UNIQUE index on rowid alone and make it NOT NULL',
    );
  });
  test('unique but nullable', () => {
    expect(unprovenKey(col('rowid', 'int', int(32), true), ['rowid'])).toBe(
      'source key rowid has a UNIQUE index but is nullable, so rows sharing a key or without ' +
        'one would be lost; make rowid NOT NULL',
    );
  });
});

describe('the same size fits, one less does not', () => {
  const time = (fsp: number): ColumnType => ({ kind: 'time', fsp });
  const bin = (maxBytes: number | null): ColumnType => ({ kind: 'binary', maxBytes });
  test.each([
    ['time(3) into time(3)', col('t', 'time(3)', time(3)), col('t', 'time(3)', time(3)), null],
    [
      'time(6) into time(3)',
      col('t', 'time(6)', time(6)),
      col('t', 'time(3)', time(3)),
      'source time(6) does not fit warehouse time(3); use TIME with at least 6 fractional digits',
    ],
    ['varbinary(16) into bytes 16', col('b', 'varbinary(16)', bin(16)), col('b', 'VARBINARY(16)', bin(16)), null],
    [
      'varbinary(17) into bytes 16',
      col('b', 'varbinary(17)', bin(17)),
      col('b', 'VARBINARY(16)', bin(16)),
      'source varbinary(17) does not fit warehouse VARBINARY(16); make it at least 17 bytes',
    ],
    [
      'blob into bytes 16',
      col('b', 'blob', bin(null)),
      col('b', 'VARBINARY(16)', bin(16)),
      'source blob does not fit warehouse VARBINARY(16); make it at least unbounded bytes',
    ],
    ['varchar(50) into varchar(50)', col('v', 'varchar(50)', text(50, 200)), col('v', 'varchar(50)', text(50)), null],
    [
      'varchar(51) into varchar(50)',
      col('v', 'varchar(51)', text(51, 204)),
      col('v', 'varchar(50)', text(50)),
      'source varchar(51) does not fit warehouse varchar(50); make it at least 51 characters long',
    ],
    [
      'decimal(10,2) into decimal(10,2)',
      col('d', 'decimal(10,2)', dec(10, 2)),
      col('d', 'numeric(10,2)', dec(10, 2)),
      null,
    ],
    ['int into int', col('i', 'int', int(32)), col('i', 'integer', int(32)), null],
    [
      'datetime(3) into timestamp(3)',
      col('a', 'datetime(3)', { kind: 'timestamp', fsp: 3 }),
      col('a', 'timestamp(3)', { kind: 'timestamp', fsp: 3 }),
      null,
    ],
  ])('%s', (_name, source, warehouse, expected) => {
    expect(cannotHold(source, warehouse)).toBe(expected);
  });
});
