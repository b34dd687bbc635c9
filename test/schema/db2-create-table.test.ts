/**
 * `ddl`, `--create-table` and `--add-columns` on DB2, as a user runs them: the built CLI in its own
 * process, through the real ibm_db binding and the stand-in libdb2.so.1 (found by LD_LIBRARY_PATH, as
 * scripts/db2-standin.sh prints) to the project's DB2 engine, which holds DB2's rules for CREATE
 * TABLE and ALTER TABLE (test/fakes/ibm_db/table-definition.ts). The DDL `ddl` prints is run verbatim;
 * `run --create-table` into an empty database creates the table from a MySQL table of every type DB2
 * can hold and `verify` exits 0; a column added in staging arrives with `--add-columns`; two runs
 * creating the same table at once end with one table and every row once; each refusal exits 2, writes
 * nothing and says in one line what to do.
 */
import mysql from 'mysql2/promise';
import * as path from 'path';
import type { IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import type { Session } from '../fakes/ibm_db/engine';
import {
  EVERY_TYPE_VALUES,
  everyTypeRows,
  expectDriftInStep,
  expectEveryCreated,
  expectEveryFoundAgain,
  expectEveryInStep,
  expectNoteAdded,
  expectRacedOnce,
  refusedLine,
} from '../support/create-table';
import { cliProcess, MYSQL_SERVER, freshMySqlDatabase } from '../support/databases';
import { startStandin, STANDIN_LIBRARY, type Standin } from '../warehouse/db2-standin';

const MYSQL_DATABASE = 'test_db2_create_table';
const SOURCE = `${MYSQL_SERVER}/${MYSQL_DATABASE}`;
/** What a shell gets from `scripts/db2-standin.sh start`: ibm_db finds the stand-in as libdb2.so.1. */
const ENV = { LD_LIBRARY_PATH: path.dirname(STANDIN_LIBRARY) };

/**
 * Every MySQL type the type map gives DB2 a column for; the ones it refuses are in the refusals
 * below. VMAX is the longest VARCHAR DB2 has (8,168 CODEUNITS32 = 32,672 bytes): with it the row is
 * longer than a 32 KB page's 32,677 bytes, which DB2 takes with extended row size (EXTENDED_ROW_SZ,
 * ENABLE by default for databases created since 10.5).
 */
const EVERY_DB2_TYPE = `CREATE TABLE every (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT NOT NULL, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d10 DECIMAL(10,2), d31 DECIMAL(31,5), d34 DECIMAL(34,4),
  f FLOAT, dbl DOUBLE, y YEAR, dd DATE, dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(3) NULL, t0 TIME,
  c CHAR(5), vc VARCHAR(50), vmax VARCHAR(8168), vbig VARCHAR(10000) CHARACTER SET latin1, tt TINYTEXT, tx TEXT, mt MEDIUMTEXT,
  b BINARY(4), vb VARBINARY(40), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB,
  e ENUM('small','medium','large'), st SET('a','b','c'), bt1 BIT(1), bt12 BIT(12), bt64 BIT(64),
  g INT AS (i * 2) VIRTUAL, gs VARCHAR(60) AS (CONCAT(vc, '!')) STORED
) CHARACTER SET utf8mb4`;

/**
 * The PostgreSQL/MariaDB suite's values without the columns DB2 refuses (d65, t6, lt, lb, j), with
 * a character beyond the BMP in c, and with vmax after vc.
 */
const { inserted: INSERTED, rows: ROWS } = everyTypeRows(
  EVERY_TYPE_VALUES.filter(([column]) => !['d65', 't6', 'lt', 'lb', 'j'].includes(column)).flatMap(
    ([column, extreme, zero]) =>
      column === 'c'
        ? [[column, 'ab😀', zero] as const]
        : column === 'vc'
          ? [[column, extreme, zero] as const, ['vmax', '😀'.repeat(8168), ''] as const]
          : [[column, extreme, zero] as const],
  ),
);

/** The statement `ddl` prints for EVERY_DB2_TYPE, line by line. */
const EVERY_DDL = [
  'CREATE TABLE "EVERY" (',
  '  "ID" DECIMAL(20,0) NOT NULL,',
  '  "TI" SMALLINT,',
  '  "TIU" SMALLINT,',
  '  "SI" SMALLINT,',
  '  "SIU" INTEGER,',
  '  "MI" INTEGER,',
  '  "MIU" INTEGER,',
  '  "I" INTEGER NOT NULL,',
  '  "IU" BIGINT,',
  '  "BI" BIGINT,',
  '  "BIU" DECIMAL(20,0),',
  '  "D10" DECIMAL(10,2),',
  '  "D31" DECIMAL(31,5),',
  '  "D34" DECFLOAT(34),',
  '  "F" REAL,',
  '  "DBL" DOUBLE,',
  '  "Y" SMALLINT,',
  '  "DD" DATE,',
  '  "DT" TIMESTAMP(6),',
  '  "DT0" TIMESTAMP(0),',
  '  "TS" TIMESTAMP(3),',
  '  "T0" TIME,',
  '  "C" VARCHAR(5 CODEUNITS32),',
  '  "VC" VARCHAR(50 CODEUNITS32),',
  '  "VMAX" VARCHAR(8168 CODEUNITS32),',
  '  "VBIG" CLOB(10000 CODEUNITS32),',
  '  "TT" VARCHAR(255 CODEUNITS32),',
  '  "TX" CLOB(65535 CODEUNITS32),',
  '  "MT" CLOB(16777215 CODEUNITS32),',
  '  "B" BINARY(4),',
  '  "VB" VARBINARY(40),',
  '  "TB" BLOB(255),',
  '  "BL" BLOB(65535),',
  '  "MB" BLOB(16777215),',
  '  "E" VARCHAR(6 CODEUNITS32),',
  '  "ST" VARCHAR(5 CODEUNITS32),',
  '  "BT1" BINARY(1),',
  '  "BT12" BINARY(2),',
  '  "BT64" BINARY(8),',
  '  "G" INTEGER,',
  '  "GS" VARCHAR(60 CODEUNITS32),',
  '  PRIMARY KEY ("ID")',
  ')',
];

let standin: Standin;
let db2: IbmDbConnection;
let staging: mysql.Connection;

const on = (table: string, ...extra: string[]) => [
  '--source',
  SOURCE,
  '--warehouse',
  standin.url,
  '--table',
  table,
  '--key',
  'id',
  ...extra,
];
const cli = (args: string[]) => cliProcess(args, ENV);
const tableCount = async (name: string) =>
  Number((await db2.query(`SELECT COUNT(*) AS N FROM SYSCAT.TABLES WHERE TABNAME = '${name}'`))[0].N);
const columnsOf = async (table: string) =>
  (
    await db2.query(
      `SELECT COLNAME, TYPENAME, LENGTH, SCALE, STRINGUNITSLENGTH, NULLS FROM SYSCAT.COLUMNS ` +
        `WHERE TABNAME = '${table}' ORDER BY COLNO`,
    )
  ).map(
    (c) =>
      `${c.COLNAME} ` +
      `${c.TYPENAME}(${c.STRINGUNITSLENGTH ?? c.LENGTH}${c.SCALE ? `,${c.SCALE}` : ''}) ` +
      `${c.NULLS === 'Y' ? 'NULL' : 'NOT NULL'}`,
  );

/** Holds the engine's statements that start with `prefix` until `count` of them have arrived (at most 20 s). */
function collide(prefix: string, count: number): { arrived: () => number; restore: () => void } {
  const engine = standin.server.database('BLUDB');
  const execute = engine.execute.bind(engine);
  let seen = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  engine.execute = async (session: Session, sql: string, ...rest) => {
    if (sql.startsWith(prefix)) {
      if (++seen === count) release();
      await Promise.race([all, new Promise((r) => setTimeout(r, 20_000))]);
    }
    return execute(session, sql, ...rest);
  };
  return { arrived: () => seen, restore: () => void (engine.execute = execute) };
}

beforeAll(async () => {
  standin = await startStandin();
  db2 = await standin.driver.open(standin.connectionString);
  staging = await freshMySqlDatabase(MYSQL_DATABASE, { multipleStatements: true });
  await staging.query(EVERY_DB2_TYPE);
  for (const row of ROWS) await staging.query(`INSERT INTO every (${INSERTED.join(', ')}) VALUES (?)`, [row]);
});
afterAll(async () => {
  await db2?.close();
  await staging?.query(`DROP DATABASE IF EXISTS ${MYSQL_DATABASE}`);
  await staging?.end();
  await standin?.stop();
});

test(
  'ddl prints the DB2 statement without connecting to DB2, and the engine takes it ' +
    'verbatim: the key NOT NULL and the primary key',
  async () => {
    // A warehouse nobody listens on, and no stand-in on the library path: ddl never dials DB2.
    const offline = [
      '--source',
      SOURCE,
      '--warehouse',
      'db2://db2inst1@127.0.0.1:1/NOWHERE',
      '--table',
      'every',
      '--key',
      'id',
    ];
    const json = await cliProcess(['ddl', ...offline, '--json']);
    expect([json.code, json.stderr]).toEqual([0, '']);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: true, warehouse: 'db2', tables: [{ table: 'every' }] });
    const statements: string[] = report.tables[0].statements;
    expect(statements.map((s) => s.split('\n'))).toEqual([EVERY_DDL]);
    const text = await cliProcess(['ddl', ...offline]);
    expect([text.code, text.stderr, text.stdout]).toEqual([0, '', `-- every (DB2)\n${statements[0]};\n`]);

    // Pasted as printed (comment line and semicolon included), it creates the table.
    await db2.query(text.stdout);
    expect(await columnsOf('EVERY')).toHaveLength(41);
    await db2.query(`INSERT INTO "EVERY" ("ID", "I") VALUES (7, 1)`);
    await expect(db2.query(`INSERT INTO "EVERY" ("ID", "I") VALUES (7, 2)`)).rejects.toMatchObject({
      sqlstate: '23505',
    });
    await expect(db2.query(`INSERT INTO "EVERY" ("ID", "I") VALUES (NULL, 2)`)).rejects.toMatchObject({
      sqlstate: '23502',
    });
    await db2.query('DROP TABLE "EVERY"');
  },
);

test(
  'run --create-table into an empty DB2 database creates the table ddl prints, loads ' +
    'every row exactly, and verify exits 0',
  async () => {
    expect(await tableCount('EVERY')).toBe(0);
    const run = await cli(['run', ...on('every', '--create-table', '--json')]);
    expectEveryCreated(run);
    expect(await columnsOf('EVERY')).toEqual([
      'ID DECIMAL(20) NOT NULL',
      'TI SMALLINT(2) NULL',
      'TIU SMALLINT(2) NULL',
      'SI SMALLINT(2) NULL',
      'SIU INTEGER(4) NULL',
      'MI INTEGER(4) NULL',
      'MIU INTEGER(4) NULL',
      'I INTEGER(4) NOT NULL',
      'IU BIGINT(8) NULL',
      'BI BIGINT(8) NULL',
      'BIU DECIMAL(20) NULL',
      'D10 DECIMAL(10,2) NULL',
      'D31 DECIMAL(31,5) NULL',
      'D34 DECFLOAT(16) NULL',
      'F REAL(4) NULL',
      'DBL DOUBLE(8) NULL',
      'Y SMALLINT(2) NULL',
      'DD DATE(4) NULL',
      'DT TIMESTAMP(10,6) NULL',
      'DT0 TIMESTAMP(10) NULL',
      'TS TIMESTAMP(10,3) NULL',
      'T0 TIME(3) NULL',
      'C VARCHAR(5) NULL',
      'VC VARCHAR(50) NULL',
      'VMAX VARCHAR(8168) NULL',
      'VBIG CLOB(10000) NULL',
      'TT VARCHAR(255) NULL',
      'TX CLOB(65535) NULL',
      'MT CLOB(16777215) NULL',
      'B BINARY(4) NULL',
      'VB VARBINARY(40) NULL',
      'TB BLOB(255) NULL',
      'BL BLOB(65535) NULL',
      'MB BLOB(16777215) NULL',
      'E VARCHAR(6) NULL',
      'ST VARCHAR(5) NULL',
      'BT1 BINARY(1) NULL',
      'BT12 BINARY(2) NULL',
      'BT64 BINARY(8) NULL',
      'G INTEGER(4) NULL',
      'GS VARCHAR(60) NULL',
    ]);

    const verify = await cli(['verify', ...on('every', '--json')]);
    expect(verify.stderr).toBe('');
    expectEveryInStep(verify);
    expect(
      await db2.query(`SELECT VARCHAR(ID) AS ID, VARCHAR(BIU) AS BIU, VARCHAR(D34) AS D34, VC, C, LENGTH(VMAX) AS VMAX, LENGTH(VBIG) AS VBIG, E, ST,
      LOWER(HEX(BT12)) AS BT12, LOWER(HEX(BT64)) AS BT64, G, GS FROM EVERY ORDER BY EVERY.ID`),
    ).toEqual([
      {
        ID: '1',
        BIU: null,
        D34: null,
        VC: null,
        C: null,
        VMAX: null,
        VBIG: null,
        E: null,
        ST: null,
        BT12: null,
        BT64: null,
        G: 0,
        GS: null,
      },
      {
        ID: '2',
        BIU: '0',
        D34: '0.0000',
        VC: '',
        C: '',
        VMAX: 0,
        VBIG: 1,
        E: 'small',
        ST: '',
        BT12: '0000',
        BT64: '0000000000000000',
        G: 10,
        GS: '!',
      },
      {
        ID: '18446744073709551615',
        BIU: '18446744073709551615',
        D34: '-123456789012345678901234567890.1234',
        VC: '😀 emoji é',
        C: 'ab😀',
        VMAX: 8168 * 4,
        VBIG: 20000,
        E: 'medium',
        ST: 'a,c',
        BT12: '0801',
        BT64: 'ffffffffffffffff',
        G: -2147483648,
        GS: '😀 emoji é!',
      },
    ]);

    // A second run finds the table: nothing created, nothing new.
    expectEveryFoundAgain(await cli(['run', ...on('every', '--create-table', '--json')]));
  },
);

test(
  'two runs creating the same table at once: both CREATE TABLEs reach DB2, one gets ' +
    '"already exists", and every row is loaded once',
  async () => {
    await staging.query(`CREATE TABLE raced (id INT NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL);
    INSERT INTO raced SELECT seq, CONCAT('v', seq) FROM seq_1_to_5000`);
    // Made to collide: the engine holds the first CREATE TABLE "RACED" until the second one arrives,
    // so both runs have found no table before either creates it.
    const held = collide('CREATE TABLE "RACED"', 2);
    try {
      const args = ['run', ...on('raced', '--create-table', '--batch-size', '500', '--lock-wait', '30', '--json')];
      const runs = await Promise.all([cli(args), cli(args)]);
      expect(held.arrived()).toBe(2);
      expectRacedOnce(runs);
    } finally {
      held.restore();
    }
    expect(await tableCount('RACED')).toBe(1);
    expect(
      await db2.query('SELECT COUNT(*) AS N, COUNT(DISTINCT ID) AS D, MIN(ID) AS LO, MAX(ID) AS HI FROM RACED'),
    ).toEqual([{ N: 5000, D: 5000, LO: 1, HI: 5000 }]);
  },
);

test(
  'two runs adding the same column at once: both ADD COLUMNs reach DB2, one gets ' +
    '"duplicate name" and goes on, every row once',
  async () => {
    await staging.query(`CREATE TABLE grown (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL);
    INSERT INTO grown SELECT seq, seq FROM seq_1_to_3`);
    const first = await cli(['run', ...on('grown', '--create-table')]);
    expect([first.code, first.stderr]).toEqual([0, '']);
    await staging.query(`ALTER TABLE grown ADD COLUMN note VARCHAR(20);
    INSERT INTO grown SELECT seq, seq, CONCAT('n', seq) FROM seq_4_to_2000`);
    const held = collide('ALTER TABLE "DB2INST1"."GROWN" ADD COLUMN', 2);
    try {
      const args = ['run', ...on('grown', '--add-columns', '--batch-size', '500', '--lock-wait', '30', '--json')];
      const runs = await Promise.all([cli(args), cli(args)]);
      expect(held.arrived()).toBe(2);
      for (const r of runs) expect([r.code, r.stderr]).toEqual([0, '']);
      const reports = runs.map((r) => JSON.parse(r.stdout).tables[0]);
      expect(reports.map((t) => t.inserted).sort((x, y) => x - y)).toEqual([0, 1997]);
      expect(reports.map((t) => t.addedColumns ?? []).sort((x, y) => x.length - y.length)).toEqual([[], ['note']]);
    } finally {
      held.restore();
    }
    expect(await columnsOf('GROWN')).toEqual([
      'ID INTEGER(4) NOT NULL',
      'QTY INTEGER(4) NOT NULL',
      'NOTE VARCHAR(20) NULL',
    ]);
    expect(
      await db2.query(
        'SELECT COUNT(*) AS N, COUNT(DISTINCT ID) AS D, SUM(CASE WHEN NOTE IS NULL THEN 0 ELSE 1 END) AS NOTES FROM GROWN',
      ),
    ).toEqual([{ N: 2000, D: 2000, NOTES: 1997 }]);
    const verify = await cli(['verify', ...on('grown')]);
    expect([verify.code, verify.stderr]).toEqual([0, '']);
  },
);

describe('--add-columns', () => {
  beforeAll(async () => {
    await staging.query(`CREATE TABLE drift (id INT NOT NULL PRIMARY KEY, qty INT NOT NULL, amount INT) CHARACTER SET utf8mb4;
      INSERT INTO drift VALUES (1, 10, 100), (2, 20, 200)`);
    const first = await cli(['run', ...on('drift', '--create-table')]);
    expect([first.code, first.stderr]).toEqual([0, '']);
    await staging.query(
      `ALTER TABLE drift ADD COLUMN note VARCHAR(50); INSERT INTO drift (id, qty, note) ` + `VALUES (3, 30, 'third ☃')`,
    );
  });

  test(
    'without the flag the column is only reported; with it, it is added before loading, ' +
      'earlier rows hold NULL, the report says so, and verify exits 0',
    async () => {
      const plain = await cli(['run', ...on('drift', '--dry-run', '--json')]);
      expect(JSON.parse(plain.stdout).tables[0]).toMatchObject({ sourceOnlyColumns: ['note'] });
      expect(await columnsOf('DRIFT')).toEqual([
        'ID INTEGER(4) NOT NULL',
        'QTY INTEGER(4) NOT NULL',
        'AMOUNT INTEGER(4) NULL',
      ]);

      const run = await cli(['run', ...on('drift', '--add-columns')]);
      expectNoteAdded(run);
      expect(await columnsOf('DRIFT')).toEqual([
        'ID INTEGER(4) NOT NULL',
        'QTY INTEGER(4) NOT NULL',
        'AMOUNT INTEGER(4) NULL',
        'NOTE VARCHAR(50) NULL',
      ]);
      expect(await db2.query('SELECT ID, QTY, NOTE FROM DRIFT ORDER BY ID')).toEqual([
        { ID: 1, QTY: 10, NOTE: null },
        { ID: 2, QTY: 20, NOTE: null },
        { ID: 3, QTY: 30, NOTE: 'third ☃' },
      ]);
      const verify = await cli(['verify', ...on('drift', '--json')]);
      expectDriftInStep(verify);
    },
  );

  test(
    'a staging column that widened is refused before writing, with the exact ALTER TABLE ' +
      'to run, which DB2 takes; then the run goes on',
    async () => {
      await staging.query(`ALTER TABLE drift MODIFY COLUMN note VARCHAR(200), MODIFY COLUMN amount BIGINT;
      INSERT INTO drift (id, qty, note, amount) VALUES (4, 40, REPEAT('☃', 200), 9000000000)`);
      const alterNote = 'ALTER TABLE "DB2INST1"."DRIFT" ALTER COLUMN "NOTE" SET DATA TYPE VARCHAR(200 CODEUNITS32)';
      const alterAmount = 'ALTER TABLE "DB2INST1"."DRIFT" ALTER COLUMN "AMOUNT" SET DATA TYPE BIGINT';
      for (const flags of [[], ['--add-columns']]) {
        expect(refusedLine(await cli(['run', ...on('drift', ...flags)]))).toBe(
          'warehouse-sync: table drift: column amount: source bigint(20) does not fit warehouse ' +
            'INTEGER; widen it to BIGINT; ' +
            `to widen it run: ${alterAmount}; table drift: column note: source varchar(200) does ` +
            `not fit warehouse VARCHAR(50 CODEUNITS32); ` +
            `make it at least 200 characters long; to widen it run: ${alterNote}`,
        );
      }
      expect(await db2.query('SELECT COUNT(*) AS N FROM DRIFT')).toEqual([{ N: 3 }]);
      await db2.query(alterNote);
      await db2.query(alterAmount);
      const run = await cli(['run', ...on('drift', '--json')]);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(JSON.parse(run.stdout).tables[0]).toMatchObject({ inserted: 1 });
      expect(await db2.query('SELECT NOTE, VARCHAR(AMOUNT) AS AMOUNT FROM DRIFT WHERE ID = 4')).toEqual([
        { NOTE: '☃'.repeat(200), AMOUNT: '9000000000' },
      ]);
      const verify = await cli(['verify', ...on('drift')]);
      expect([verify.code, verify.stderr]).toEqual([0, '']);
    },
  );

  test(
    'a new column with no lossless DB2 type is refused in one line, and the other new ' + 'column is not added either',
    async () => {
      await staging.query('ALTER TABLE drift ADD COLUMN memo VARCHAR(5), ADD COLUMN doc LONGBLOB');
      expect(refusedLine(await cli(['run', ...on('drift', '--add-columns')]))).toBe(
        'warehouse-sync: table drift: column doc cannot be added: longblob can hold 4294967295 ' +
          'bytes but a DB2 BLOB holds at most 2147483647 (2 GB); ' +
          'change the staging column to MEDIUMBLOB, or sync this table to a PostgreSQL or MySQL warehouse',
      );
      expect((await columnsOf('DRIFT')).map((c) => c.split(' ')[0])).toEqual(['ID', 'QTY', 'AMOUNT', 'NOTE']);
    },
  );
});

describe('refusals: exit 2, one line saying what to do, nothing written', () => {
  beforeAll(async () => {
    await staging.query(`CREATE TABLE fine (id INT NOT NULL PRIMARY KEY, v INT);
      CREATE TABLE unholdable (id INT NOT NULL PRIMARY KEY, t6 TIME(6), d40 DECIMAL(40,10), lt LONGTEXT, lb LONGBLOB, j JSON) CHARACTER SET utf8mb4;
      CREATE TABLE spans (id INT NOT NULL PRIMARY KEY, t TIME); INSERT INTO spans VALUES (1, '12:00:00'), (2, '-01:00:00')`);
  });

  test('a missing table without --create-table names the flag and ddl', async () => {
    expect(refusedLine(await cli(['run', ...on('fine')]))).toBe(
      `warehouse-sync: table fine: warehouse table fine not found in ` +
        `db2://db2inst1:***@127.0.0.1:${standin.port}/BLUDB ` +
        '(create it: run with --create-table [SYNC_CREATE_TABLE], or see its DDL with warehouse-sync ddl)',
    );
    expect(await tableCount('FINE')).toBe(0);
  });

  test(
    'columns no DB2 type holds losslessly: no table is created, not even the one that ' +
      'could be, and ddl refuses the same way',
    async () => {
      const line =
        "warehouse-sync: table unholdable: column t6 time(6) has 6 fractional digits but DB2's " +
        'TIME has none; make the staging column TIME(0), ' +
        'or sync this table to a PostgreSQL or MySQL warehouse; ' +
        "table unholdable: column d40 decimal(40,10) can have 40 digits but DB2's DECIMAL " +
        'holds at most 31 and DECFLOAT(34) 34; ' +
        'narrow the staging column to DECIMAL(34,10) or less, or sync this table to a PostgreSQL or MySQL warehouse; ' +
        'table unholdable: column lt longtext can hold 4294967295 characters but a DB2 CLOB ' +
        'holds at most 536870911 (2 GB); ' +
        'change the staging column to MEDIUMTEXT, or sync this table to a PostgreSQL or MySQL warehouse; ' +
        'table unholdable: column lb longblob can hold 4294967295 bytes but a DB2 BLOB holds ' +
        'at most 2147483647 (2 GB); ' +
        'change the staging column to MEDIUMBLOB, or sync this table to a PostgreSQL or MySQL warehouse; ' +
        // MariaDB stores JSON as LONGTEXT (with a check), so that is what the source reports.
        'table unholdable: column j longtext can hold 4294967295 characters but a DB2 CLOB ' +
        'holds at most 536870911 (2 GB); ' +
        'change the staging column to MEDIUMTEXT, or sync this table to a PostgreSQL or MySQL warehouse';
      expect(refusedLine(await cli(['run', ...on('fine', '--table', 'unholdable', '--create-table')]))).toBe(line);
      expect([await tableCount('FINE'), await tableCount('UNHOLDABLE')]).toEqual([0, 0]);
      expect(refusedLine(await cli(['ddl', ...on('unholdable')]))).toBe(line);
    },
  );

  test(
    'a TIME outside one day is refused before the first row (DB2 TIME holds 00:00:00 to ' +
      '24:00:00), and the table just created is dropped',
    async () => {
      expect(refusedLine(await cli(['run', ...on('spans', '--create-table')]))).toBe(
        'warehouse-sync: table spans: row id=2 has the TIME "-01:00:00" in column t, which ' +
          'warehouse column T TIME cannot hold (00:00:00 to 24:00:00); ' +
          'fix that row in staging, or use a MySQL warehouse for it',
      );
      expect(await tableCount('SPANS')).toBe(0);
    },
  );
});
