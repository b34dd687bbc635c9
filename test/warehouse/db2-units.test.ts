/** The DB2 module's pure parts: catalog rows → column types, names, decimal text, batch slicing, error lines. */
import type { Column } from '../../lib/columns';
import { parseConnectionUrl } from '../../lib/connection-url';
import { RunError } from '../../lib/errors';
import { normalizeDecimal, toKeyStats, toRangeDigests, toRowDigests } from '../../lib/dialect/db2/db2-sql';
import { describeMissingDriver, toDb2Error, useIbmDbDriver } from '../../lib/dialect/db2/db2-connection';
import { arrayInsert, slicesWithin } from '../../lib/warehouse/db2/db2-load';
import { toColumn, type SyscatColumnRow } from '../../lib/dialect/db2/db2-introspector';
import { KeyRange } from '../../lib/key-range';
import { foldIdentifier } from '../../lib/dialect/db2/db2-sql';
import { Db2Warehouse } from '../../lib/warehouse/db2/db2-warehouse';
import { createFakeIbmDb, FakeDb2Server } from '../fakes/ibm_db';

const row = (overrides: Partial<SyscatColumnRow>): SyscatColumnRow => ({
  COLNAME: 'C',
  TYPENAME: 'INTEGER',
  LENGTH: 4,
  SCALE: 0,
  NULLS: 'Y',
  DEFAULT: null,
  TYPESTRINGUNITS: null,
  STRINGUNITSLENGTH: null,
  CODEPAGE: 0,
  IDENTITY: 'N',
  GENERATED: ' ',
  ...overrides,
});

describe('SYSCAT.COLUMNS → logical column types', () => {
  test.each([
    [
      'VARCHAR(50) counts bytes',
      row({ TYPENAME: 'VARCHAR', LENGTH: 50, TYPESTRINGUNITS: 'OCTETS', STRINGUNITSLENGTH: 50, CODEPAGE: 1208 }),
      'VARCHAR(50)',
      { kind: 'text', maxChars: null, maxBytes: 50 },
    ],
    [
      'VARCHAR(50 CODEUNITS32) counts characters',
      row({ TYPENAME: 'VARCHAR', LENGTH: 200, TYPESTRINGUNITS: 'CODEUNITS32', STRINGUNITSLENGTH: 50, CODEPAGE: 1208 }),
      'VARCHAR(50 CODEUNITS32)',
      { kind: 'text', maxChars: 50, maxBytes: null },
    ],
    [
      'CHAR(8) FOR BIT DATA is binary',
      row({ TYPENAME: 'CHARACTER', LENGTH: 8 }),
      'CHAR(8) FOR BIT DATA',
      { kind: 'binary', maxBytes: 8 },
    ],
    [
      'VARGRAPHIC(10) holds 5 characters outside the BMP',
      row({
        TYPENAME: 'VARGRAPHIC',
        LENGTH: 10,
        TYPESTRINGUNITS: 'CODEUNITS16',
        STRINGUNITSLENGTH: 10,
        CODEPAGE: 1200,
      }),
      'VARGRAPHIC(10)',
      { kind: 'text', maxChars: 5, maxBytes: null },
    ],
    [
      'DECIMAL(31,10)',
      row({ TYPENAME: 'DECIMAL', LENGTH: 31, SCALE: 10 }),
      'DECIMAL(31,10)',
      { kind: 'decimal', precision: 31, scale: 10, maxPrecision: 31 },
    ],
    [
      'DECFLOAT(16) is 8 bytes',
      row({ TYPENAME: 'DECFLOAT', LENGTH: 8 }),
      'DECFLOAT(16)',
      { kind: 'decimal', precision: 16, scale: null },
    ],
    [
      'DECFLOAT(34) is 16 bytes',
      row({ TYPENAME: 'DECFLOAT', LENGTH: 16 }),
      'DECFLOAT(34)',
      { kind: 'decimal', precision: 34, scale: null },
    ],
    ['BIGINT', row({ TYPENAME: 'BIGINT', LENGTH: 8 }), 'BIGINT', { kind: 'integer', bits: 64, unsigned: false }],
    [
      'TIMESTAMP(3)',
      row({ TYPENAME: 'TIMESTAMP', LENGTH: 10, SCALE: 3 }),
      'TIMESTAMP(3)',
      { kind: 'timestamp', fsp: 3 },
    ],
    ['TIME has no fractions', row({ TYPENAME: 'TIME', LENGTH: 3 }), 'TIME', { kind: 'time', fsp: 0, day: true }],
    [
      'BLOB(1048576)',
      row({ TYPENAME: 'BLOB', LENGTH: 1048576 }),
      'BLOB(1048576)',
      { kind: 'binary', maxBytes: 1048576 },
    ],
    ['XML is not supported', row({ TYPENAME: 'XML', LENGTH: 0 }), 'XML', { kind: 'other' }],
  ])('%s', (_case, catalogRow, sqlType, type) => {
    expect(toColumn(catalogRow)).toEqual({ name: 'C', sqlType, type, nullable: true, hasDefault: false });
  });

  test('NOT NULL, a DEFAULT, an identity and a generated column', () => {
    expect(toColumn(row({ NULLS: 'N' }))).toMatchObject({ nullable: false, hasDefault: false });
    expect(toColumn(row({ DEFAULT: '0' }))).toMatchObject({ hasDefault: true });
    expect(toColumn(row({ IDENTITY: 'Y', GENERATED: 'D' }))).toMatchObject({ hasDefault: true });
    expect(toColumn(row({ GENERATED: 'A' }))).toMatchObject({ hasDefault: true });
  });
});

test.each([
  ['sales_data', 'SALES_DATA'],
  ['Sales_Data', 'SALES_DATA'],
  ['"Sales"', 'Sales'],
  ['"a""b"', 'a"b'],
  ['"sales data"', 'sales data'],
])('DB2 folds %s to %s', (written, folded) => {
  expect(foldIdentifier(written)).toBe(folded);
});

test.each([
  ['.5', 2, '0.50'],
  ['-.5', 1, '-0.5'],
  ['1.2E+3', 0, '1200'],
  ['-4.50E-2', 4, '-0.0450'],
  ['0E-10', 10, '0.0000000000'],
  ['-1E-10', 10, '-0.0000000001'],
  ['12', 0, '12'],
  ['18446744073709551615', 0, '18446744073709551615'],
  ['123.4500000000', 2, '123.45'],
  ['-0', 0, '0'],
])('DB2 numeric text %s at scale %d is %s', (text, scale, expected) => {
  expect(normalizeDecimal(text, scale)).toBe(expected);
});

test("DB2's verify answers by column name, keys as DECIMAL text ('7.', '12.0') read as integers", () => {
  const range = new KeyRange(0n, 100n);
  expect(toRangeDigests([{ BUCKET: '1.', N: 2, CHECKSUM: '99' }], range, 10n)).toEqual([
    { low: 10n, high: 20n, count: 2, checksum: '99' },
  ]);
  expect([
    ...toRowDigests([
      { K: '7.', D: 'b' },
      { K: '7', D: 'a' },
    ]),
  ]).toEqual([[7n, 'a,b']]);
  expect(toKeyStats([[{ N: 5, NULLS: 1 }], [{ LO: '-2.', HI: '12.0' }], [{ K: 1, R: '1' }], [{ K: '3.' }]])).toEqual({
    rows: 5,
    nullKeys: 1,
    min: -2n,
    max: 12n,
    duplicateKeys: 1,
    duplicateRows: 1,
    duplicateSample: [3n],
  });
});

describe('array insert parameters and transaction slices', () => {
  const table = { sql: '"S"."T"', display: 'S.T', columns: [] };
  const text = (name: string): Column => ({
    name,
    sqlType: 'VARCHAR(100)',
    type: { kind: 'text', maxChars: null, maxBytes: 100 },
    nullable: true,
    hasDefault: false,
  });
  const bytes = (name: string, sqlType = 'VARBINARY(16)'): Column => ({
    name,
    sqlType,
    type: { kind: 'binary', maxBytes: 16 },
    nullable: true,
    hasDefault: false,
  });

  test('every value crosses as text (or NULL), so a column never mixes C types', () => {
    expect(
      arrayInsert(
        table,
        [text('A'), text('B'), text('C')],
        [
          [1, '12.50', null],
          [2, null, 'x'],
          [3.5, '0', ''],
        ],
      ),
    ).toEqual({
      sql: 'INSERT INTO "S"."T" ("A", "B", "C") VALUES (?, ?, ?)',
      params: [
        { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['1', '2', '3.5'] },
        { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['12.50', null, '0'] },
        { ParamType: 'ARRAY', DataType: 'CHAR', Data: [null, 'x', ''] },
      ],
    });
    // A column of only empty strings and NULLs still gets a non-empty buffer.
    expect(arrayInsert(table, [text('A')], [[''], [null]]).params).toEqual([
      { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['', null], Length: 1 },
    ]);
  });

  test(
    'binary values cross as Latin-1 text of their bytes with the C type BINARY (an array ' +
      'of Buffers would be one LOB to ibm_db)',
    () => {
      const rows = [[Buffer.from([0, 255, 65, 0])], [null], [Buffer.alloc(0)]];
      expect(arrayInsert(table, [bytes('B')], rows).params).toEqual([
        { ParamType: 'ARRAY', CType: 'BINARY', DataType: 'BINARY', Data: ['\u0000\u00ffA\u0000', null, ''] },
      ]);
      expect(arrayInsert(table, [bytes('B', 'BLOB(1M)')], [[Buffer.alloc(0)]]).params).toEqual([
        { ParamType: 'ARRAY', CType: 'BINARY', DataType: 'BLOB', Data: [''], Length: 1 },
      ]);
    },
  );

  test('a column NULL in every row gets the NULL keyword instead of a parameter marker', () => {
    expect(
      arrayInsert(
        table,
        [text('A'), bytes('B'), text('C')],
        [
          [1, null, null],
          [2, null, null],
        ],
      ),
    ).toEqual({
      sql: 'INSERT INTO "S"."T" ("A", "B", "C") VALUES (?, NULL, NULL)',
      params: [{ ParamType: 'ARRAY', DataType: 'CHAR', Data: ['1', '2'] }],
    });
  });

  test('slices stay under the row and byte bounds, in order, and a small batch is one slice', () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i, 'x'.repeat(100)]);
    const columns = [text('K'), text('V')];
    const limits = (maxBytes: number, maxRows: number) => ({ maxBytes, maxRows, maxBoundBytes: 1 << 30 });
    expect(slicesWithin(rows, columns, limits(1 << 20, 10)).map((s) => s.map((r) => r[0]))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22, 23, 24],
    ]);
    expect(slicesWithin(rows, columns, limits(1_000, 100)).map((s) => s.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(slicesWithin(rows, columns, limits(1 << 20, 100))).toEqual([rows]);
  });

  test('a long value cuts the slice so that rows × (longest + 1) stays within the bound-buffer budget', () => {
    const columns = [text('K'), bytes('B'), text('V')];
    // 1 + 0 + 2 bytes of values: a width of 3 + 3 = 6 bytes a row.
    const rows = Array.from({ length: 100 }, (_, i) => [i % 10, null, i === 50 ? 'y'.repeat(1000) : 'xx']);
    const slices = slicesWithin(rows, columns, { maxBytes: 1 << 30, maxRows: 1000, maxBoundBytes: 5_000 });
    // The rows before the long value fill one slice; the long value (1003 bytes a row) allows 4 rows.
    expect(slices.map((s) => [s[0][0], s.length])).toEqual([
      [0, 50],
      [0, 4],
      [4, 46],
    ]);
    expect(slices.flat()).toEqual(rows);
    for (const slice of slices) {
      const width = columns.reduce(
        (sum, _, j) => sum + Math.max(...slice.map((r) => String(r[j] ?? '').length)) + 1,
        0,
      );
      expect(slice.length * width).toBeLessThanOrEqual(5_000);
    }
    // Bytes of UTF-8, not characters, and a value longer than the budget alone in its slice.
    const wide = [
      [1, null, 'é'.repeat(300)],
      [2, null, 'a'],
      [3, null, 'a'],
    ];
    expect(
      slicesWithin(wide, columns, { maxBytes: 1 << 30, maxRows: 1000, maxBoundBytes: 1_200 }).map((s) => s.length),
    ).toEqual([1, 2]);
    expect(
      slicesWithin(wide, columns, { maxBytes: 1 << 30, maxRows: 1000, maxBoundBytes: 500 }).map((s) => s.length),
    ).toEqual([1, 2]);
  });
});

describe('errors as one line', () => {
  test("what require('ibm_db') failing means", () => {
    expect(
      describeMissingDriver(Object.assign(new Error("Cannot find module 'ibm_db'"), { code: 'MODULE_NOT_FOUND' })),
    ).toMatch(/^DB2 driver missing: the npm package ibm_db is not installed/);
    expect(describeMissingDriver(new Error('Could not locate the bindings file. Tried: …'))).toMatch(
      /^DB2 driver missing: ibm_db is installed but its native part/,
    );
    expect(
      describeMissingDriver(new Error('libcrypt.so.1: cannot open shared object file: No such file or directory')),
    ).toMatch(
      /^DB2 driver missing: the IBM clidriver library libcrypt\.so\.1 could not be loaded .*scripts\/build-ibm-db-layer\.sh/,
    );
  });

  test(
    'driver errors lose the CLI prefix and line breaks, keep SQLSTATE and SQLCODE, and ' + 'never show the password',
    () => {
      const native = Object.assign(
        new Error('[IBM][CLI Driver][DB2/LINUXX8664] SQL0204N  "U.T" is an undefined name.  ' + 'SQLSTATE=42704\n'),
        { sqlstate: '42704', sqlcode: -204 },
      );
      expect(toDb2Error(native, [])).toMatchObject({
        message: 'SQL0204N "U.T" is an undefined name. SQLSTATE=42704',
        sqlstate: '42704',
        sqlcode: -204,
      });
      expect(toDb2Error({ message: 'Connection not open.', sqlstate: '08001', sqlcode: -30081 }, [])).toMatchObject({
        message: 'Connection not open.',
        sqlstate: '08001',
      });
      expect(toDb2Error(new Error('login for PWD=hunter2 failed SQLSTATE=08001'), ['hunter2']).message).toBe(
        'login for PWD=*** failed SQLSTATE=08001',
      );
    },
  );

  test('which errors are worth a retry', async () => {
    const server = new FakeDb2Server();
    useIbmDbDriver(createFakeIbmDb(server));
    const target = parseConnectionUrl('db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB', 'warehouse');
    const warehouse = await Db2Warehouse.open(target as Exclude<typeof target, string>);
    try {
      const transient = (sqlstate: string, message = 'x') => warehouse.isTransient({ sqlstate, message });
      expect(['40001', '57033', '40003', '08001', '08003', '08S01'].map((s) => transient(s))).toEqual([
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(['57011', '23505', '23502', '22001', '42601', '42501'].map((s) => transient(s))).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(transient('S1000', '[IBM][CLI Driver] CLI0600E Invalid connection handle or connection is closed.')).toBe(
        true,
      );
      expect(warehouse.isTransient(new RunError('lost the lock'))).toBe(false);
      expect(warehouse.isTransient(new Error('boom'))).toBe(false);
    } finally {
      await warehouse.close();
      useIbmDbDriver(null);
    }
  });

  test(
    'a COMMIT lost with its connection is seen although commitTransaction() would resolve ' + '(ibm_db 4.0.1)',
    async () => {
      const server = new FakeDb2Server();
      const fake = createFakeIbmDb(server);
      useIbmDbDriver(fake);
      const admin = await fake.open(
        'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;',
      );
      await admin.query('CREATE TABLE T (K INTEGER NOT NULL, V INTEGER)');
      const target = parseConnectionUrl('db2://db2inst1:db2-secret@db2.fake.test:50000/BLUDB', 'warehouse');
      const warehouse = await Db2Warehouse.open(target as Exclude<typeof target, string>);
      try {
        const table = (await warehouse.describeTable({ schema: null, name: 't' }))!;
        server.failNext({ sqlstate: '08001', on: 'commit' });
        const failed = await warehouse
          .load({ table, columns: table.columns, key: table.columns[0] }, [
            [1, 10],
            [2, 20],
            [3, 30],
          ])
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(failed).toMatchObject({ sqlstate: '08001', sqlcode: -30081 });
        expect(warehouse.isTransient(failed)).toBe(true);
        expect(await admin.query('SELECT COUNT(*) AS N FROM T')).toEqual([{ N: 0 }]);
      } finally {
        await warehouse.close();
        await admin.close();
        useIbmDbDriver(null);
      }
    },
  );
});
