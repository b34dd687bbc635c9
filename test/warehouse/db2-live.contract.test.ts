/**
 * The warehouse contract on a live DB2, through the real ibm_db, when DB2_TEST_URL names one, e.g.
 *   DB2_TEST_URL='db2://user:pass@host:50001/BLUDB?security=SSL' npx jest test/warehouse/db2-live
 * or scripts/db2-live.sh, which starts Db2 Community Edition in a container and runs this file.
 * It creates and drops tables named CONTRACT_* and LIVE_VALUES in the user's default schema (and
 * CONTRACT_S.SALES). Dropping the server's connections needs FORCE APPLICATION authority, so that
 * one test is skipped.
 *
 * Beyond the contract, values the stand-in cannot vouch for on a real server: text in the client's
 * UTF-8 against the database's code page ('é', '日本', an emoji), a 100 kB text (a CLOB), binary
 * values, and rows NULL in every column but the key (a slice where a column is NULL in every row),
 * synced by the CLI, read back byte for byte, and checked by verify.
 */
import { createHash } from 'crypto';
import { loadIbmDb, type IbmDbConnection } from '../../lib/dialect/db2/db2-connection';
import { parseConnectionUrl } from '../../lib/connection-url';
import { toDb2Endpoint } from '../../lib/dialect/db2/db2-connection';
import { cli, freshMySqlDatabase, MYSQL_SERVER } from '../support/databases';
import { warehouseContract } from './contract';
import { db2Target } from './db2-target';

const url = process.env.DB2_TEST_URL;
const MYSQL_DATABASE = 'test_db2_live_values';

/** 100,000 bytes of UTF-8: ASCII, two-byte and four-byte characters, so a cut or a re-encoding shows. */
const LONG_TEXT = ('abc é 日本 😀 ' + 'x'.repeat(80)).repeat(1100).slice(0, 100_000 - 4) + 'end.';

/** id, txt VARCHAR(40), note MEDIUMTEXT, bin VARBINARY(16), n INT: rows 4 to 6 are NULL but for the key. */
const ROWS: Array<[number, string | null, string | null, Buffer | null, number | null]> = [
  [1, 'é', LONG_TEXT, Buffer.from('00ff10e9c3a9', 'hex'), 1],
  [2, '日本', 'short 日本', Buffer.alloc(16, 0xab), -2],
  [3, 'emoji 😀', '😀'.repeat(1000), Buffer.from([0]), 2147483647],
  [4, null, null, null, null],
  [5, null, null, null, null],
  [6, null, null, null, null],
];

function liveValues(liveUrl: string): void {
  describe(
    'db2 (live): non-ASCII text, a 100 kB text, binary values and all-NULL rows, synced by ' + 'the CLI and read back',
    () => {
      let db2: IbmDbConnection;
      const args = [
        '--source',
        `${MYSQL_SERVER}/${MYSQL_DATABASE}`,
        '--warehouse',
        liveUrl,
        '--table',
        'live_values',
        '--key',
        'id',
        '--batch-size',
        '3',
      ];

      beforeAll(async () => {
        const mysqlConn = await freshMySqlDatabase(MYSQL_DATABASE);
        await mysqlConn.query(`CREATE TABLE live_values (id INT NOT NULL PRIMARY KEY, txt VARCHAR(40), note MEDIUMTEXT, bin VARBINARY(16), n INT)
        CHARACTER SET utf8mb4`);
        await mysqlConn.query('INSERT INTO live_values (id, txt, note, bin, n) VALUES ?', [ROWS]);
        await mysqlConn.end();
        const target = parseConnectionUrl(liveUrl, 'warehouse');
        if (typeof target === 'string') throw new Error(target);
        db2 = await loadIbmDb().open(toDb2Endpoint(target).connectionString);
        await db2.query('DROP TABLE LIVE_VALUES').catch(() => undefined);
      });
      afterAll(async () => {
        await db2.query('DROP TABLE LIVE_VALUES').catch(() => undefined);
        await db2.close();
      });

      test(
        'run --create-table loads every row, in slices of 3 (one of them NULL in every column ' + 'but the key)',
        async () => {
          const { code, stdout, stderr } = await cli(['run', '--create-table', '--json', ...args]);
          expect(stderr).toBe('');
          expect(code).toBe(0);
          expect(JSON.parse(stdout).tables[0]).toMatchObject({
            newRows: ROWS.length,
            inserted: ROWS.length,
            watermarkAfter: ROWS.length,
          });
        },
      );

      test("the values read back through ibm_db are the source's, byte for byte", async () => {
        const rows = await db2.query(
          'SELECT id, txt, LENGTH(note) AS NOTE_BYTES, note, HEX(bin) AS BIN, n FROM LIVE_VALUES ORDER BY id',
        );
        const digest = (s: unknown) => (s === null ? null : createHash('md5').update(String(s), 'utf8').digest('hex'));
        expect(rows.map((r) => [r.ID, r.TXT, r.NOTE_BYTES, digest(r.NOTE), r.BIN, r.N])).toEqual(
          ROWS.map(([id, txt, note, bin, n]) => [
            id,
            txt,
            note === null ? null : Buffer.byteLength(note, 'utf8'),
            digest(note),
            bin === null ? null : bin.toString('hex').toUpperCase(),
            n,
          ]),
        );
      });

      test('verify finds source and warehouse in step', async () => {
        const { code, stdout, stderr } = await cli(['verify', '--json', ...args]);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(JSON.parse(stdout).tables[0]).toMatchObject({ sourceRows: ROWS.length, warehouseRows: ROWS.length });
      });
    },
  );
}

if (url) {
  warehouseContract(
    db2Target({
      name: 'db2 (live)',
      url,
      mysqlDatabase: 'test_contract_db2_live',
      driver: loadIbmDb,
    }),
  );
  liveValues(url);
} else {
  describe('warehouse contract: db2 (live)', () => {
    test.skip(
      'skipped: DB2_TEST_URL is not set (e.g. db2://user:pass@host:50001/BLUDB?security=SSL, ' +
        'or run scripts/db2-live.sh) and no DB2 server is reachable here',
      () => undefined,
    );
  });
}
