/**
 * The warehouse contract (lib/warehouse/warehouse.ts), as one jest suite that every warehouse runs
 * unchanged: PostgreSQL and MySQL/MariaDB for real, DB2 through the real ibm_db and the stand-in,
 * and DB2 live when DB2_TEST_URL is set.
 * What differs between warehouses (DDL, name folding, messages) comes from the target; what is
 * asserted is the same.
 */
import { KeyRange } from '../../lib/key-range';
import mysql from 'mysql2/promise';
import { matchColumns, type Column } from '../../lib/columns';
import { parseConnectionUrl, type ConnectionTarget } from '../../lib/connection-url';
import { MySqlSource } from '../../lib/source/mysql/mysql-source';
import { withAlterHints } from '../../lib/schema/prepare-tables';
import { addColumnsDdl, createTableDdl, ddlDialect } from '../../lib/schema/table-ddl';
import type { Dialect } from '../../lib/schema/type-map';
import { openWarehouse } from '../../lib/warehouse/open-warehouse';
import type { Warehouse, WarehouseTable } from '../../lib/warehouse/warehouse';
import type { Row } from '../../lib/rows';
import { MYSQL_SERVER } from '../support/databases';

export type TextKind = 'integer' | 'decimal' | 'text' | 'binary' | 'date' | 'time' | 'timestamp';

export interface PreflightCase {
  /** What the case shows, for the test name. */
  label: string;
  /** MySQL column type of `val` in the source table. */
  sourceType: string;
  /** Warehouse column type of `val`, in the warehouse's DDL. */
  warehouseType: string;
  /** The preflight's exact problem, or null when the warehouse can hold every source value. */
  problem: string | null;
}

export interface ContractTarget {
  /** For test names: 'postgres', 'db2 (fake ibm_db)', 'db2 (live)'. */
  name: string;
  /** The warehouse URL the module opens. */
  url: string;
  /** This suite's own MySQL database (created fresh). */
  mysqlDatabase: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** Runs one DDL/DML statement on an administrative connection. */
  exec(sql: string): Promise<void>;
  /** Drops a table if it exists (name as written in the DDL). */
  dropTable(name: string): Promise<void>;
  /**
   * Reads every row, ordered by `key`, each column as exact text in its own SQL (null for NULL):
   * integers and decimals in digits with the column's scale ('0.50'), binary as lower-case hex, dates
   * YYYY-MM-DD, times HH:MM:SS, timestamps YYYY-MM-DD HH:MM:SS.ffffff.
   */
  readText(table: string, key: string, columns: Array<[string, TextKind]>): Promise<Array<Array<string | null>>>;
  /** How the warehouse folds an unquoted name, and its default schema as stored. */
  fold(name: string): string;
  defaultSchema: string;
  ddl: {
    /**
     * The course's warehouse table: rowid, product_id, customer_id NOT NULL; price DECIMAL(10,2),
     * quantity NOT NULL, timestamp.
     */
    course(name: string): string;
    /** id BIGINT NOT NULL, then the lossless columns (see TYPES_COLUMNS). */
    types(name: string): string;
    /** id BIGINT NOT NULL, bin: up to 16 bytes. */
    bytes(name: string): string;
    createSchema(name: string): string;
    /** A table whose name is delimited and mixed case. */
    quotedMixedCase(name: string): string;
  };
  /** The course table's columns as describeTable reports them. */
  courseColumns: Column[];
  preflight: PreflightCase[];
  /** The message of a batch refused for a NULL in a NOT NULL column. */
  notNullMessage: RegExp;
  /** A lock-timeout error, as this warehouse's driver raises it. */
  provokeLockTimeout(): Promise<unknown>;
  /** A syntax error, as this warehouse's driver raises it. */
  provokeSyntaxError(): Promise<unknown>;
  /** Drops the warehouse module's connections from the server side; absent where the test cannot. */
  dropConnections?: () => Promise<void>;
}

/** Columns of the lossless table, in the order of `ddl.types` and of LOSSLESS_ROWS. */
export const TYPES_COLUMNS: Array<[string, TextKind]> = [
  ['id', 'integer'],
  ['amount', 'decimal'],
  ['small', 'decimal'],
  ['ubig', 'decimal'],
  ['sbig', 'integer'],
  ['txt', 'text'],
  ['empty', 'text'],
  ['dd', 'date'],
  ['ts', 'timestamp'],
  ['tm', 'time'],
];

/** The same table in MySQL: the source the warehouse's digests must agree with. */
const TYPES_SOURCE_DDL = (name: string) => `CREATE TABLE ${name} (
  id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(30,10), small DECIMAL(5,2), ubig BIGINT UNSIGNED, sbig BIGINT,
  txt VARCHAR(100) CHARACTER SET utf8mb4, empty VARCHAR(10) CHARACTER SET utf8mb4, dd DATE, ts DATETIME(6), tm TIME
) CHARACTER SET utf8mb4`;

const TEXT = 'emoji 😀🎉, combining e\u0301, 日本語, tab\there, back\\slash, new\nline, quote \' "';
const ZWJ = 'ZWJ 👩\u200d👩\u200d👧 and Zalgo Z\u0351\u0368a\u0306';

/**
 * Rows as the MySQL source delivers them (exact text for DECIMAL/BIGINT/temporal values). That text is
 * already lib/canonical.ts text, so the same rows are what every warehouse must give back.
 */
const LOSSLESS: Array<Array<string | null>> = [
  [
    '1',
    '99999999999999999999.9999999999',
    '-0.50',
    '18446744073709551615',
    '-9223372036854775808',
    TEXT,
    '',
    '9999-12-31',
    '9999-12-31 23:59:59.999999',
    '23:59:59',
  ],
  [
    '2',
    '-0.0000000001',
    '0.00',
    '0',
    '9223372036854775807',
    ZWJ,
    ' ',
    '1000-01-01',
    '1970-01-01 00:00:00.000000',
    '00:00:00',
  ],
  [
    '3',
    '0.5000000000',
    '999.99',
    '9007199254740993',
    '-9007199254740993',
    ' leading and trailing ',
    'x',
    '2024-02-29',
    '2021-03-14 02:30:00.000001',
    '02:30:00',
  ],
  ['4', null, null, null, null, null, null, null, null, null],
];

export const LOSSLESS_ROWS: Row[] = LOSSLESS;

/** What every warehouse must give back: a copy, so that no load can change what is expected. */
const LOSSLESS_TEXT = LOSSLESS.map((row) => [...row]);

const BYTES_ROWS: Row[] = [
  ['1', Buffer.from([0x00, 0xff, 0x10])],
  ['2', Buffer.alloc(0)],
  ['3', Buffer.from(Array.from({ length: 16 }, (_, i) => 255 - i))],
  ['4', null],
];

const table = (name: string): { schema: null; name: string } => ({ schema: null, name });

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error `promise` rejects with; fails the test if it resolves. Shared by the targets. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

export function warehouseContract(target: ContractTarget): void {
  let warehouseTarget: ConnectionTarget;
  let opened: Warehouse[] = [];
  let source: MySqlSource;
  let admin: mysql.Connection;

  const open = async (): Promise<Warehouse> => {
    const warehouse = await openWarehouse(warehouseTarget);
    opened.push(warehouse);
    return warehouse;
  };
  const describeOrFail = async (warehouse: Warehouse, name: string): Promise<WarehouseTable> => {
    const found = await warehouse.describeTable(table(name));
    if (!found) throw new Error(`table ${name} not found`);
    return found;
  };
  const fresh = async (name: string, ddl: string): Promise<void> => {
    await target.dropTable(name);
    await target.exec(ddl);
  };
  /**
   * A fresh MySQL table `name` with `columns`, and no warehouse table of that name yet: the open
   * warehouse, its DDL dialect and the source table as the source describes it.
   */
  const fromSource = async (name: string, columns: string) => {
    await admin.query(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (${columns}) CHARACTER SET utf8mb4`);
    await target.dropTable(name);
    const warehouse = await open();
    const d = await ddlDialect(warehouse.kind as Dialect);
    const sourceTable = await source.describeTable(table(name));
    if (!sourceTable) throw new Error(`source table ${name} not found`);
    return { name, warehouse, d, sourceTable };
  };
  /** The warehouse table the type map makes from `sourceTable`, holding `row`. */
  const madeHolding = async (
    { name, warehouse, d, sourceTable }: Awaited<ReturnType<typeof fromSource>>,
    row: Row,
  ): Promise<WarehouseTable> => {
    await warehouse.executeDdl(createTableDdl(d, name, table(name), sourceTable.columns, 'id').statements[0]);
    const made = await describeOrFail(warehouse, name);
    await warehouse.load({ table: made, columns: made.columns, key: made.columns[0] }, [row]);
    return made;
  };

  beforeAll(async () => {
    const parsed = parseConnectionUrl(target.url, 'warehouse');
    if (typeof parsed === 'string') throw new Error(parsed);
    warehouseTarget = parsed;
    await target.setUp();
    admin = await mysql.createConnection({ uri: `${MYSQL_SERVER}/mysql`, multipleStatements: true });
    await admin.query(
      `DROP DATABASE IF EXISTS \`${target.mysqlDatabase}\`; CREATE DATABASE ` +
        `\`${target.mysqlDatabase}\`; USE \`${target.mysqlDatabase}\``,
    );
    const sourceTarget = parseConnectionUrl(`${MYSQL_SERVER}/${target.mysqlDatabase}`, 'source');
    if (typeof sourceTarget === 'string') throw new Error(sourceTarget);
    source = await MySqlSource.open(sourceTarget);
  });
  afterEach(async () => {
    await Promise.all(opened.map((w) => w.close()));
    opened = [];
  });
  afterAll(async () => {
    await source?.close();
    await admin?.end();
    await target.tearDown();
  });

  describe(`warehouse contract: ${target.name}`, () => {
    describe('describeTable', () => {
      beforeAll(async () => {
        await fresh('contract_sales', target.ddl.course('contract_sales'));
      });

      test("finds an unquoted name by the warehouse's folding and reports its columns", async () => {
        const warehouse = await open();
        const found = await describeOrFail(warehouse, 'contract_sales');
        expect(found.display).toBe(`${target.defaultSchema}.${target.fold('contract_sales')}`);
        expect(found.columns).toEqual(target.courseColumns);
        expect((await describeOrFail(warehouse, 'CONTRACT_SALES')).display).toBe(found.display);
        expect((await describeOrFail(warehouse, `"${target.fold('contract_sales')}"`)).display).toBe(found.display);
        const otherCase = target.fold('contract_sales') === 'contract_sales' ? 'CONTRACT_SALES' : 'contract_sales';
        expect(await warehouse.describeTable(table(`"${otherCase}"`))).toBeNull();
      });

      test('a quoted mixed-case name keeps its case; unquoted it is another name', async () => {
        await target.dropTable('"Contract Mixed"');
        await target.exec(target.ddl.quotedMixedCase('"Contract Mixed"'));
        const warehouse = await open();
        expect((await describeOrFail(warehouse, '"Contract Mixed"')).display).toBe(
          `${target.defaultSchema}.Contract Mixed`,
        );
        expect(await warehouse.describeTable(table('ContractMixed'))).toBeNull();
      });

      test('a schema-qualified name; a missing table is null', async () => {
        await target.dropTable('contract_s.sales');
        await target.exec(target.ddl.createSchema('contract_s')).catch(() => undefined);
        await target.exec(target.ddl.course('contract_s.sales'));
        const warehouse = await open();
        const found = await warehouse.describeTable({ schema: 'contract_s', name: 'sales' });
        expect(found?.display).toBe(`${target.fold('contract_s')}.${target.fold('sales')}`);
        expect(found?.columns).toEqual(target.courseColumns);
        expect(await warehouse.describeTable(table('contract_no_such_table'))).toBeNull();
        expect(await warehouse.describeTable({ schema: 'contract_no_such_schema', name: 'sales' })).toBeNull();
      });
    });

    describe('preflight: can the warehouse hold every source value?', () => {
      test.each(target.preflight.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
        await admin.query(
          'DROP TABLE IF EXISTS preflight; ' +
            `CREATE TABLE preflight (id INT NOT NULL PRIMARY KEY, val ${c.sourceType}) CHARACTER SET utf8mb4`,
        );
        await fresh(
          'contract_preflight',
          `CREATE TABLE contract_preflight (id INTEGER NOT NULL, val ${c.warehouseType})`,
        );
        const warehouse = await open();
        const sourceTable = await source.describeTable(table('preflight'));
        const match = matchColumns(
          sourceTable!.columns,
          (await describeOrFail(warehouse, 'contract_preflight')).columns,
          'id',
        );
        expect(match.problems).toEqual(c.problem === null ? [] : [c.problem]);
      });
    });

    describe('DDL from the type map (lib/schema, --create-table)', () => {
      test(
        'the CREATE TABLE made for a MySQL table runs here and holds every source column; a ' +
          'second one is "already there"',
        async () => {
          const { warehouse, d, sourceTable } = await fromSource(
            'contract_made',
            'id BIGINT UNSIGNED NOT NULL PRIMARY KEY, amount DECIMAL(12,2) NOT NULL, note VARCHAR(40), ' +
              'bits BIT(12), at DATETIME(6), tiny TINYINT UNSIGNED, d34 DECIMAL(34,4)',
          );
          const ddl = createTableDdl(d, 'contract_made', table('contract_made'), sourceTable.columns, 'id');
          expect(ddl.problems).toEqual([]);
          await warehouse.executeDdl(ddl.statements[0]);
          const made = await describeOrFail(warehouse, 'contract_made');
          expect(matchColumns(sourceTable.columns, made.columns, 'id')).toMatchObject({
            problems: [],
            sourceOnly: [],
            warehouseOnly: [],
          });
          expect(made.columns[0]).toMatchObject({ nullable: false });
          expect(d.isAlreadyThere(await rejection(warehouse.executeDdl(ddl.statements[0])))).toBe(true);
        },
      );

      test(
        '--add-columns and a widened column: the ADD COLUMN and the ALTER TABLE the refusal ' +
          'prints run here, earlier rows keep NULL',
        async () => {
          const before = await fromSource(
            'contract_drift',
            'id INT NOT NULL PRIMARY KEY, qty INT NOT NULL, note VARCHAR(10)',
          );
          const { warehouse, d } = before;
          const made = await madeHolding(before, ['1', '10', 'x']);

          // Staging widens two columns and gains one.
          await admin.query(
            'ALTER TABLE contract_drift MODIFY qty BIGINT NOT NULL, MODIFY note VARCHAR(40), ADD ' +
              'COLUMN extra VARCHAR(20)',
          );
          const after = await source.describeTable(table('contract_drift'));
          const match = matchColumns(after!.columns, made.columns, 'id');
          expect(match.sourceOnly).toEqual(['extra']);
          const alters = withAlterHints(d, made, match).map((problem) => /; to widen it run: (.+)$/.exec(problem)?.[1]);
          expect(alters).toHaveLength(2);
          for (const alter of alters) await warehouse.executeDdl(alter!);
          const added = addColumnsDdl(
            d,
            'contract_drift',
            made.sql,
            after!.columns.filter((c) => c.name === 'extra'),
          );
          expect(added.problems).toEqual([]);
          await warehouse.executeDdl(added.statements[0]);
          expect(d.isAlreadyThere(await rejection(warehouse.executeDdl(added.statements[0])))).toBe(true);

          const now = await describeOrFail(warehouse, 'contract_drift');
          expect(matchColumns(after!.columns, now.columns, 'id')).toMatchObject({
            problems: [],
            sourceOnly: [],
            warehouseOnly: [],
          });
          expect(now.columns.map((c) => [c.name, c.nullable])).toEqual(
            [
              ['id', false],
              ['qty', false],
              ['note', true],
              ['extra', true],
            ].map(([n, nullable]) => [target.fold(n as string), nullable]),
          );
          await warehouse.load({ table: now, columns: now.columns, key: now.columns[0] }, [
            ['2', '9000000000', 'y'.repeat(40), 'extra ☃'],
          ]);
          expect(
            await target.readText('contract_drift', 'id', [
              ['id', 'integer'],
              ['qty', 'integer'],
              ['note', 'text'],
              ['extra', 'text'],
            ]),
          ).toEqual([
            ['1', '10', 'x', null],
            ['2', '9000000000', 'y'.repeat(40), 'extra ☃'],
          ]);
        },
      );

      // A staging column changed from `before` to `after`; the warehouse column made for `before`
      // holds `value`. Every problem the preflight then reports comes with an ALTER TABLE, which the
      // warehouse takes, keeping the value; afterwards the column holds the new source type.
      test.each([
        ['INT', 'BIGINT', '2147483647', 'integer', '2147483647'],
        ['TINYINT', 'INT UNSIGNED', '5', 'integer', '5'],
        ['BIGINT', 'BIGINT UNSIGNED', '9223372036854775807', 'integer', '9223372036854775807'],
        ['DECIMAL(10,2)', 'DECIMAL(20,4)', '12345678.91', 'decimal', '12345678.9100'],
        ['DECIMAL(10,2)', 'DECIMAL(34,2)', '-12345678.91', 'decimal', '-12345678.91'],
        ['VARCHAR(5)', 'VARCHAR(200)', 'ab☃ ', 'text', 'ab☃ '],
        ['VARCHAR(5)', 'TEXT', 'ab☃', 'text', 'ab☃'],
        ['VARCHAR(100)', 'VARCHAR(9000)', 'é'.repeat(100), 'text', 'é'.repeat(100)],
        ['CHAR(5)', 'VARCHAR(300)', 'ab', 'text', 'ab'],
        ["ENUM('a','b')", "ENUM('a','b','longer')", 'b', 'text', 'b'],
        ['TEXT', 'MEDIUMTEXT', 'some text', 'text', 'some text'],
        ['VARBINARY(4)', 'VARBINARY(64)', Buffer.from('00ff', 'hex'), 'binary', '00ff'],
        ['BLOB', 'MEDIUMBLOB', Buffer.from('01', 'hex'), 'binary', '01'],
        ['DATETIME', 'DATETIME(6)', '2024-01-02 03:04:05', 'timestamp', '2024-01-02 03:04:05.000000'],
      ] as const)(
        'widened %s → %s: the ALTER TABLE printed runs here and keeps the value',
        async (before, after, value, kind, text) => {
          const old = await fromSource('contract_widen', `id INT NOT NULL PRIMARY KEY, v ${before}`);
          await admin.query('INSERT INTO contract_widen VALUES (1, ?)', [value]);
          const { warehouse, d } = old;
          const made = await madeHolding(old, ['1', value]);

          await admin.query(`ALTER TABLE contract_widen MODIFY v ${after}`);
          const widened = await source.describeTable(table('contract_widen'));
          const problems = withAlterHints(d, made, matchColumns(widened!.columns, made.columns, 'id'));
          for (const problem of problems) {
            const alter = /; to widen it run: (.+)$/.exec(problem)?.[1];
            expect([problem, alter]).toEqual([problem, expect.any(String)]);
            await warehouse.executeDdl(alter!);
          }
          const now = await describeOrFail(warehouse, 'contract_widen');
          expect(matchColumns(widened!.columns, now.columns, 'id').problems).toEqual([]);
          expect(
            await target.readText('contract_widen', 'id', [
              ['id', 'integer'],
              ['v', kind],
            ]),
          ).toEqual([['1', text]]);
        },
      );
    });

    describe('watermark and keys', () => {
      test('null when empty; the largest key, exactly, beyond 2^53; keys and counts in (low, high]', async () => {
        await fresh('contract_keys', target.ddl.types('contract_keys'));
        const warehouse = await open();
        const t = await describeOrFail(warehouse, 'contract_keys');
        const key = t.columns[0];
        expect(await warehouse.maxKey(t, key)).toBeNull();
        const row = (id: string): Row => [id, ...LOSSLESS_ROWS[3].slice(1)];
        await warehouse.load({ table: t, columns: t.columns, key }, [row('3'), row('5'), row('9007199254740993')]);
        expect(await warehouse.maxKey(t, key)).toBe(9007199254740993n);
        expect(await warehouse.countKeys(t, key, new KeyRange(3n, 9007199254740993n))).toBe(2);
        expect(await warehouse.listKeys(t, key, new KeyRange(0n, 10n))).toEqual([3n, 5n]);
        expect(await warehouse.listKeys(t, key, new KeyRange(5n, 9007199254740992n))).toEqual([]);
      });
    });

    describe('writer lock', () => {
      let lockTable: WarehouseTable;
      beforeAll(async () => {
        await fresh('contract_locked', target.ddl.course('contract_locked'));
        await fresh('contract_other', target.ddl.course('contract_other'));
      });
      beforeEach(async () => {
        lockTable = await describeOrFail(await open(), 'contract_locked');
      });

      test('a second writer gets null; readers are not blocked; release hands it over', async () => {
        const [first, second, reader] = [await open(), await open(), await open()];
        const held = await first.lockWriter(lockTable, 0);
        expect(held).not.toBeNull();
        expect(await second.lockWriter(lockTable, 0)).toBeNull();
        const key = lockTable.columns[0];
        const rows: Row[] = [
          [1, 1, 1, null, 1, null],
          [2, 2, 2, '2.50', 2, '2024-01-01 00:00:00'],
        ];
        await first.load({ table: lockTable, columns: lockTable.columns, key }, rows);
        expect(await within(2_000, 'a reader during the lock', reader.maxKey(lockTable, key))).toBe(2n);
        expect(
          await within(2_000, 'a reader during the lock', reader.countKeys(lockTable, key, new KeyRange(0n, 10n))),
        ).toBe(2);
        await held!.release();
        const taken = await second.lockWriter(lockTable, 0);
        expect(taken).not.toBeNull();
        expect(await first.lockWriter(lockTable, 0)).toBeNull();
        await taken!.release();
      });

      test('a writer that waits gets the lock when the holder releases within the wait', async () => {
        const [first, second] = [await open(), await open()];
        const held = await first.lockWriter(lockTable, 0);
        const waiting = second.lockWriter(lockTable, 5_000);
        setTimeout(() => void held!.release(), 200);
        const taken = await within(6_000, 'the waiting writer', waiting);
        expect(taken).not.toBeNull();
        await taken!.release();
      });

      test('a holder whose connection closes frees the lock; locks are per table', async () => {
        const [first, second] = [await open(), await open()];
        expect(await first.lockWriter(lockTable, 0)).not.toBeNull();
        const other = await describeOrFail(second, 'contract_other');
        const otherLock = await second.lockWriter(other, 0);
        expect(otherLock).not.toBeNull();
        await first.close();
        const taken = await second.lockWriter(lockTable, 2_000);
        expect(taken).not.toBeNull();
        await taken!.release();
        await otherLock!.release();
      });
    });

    describe('load', () => {
      test('all or nothing: one row the warehouse refuses leaves nothing of the batch', async () => {
        await fresh('contract_batch', target.ddl.course('contract_batch'));
        const warehouse = await open();
        const t = await describeOrFail(warehouse, 'contract_batch');
        const loadTarget = { table: t, columns: t.columns, key: t.columns[0] };
        const good: Row[] = [
          [1, 10, 100, '1.50', 1, '2024-01-01 00:00:00'],
          [2, 20, 200, null, 2, null],
        ];
        const error = await rejection(warehouse.load(loadTarget, [...good, [3, 30, 300, '3.00', null, null]]));
        expect((error as Error).message).toMatch(target.notNullMessage);
        expect(warehouse.isTransient(error)).toBe(false);
        expect(await target.readText('contract_batch', 'rowid', [['rowid', 'integer']])).toEqual([]);
        await warehouse.load(loadTarget, good);
        expect(
          await target.readText('contract_batch', 'rowid', [
            ['rowid', 'integer'],
            ['price', 'decimal'],
            ['timestamp', 'timestamp'],
          ]),
        ).toEqual([
          ['1', '1.50', '2024-01-01 00:00:00.000000'],
          ['2', null, null],
        ]);
      });

      test('lossless: extremes, NULLs, utf8mb4 text and empty strings come back exactly', async () => {
        await fresh('contract_types', target.ddl.types('contract_types'));
        const warehouse = await open();
        const t = await describeOrFail(warehouse, 'contract_types');
        await warehouse.load({ table: t, columns: t.columns, key: t.columns[0] }, LOSSLESS_ROWS);
        expect(await target.readText('contract_types', 'id', TYPES_COLUMNS)).toEqual(LOSSLESS_TEXT);
      });

      test('lossless: binary values, empty and NULL included', async () => {
        await fresh('contract_bytes', target.ddl.bytes('contract_bytes'));
        const warehouse = await open();
        const t = await describeOrFail(warehouse, 'contract_bytes');
        await warehouse.load({ table: t, columns: t.columns, key: t.columns[0] }, BYTES_ROWS);
        expect(
          await target.readText('contract_bytes', 'id', [
            ['id', 'integer'],
            ['bin', 'binary'],
          ]),
        ).toEqual([
          ['1', '00ff10'],
          ['2', ''],
          ['3', 'fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0'],
          ['4', null],
        ]);
      });
    });

    describe('verify digests agree with the MySQL source', () => {
      let warehouse: Warehouse;
      let t: WarehouseTable;
      const pairsFor = async (sourceName: string, warehouseTable: WarehouseTable) => {
        const s = await source.describeTable(table(sourceName));
        const match = matchColumns(s!.columns, warehouseTable.columns, 'id');
        expect(match.problems).toEqual([]);
        return { s: s!, match };
      };

      /** Loads the source table into the warehouse table the way the sync cycle does: from the source's own pages. */
      const copy = async (sourceName: string, warehouseName: string) => {
        const loader = await open();
        const w = await describeOrFail(loader, warehouseName);
        const { s, match } = await pairsFor(sourceName, w);
        for await (const { rows } of source.pages(
          s,
          match.pairs.map((p) => p.source),
          match.pairs[0].source,
          new KeyRange(null, 100n),
          1000,
        )) {
          await loader.load(
            { table: w, columns: match.pairs.map((p) => p.warehouse), key: match.pairs[0].warehouse },
            rows,
          );
        }
      };

      beforeAll(async () => {
        await admin.query(`DROP TABLE IF EXISTS types, bytes; ${TYPES_SOURCE_DDL('types')};
          CREATE TABLE bytes (id BIGINT NOT NULL PRIMARY KEY, bin VARBINARY(16))`);
        const insert = `INSERT INTO types VALUES (${TYPES_COLUMNS.map(() => '?').join(', ')})`;
        for (const row of LOSSLESS_ROWS) await admin.query(insert, row);
        for (const row of BYTES_ROWS) await admin.query('INSERT INTO bytes VALUES (?, ?)', row);
        await fresh('contract_digest_types', target.ddl.types('contract_digest_types'));
        await fresh('contract_digest_bytes', target.ddl.bytes('contract_digest_bytes'));
        await copy('types', 'contract_digest_types');
        await copy('bytes', 'contract_digest_bytes');
        await Promise.all(opened.map((w) => w.close()));
        opened = [];
      });
      beforeEach(async () => {
        warehouse = await open();
        t = await describeOrFail(warehouse, 'contract_digest_types');
      });

      test("rows loaded from the source's own pages digest to the same buckets, counts and checksums", async () => {
        const { s, match } = await pairsFor('types', t);
        const sourceKey = match.pairs[0].source;
        for (const width of [1n, 2n, 100n]) {
          const expected = await source.rangeDigests(s, sourceKey, match.pairs, new KeyRange(0n, 4n), width);
          expect(expected.length).toBeGreaterThan(0);
          expect(
            await warehouse.rangeDigests(t, match.pairs[0].warehouse, match.pairs, new KeyRange(0n, 4n), width),
          ).toEqual(expected);
        }
        expect(await warehouse.rowDigests(t, match.pairs[0].warehouse, match.pairs, new KeyRange(0n, 4n))).toEqual(
          await source.rowDigests(s, sourceKey, match.pairs, new KeyRange(0n, 4n)),
        );
      });

      test('binary columns digest the same too', async () => {
        const b = await describeOrFail(warehouse, 'contract_digest_bytes');
        const { s, match } = await pairsFor('bytes', b);
        expect(
          await warehouse.rangeDigests(b, match.pairs[0].warehouse, match.pairs, new KeyRange(0n, 4n), 2n),
        ).toEqual(await source.rangeDigests(s, match.pairs[0].source, match.pairs, new KeyRange(0n, 4n), 2n));
        expect(await warehouse.rowDigests(b, match.pairs[0].warehouse, match.pairs, new KeyRange(0n, 4n))).toEqual(
          await source.rowDigests(s, match.pairs[0].source, match.pairs, new KeyRange(0n, 4n)),
        );
      });

      test('a changed value shows in exactly its bucket and row', async () => {
        const { s, match } = await pairsFor('types', t);
        await target.exec('UPDATE contract_digest_types SET small = 1.25 WHERE id = 3');
        const key = match.pairs[0].warehouse;
        const [mine, theirs] = [
          await warehouse.rangeDigests(t, key, match.pairs, new KeyRange(0n, 4n), 2n),
          await source.rangeDigests(s, match.pairs[0].source, match.pairs, new KeyRange(0n, 4n), 2n),
        ];
        expect(mine.map((d) => d.count)).toEqual(theirs.map((d) => d.count));
        expect(mine.map((d, i) => d.checksum === theirs[i].checksum)).toEqual([true, false]);
        const rows = await warehouse.rowDigests(t, key, match.pairs, new KeyRange(0n, 4n));
        const sourceRows = await source.rowDigests(s, match.pairs[0].source, match.pairs, new KeyRange(0n, 4n));
        expect([...rows.keys()].filter((k) => rows.get(k) !== sourceRows.get(k))).toEqual([3n]);
      });
    });

    describe('errors', () => {
      test('lock timeouts are transient; syntax errors and plain errors are not', async () => {
        const warehouse = await open();
        expect(warehouse.isTransient(await target.provokeLockTimeout())).toBe(true);
        expect(warehouse.isTransient(await target.provokeSyntaxError())).toBe(false);
        expect(warehouse.isTransient(new Error('something else'))).toBe(false);
      });

      const droppable = target.dropConnections ? test : test.skip;
      droppable('a dropped connection is transient; reconnect restores it and keeps the writer lock', async () => {
        await fresh('contract_dropped', target.ddl.course('contract_dropped'));
        const warehouse = await open();
        const t = await describeOrFail(warehouse, 'contract_dropped');
        const lock = await warehouse.lockWriter(t, 0);
        expect(lock).not.toBeNull();
        await target.dropConnections!();
        const error = await rejection(warehouse.maxKey(t, t.columns[0]));
        expect(warehouse.isTransient(error)).toBe(true);
        await warehouse.reconnect();
        expect(await warehouse.maxKey(t, t.columns[0])).toBeNull();
        const rival = await open();
        expect(await rival.lockWriter(t, 0)).toBeNull();
        await lock!.release();
      });
    });
  });
}
