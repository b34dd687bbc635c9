/**
 * The fake ibm_db behaves as ibm_db and DB2 do where lib/warehouse/db2 relies on it: call shapes,
 * result shapes, errors with SQLSTATE/SQLCODE, and the DB2 rules listed at the top of
 * test/fakes/ibm_db/index.ts.
 */
import { createHash } from 'crypto';
import { createFakeIbmDb, FakeDb2Server, type FakeIbmDb, type FakeIbmDbConnection } from './ibm_db';

const CONNECT = 'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50000;PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;';

let server: FakeDb2Server;
let ibmdb: FakeIbmDb;
let conn: FakeIbmDbConnection;

beforeEach(async () => {
  server = new FakeDb2Server();
  ibmdb = createFakeIbmDb(server);
  conn = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
});
afterEach(async () => {
  await conn.close();
});

async function sqlstateOf(
  promise: Promise<unknown> | false,
): Promise<{ sqlstate: string; sqlcode: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { sqlstate: string; sqlcode: number; message: string };
    return { sqlstate: e.sqlstate, sqlcode: e.sqlcode, message: e.message };
  }
  throw new Error('expected the statement to fail');
}

describe('connecting', () => {
  test.each([
    [
      'a wrong password',
      CONNECT.replace('db2-secret', 'nope'),
      '08001',
      -30082,
      'SQL30082N  Security processing failed with reason "24"',
    ],
    [
      'a wrong port',
      CONNECT.replace('50000', '50001'),
      '08001',
      -30081,
      'SQL30081N  A communication error has been detected.',
    ],
    ['SSL on the plain port', `${CONNECT}SECURITY=SSL;`, '08001', -30081, 'SQL30081N'],
    [
      'an unknown database',
      CONNECT.replace('BLUDB', 'NODB'),
      '08004',
      -30061,
      'SQL30061N  The database alias or database name "NODB    " was not found',
    ],
  ])('%s is refused the way the CLI driver refuses it', async (_case, connect, sqlstate, sqlcode, text) => {
    const error = await sqlstateOf(ibmdb.open(connect));
    expect(error).toMatchObject({ sqlstate, sqlcode });
    expect(error.message).toContain(`[IBM][CLI Driver][DB2/LINUXX8664] ${text}`);
  });

  test(
    'SSL on the SSL port, braces around a password with a semicolon, CurrentSchema as the ' + 'default schema',
    async () => {
      const secret = new FakeDb2Server({ users: { app: 'pa;ss' } });
      const db = (await createFakeIbmDb(secret).open(
        'DATABASE=BLUDB;HOSTNAME=db2.fake.test;PORT=50001;PROTOCOL=TCPIP;UID=app;PWD={pa;ss};SECURITY=SSL;CurrentSchema=SALES;',
      )) as unknown as FakeIbmDbConnection;
      expect(await db.query('SELECT CURRENT SCHEMA AS S, CURRENT SERVER AS D FROM SYSIBM.SYSDUMMY1')).toEqual([
        { S: 'SALES', D: 'BLUDB' },
      ]);
      await db.close();
    },
  );

  test('a closed connection rejects with ibm_db\'s plain "Connection not open." object', async () => {
    await conn.close();
    await expect(conn.query('SELECT 1 FROM SYSIBM.SYSDUMMY1')).rejects.toEqual({
      message: 'Connection not open.',
      sqlstate: '08001',
      sqlcode: -30081,
    });
    expect(() => conn.beginTransaction()).toThrow(TypeError);
  });
});

describe('identifiers, types and the catalog', () => {
  test('unquoted names fold to upper case; quoted names keep their case', async () => {
    await conn.query('CREATE TABLE sales_data (rowid INTEGER NOT NULL, "Mixed" VARCHAR(10))');
    await conn.query('CREATE TABLE "lower_case" (id INTEGER)');
    expect(
      await conn.query(
        "SELECT TABNAME, COLNAME, COLNO FROM SYSCAT.COLUMNS WHERE TABSCHEMA = 'DB2INST1' ORDER " + 'BY TABNAME, COLNO',
      ),
    ).toEqual([
      { TABNAME: 'SALES_DATA', COLNAME: 'ROWID', COLNO: 0 },
      { TABNAME: 'SALES_DATA', COLNAME: 'Mixed', COLNO: 1 },
      { TABNAME: 'lower_case', COLNAME: 'ID', COLNO: 0 },
    ]);
    expect(await sqlstateOf(conn.query('SELECT * FROM lower_case'))).toMatchObject({
      sqlstate: '42704',
      sqlcode: -204,
    });
    expect(await sqlstateOf(conn.query('SELECT mixed FROM sales_data'))).toMatchObject({
      sqlstate: '42703',
      sqlcode: -206,
    });
    expect(await conn.query('SELECT "Mixed" FROM Sales_Data')).toEqual([]);
  });

  test('SYSCAT.COLUMNS describes each type as DB2 does', async () => {
    await conn.query(`CREATE TABLE t (a DECIMAL(31,10) NOT NULL, b DECFLOAT(34), c VARCHAR(50), d VARCHAR(50 CODEUNITS32),
      e CHAR(4) FOR BIT DATA, f VARBINARY(16), g TIMESTAMP(6), h TIME, i BIGINT WITH DEFAULT 7, j DATE)`);
    const rows =
      await conn.query(`SELECT COLNAME, TYPENAME, LENGTH, SCALE, NULLS, "DEFAULT", TYPESTRINGUNITS, STRINGUNITSLENGTH, CODEPAGE
      FROM SYSCAT.COLUMNS WHERE TABSCHEMA = CURRENT SCHEMA AND TABNAME = 'T' ORDER BY COLNO`);
    expect(rows).toEqual([
      {
        COLNAME: 'A',
        TYPENAME: 'DECIMAL',
        LENGTH: 31,
        SCALE: 10,
        NULLS: 'N',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'B',
        TYPENAME: 'DECFLOAT',
        LENGTH: 16,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'C',
        TYPENAME: 'VARCHAR',
        LENGTH: 50,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: 'OCTETS',
        STRINGUNITSLENGTH: 50,
        CODEPAGE: 1208,
      },
      {
        COLNAME: 'D',
        TYPENAME: 'VARCHAR',
        LENGTH: 200,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: 'CODEUNITS32',
        STRINGUNITSLENGTH: 50,
        CODEPAGE: 1208,
      },
      {
        COLNAME: 'E',
        TYPENAME: 'CHARACTER',
        LENGTH: 4,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'F',
        TYPENAME: 'VARBINARY',
        LENGTH: 16,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'G',
        TYPENAME: 'TIMESTAMP',
        LENGTH: 10,
        SCALE: 6,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'H',
        TYPENAME: 'TIME',
        LENGTH: 3,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'I',
        TYPENAME: 'BIGINT',
        LENGTH: 8,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: '7',
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
      {
        COLNAME: 'J',
        TYPENAME: 'DATE',
        LENGTH: 4,
        SCALE: 0,
        NULLS: 'Y',
        DEFAULT: null,
        TYPESTRINGUNITS: null,
        STRINGUNITSLENGTH: null,
        CODEPAGE: 0,
      },
    ]);
  });

  test(
    'results come back as ibm_db returns them: BIGINT as a string, DECIMAL as a double, ' + 'binary as a Buffer',
    async () => {
      await conn.query(
        'CREATE TABLE t (i INTEGER, b BIGINT, d DECIMAL(31,2), v VARCHAR(5), c CHAR(3), x ' +
          'VARBINARY(4), ts TIMESTAMP, dt DATE)',
      );
      await conn.query(
        "INSERT INTO t VALUES (1, 9007199254740993, 12345678901234567890.25, 'a', 'b', " +
          "X'00FF', '2024-02-29 23:59:59.5', '2024-02-29')",
      );
      expect(await conn.query('SELECT * FROM t')).toEqual([
        {
          I: 1,
          B: '9007199254740993',
          D: 12345678901234567000,
          V: 'a',
          C: 'b  ',
          X: Buffer.from([0, 255]),
          TS: '2024-02-29 23:59:59.500000',
          DT: '2024-02-29',
        },
      ]);
      expect(await conn.query('SELECT VARCHAR(d) AS D, VARCHAR(b) FROM t')).toEqual([
        { D: '12345678901234567890.25', 2: '9007199254740993' },
      ]);
    },
  );
});

describe('what DB2 refuses', () => {
  beforeEach(async () => {
    await conn.query(`CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, txt VARCHAR(5), u VARCHAR(5 CODEUNITS32), d DECIMAL(5,2),
      ts TIMESTAMP(3), tm TIME, b VARBINARY(2))`);
  });

  test.each([
    ['NULL into a NOT NULL column', 'INSERT INTO t (id) VALUES (NULL)', '23502', -407],
    ['a duplicate primary key', 'INSERT INTO t (id) VALUES (1), (1)', '23505', -803],
    ['six bytes into VARCHAR(5)', "INSERT INTO t (id, txt) VALUES (1, 'éééé')", '22001', -433],
    ['six characters into VARCHAR(5 CODEUNITS32)', "INSERT INTO t (id, u) VALUES (1, '😀😀😀😀😀😀')", '22001', -433],
    ['1000 into DECIMAL(5,2)', 'INSERT INTO t (id, d) VALUES (1, 1000)', '22003', -413],
    ['an impossible date', "INSERT INTO t (id, ts) VALUES (1, '2023-02-29 00:00:00')", '22008', -181],
    ['a malformed timestamp', "INSERT INTO t (id, ts) VALUES (1, '2023-02-28T25')", '22007', -180],
    ['fractional seconds in TIME', "INSERT INTO t (id, tm) VALUES (1, '12:00:00.5')", '22007', -180],
    ['a string into VARBINARY', "INSERT INTO t (id, b) VALUES (1, 'ab')", '42821', -408],
    ['three bytes into VARBINARY(2)', "INSERT INTO t (id, b) VALUES (1, X'010203')", '22001', -433],
    ['an unknown function', 'SELECT NO_SUCH(id) FROM t', '42884', -440],
    ['SQL outside the subset', 'SELECT id FROM t JOIN t AS u ON 1 = 1', '42601', -104],
  ])('%s', async (_case, sql, sqlstate, sqlcode) => {
    expect(await sqlstateOf(conn.query(sql))).toMatchObject({ sqlstate, sqlcode });
    expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 0 }]);
  });

  test(
    'what DB2 accepts: UTF-8 within the byte limit, extra fraction digits truncated, ' + 'trailing blanks cut',
    async () => {
      await conn.query(
        "INSERT INTO t (id, txt, u, d, ts, tm) VALUES (1, 'ab   ', '😀😀😀😀😀', 1.239, '2023-02-28 " +
          "01:02:03.123999', '24:00:00')",
      );
      expect(
        await conn.query(
          "SELECT txt || '|' AS TXT, u, VARCHAR(d) AS D, VARCHAR_FORMAT(ts, 'YYYY-MM-DD " +
            "HH24:MI:SS.FF6') AS TS, CHAR(tm, JIS) AS TM FROM t",
        ),
      ).toEqual([{ TXT: 'ab   |', U: '😀😀😀😀😀', D: '1.23', TS: '2023-02-28 01:02:03.123000', TM: '24:00:00' }]);
    },
  );
});

describe('array insert, as ibm_db binds it', () => {
  beforeEach(async () => {
    await conn.query('CREATE TABLE arr (id INTEGER NOT NULL, name VARCHAR(10), amount DECIMAL(10,2))');
  });

  test('column-wise arrays with ArraySize insert one row per element, in one atomic statement', async () => {
    const params = [
      { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['1', '2', '3'] },
      { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['one', null, 'three'] },
      { ParamType: 'ARRAY', DataType: 'CHAR', Data: ['1.50', '-.25', null] },
    ];
    expect(await conn.query({ sql: 'INSERT INTO arr VALUES (?, ?, ?)', params, ArraySize: 3 })).toEqual([]);
    expect(await conn.query('SELECT id, name, VARCHAR(amount) AS AMOUNT FROM arr ORDER BY id')).toEqual([
      { ID: 1, NAME: 'one', AMOUNT: '1.50' },
      { ID: 2, NAME: null, AMOUNT: '-.25' },
      { ID: 3, NAME: 'three', AMOUNT: null },
    ]);
    const bad = [
      { ParamType: 'ARRAY', Data: ['4', null] },
      { ParamType: 'ARRAY', Data: ['x', 'y'] },
      { ParamType: 'ARRAY', Data: ['1', '2'] },
    ];
    expect(
      await sqlstateOf(conn.query({ sql: 'INSERT INTO arr VALUES (?, ?, ?)', params: bad, ArraySize: 2 })),
    ).toMatchObject({ sqlstate: '23502' });
    expect(await conn.query('SELECT COUNT(*) AS N FROM arr')).toEqual([{ N: 3 }]);
  });

  test('without ArraySize only the first element of each array is inserted', async () => {
    await conn.query({ sql: 'INSERT INTO arr (id) VALUES (?)', params: [{ ParamType: 'ARRAY', Data: [7, 8] }] });
    expect(await conn.query('SELECT id FROM arr')).toEqual([{ ID: 7 }]);
  });

  test('a string after a number in one array throws, as N-API does', async () => {
    await expect(
      conn.query({
        sql: 'INSERT INTO arr (id) VALUES (?)',
        params: [{ ParamType: 'ARRAY', Data: [1, '2'] }],
        ArraySize: 2,
      }),
    ).rejects.toThrow('A number was expected');
  });

  test('an array of Buffers is one LOB, not one value per row (ibm_db 4 data-at-exec)', async () => {
    await conn.query('CREATE TABLE bin (id INTEGER, b VARBINARY(8))');
    await conn.query({
      sql: 'INSERT INTO bin VALUES (?, ?)',
      params: [1, { DataType: 'BINARY', Data: [Buffer.from([1]), Buffer.from([2])] }],
    });
    expect(await conn.query('SELECT HEX(b) AS B FROM bin')).toEqual([{ B: '0102' }]);
  });

  test('prepare + executeNonQuery with typed Buffers', async () => {
    await conn.query('CREATE TABLE bin (id INTEGER, b BLOB(1K))');
    const statement = await conn.prepare('INSERT INTO bin VALUES (?, ?)');
    expect(
      await (statement as Exclude<typeof statement, false>).executeNonQuery([
        '1',
        { DataType: 'BLOB', Data: Buffer.from('hi') },
      ]),
    ).toBe(1);
    expect(await conn.query('SELECT id, b FROM bin')).toEqual([{ ID: 1, B: Buffer.from('hi') }]);
  });
});

describe('transactions and locks', () => {
  let other: FakeIbmDbConnection;
  beforeEach(async () => {
    await conn.query('CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, v VARCHAR(10))');
    await conn.query("INSERT INTO t VALUES (1, 'one')");
    other = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
  });
  afterEach(() => other.close());

  test('rollback undoes; other connections never see uncommitted rows; commit publishes', async () => {
    await conn.beginTransaction();
    await conn.query("INSERT INTO t VALUES (2, 'two')");
    expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 2 }]);
    expect(await other.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 1 }]);
    await conn.rollbackTransaction();
    expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 1 }]);
    await conn.beginTransaction();
    await conn.query("INSERT INTO t VALUES (3, 'three')");
    await conn.commitTransaction();
    expect(await other.query('SELECT id FROM t ORDER BY id')).toEqual([{ ID: 1 }, { ID: 3 }]);
  });

  test('a failing statement undoes only itself inside a transaction', async () => {
    await conn.beginTransaction();
    await conn.query("INSERT INTO t VALUES (2, 'two')");
    expect(await sqlstateOf(conn.query("INSERT INTO t VALUES (3, 'three'), (1, 'dup')"))).toMatchObject({
      sqlstate: '23505',
    });
    await conn.commitTransaction();
    expect(await other.query('SELECT id FROM t ORDER BY id')).toEqual([{ ID: 1 }, { ID: 2 }]);
  });

  test(
    'an updated row is locked until commit: NOT WAIT fails at once with SQL0911N reason ' +
      '68; readers are not blocked',
    async () => {
      await conn.beginTransaction();
      await conn.query("UPDATE t SET v = 'mine' WHERE id = 1");
      await other.query('SET CURRENT LOCK TIMEOUT NOT WAIT');
      await other.beginTransaction();
      const error = await sqlstateOf(other.query("UPDATE t SET v = 'theirs' WHERE id = 1"));
      expect(error).toMatchObject({ sqlstate: '40001', sqlcode: -911 });
      expect(error.message).toContain('Reason code "68"');
      await other.rollbackTransaction();
      expect(await other.query('SELECT v FROM t')).toEqual([{ V: 'one' }]);
      await conn.commitTransaction();
      expect(await other.query('SELECT v FROM t')).toEqual([{ V: 'mine' }]);
    },
  );

  test(
    'WITH RS USE AND KEEP UPDATE LOCKS holds a U lock to the end of the transaction: U ' +
      'excludes U, admits S and plain reads',
    async () => {
      const keep = 'SELECT id FROM t WHERE id = 1 WITH RS USE AND KEEP UPDATE LOCKS';
      await conn.beginTransaction();
      expect(await conn.query(keep)).toEqual([{ ID: 1 }]);
      await other.query('SET CURRENT LOCK TIMEOUT NOT WAIT');
      await other.beginTransaction();
      expect(await sqlstateOf(other.query(keep))).toMatchObject({ sqlstate: '40001', sqlcode: -911 });
      await other.beginTransaction();
      expect(await other.query('SELECT id FROM t WHERE id = 1 WITH RS USE AND KEEP SHARE LOCKS')).toEqual([{ ID: 1 }]);
      expect(await other.query('SELECT v FROM t')).toEqual([{ V: 'one' }]);
      await other.rollbackTransaction();
      await conn.rollbackTransaction();
      await other.beginTransaction();
      expect(await other.query(keep)).toEqual([{ ID: 1 }]);
      await other.rollbackTransaction();
    },
  );

  test('a lock timeout of n seconds waits for the holder to finish', async () => {
    await conn.beginTransaction();
    await conn.query("UPDATE t SET v = 'first' WHERE id = 1");
    await other.query('SET CURRENT LOCK TIMEOUT 5');
    const waiting = other.query("UPDATE t SET v = 'second' WHERE id = 1");
    setTimeout(() => void conn.commitTransaction(), 50);
    await waiting;
    expect(await conn.query('SELECT v FROM t')).toEqual([{ V: 'second' }]);
  });

  test('closing a connection rolls back its transaction and frees its locks', async () => {
    await other.beginTransaction();
    await other.query("UPDATE t SET v = 'gone' WHERE id = 1");
    await other.close();
    await conn.query('SET CURRENT LOCK TIMEOUT NOT WAIT');
    await conn.query("UPDATE t SET v = 'free' WHERE id = 1");
    expect(await conn.query('SELECT v FROM t')).toEqual([{ V: 'free' }]);
    other = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
  });

  test(
    'a connection lost in the network keeps its locks until the server notices; a key it ' +
      'inserted makes an insert wait',
    async () => {
      await other.beginTransaction();
      await other.query("UPDATE t SET v = 'held' WHERE id = 1");
      await other.query("INSERT INTO t VALUES (2, 'two')");
      server.failNext({ sqlstate: '08001', on: /^SELECT 1/, noticeAfterMs: 60_000 });
      expect(await sqlstateOf(other.query('SELECT 1 FROM SYSIBM.SYSDUMMY1'))).toMatchObject({
        sqlstate: '08001',
        sqlcode: -30081,
      });
      await conn.query('SET CURRENT LOCK TIMEOUT NOT WAIT');
      expect(await sqlstateOf(conn.query("UPDATE t SET v = 'mine' WHERE id = 1"))).toMatchObject({
        sqlstate: '40001',
        sqlcode: -911,
      });
      expect(await sqlstateOf(conn.query("INSERT INTO t VALUES (2, 'again')"))).toMatchObject({
        sqlstate: '40001',
        sqlcode: -911,
      });
      await conn.query('SET CURRENT LOCK TIMEOUT 5');
      const waiting = conn.query("INSERT INTO t VALUES (2, 'again')");
      await new Promise((resolve) => setTimeout(resolve, 50));
      server.noticeDroppedConnections();
      await waiting;
      expect(await conn.query('SELECT id, v FROM t ORDER BY id')).toEqual([
        { ID: 1, V: 'one' },
        { ID: 2, V: 'again' },
      ]);
      other = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
    },
  );

  test('SQL30108N (client reroute): the unit of work is rolled back, the connection stays usable', async () => {
    await other.beginTransaction();
    await other.query("INSERT INTO t VALUES (2, 'two')");
    server.failNext({ sqlstate: '08506', on: 'commit' });
    expect(await sqlstateOf(other.query('COMMIT'))).toMatchObject({ sqlstate: '08506', sqlcode: -30108 });
    expect(await other.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 1 }]);
    await other.rollbackTransaction();
  });
});

describe('faults on demand', () => {
  beforeEach(async () => {
    await conn.query('CREATE TABLE t (id INTEGER)');
  });

  test('40001 rolls the transaction back; 57033 fails the statement only', async () => {
    await conn.beginTransaction();
    await conn.query('INSERT INTO t VALUES (1)');
    server.failNext({ sqlstate: '40001', on: 'insert' });
    expect(await sqlstateOf(conn.query('INSERT INTO t VALUES (2)'))).toMatchObject({
      sqlstate: '40001',
      sqlcode: -911,
    });
    expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 0 }]);
    await conn.query('INSERT INTO t VALUES (3)');
    server.failNext({ sqlstate: '57033', on: /VALUES \(4\)/ });
    expect(await sqlstateOf(conn.query('INSERT INTO t VALUES (4)'))).toMatchObject({
      sqlstate: '57033',
      sqlcode: -913,
    });
    await conn.commitTransaction();
    expect(await conn.query('SELECT id FROM t')).toEqual([{ ID: 3 }]);
  });

  // IBM Db2: the active log holds LOGFILSIZ 4 KB pages × (LOGPRIMARY + LOGSECOND) files, and runs
  // from the oldest open transaction's first log record. Here LOGFILSIZ 4 and LOGPRIMARY 2 (their
  // minimums), no secondary logs: 32,768 bytes. A row of t (a nullable INTEGER) is stored in 5 bytes
  // and logged with a 40-byte header and 20 bytes of record fields: 65 bytes, so 504 rows fit.
  test(
    'a full log (57011) when the log records of the open transactions outgrow LOGFILSIZ × ' +
      '(LOGPRIMARY + LOGSECOND)',
    async () => {
      const db = server.database('BLUDB');
      db.log = { logfilsiz: 4, logprimary: 2, logsecond: 0 };
      expect(db.logCapacity()).toBe(32_768);
      const rows = (n: number) => ({
        sql: 'INSERT INTO t VALUES (?)',
        params: [{ ParamType: 'ARRAY', Data: Array.from({ length: n }, (_, i) => String(i)) }],
        ArraySize: n,
      });
      const full = await sqlstateOf(conn.query(rows(505)));
      expect(full).toMatchObject({ sqlstate: '57011', sqlcode: -964 });
      expect(full.message).toBe(
        '[IBM][CLI Driver][DB2/LINUXX8664] SQL0964C  The transaction log for the database is ' +
          'full.  SQLSTATE=57011\n',
      );
      await conn.query(rows(504));
      expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 504 }]);
      expect(db.activeLogBytes()).toBe(0);

      // One row written and left open on another connection pins the log for everyone.
      const other = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
      await other.beginTransaction();
      await other.query('INSERT INTO t VALUES (1)');
      await conn.query(rows(300));
      expect(await sqlstateOf(conn.query(rows(300)))).toMatchObject({ sqlstate: '57011' });
      await other.rollbackTransaction();
      await conn.query(rows(300));
      expect(await conn.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 1104 }]);
      await other.close();
    },
  );

  test(
    'a dropped connection (08001) rolls back, then reports CLI0106E; a commit can land ' + 'before the reply is lost',
    async () => {
      await conn.beginTransaction();
      await conn.query('INSERT INTO t VALUES (1)');
      server.failNext({ sqlstate: '08001', on: 'commit', afterCommit: true });
      // As ibm_db 4.0.1's binding: the async commit resolves although SQLEndTran failed (the product
      // commits with a COMMIT statement for that reason); the dropped connection shows on the next call.
      expect(await conn.commitTransaction()).toBe(true);
      expect(await sqlstateOf(conn.query('SELECT 1 FROM SYSIBM.SYSDUMMY1'))).toMatchObject({ sqlstate: '08001' });
      expect(await sqlstateOf(conn.query('SELECT 1 FROM SYSIBM.SYSDUMMY1'))).toMatchObject({ sqlstate: '08003' });
      const fresh = (await ibmdb.open(CONNECT)) as unknown as FakeIbmDbConnection;
      expect(await fresh.query('SELECT id FROM t')).toEqual([{ ID: 1 }]);
      await fresh.close();
    },
  );
});

describe('functions verify relies on', () => {
  test('HASH(x, 0) is MD5 of the UTF-8 bytes; without HASH (before 11.5) it is SQL0440N', async () => {
    const text = 'h\u00e9llo 😀';
    expect(await conn.query(`SELECT LOWER(HEX(HASH('${text}', 0))) AS H FROM SYSIBM.SYSDUMMY1`)).toEqual([
      { H: createHash('md5').update(text, 'utf8').digest('hex') },
    ]);
    server.database('BLUDB').hashAvailable = false;
    expect(await sqlstateOf(conn.query("SELECT HASH('x', 0) FROM SYSIBM.SYSDUMMY1"))).toMatchObject({
      sqlstate: '42884',
    });
  });

  test('decimal text, arithmetic and integer division follow DB2', async () => {
    expect(
      await conn.query(`SELECT VARCHAR(CAST(0.5 AS DECIMAL(5,2))) AS A, VARCHAR(CAST(-0.5 AS DECIMAL(5,2))) AS B,
      VARCHAR(CAST(0 AS DECIMAL(5,0))) AS C, VARCHAR(CAST(7 AS DECIMAL(20,0)) / 2) AS D, (7 / 2) AS E,
      VARCHAR(CAST('1.5' AS DECIMAL(31,0))) AS F FROM SYSIBM.SYSDUMMY1`),
    ).toEqual([{ A: '.50', B: '-.50', C: '0', D: '3.50000000000', E: 3, F: '1' }]);
  });
});
