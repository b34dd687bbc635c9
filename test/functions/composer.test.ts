/**
 * composer/sync.js compiles with @ibm-functions/composer's own `compose` command, and the
 * conductor action that `deploy` would create runs it as intended: retry the sync twice, then
 * hand the error to the failure handler. The conductor is driven here the way OpenWhisk drives
 * it (invoke the action it names, resume it with the result), with the deploy client's transport
 * replaced so nothing leaves the machine; the sync action is the real built bundle.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { buildBundles, resetCourseData, ROOT, SOURCE_URL, StdoutCapture, WAREHOUSE_URL, withEnv } from './support';

const run = promisify(execFile);

type Params = Record<string, unknown>;
type Action = (params: Params) => Params | Promise<Params>;
interface ActionDefinition {
  name: string;
  action: { exec: { kind: string; code: string } };
}
interface Composition {
  composition: unknown;
  ast: {
    type: string;
    body: { type: string; count: number; components: Array<{ name: string }> };
    handler: { name: string };
  };
  version: string;
  actions: ActionDefinition[];
}
interface ConductorStep {
  method?: string;
  action?: string;
  params?: Params;
  state?: { $resume: unknown };
  error?: unknown;
}

let compiled: Composition;
let definitions: ActionDefinition[];

// The conductor and the actions log to stdout, as they would into the activation record.
const stdout = new StdoutCapture();
beforeEach(() => {
  stdout.start();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  stdout.stop();
  jest.restoreAllMocks();
});

beforeAll(async () => {
  buildBundles(['openwhisk-main']);
  const compose = path.join(ROOT, 'node_modules', '.bin', 'compose');
  const { stdout } = await run(compose, [path.join(ROOT, 'composer', 'sync.js')], { cwd: ROOT });
  compiled = JSON.parse(stdout);

  // What `deploy warehouse-sync/sync-with-retry composition.json` would create, captured instead of sent.
  const client = require('@ibm-functions/composer/conductor')({ apihost: 'localhost', api_key: 'test:test' }) as {
    compositions: {
      actions: unknown;
      deploy(c: Composition & { name: string }, overwrite: boolean): Promise<ActionDefinition[]>;
    };
  };
  client.compositions.actions = { create: async () => ({}), delete: async () => ({}) };
  definitions = await client.compositions.deploy({ ...compiled, name: '/_/warehouse-sync/sync-with-retry' }, false);
});

test('compiles: a try whose body retries the sync action twice and whose handler is the failure action', () => {
  expect(compiled.version).toBe('0.8.1');
  expect(compiled.ast).toMatchObject({
    type: 'try',
    body: { type: 'retry', count: 2, components: [{ type: 'action', name: '/_/warehouse-sync/sync' }] },
    handler: { type: 'action', name: '/_/warehouse-sync/sync-failed' },
  });
  expect(compiled.actions.map((a) => a.name)).toEqual(['/_/warehouse-sync/sync-failed']);
  expect(definitions.map((a) => a.name)).toEqual([
    '/_/warehouse-sync/sync-failed',
    '/_/warehouse-sync/sync-with-retry',
  ]);
});

/** Evaluates an action's code as the Node.js runtime does for a single-file action. */
function load(code: string): Action {
  // eslint-disable-next-line no-new-func, @typescript-eslint/no-implied-eval -- as the OpenWhisk runtime does
  return new Function('require', `${code}\nreturn main`)(require) as Action;
}

/** Runs the conductor to completion, invoking the actions it asks for; returns the result and the invocation log. */
async function conduct(
  params: Params,
  actions: Record<string, Action>,
): Promise<{ result: Params; invoked: string[] }> {
  const conductor = load(definitions.find((d) => d.name === '/_/warehouse-sync/sync-with-retry')!.action.exec.code);
  const invoked: string[] = [];
  let step = (await conductor(params)) as ConductorStep;
  while (step.method === 'action') {
    invoked.push(step.action!);
    const output = await actions[step.action!](step.params!);
    step = (await conductor({ ...output, $resume: step.state!.$resume })) as ConductorStep;
  }
  return { result: (step.error !== undefined ? step : step.params) as Params, invoked };
}

test('a sync that fails twice and then succeeds returns the report; the failure handler is not called', async () => {
  let calls = 0;
  const flaky: Action = () =>
    ++calls < 3 ? { error: `attempt ${calls}: warehouse unreachable` } : { ok: true, tables: [] };
  const { result, invoked } = await conduct({ tables: ['sales_data'] }, { '/_/warehouse-sync/sync': flaky });
  expect(result).toEqual({ ok: true, tables: [] });
  expect(invoked).toEqual(['/_/warehouse-sync/sync', '/_/warehouse-sync/sync', '/_/warehouse-sync/sync']);
});

describe('with the real sync action (dist/openwhisk-main.js)', () => {
  let sync: Action;
  let failed: Action;
  beforeAll(async () => {
    await resetCourseData();
    sync = (require(path.join(ROOT, 'dist', 'openwhisk-main.js')) as { main: Action }).main;
    failed = load(compiled.actions[0].action.exec.code);
  });
  const env = { SYNC_SOURCE_URL: SOURCE_URL, SYNC_WAREHOUSE_URL: WAREHOUSE_URL };

  test('succeeds first time with the course numbers', async () => {
    const { result, invoked } = await withEnv(env, () =>
      conduct({ tables: ['sales_data'] }, { '/_/warehouse-sync/sync': sync, '/_/warehouse-sync/sync-failed': failed }),
    );
    expect(result).toMatchObject({ ok: true, tables: [{ watermarkBefore: 12289, newRows: 1650, inserted: 1650 }] });
    expect(invoked).toHaveLength(1);
  });

  test('a bad parameter fails three times, then the failure handler ends the composition with the error', async () => {
    const { result, invoked } = await withEnv(env, () =>
      conduct({ tabels: ['sales_data'] }, { '/_/warehouse-sync/sync': sync, '/_/warehouse-sync/sync-failed': failed }),
    );
    expect(invoked).toEqual([...Array(3).fill('/_/warehouse-sync/sync'), '/_/warehouse-sync/sync-failed']);
    expect(result).toEqual({
      error: expect.stringMatching(/^warehouse-sync failed after 3 attempts: unknown option "tabels"/),
    });
    expect(console.log).toHaveBeenCalledWith(expect.stringContaining('"event":"sync-failed-after-retries"'));
  });
});
