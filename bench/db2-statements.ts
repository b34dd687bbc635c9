/**
 * The DB2 load path, counted on the fake ibm_db (test/fakes/ibm_db): how many statements reach
 * the driver per 10,000 rows. No DB2 server can run here, so this counts round trips, not time:
 * the design's promise is one array execute per batch, no per-row statements.
 *
 * It runs the real sync cycle (MySQL bench source → fake DB2) through the CLI's own code path and
 * wraps the fake driver's connection so that every call that would be a round trip to DB2 is
 * counted, separately while `load()` runs.
 */
import { SOURCE_URL } from './data';
import { ensureSourceTable } from './data';

const ROWS = 10_000;

interface Counts {
  all: number;
  inLoad: number;
  inLoadByKind: Map<string, number>;
  arrayExecutes: number;
  perRowExecutes: number;
  byKind: Map<string, number>;
}

export async function db2StatementsPer10k(log: (line: string) => void): Promise<string> {
  let modules;
  try {
    modules = {
      fake: await import('../test/fakes/ibm_db'),
      driver: await import('../lib/dialect/db2/db2-connection'),
      warehouse: await import('../lib/warehouse/db2/db2-warehouse'),
      config: await import('../lib/config'),
      cycle: await import('../lib/sync-cycle'),
    };
  } catch (error) {
    return (
      `DB2 statements per 10,000 rows: not measured — the DB2 warehouse or its fake is not ` +
      `in place yet (${firstLine(error)}); hook: bench/db2-statements.ts`
    );
  }
  try {
    const { fake, driver, warehouse, config, cycle } = modules;
    const table = await ensureSourceTable(ROWS, log);
    const server = new fake.FakeDb2Server();
    const ibmDb = fake.createFakeIbmDb(server);
    const counts: Counts = {
      all: 0,
      inLoad: 0,
      inLoadByKind: new Map(),
      arrayExecutes: 0,
      perRowExecutes: 0,
      byKind: new Map(),
    };
    let loading = 0;
    const count = (kind: string) => {
      counts.all++;
      if (loading > 0) {
        counts.inLoad++;
        counts.inLoadByKind.set(kind, (counts.inLoadByKind.get(kind) ?? 0) + 1);
      }
      counts.byKind.set(kind, (counts.byKind.get(kind) ?? 0) + 1);
    };
    type Connection = Awaited<ReturnType<typeof ibmDb.open>>;
    const countingConnection = (db: Connection): Connection =>
      new Proxy(db, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          const name = String(property);
          if (name === 'query' || name === 'querySync') {
            return (q: unknown, ...rest: unknown[]) => {
              const arrayInsert = typeof q === 'object' && q !== null && 'ArraySize' in q;
              if (arrayInsert) counts.arrayExecutes++;
              count(arrayInsert ? 'array execute' : 'query');
              return value.call(target, q, ...rest);
            };
          }
          if (name === 'prepare' || name === 'prepareSync') {
            return async (sql: string) => {
              count('prepare');
              const statement = await value.call(target, sql);
              return new Proxy(statement, {
                get(s, p, r) {
                  const v = Reflect.get(s, p, r);
                  if (typeof v !== 'function' || !/^execute/.test(String(p)))
                    return typeof v === 'function' ? v.bind(s) : v;
                  return (...args: unknown[]) => {
                    counts.perRowExecutes++;
                    count('prepared execute');
                    return v.apply(s, args);
                  };
                },
              });
            };
          }
          if (/^(beginTransaction|commitTransaction|rollbackTransaction)$/.test(name)) {
            return (...args: unknown[]) => {
              count(name.replace('Transaction', ''));
              return value.apply(target, args);
            };
          }
          return value.bind(target);
        },
      });
    const counting = {
      ...ibmDb,
      open: async (cs: string, options?: object) => countingConnection(await ibmDb.open(cs, options as never)),
    };

    const admin = await ibmDb.open(
      `DATABASE=BLUDB;HOSTNAME=${server.host};PORT=${server.port};PROTOCOL=TCPIP;UID=db2inst1;PWD=db2-secret;`,
    );
    await admin.query(
      'CREATE TABLE SALES_DATA (ROWID INTEGER NOT NULL, PRODUCT_ID INTEGER NOT NULL, ' +
        'CUSTOMER_ID INTEGER NOT NULL, PRICE INTEGER, QUANTITY INTEGER NOT NULL, "TIMESTAMP" TIMESTAMP)',
    );
    await admin.close();

    const prototype = warehouse.Db2Warehouse.prototype as unknown as { load: (...args: unknown[]) => Promise<void> };
    const load = prototype.load;
    prototype.load = async function countedLoad(this: unknown, ...args: unknown[]) {
      loading++;
      try {
        return await load.apply(this, args);
      } finally {
        loading--;
      }
    };
    driver.useIbmDbDriver(counting as never);
    let report;
    try {
      const sync = config.resolveConfig({
        source: SOURCE_URL,
        warehouse: `db2://db2inst1:db2-secret@${server.host}:${server.port}/BLUDB`,
        tables: [`${table}:SALES_DATA`],
      });
      report = await cycle.runSync(sync);
    } finally {
      driver.useIbmDbDriver(null);
      prototype.load = load;
    }
    if (!report.ok) throw new Error(report.error);
    const t = report.tables[0];
    const list = (m: Map<string, number>) => [...m.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
    const kinds = list(counts.byKind);
    return (
      `DB2 on the fake ibm_db, ${t.inserted.toLocaleString('en')} rows in ${t.batches} ` +
      `batch${t.batches === 1 ? '' : 'es'}: ` +
      `${counts.inLoad} driver calls while loading (${list(counts.inLoadByKind)}; ` +
      `${counts.perRowExecutes} per-row executes), ` +
      `${counts.all} in the whole run (${kinds}) — per 10,000 rows: ` +
      `${((counts.inLoad * ROWS) / Math.max(1, t.inserted)).toFixed(1)} while loading`
    );
  } catch (error) {
    return `DB2 statements per 10,000 rows: the fake run failed (${firstLine(error)}); hook: bench/db2-statements.ts`;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
