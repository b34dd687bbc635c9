/** The warehouse contract on a real PostgreSQL (database test_contract, created if missing). */
import { Client } from 'pg';
import { POSTGRES_SERVER } from '../support/databases';
import { rejection, warehouseContract, type ContractTarget, type TextKind } from './contract';

const DATABASE = 'test_contract';
const URL = `${POSTGRES_SERVER}/${DATABASE}`;

let admin: Client;

async function client(): Promise<Client> {
  const c = new Client({ connectionString: URL });
  await c.connect();
  return c;
}

const TEXT_SQL: Record<TextKind, (c: string) => string> = {
  integer: (c) => `${c}::text`,
  decimal: (c) => `${c}::text`,
  text: (c) => c,
  binary: (c) => `encode(${c}, 'hex')`,
  date: (c) => `to_char(${c}, 'YYYY-MM-DD')`,
  time: (c) => `to_char(${c}, 'HH24:MI:SS')`,
  timestamp: (c) => `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`,
};

const postgres: ContractTarget = {
  name: 'postgres',
  url: URL,
  mysqlDatabase: 'test_contract_postgres',
  async setUp() {
    const server = new Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
    await server.connect();
    const found = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await server.query(`CREATE DATABASE ${DATABASE}`);
    await server.end();
    admin = await client();
    await admin.query(
      'DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS ' + 'contract_s CASCADE',
    );
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
    const res = await admin.query({
      text: `SELECT ${columns.map(([c, kind]) => TEXT_SQL[kind](`"${c}"`)).join(', ')} FROM ${table} ORDER BY "${key}"`,
      rowMode: 'array',
    });
    return res.rows as Array<Array<string | null>>;
  },
  fold: (name) => name.toLowerCase(),
  defaultSchema: 'public',
  ddl: {
    course: (
      name,
    ) => `CREATE TABLE ${name} (rowid integer NOT NULL, product_id integer NOT NULL, customer_id integer NOT NULL,
      price numeric(10,2), quantity integer NOT NULL, "timestamp" timestamp)`,
    types: (
      name,
    ) => `CREATE TABLE ${name} (id bigint NOT NULL, amount numeric(30,10), small numeric(5,2), ubig numeric(20,0),
      sbig bigint, txt varchar(100), empty varchar(10), dd date, ts timestamp(6), tm time(0))`,
    bytes: (name) => `CREATE TABLE ${name} (id bigint NOT NULL, bin bytea)`,
    createSchema: (name) => `CREATE SCHEMA ${name}`,
    quotedMixedCase: (name) => `CREATE TABLE ${name} (id integer)`,
  },
  courseColumns: [
    {
      name: 'rowid',
      sqlType: 'integer',
      type: { kind: 'integer', bits: 32, unsigned: false },
      nullable: false,
      hasDefault: false,
    },
    {
      name: 'product_id',
      sqlType: 'integer',
      type: { kind: 'integer', bits: 32, unsigned: false },
      nullable: false,
      hasDefault: false,
    },
    {
      name: 'customer_id',
      sqlType: 'integer',
      type: { kind: 'integer', bits: 32, unsigned: false },
      nullable: false,
      hasDefault: false,
    },
    {
      name: 'price',
      sqlType: 'numeric(10,2)',
      type: { kind: 'decimal', precision: 10, scale: 2 },
      nullable: true,
      hasDefault: false,
    },
    {
      name: 'quantity',
      sqlType: 'integer',
      type: { kind: 'integer', bits: 32, unsigned: false },
      nullable: false,
      hasDefault: false,
    },
    {
      name: 'timestamp',
      sqlType: 'timestamp without time zone',
      type: { kind: 'timestamp', fsp: 6 },
      nullable: true,
      hasDefault: false,
    },
  ],
  preflight: [
    {
      label: 'varchar(5) cannot take a VARCHAR(50) source',
      sourceType: 'VARCHAR(50)',
      warehouseType: 'varchar(5)',
      problem:
        'column val: source varchar(50) does not fit warehouse character varying(5); make it ' +
        'at least 50 characters long',
    },
    {
      label: 'varchar(50) counts characters: it takes a utf8mb4 VARCHAR(50)',
      sourceType: 'VARCHAR(50)',
      warehouseType: 'varchar(50)',
      problem: null,
    },
    {
      label: 'numeric(31,10) cannot take DECIMAL(65,30)',
      sourceType: 'DECIMAL(65,30)',
      warehouseType: 'numeric(31,10)',
      problem: 'column val: source decimal(65,30) does not fit warehouse numeric(31,10); use DECIMAL(65,30) or wider',
    },
    {
      label: 'unbounded numeric takes DECIMAL(65,30)',
      sourceType: 'DECIMAL(65,30)',
      warehouseType: 'numeric',
      problem: null,
    },
    {
      label: 'numeric(20,0) takes BIGINT UNSIGNED',
      sourceType: 'BIGINT UNSIGNED',
      warehouseType: 'numeric(20,0)',
      problem: null,
    },
    {
      label: 'bigint cannot take BIGINT UNSIGNED',
      sourceType: 'BIGINT UNSIGNED',
      warehouseType: 'bigint',
      problem: 'column val: source bigint(20) unsigned does not fit warehouse bigint; widen it to DECIMAL(20,0)',
    },
    {
      label: 'a NOT NULL column cannot take a nullable source',
      sourceType: 'INT',
      warehouseType: 'integer NOT NULL',
      problem: 'column val: source is nullable but warehouse integer is NOT NULL; make the warehouse column nullable',
    },
  ],
  notNullMessage: /^null value in column "quantity" of relation "contract_batch" violates not-null constraint$/,
  async provokeLockTimeout() {
    await admin.query(
      'DROP TABLE IF EXISTS contract_locktest; CREATE TABLE contract_locktest (id integer); ' +
        'INSERT INTO contract_locktest VALUES (1)',
    );
    const [holder, waiter] = [await client(), await client()];
    try {
      await holder.query('BEGIN');
      await holder.query('UPDATE contract_locktest SET id = 2');
      await waiter.query("SET lock_timeout = '50ms'");
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
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND ' +
        "application_name = 'warehouse-sync' AND pid <> pg_backend_pid()",
      [DATABASE],
    );
  },
};

warehouseContract(postgres);
