/**
 * The DB2 engine's table definitions through the real ibm_db and the stand-in libdb2.so.1: the type
 * lengths DB2 accepts in CREATE TABLE, and ALTER TABLE … ADD COLUMN and ALTER COLUMN … SET DATA TYPE
 * with DB2's rules (test/fakes/ibm_db/table-definition.ts cites IBM's documentation for each), since
 * `--add-columns` and the ALTER TABLE a refusal suggests are DB2 statements the product hands over.
 */
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { startStandin, type Standin } from './db2-standin';

let standin: Standin;
let db2: IbmDbConnection;

beforeAll(async () => {
  standin = await startStandin();
  db2 = await standin.driver.open(standin.connectionString);
});
afterAll(async () => {
  await db2?.close();
  await standin?.stop();
});

async function failure(sql: string): Promise<{ sqlstate: string; sqlcode: number; message: string }> {
  try {
    await db2.query(sql);
  } catch (error) {
    const e = error as { sqlstate: string; sqlcode: number; message: string };
    return { sqlstate: e.sqlstate, sqlcode: e.sqlcode, message: e.message };
  }
  throw new Error(`expected ${sql} to fail`);
}

async function fresh(name: string, ddl: string): Promise<void> {
  await db2.query(`DROP TABLE ${name}`).catch(() => undefined);
  await db2.query(ddl);
}

const columnsOf = async (table: string) =>
  db2.query(
    `SELECT COLNAME, TYPENAME, LENGTH, SCALE, TYPESTRINGUNITS, STRINGUNITSLENGTH, NULLS ` +
      `FROM SYSCAT.COLUMNS WHERE TABNAME = '${table}' ORDER BY COLNO`,
  );

describe('type lengths DB2 accepts (SQL and XML limits)', () => {
  test.each([
    ['VARCHAR(8168 CODEUNITS32)'],
    ['VARCHAR(32672)'],
    ['CHAR(255)'],
    ['CHAR(63 CODEUNITS32)'],
    ['VARBINARY(32672)'],
    ['BINARY(255)'],
    ['CLOB(536870911 CODEUNITS32)'],
    ['BLOB(2147483647)'],
    ['DECIMAL(31,31)'],
    ['DECFLOAT(16)'],
    ['TIMESTAMP(12)'],
  ])('%s is accepted', async (type) => {
    await fresh('T_LIMIT', `CREATE TABLE T_LIMIT (C ${type})`);
  });

  test.each([
    ['VARCHAR(8169 CODEUNITS32)'],
    ['VARCHAR(32673)'],
    ['CHAR(256)'],
    ['CHAR(64 CODEUNITS32)'],
    ['VARBINARY(32673)'],
    ['BINARY(256)'],
    ['CLOB(536870912 CODEUNITS32)'],
    ['DECIMAL(32,0)'],
    ['DECIMAL(5,6)'],
    ['DECFLOAT(20)'],
    ['TIMESTAMP(13)'],
  ])('%s is refused with SQL0604N, in CREATE TABLE and in ADD COLUMN', async (type) => {
    await db2.query('DROP TABLE T_LIMIT').catch(() => undefined);
    expect(await failure(`CREATE TABLE T_LIMIT (C ${type})`)).toMatchObject({ sqlstate: '42611', sqlcode: -604 });
    await fresh('T_LIMIT', 'CREATE TABLE T_LIMIT (ID INTEGER)');
    const added = await failure(`ALTER TABLE T_LIMIT ADD COLUMN C ${type}`);
    expect(added).toMatchObject({ sqlstate: '42611', sqlcode: -604 });
    expect(added.message).toContain('SQL0604N  The length, precision, or scale attribute for column');
  });
});

describe('ALTER TABLE … ADD COLUMN', () => {
  beforeEach(async () => {
    await fresh('T_ADD', 'CREATE TABLE T_ADD (ID INTEGER NOT NULL PRIMARY KEY, NAME VARCHAR(10))');
    await db2.query("INSERT INTO T_ADD VALUES (1, 'one'), (2, 'two')");
  });

  test('a nullable column: earlier rows hold NULL, later rows carry it, and the catalog shows it last', async () => {
    await db2.query('ALTER TABLE T_ADD ADD COLUMN "NOTE" VARCHAR(50 CODEUNITS32)');
    await db2.query("INSERT INTO T_ADD (ID, NAME, NOTE) VALUES (3, 'three', 'é ☃')");
    expect(await db2.query('SELECT ID, NAME, NOTE FROM T_ADD ORDER BY ID')).toEqual([
      { ID: 1, NAME: 'one', NOTE: null },
      { ID: 2, NAME: 'two', NOTE: null },
      { ID: 3, NAME: 'three', NOTE: 'é ☃' },
    ]);
    expect((await columnsOf('T_ADD')).map((c) => [c.COLNAME, c.TYPENAME, c.STRINGUNITSLENGTH, c.NULLS])).toEqual([
      ['ID', 'INTEGER', null, 'N'],
      ['NAME', 'VARCHAR', 10, 'Y'],
      ['NOTE', 'VARCHAR', 50, 'Y'],
    ]);
    // The new column holds what its type holds, and no more.
    expect(await failure(`INSERT INTO T_ADD (ID, NOTE) VALUES (4, '${'x'.repeat(51)}')`)).toMatchObject({
      sqlstate: '22001',
    });
  });

  test(
    'without the word COLUMN, several clauses in one statement, and NOT NULL WITH DEFAULT ' + 'filling earlier rows',
    async () => {
      await db2.query(
        "ALTER TABLE T_ADD ADD QTY INTEGER ADD COLUMN REGION VARCHAR(4) NOT NULL DEFAULT 'eu' " +
          'ADD FLAG SMALLINT NOT NULL WITH DEFAULT',
      );
      expect(await db2.query('SELECT ID, QTY, REGION, FLAG FROM T_ADD ORDER BY ID')).toEqual([
        { ID: 1, QTY: null, REGION: 'eu', FLAG: 0 },
        { ID: 2, QTY: null, REGION: 'eu', FLAG: 0 },
      ]);
    },
  );

  test('a row inserted in an open transaction gains the column too', async () => {
    const other = await standin.driver.open(standin.connectionString);
    try {
      await other.beginTransaction();
      await other.query("INSERT INTO T_ADD VALUES (5, 'five')");
      await db2.query('ALTER TABLE T_ADD ADD COLUMN EXTRA INTEGER');
      await other.commitTransaction();
    } finally {
      await other.close();
    }
    expect(await db2.query('SELECT ID, EXTRA FROM T_ADD ORDER BY ID')).toEqual([
      { ID: 1, EXTRA: null },
      { ID: 2, EXTRA: null },
      { ID: 5, EXTRA: null },
    ]);
  });

  test(
    'a column that exists is SQL0612N (42711); NOT NULL without a default is SQL0193N; the ' + 'table stays as it was',
    async () => {
      const duplicate = await failure('ALTER TABLE T_ADD ADD COLUMN NAME INTEGER');
      expect(duplicate).toMatchObject({ sqlstate: '42711', sqlcode: -612 });
      expect(duplicate.message).toContain('SQL0612N  "NAME" is a duplicate name.');
      expect(await failure('ALTER TABLE T_ADD ADD COLUMN QTY INTEGER NOT NULL')).toMatchObject({
        sqlstate: '42601',
        sqlcode: -193,
      });
      expect(await failure('ALTER TABLE T_ADD ADD COLUMN QTY INTEGER NOT NULL DEFAULT NULL')).toMatchObject({
        sqlstate: '42601',
        sqlcode: -193,
      });
      // The first clause is undone when a later one fails.
      expect(await failure('ALTER TABLE T_ADD ADD COLUMN OK1 INTEGER ADD COLUMN ID INTEGER')).toMatchObject({
        sqlstate: '42711',
      });
      expect((await columnsOf('T_ADD')).map((c) => c.COLNAME)).toEqual(['ID', 'NAME']);
      expect(await db2.query('SELECT * FROM T_ADD ORDER BY ID')).toEqual([
        { ID: 1, NAME: 'one' },
        { ID: 2, NAME: 'two' },
      ]);
    },
  );

  test('keys, constraints and identities are outside the subset: a syntax error, never ignored', async () => {
    for (const clause of [
      'ADD PRIMARY KEY (ID)',
      'ADD COLUMN K INTEGER NOT NULL DEFAULT 0 PRIMARY KEY',
      'ADD COLUMN K INTEGER UNIQUE',
      'DROP COLUMN NAME',
    ]) {
      expect(await failure(`ALTER TABLE T_ADD ${clause}`)).toMatchObject({ sqlstate: '42601', sqlcode: -104 });
    }
    expect(await failure('ALTER TABLE T_NO_SUCH ADD COLUMN X INTEGER')).toMatchObject({
      sqlstate: '42704',
      sqlcode: -204,
    });
  });
});

describe('ALTER TABLE … ALTER COLUMN … SET DATA TYPE', () => {
  beforeEach(async () => {
    await fresh(
      'T_SET',
      `CREATE TABLE T_SET (ID INTEGER NOT NULL PRIMARY KEY, V VARCHAR(50 CODEUNITS32), N INTEGER, D DECIMAL(10,2),
      C CLOB(1000 CODEUNITS32), B VARBINARY(8), T TIMESTAMP(3), DT DATE)`,
    );
    await db2.query(`INSERT INTO T_SET VALUES (1, 'fifty ☃', 2147483647, 12345678.91, 'clob', X'0102', '2024-01-02 03:04:05.678', '2024-01-02'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });

  test(
    "widening keeps every value and the column's nullability: VARCHAR longer, INTEGER to " +
      'BIGINT, DECIMAL wider, VARCHAR to CLOB',
    async () => {
      await db2.query(
        'ALTER TABLE T_SET ALTER COLUMN V SET DATA TYPE VARCHAR(200 CODEUNITS32) ALTER COLUMN ' +
          'N SET DATA TYPE BIGINT',
      );
      await db2.query(
        'ALTER TABLE T_SET ALTER COLUMN D SET DATA TYPE DECIMAL(20,4) ALTER B SET DATA TYPE ' +
          'VARBINARY(100) ALTER COLUMN T SET DATA TYPE TIMESTAMP(6)',
      );
      await db2.query('INSERT INTO T_SET (ID, V, N) VALUES (3, ?, 9223372036854775807)', [`${'☃'.repeat(200)}`]);
      expect(
        await db2.query(
          'SELECT ID, V, VARCHAR(N) AS N, VARCHAR(D) AS D, HEX(B) AS B, VARCHAR(T) AS T FROM ' + 'T_SET ORDER BY ID',
        ),
      ).toEqual([
        { ID: 1, V: 'fifty ☃', N: '2147483647', D: '12345678.9100', B: '0102', T: '2024-01-02-03.04.05.678000' },
        { ID: 2, V: null, N: null, D: null, B: null, T: null },
        { ID: 3, V: '☃'.repeat(200), N: '9223372036854775807', D: null, B: null, T: null },
      ]);
      await db2.query('ALTER TABLE T_SET ALTER COLUMN V SET DATA TYPE CLOB(65535 CODEUNITS32)');
      expect(
        (await columnsOf('T_SET')).map((c) => [c.COLNAME, c.TYPENAME, c.LENGTH, c.SCALE, c.STRINGUNITSLENGTH, c.NULLS]),
      ).toEqual([
        ['ID', 'INTEGER', 4, 0, null, 'N'],
        ['V', 'CLOB', 262140, 0, 65535, 'Y'],
        ['N', 'BIGINT', 8, 0, null, 'Y'],
        ['D', 'DECIMAL', 20, 4, null, 'Y'],
        ['C', 'CLOB', 4000, 0, 1000, 'Y'],
        ['B', 'VARBINARY', 100, 0, null, 'Y'],
        ['T', 'TIMESTAMP', 10, 6, null, 'Y'],
        ['DT', 'DATE', 4, 0, null, 'Y'],
      ]);
      expect(await db2.query('SELECT V FROM T_SET WHERE ID = 1')).toEqual([{ V: 'fifty ☃' }]);
    },
  );

  test(
    'a narrower type is taken only when every stored value fits it; otherwise SQL0190N and ' + 'nothing changes',
    async () => {
      await db2.query(
        'ALTER TABLE T_SET ALTER COLUMN V SET DATA TYPE VARCHAR(7 CODEUNITS32) ALTER COLUMN N ' +
          'SET DATA TYPE DECIMAL(10,0)',
      );
      expect(await db2.query('SELECT V, VARCHAR(N) AS N FROM T_SET WHERE ID = 1')).toEqual([
        { V: 'fifty ☃', N: '2147483647' },
      ]);
      for (const [column, type] of [
        ['V', 'VARCHAR(6 CODEUNITS32)'],
        ['V', 'VARCHAR(8)'],
        ['N', 'SMALLINT'],
        ['D', 'DECIMAL(9,2)'],
      ]) {
        const refused = await failure(`ALTER TABLE T_SET ALTER COLUMN ${column} SET DATA TYPE ${type}`);
        expect(refused).toMatchObject({ sqlstate: '42837', sqlcode: -190 });
        expect(refused.message).toContain(
          `SQL0190N  ALTER TABLE "DB2INST1.T_SET" specified attributes for column "${column}" ` +
            `that are not compatible with the existing column.`,
        );
      }
      expect(await db2.query('SELECT V, VARCHAR(N) AS N, VARCHAR(D) AS D FROM T_SET WHERE ID = 1')).toEqual([
        { V: 'fifty ☃', N: '2147483647', D: '12345678.91' },
      ]);
    },
  );

  test(
    "DB2's rules: no type sooner in the precedence list from VARCHAR or a LOB, no LOB " +
      'shrinking, no change of family',
    async () => {
      for (const [column, type] of [
        ['V', 'CHAR(50 CODEUNITS32)'],
        ['C', 'VARCHAR(1000 CODEUNITS32)'],
        ['C', 'CLOB(10 CODEUNITS32)'],
        ['B', 'BINARY(8)'],
        ['N', 'VARCHAR(20)'],
        ['V', 'INTEGER'],
        ['B', 'VARCHAR(8)'],
        ['DT', 'TIME'],
        ['T', 'INTEGER'],
      ]) {
        expect([type, await failure(`ALTER TABLE T_SET ALTER COLUMN ${column} SET DATA TYPE ${type}`)]).toMatchObject([
          type,
          { sqlstate: '42837', sqlcode: -190 },
        ]);
      }
      expect(await failure('ALTER TABLE T_SET ALTER COLUMN NOPE SET DATA TYPE INTEGER')).toMatchObject({
        sqlstate: '42703',
        sqlcode: -205,
      });
      expect(await failure('ALTER TABLE T_SET ALTER COLUMN V SET DATA TYPE VARCHAR(8169 CODEUNITS32)')).toMatchObject({
        sqlstate: '42611',
        sqlcode: -604,
      });
      // A DATE column can become a TIMESTAMP; a CHAR a VARCHAR.
      await db2.query('ALTER TABLE T_SET ALTER COLUMN DT SET DATA TYPE TIMESTAMP(0)');
      expect(await db2.query('SELECT VARCHAR(DT) AS DT FROM T_SET WHERE ID = 1')).toEqual([
        { DT: '2024-01-02-00.00.00' },
      ]);
    },
  );
});
