/**
 * The DB2 side of the warehouse contract, shared by the real ibm_db over the stand-in
 * (db2-real.contract.test.ts) and a live
 * DB2 (db2-live.contract.test.ts): the same DDL, read-back SQL and expectations, through whichever
 * ibm_db is given.
 */
import { parseConnectionUrl } from '../../lib/connection-url';
import { toDb2Endpoint, type IbmDbConnection, type IbmDbModule } from '../../lib/dialect/db2/db2-connection';
import { rejection, type ContractTarget, type TextKind } from './contract';

export interface Db2TargetOptions {
  name: string;
  url: string;
  mysqlDatabase: string;
  driver(): IbmDbModule;
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
  dropConnections?(): Promise<void>;
}

const TEXT_SQL: Record<TextKind, (c: string) => string> = {
  integer: (c) => `VARCHAR(${c})`,
  decimal: (c) => `VARCHAR(${c})`,
  text: (c) => c,
  binary: (c) => `LOWER(HEX(${c}))`,
  date: (c) => `VARCHAR_FORMAT(${c}, 'YYYY-MM-DD')`,
  time: (c) => `CHAR(${c}, JIS)`,
  timestamp: (c) => `VARCHAR_FORMAT(${c}, 'YYYY-MM-DD HH24:MI:SS.FF6')`,
};

/** DB2 prints decimals without the leading zero ('.50'); the contract's text has it. */
function withLeadingZero(text: string): string {
  return text.replace(/^(-?)\./, '$10.');
}

export function db2Target(options: Db2TargetOptions): ContractTarget {
  let admin: IbmDbConnection;
  // Read when connecting, not here: the stand-in's URL has its port only once it listens.
  const connectionString = () => {
    const parsed = parseConnectionUrl(options.url, 'warehouse');
    if (typeof parsed === 'string') throw new Error(parsed);
    return toDb2Endpoint(parsed).connectionString;
  };
  const connect = () => options.driver().open(connectionString());

  const target: ContractTarget = {
    name: options.name,
    get url() {
      return options.url;
    },
    mysqlDatabase: options.mysqlDatabase,
    defaultSchema: '',
    async setUp() {
      await options.setUp?.();
      admin = await connect();
      const rows = await admin.query('SELECT CURRENT SCHEMA AS S FROM SYSIBM.SYSDUMMY1');
      target.defaultSchema = String(rows[0].S).trimEnd();
    },
    async tearDown() {
      await admin?.close();
      await options.tearDown?.();
    },
    async exec(sql) {
      await admin.query(sql);
    },
    async dropTable(name) {
      try {
        await admin.query(`DROP TABLE ${name}`);
      } catch (error) {
        if ((error as { sqlstate?: string }).sqlstate !== '42704') throw error;
      }
    },
    async readText(table, key, columns) {
      const select = columns.map(([c, kind], i) => `${TEXT_SQL[kind](`"${c.toUpperCase()}"`)} AS C${i}`).join(', ');
      const rows = await admin.query(`SELECT ${select} FROM ${table} ORDER BY "${key.toUpperCase()}"`);
      return rows.map((row) =>
        columns.map(([, kind], i) => {
          const value = row[`C${i}`];
          if (value === null || value === undefined) return null;
          return kind === 'decimal' ? withLeadingZero(String(value)) : String(value);
        }),
      );
    },
    fold: (name) => name.toUpperCase(),
    ddl: {
      course: (
        name,
      ) => `CREATE TABLE ${name} (rowid INTEGER NOT NULL, product_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,
        price DECIMAL(10,2), quantity INTEGER NOT NULL, timestamp TIMESTAMP)`,
      types: (
        name,
      ) => `CREATE TABLE ${name} (id BIGINT NOT NULL, amount DECIMAL(30,10), small DECIMAL(5,2), ubig DECIMAL(20,0),
        sbig BIGINT, txt VARCHAR(100 CODEUNITS32), empty VARCHAR(40), dd DATE, ts TIMESTAMP(6), tm TIME)`,
      bytes: (name) => `CREATE TABLE ${name} (id BIGINT NOT NULL, bin VARBINARY(16))`,
      createSchema: (name) => `CREATE SCHEMA ${name}`,
      quotedMixedCase: (name) => `CREATE TABLE ${name} (id INTEGER)`,
    },
    courseColumns: [
      {
        name: 'ROWID',
        sqlType: 'INTEGER',
        type: { kind: 'integer', bits: 32, unsigned: false },
        nullable: false,
        hasDefault: false,
      },
      {
        name: 'PRODUCT_ID',
        sqlType: 'INTEGER',
        type: { kind: 'integer', bits: 32, unsigned: false },
        nullable: false,
        hasDefault: false,
      },
      {
        name: 'CUSTOMER_ID',
        sqlType: 'INTEGER',
        type: { kind: 'integer', bits: 32, unsigned: false },
        nullable: false,
        hasDefault: false,
      },
      {
        name: 'PRICE',
        sqlType: 'DECIMAL(10,2)',
        type: { kind: 'decimal', precision: 10, scale: 2, maxPrecision: 31 },
        nullable: true,
        hasDefault: false,
      },
      {
        name: 'QUANTITY',
        sqlType: 'INTEGER',
        type: { kind: 'integer', bits: 32, unsigned: false },
        nullable: false,
        hasDefault: false,
      },
      {
        name: 'TIMESTAMP',
        sqlType: 'TIMESTAMP(6)',
        type: { kind: 'timestamp', fsp: 6 },
        nullable: true,
        hasDefault: false,
      },
    ],
    preflight: [
      {
        label: 'VARCHAR(5) cannot take a VARCHAR(50) source',
        sourceType: 'VARCHAR(50)',
        warehouseType: 'VARCHAR(5)',
        problem:
          'column val: source varchar(50) does not fit warehouse VARCHAR(5); it holds 5 bytes ' +
          'but the source can need 200 ' +
          '(4 bytes per utf8mb4 character); make it VARCHAR(200) or declare it in CODEUNITS32',
      },
      {
        label: 'VARCHAR(50) counts bytes: it cannot take a utf8mb4 VARCHAR(50)',
        sourceType: 'VARCHAR(50)',
        warehouseType: 'VARCHAR(50)',
        problem:
          'column val: source varchar(50) does not fit warehouse VARCHAR(50); it holds 50 bytes ' +
          'but the source can need 200 ' +
          '(4 bytes per utf8mb4 character); make it VARCHAR(200) or declare it in CODEUNITS32',
      },
      {
        label: 'VARCHAR(50 CODEUNITS32) takes a utf8mb4 VARCHAR(50)',
        sourceType: 'VARCHAR(50)',
        warehouseType: 'VARCHAR(50 CODEUNITS32)',
        problem: null,
      },
      {
        label: 'VARCHAR(200) bytes take a utf8mb4 VARCHAR(50)',
        sourceType: 'VARCHAR(50)',
        warehouseType: 'VARCHAR(200)',
        problem: null,
      },
      {
        label: 'DECIMAL(31,10) cannot take DECIMAL(65,30), and says DECIMAL stops at 31 digits',
        sourceType: 'DECIMAL(65,30)',
        warehouseType: 'DECIMAL(31,10)',
        problem:
          'column val: source decimal(65,30) does not fit warehouse DECIMAL(31,10); it would ' +
          'need DECIMAL(65,30) but DECIMAL ' +
          'holds at most 31 digits in this warehouse; narrow the source column to at most 31 ' +
          'digits, or use a decimal ' +
          'floating-point column with at least 65 digits',
      },
      {
        label: "DECFLOAT(34) takes DECIMAL(34,10), beyond DECIMAL's 31 digits",
        sourceType: 'DECIMAL(34,10)',
        warehouseType: 'DECFLOAT(34)',
        problem: null,
      },
      {
        label: 'DECFLOAT(34) cannot take DECIMAL(65,30)',
        sourceType: 'DECIMAL(65,30)',
        warehouseType: 'DECFLOAT(34)',
        problem:
          'column val: source decimal(65,30) does not fit warehouse DECFLOAT(34); it holds 34 ' +
          'significant digits but the source can have 65',
      },
      {
        label: 'DECIMAL(20,0) takes BIGINT UNSIGNED',
        sourceType: 'BIGINT UNSIGNED',
        warehouseType: 'DECIMAL(20,0)',
        problem: null,
      },
      {
        label: 'BIGINT cannot take BIGINT UNSIGNED',
        sourceType: 'BIGINT UNSIGNED',
        warehouseType: 'BIGINT',
        problem: 'column val: source bigint(20) unsigned does not fit warehouse BIGINT; widen it to DECIMAL(20,0)',
      },
      {
        label: 'a NOT NULL column cannot take a nullable source',
        sourceType: 'INT',
        warehouseType: 'INTEGER NOT NULL',
        problem: 'column val: source is nullable but warehouse INTEGER is NOT NULL; make the warehouse column nullable',
      },
    ],
    notNullMessage:
      /^a NULL reached a NOT NULL column: SQL0407N Assignment of a NULL value to a NOT NULL column "TBSPACEID=\d+, TABLEID=\d+, COLNO=4" is not allowed\. SQLSTATE=23502$/,
    async provokeLockTimeout() {
      await target.dropTable('contract_locktest');
      await admin.query('CREATE TABLE contract_locktest (id INTEGER)');
      await admin.query('INSERT INTO contract_locktest VALUES (1)');
      const [holder, waiter] = [await connect(), await connect()];
      try {
        await holder.beginTransaction();
        await holder.query('UPDATE contract_locktest SET id = 2');
        await waiter.query('SET CURRENT LOCK TIMEOUT NOT WAIT');
        return await rejection(waiter.query('UPDATE contract_locktest SET id = 3'));
      } finally {
        await holder.rollbackTransaction();
        await Promise.all([holder.close(), waiter.close()]);
      }
    },
    async provokeSyntaxError() {
      return rejection(admin.query('SELEC 1 FROM SYSIBM.SYSDUMMY1'));
    },
    dropConnections: options.dropConnections,
  };
  return target;
}
