/**
 * Issue 11 #8, #9 and #11's small ones, on the built artifacts in processes of their own (where an
 * unhandled rejection would kill them): dist/cli.js, and dist/openwhisk-main.js loaded the way the
 * OpenWhisk Node.js runtime loads an action (harness/openwhisk-runner.js, which, like the runtime,
 * has no listener of its own for unhandled rejections: the process dies and there is no result).
 * Each bad input: exit 2 or {error}, one line, nothing written, no password in any output.
 * The Lambda handler from the osls zip is driven the same way in serverless-package.test.ts.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { cliProcess, createCourseTables, freshDatabases, generateRows, ROOT, type TestDatabases } from '../support/databases';
import { badWarehouses, corpusPasswords, corpusUrls, spellingsOf } from '../support/password-corpus';
import { buildBundles } from './support';

const run = promisify(execFile);
const DB = 'test_fn_bad_input';
let db: TestDatabases;

function expectNoSecret(text: string, password: string): void {
  for (const spelling of spellingsOf(password)) expect(text).not.toContain(spelling);
}

const warehouseRows = async () => Number((await db.pg.query('SELECT count(*) AS n FROM sales_data')).rows[0].n);

beforeAll(async () => {
  buildBundles(['cli-bundle', 'openwhisk-main']);
  db = await freshDatabases(DB);
  await createCourseTables(db);
  await generateRows(db, 1, 50);
});
afterAll(() => db.close());

describe('dist/cli.js', () => {
  test.each(badWarehouses(DB).map((c) => [c.label, c] as const))('%s: exit 2, one line, the same in --json and SYNC_LOG=json, no password, nothing written', async (_label, c) => {
    const result = await cliProcess(
      ['run', '--json', '--source', db.sourceUrl, '--warehouse', c.url, '--table', c.table ?? 'sales_data'], { SYNC_LOG: 'json' },
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    const human = lines.filter((l) => l.startsWith('warehouse-sync: '));
    expect(human).toHaveLength(1);
    expect(lines.length - human.length).toBeLessThanOrEqual(1); // the SYNC_LOG line, when the run got that far
    expect(human[0].slice('warehouse-sync: '.length)).toMatch(c.message);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, tables: [], error: human[0].slice('warehouse-sync: '.length) });
    expectNoSecret(result.stdout + result.stderr, c.password);
    expect(await warehouseRows()).toBe(0);
  });

  test('generated corpus: passwords with @ : / % # ? ; and spaces in every URL shape never reach stdout or stderr', async () => {
    const cases = corpusPasswords()
      .filter((p) => /^Xy.Secret9$|^a@b/.test(p))
      .flatMap((password) => corpusUrls(password).filter((u) => !u.startsWith('db2')).slice(0, 8).map((url) => ({ password, url })));
    expect(cases.length).toBeGreaterThanOrEqual(70);
    const codes = new Set<number>();
    for (let i = 0; i < cases.length; i += 6) {
      await Promise.all(cases.slice(i, i + 6).map(async ({ password, url }) => {
        const result = await cliProcess(['status', '--json', '--source', db.sourceUrl, '--warehouse', url, '--timeout', '2'], { SYNC_LOG: 'json' });
        codes.add(result.code);
        for (const spelling of spellingsOf(password)) {
          if ((result.stdout + result.stderr).includes(spelling)) throw new Error(`${JSON.stringify(url)} leaked its password: ${result.stdout}${result.stderr}`);
        }
        expect(result.stderr).not.toMatch(/\n\s+at |Node\.js v/); // no stack, no crash
      }));
    }
    expect([...codes]).toEqual([2]);
  });
});

describe('dist/openwhisk-main.js under the OpenWhisk runtime\'s loader', () => {
  const HARNESS = path.join(__dirname, 'harness', 'openwhisk-runner.js');
  const BUNDLE = path.join(ROOT, 'dist', 'openwhisk-main.js');

  test.each(badWarehouses(DB).map((c) => [c.label, c] as const))('%s: the activation returns {error} in one line, no password, nothing written', async (_label, c) => {
    const params = { source: db.sourceUrl, warehouse: c.url, tables: [c.table ?? 'sales_data'] };
    // A dead action process (what the unhandled rejection did) rejects here: exit code and no RESULT line.
    const { stdout } = await run(process.execPath, [HARNESS, 'plain', BUNDLE, JSON.stringify(params)], { env: { PATH: process.env.PATH }, timeout: 60_000 });
    const resultLine = stdout.split('\n').find((l) => l.startsWith('RESULT '))!;
    const result = JSON.parse(resultLine.slice('RESULT '.length)) as { error: string };
    expect(Object.keys(result)).toEqual(['error']);
    expect(result.error).toMatch(c.message);
    expect(result.error).not.toContain('\n');
    expectNoSecret(stdout, c.password);
    expect(await warehouseRows()).toBe(0);
  });
});
