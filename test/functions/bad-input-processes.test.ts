/**
 * Bad input on the built artifacts, in processes of their own (where an unhandled rejection would
 * kill them): dist/cli.js, and dist/openwhisk-main.js loaded the way the OpenWhisk Node.js runtime
 * loads an action (harness/openwhisk-runner.js, which, like the runtime,
 * has no listener of its own for unhandled rejections: the process dies and there is no result).
 * Each bad input: exit 2 or {error}, one line, nothing written, no password in any output.
 * The Lambda handler from the osls zip is driven the same way in serverless-package.test.ts.
 */
import { execFile, spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import http from 'http';
import path from 'path';
import { promisify } from 'util';
import {
  cliProcess,
  createCourseTables,
  freshDatabases,
  generateRows,
  ROOT,
  type TestDatabases,
} from '../support/databases';
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
  test.each(badWarehouses(DB).map((c) => [c.label, c] as const))(
    '%s: exit 2, one line, the same in --json and SYNC_LOG=json, no password, nothing written',
    async (_label, c) => {
      const result = await cliProcess(
        ['run', '--json', '--source', db.sourceUrl, '--warehouse', c.url, '--table', c.table ?? 'sales_data'],
        { SYNC_LOG: 'json' },
      );
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter((l) => l !== '');
      const human = lines.filter((l) => l.startsWith('warehouse-sync: '));
      expect(human).toHaveLength(1);
      expect(lines.length - human.length).toBeLessThanOrEqual(1); // the SYNC_LOG line, when the run got that far
      expect(human[0].slice('warehouse-sync: '.length)).toMatch(c.message);
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        tables: [],
        error: human[0].slice('warehouse-sync: '.length),
      });
      expectNoSecret(result.stdout + result.stderr, c.password);
      expect(await warehouseRows()).toBe(0);
    },
  );

  test(
    'generated corpus: passwords with @ : / % # ? ; and spaces in every URL shape never ' + 'reach stdout or stderr',
    async () => {
      const cases = corpusPasswords()
        .filter((p) => /^Xy.Secret9$|^a@b/.test(p))
        .flatMap((password) =>
          corpusUrls(password)
            .filter((u) => !u.startsWith('db2'))
            .slice(0, 8)
            .map((url) => ({ password, url })),
        );
      expect(cases.length).toBeGreaterThanOrEqual(70);
      const codes = new Set<number>();
      for (let i = 0; i < cases.length; i += 6) {
        await Promise.all(
          cases.slice(i, i + 6).map(async ({ password, url }) => {
            const result = await cliProcess(
              ['status', '--json', '--source', db.sourceUrl, '--warehouse', url, '--timeout', '2'],
              { SYNC_LOG: 'json' },
            );
            codes.add(result.code);
            for (const spelling of spellingsOf(password)) {
              if ((result.stdout + result.stderr).includes(spelling))
                throw new Error(`${JSON.stringify(url)} leaked its password: ${result.stdout}${result.stderr}`);
            }
            expect(result.stderr).not.toMatch(/\n\s+at |Node\.js v/); // no stack, no crash
          }),
        );
      }
      expect([...codes]).toEqual([2]);
    },
  );
});

describe("dist/openwhisk-main.js under the OpenWhisk runtime's loader", () => {
  const HARNESS = path.join(__dirname, 'harness', 'openwhisk-runner.js');
  const BUNDLE = path.join(ROOT, 'dist', 'openwhisk-main.js');

  test.each(badWarehouses(DB).map((c) => [c.label, c] as const))(
    '%s: the activation returns {error} in one line, no password, nothing written',
    async (_label, c) => {
      const params = { source: db.sourceUrl, warehouse: c.url, tables: [c.table ?? 'sales_data'] };
      // A dead action process (what the unhandled rejection did) rejects here: exit code and no RESULT line.
      const { stdout } = await run(process.execPath, [HARNESS, 'plain', BUNDLE, JSON.stringify(params)], {
        env: { PATH: process.env.PATH },
        timeout: 60_000,
      });
      const resultLine = stdout.split('\n').find((l) => l.startsWith('RESULT '))!;
      const result = JSON.parse(resultLine.slice('RESULT '.length)) as { error: string };
      expect(Object.keys(result)).toEqual(['error']);
      expect(result.error).toMatch(c.message);
      expect(result.error).not.toContain('\n');
      expectNoSecret(stdout, c.password);
      expect(await warehouseRows()).toBe(0);
    },
  );
});

/**
 * The runtime's HTTP side: one action process, initialised once with the bundle's text, serving
 * one activation after another as a warm container does. A rejection the action left unhandled
 * would end the process: the next /run would find no one listening.
 */
describe('dist/openwhisk-main.js behind /init and /run', () => {
  const HARNESS = path.join(__dirname, 'harness', 'openwhisk-runner.js');
  let child: ChildProcess;
  let port = 0;
  let logs = '';

  const post = (route: string, body: object) =>
    new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: route, method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(body));
    });

  /** Starts an action process and initialises it with the bundle; returns its port. */
  const startAction = async (vars: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> => {
    const started = spawn(process.execPath, [HARNESS, 'serve'], {
      env: { PATH: process.env.PATH, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stderr!.on('data', (d: Buffer) => (logs += String(d)));
    const listening = await new Promise<number>((resolve) => {
      started.stdout!.on('data', (d: Buffer) => {
        logs += String(d);
        const m = /LISTENING (\d+)/.exec(String(d));
        if (m) resolve(Number(m[1]));
      });
    });
    port = listening;
    const code = fs.readFileSync(path.join(ROOT, 'dist', 'openwhisk-main.js'), 'utf8');
    expect(await post('/init', { value: { name: 'sync', main: 'main', binary: false, code } })).toEqual({
      status: 200,
      body: { OK: true },
    });
    return { child: started, port: listening };
  };

  beforeAll(async () => {
    ({ child, port } = await startAction());
  });
  afterAll(() => {
    child.kill();
  });

  test(
    'the last resort: a rejection nobody handles mid-activation is {error} in one redacted ' +
      'line, and the process lives on',
    async () => {
      const warm = port;
      const stray = await startAction({ STRAY_REJECTION_MS: '300' });
      try {
        // The source does not answer (a black-holed address): the activation is still waiting when
        // the stray rejection comes.
        const { status, body } = await post('/run', {
          value: { source: 'mysql://root@10.255.255.1:3306/x', warehouse: db.warehouseUrl, timeoutSeconds: 5 },
          activation_id: 'a0',
        });
        expect({ status, body }).toEqual({
          status: 200,
          body: { error: 'unexpected error: stray failure for mysql://root:***@10.0.0.5/x' },
        });
        expect(stray.child.exitCode).toBeNull();
        expect(logs).not.toContain('Str4yPw9');
      } finally {
        stray.child.kill();
        port = warm;
      }
    },
  );

  test(
    'each bad input is a 200 with {error} in one line, the process lives on, no password ' +
      'in its logs, nothing written',
    async () => {
      for (const c of badWarehouses(DB)) {
        const params = { source: db.sourceUrl, warehouse: c.url, tables: [c.table ?? 'sales_data'] };
        const { status, body } = await post('/run', {
          value: params,
          activation_id: 'a1',
          namespace: 'guest',
          action_name: 'sync',
          deadline: String(Date.now() + 60_000),
        });
        expect(status).toBe(200);
        expect(Object.keys(body)).toEqual(['error']);
        expect(body.error).toMatch(c.message);
        expectNoSecret(logs, c.password);
      }
      expect(child.exitCode).toBeNull();
      expect(await warehouseRows()).toBe(0);
      // The same warm process still syncs.
      const { body } = await post('/run', {
        value: { source: db.sourceUrl, warehouse: db.warehouseUrl, tables: ['sales_data'] },
        activation_id: 'a2',
      });
      expect(body).toMatchObject({ ok: true, tables: [{ table: 'sales_data', inserted: 50 }] });
    },
  );
});
