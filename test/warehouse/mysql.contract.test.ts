/** The warehouse contract on a real MariaDB as the warehouse (database test_contract_mysql_wh). */
import mysql from 'mysql2/promise';
import { MYSQL_SERVER } from '../support/databases';
import { rejection, warehouseContract, type ContractTarget, type TextKind } from './contract';

const DATABASE = 'test_contract_mysql_wh';
const URL = `${MYSQL_SERVER}/${DATABASE}`;

let admin: mysql.Connection;

/** ANSI_QUOTES: the suite writes delimited names in double quotes, as SQL does. */
async function connection(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ uri: URL, multipleStatements: true });
  await c.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'), time_zone = '+00:00'");
  return c;
}

const TEXT_SQL: Record<TextKind, (c: string) => string> = {
  integer: (c) => `CAST(${c} AS CHAR)`,
  decimal: (c) => `CAST(${c} AS CHAR)`,
  text: (c) => c,
  binary: (c) => `LOWER(HEX(${c}))`,
  date: (c) => `DATE_FORMAT(${c}, '%Y-%m-%d')`,
  time: (c) => `TIME_FORMAT(${c}, '%H:%i:%s')`,
  timestamp: (c) => `DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s.%f')`,
};

const int = (name: string) => ({
  name,
  sqlType: 'int(11)',
  type: { kind: 'integer' as const, bits: 32 as const, unsigned: false },
  nullable: false,
  hasDefault: false,
});

const mariadb: ContractTarget = {
  name: 'mysql (MariaDB)',
  url: URL,
  mysqlDatabase: 'test_contract_mysql',
  async setUp() {
    const server = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
    await server.query(
      `DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE}; DROP DATABASE IF ` + `EXISTS contract_s`,
    );
    await server.end();
    admin = await connection();
  },
  async tearDown() {
    await admin?.end();
  },
  async exec(sql) {
    await admin.query(sql);
  },
  async dropTable(name) {
    await admin.query(`DROP TABLE IF EXISTS ${name}`);
  },
  async readText(table, key, columns) {
    const [rows] = await admin.query({
      sql: `SELECT ${columns.map(([c, kind]) => TEXT_SQL[kind](`"${c}"`)).join(', ')} FROM ${table} ORDER BY "${key}"`,
      rowsAsArray: true,
    });
    return (rows as unknown[][]).map((r) =>
      r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))),
    );
  },
  fold: (name) => name,
  defaultSchema: DATABASE,
  ddl: {
    course: (name) => `CREATE TABLE ${name} (rowid INT NOT NULL, product_id INT NOT NULL, customer_id INT NOT NULL,
      price DECIMAL(10,2), quantity INT NOT NULL, "timestamp" DATETIME(6) NULL)`,
    types: (
      name,
    ) => `CREATE TABLE ${name} (id BIGINT NOT NULL, amount DECIMAL(30,10), small DECIMAL(5,2), ubig DECIMAL(20,0),
      sbig BIGINT, txt VARCHAR(100), empty VARCHAR(10), dd DATE, ts DATETIME(6), tm TIME) CHARACTER SET utf8mb4`,
    bytes: (name) => `CREATE TABLE ${name} (id BIGINT NOT NULL, bin VARBINARY(16))`,
    createSchema: (name) => `CREATE DATABASE ${name}`,
    quotedMixedCase: (name) => `CREATE TABLE ${name} (id INT)`,
  },
  // MariaDB reports DEFAULT NULL for a nullable column without a default: it has one.
  courseColumns: [
    int('rowid'),
    int('product_id'),
    int('customer_id'),
    {
      name: 'price',
      sqlType: 'decimal(10,2)',
      type: { kind: 'decimal', precision: 10, scale: 2 },
      nullable: true,
      hasDefault: true,
    },
    int('quantity'),
    {
      name: 'timestamp',
      sqlType: 'datetime(6)',
      type: { kind: 'timestamp', fsp: 6 },
      nullable: true,
      hasDefault: true,
    },
  ],
  preflight: [
    {
      label: 'VARCHAR(5) cannot take a VARCHAR(50) source',
      sourceType: 'VARCHAR(50)',
      warehouseType: 'VARCHAR(5)',
      problem: 'column val: source varchar(50) does not fit warehouse varchar(5); make it at least 50 characters long',
    },
    {
      label: 'utf8mb4 VARCHAR(50) takes a utf8mb4 VARCHAR(50)',
      sourceType: 'VARCHAR(50)',
      warehouseType: 'VARCHAR(50) CHARACTER SET utf8mb4',
      problem: null,
    },
    {
      label: 'a latin1 VARCHAR(50) cannot hold what utf8mb4 can',
      sourceType: 'VARCHAR(50)',
      warehouseType: 'VARCHAR(50) CHARACTER SET latin1',
      problem:
        'column val: source varchar(50) can hold any Unicode characters, but warehouse ' +
        'varchar(50) stores Windows-1252 (MySQL latin1, PostgreSQL WIN1252) only; ' +
        "make the warehouse side UTF-8 (PostgreSQL: a database created with ENCODING 'UTF8'; " +
        'MySQL: CHARACTER SET utf8mb4), or the source column CHARACTER SET ascii',
    },
    {
      label: 'DECIMAL(31,10) cannot take DECIMAL(65,30)',
      sourceType: 'DECIMAL(65,30)',
      warehouseType: 'DECIMAL(31,10)',
      problem: 'column val: source decimal(65,30) does not fit warehouse decimal(31,10); use DECIMAL(65,30) or wider',
    },
    {
      label: 'BIGINT UNSIGNED takes BIGINT UNSIGNED',
      sourceType: 'BIGINT UNSIGNED',
      warehouseType: 'BIGINT UNSIGNED',
      problem: null,
    },
    {
      label: 'BIGINT cannot take BIGINT UNSIGNED',
      sourceType: 'BIGINT UNSIGNED',
      warehouseType: 'BIGINT',
      problem: 'column val: source bigint(20) unsigned does not fit warehouse bigint(20); widen it to DECIMAL(20,0)',
    },
    {
      label: 'a NOT NULL column cannot take a nullable source',
      sourceType: 'INT',
      warehouseType: 'INT NOT NULL',
      problem: 'column val: source is nullable but warehouse int(11) is NOT NULL; make the warehouse column nullable',
    },
  ],
  notNullMessage: /^Column 'quantity' cannot be null$/,
  async provokeLockTimeout() {
    await admin.query(
      'DROP TABLE IF EXISTS contract_locktest; CREATE TABLE contract_locktest (id INT ' +
        'PRIMARY KEY) ENGINE=InnoDB; INSERT INTO contract_locktest VALUES (1)',
    );
    const [holder, waiter] = [await connection(), await connection()];
    try {
      await holder.query('START TRANSACTION');
      await holder.query('UPDATE contract_locktest SET id = 2');
      await waiter.query('SET SESSION innodb_lock_wait_timeout = 1');
      return await rejection(waiter.query('UPDATE contract_locktest SET id = 3'));
    } finally {
      await holder.query('ROLLBACK');
      await Promise.all([holder.end(), waiter.end()]);
    }
  },
  async provokeSyntaxError() {
    return rejection(admin.query('SELEC 1'));
  },
  async dropConnections() {
    const [rows] = await admin.query({
      sql: 'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      values: [DATABASE],
      rowsAsArray: true,
    });
    for (const [id] of rows as number[][]) await admin.query(`KILL ${Number(id)}`).catch(() => undefined);
  },
};

warehouseContract(mariadb);
