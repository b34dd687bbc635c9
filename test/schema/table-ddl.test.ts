/** The type map's edges and each warehouse's spelling of CREATE TABLE / ADD COLUMN / widening ALTER. */
import { toColumn, type InformationSchemaColumn } from '../../lib/dialect/mysql/mysql-introspector';
import { addColumnsDdl, createTableDdl, widenDdl } from '../../lib/schema/table-ddl';
import { mapColumnType, TYPE_MAP, typeMapMarkdown } from '../../lib/schema/type-map';
import { DB2_DDL } from '../../lib/warehouse/db2/db2-ddl';
import { MYSQL_DDL } from '../../lib/warehouse/mysql/mysql-ddl';
import { POSTGRES_DDL } from '../../lib/warehouse/postgres/postgres-ddl';

/** A MySQL column as information_schema describes it (utf8mb4 text). */
function column(name: string, columnType: string, extra: Partial<InformationSchemaColumn> = {}) {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  const length = /\((\d+)\)/.exec(columnType)?.[1] ?? null;
  const [precision, scale] = /\((\d+),(\d+)\)/.exec(columnType)?.slice(1) ?? [null, null];
  const isText = ['char', 'varchar'].includes(dataType);
  const isBinary = ['binary', 'varbinary'].includes(dataType);
  return toColumn({
    COLUMN_NAME: name,
    DATA_TYPE: dataType,
    COLUMN_TYPE: columnType,
    CHARACTER_MAXIMUM_LENGTH: isText || isBinary ? length : null,
    CHARACTER_OCTET_LENGTH: isText ? Number(length) * 4 : isBinary ? length : null,
    NUMERIC_PRECISION: precision,
    NUMERIC_SCALE: scale,
    DATETIME_PRECISION: null,
    IS_NULLABLE: 'YES',
    COLUMN_DEFAULT: null,
    CHARACTER_SET_NAME: isText ? 'utf8mb4' : null,
    ...extra,
  });
}

test('DB2 text: VARCHAR in CODEUNITS32 up to 32,672 bytes (8,168 characters), CLOB beyond', () => {
  expect(mapColumnType('db2', column('a', 'varchar(8168)'))).toEqual({ sql: 'VARCHAR(8168 CODEUNITS32)' });
  expect(mapColumnType('db2', column('a', 'varchar(8169)'))).toEqual({ sql: 'CLOB(8169 CODEUNITS32)' });
});

test('DB2 binary: VARBINARY up to 32,672 bytes, BLOB beyond; BINARY(n) as it is', () => {
  expect(mapColumnType('db2', column('a', 'varbinary(32672)'))).toEqual({ sql: 'VARBINARY(32672)' });
  expect(mapColumnType('db2', column('a', 'varbinary(32673)'))).toEqual({ sql: 'BLOB(32673)' });
  expect(mapColumnType('db2', column('a', 'binary(16)'))).toEqual({ sql: 'BINARY(16)' });
});

test('DB2 decimals: DECIMAL to 31 digits, DECFLOAT(34) to 34, refused beyond with the choice', () => {
  expect(mapColumnType('db2', column('a', 'decimal(31,2)'))).toEqual({ sql: 'DECIMAL(31,2)' });
  expect(mapColumnType('db2', column('a', 'decimal(32,2)'))).toEqual({ sql: 'DECFLOAT(34)' });
  expect(mapColumnType('db2', column('a', 'decimal(34,2)'))).toEqual({ sql: 'DECFLOAT(34)' });
  expect(mapColumnType('db2', column('a', 'decimal(35,2)'))).toEqual({
    refused:
      "decimal(35,2) can have 35 digits but DB2's DECIMAL holds at most 31 and DECFLOAT(34) " +
      '34; narrow the staging column to DECIMAL(34,2) or less, or sync this table to a ' +
      'PostgreSQL or MySQL warehouse',
  });
});

test('BIGINT UNSIGNED: NUMERIC(20,0) / DECIMAL(20,0) where no integer holds it', () => {
  const ubig = column('a', 'bigint(20) unsigned');
  expect([mapColumnType('postgres', ubig), mapColumnType('mysql', ubig), mapColumnType('db2', ubig)]).toEqual([
    { sql: 'numeric(20,0)' },
    { sql: 'BIGINT UNSIGNED' },
    { sql: 'DECIMAL(20,0)' },
  ]);
});

test("a type with no rule (GEOMETRY) is refused, naming the user's choice", () => {
  expect(mapColumnType('postgres', column('shape', 'geometry'))).toEqual({
    refused:
      'geometry has no lossless PostgreSQL type in warehouse-sync; drop the column from the ' +
      "staging table, or change it to a type listed in the README's type mapping",
  });
});

test(
  'CREATE TABLE: the key NOT NULL and the primary key, names folded the way each ' + 'warehouse folds unquoted ones',
  () => {
    const columns = [column('RowId', 'int(11)', { IS_NULLABLE: 'NO' }), column('Note', 'varchar(20)')];
    const name = { schema: 'dw', name: 'Sales' };
    expect(createTableDdl(POSTGRES_DDL, 'sales', name, columns, 'rowid').statements).toEqual([
      'CREATE TABLE "dw"."sales" (\n  "rowid" integer NOT NULL,\n  "note" varchar(20),\n  PRIMARY KEY ("rowid")\n)',
    ]);
    expect(createTableDdl(DB2_DDL, 'sales', name, columns, 'rowid').statements).toEqual([
      'CREATE TABLE "DW"."SALES" (\n  "ROWID" INTEGER NOT NULL,\n  "NOTE" VARCHAR(20 ' +
        'CODEUNITS32),\n  PRIMARY KEY ("ROWID")\n)',
    ]);
    expect(createTableDdl(MYSQL_DDL, 'sales', name, columns, 'rowid').statements).toEqual([
      'CREATE TABLE `dw`.`Sales` (\n  `RowId` INT NOT NULL,\n  `Note` VARCHAR(20) CHARACTER ' +
        'SET utf8mb4 NULL,\n  PRIMARY KEY (`RowId`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    ]);
  },
);

test('CREATE TABLE refuses a key that is not an integer, and every column it cannot create, at once', () => {
  const columns = [column('code', 'varchar(10)'), column('shape', 'geometry')];
  expect(createTableDdl(POSTGRES_DDL, 't', { schema: null, name: 't' }, columns, 'code')).toEqual({
    statements: [],
    problems: [
      'table t: key column code is varchar(10); the key must be an integer column',
      'table t: column shape geometry has no lossless PostgreSQL type in warehouse-sync; ' +
        "drop the column from the staging table, or change it to a type listed in the README's " +
        'type mapping',
    ],
  });
});

test(
  'ADD COLUMN is nullable whatever the source says (rows already loaded hold NULL ' +
    'there); widening ALTER per warehouse',
  () => {
    const note = column('note', 'varchar(200)', { IS_NULLABLE: 'NO' });
    expect(addColumnsDdl(POSTGRES_DDL, 't', '"public"."t"', [note]).statements).toEqual([
      'ALTER TABLE "public"."t" ADD COLUMN "note" varchar(200)',
    ]);
    expect(addColumnsDdl(MYSQL_DDL, 't', '`d`.`t`', [note]).statements).toEqual([
      'ALTER TABLE `d`.`t` ADD COLUMN `note` VARCHAR(200) CHARACTER SET utf8mb4 NULL',
    ]);
    expect(addColumnsDdl(DB2_DDL, 't', '"S"."T"', [note]).statements).toEqual([
      'ALTER TABLE "S"."T" ADD COLUMN "NOTE" VARCHAR(200 CODEUNITS32)',
    ]);
    expect(widenDdl(POSTGRES_DDL, '"public"."t"', note, 'note', false)).toBe(
      'ALTER TABLE "public"."t" ALTER COLUMN "note" TYPE varchar(200)',
    );
    expect(widenDdl(MYSQL_DDL, '`d`.`t`', note, 'note', false)).toBe(
      'ALTER TABLE `d`.`t` MODIFY COLUMN `note` VARCHAR(200) CHARACTER SET utf8mb4 NOT NULL',
    );
    expect(widenDdl(DB2_DDL, '"S"."T"', note, 'NOTE', true)).toBe(
      'ALTER TABLE "S"."T" ALTER COLUMN "NOTE" SET DATA TYPE VARCHAR(200 CODEUNITS32)',
    );
  },
);

test('"already exists" is told apart per warehouse, so a concurrent run goes on with the table the other made', () => {
  expect(POSTGRES_DDL.isAlreadyThere({ code: '42P07' })).toBe(true);
  expect(POSTGRES_DDL.isAlreadyThere({ code: '23505' })).toBe(true);
  expect(POSTGRES_DDL.isAlreadyThere({ code: '42601' })).toBe(false);
  expect(MYSQL_DDL.isAlreadyThere({ errno: 1050 })).toBe(true);
  expect(MYSQL_DDL.isAlreadyThere({ errno: 1064 })).toBe(false);
  expect(DB2_DDL.isAlreadyThere({ sqlstate: '42710' })).toBe(true);
  expect(DB2_DDL.isAlreadyThere({ sqlstate: '42601' })).toBe(false);
});

test('the README table has one row per rule of the type map', () => {
  const lines = typeMapMarkdown().split('\n');
  expect(lines).toHaveLength(TYPE_MAP.length + 2);
  expect(lines).toContain(
    '| BIGINT UNSIGNED | numeric(20,0) | BIGINT UNSIGNED | DECIMAL(20,0) | up to ' +
      '18,446,744,073,709,551,615 (20 digits): no PostgreSQL or DB2 integer holds it |',
  );
});
