/**
 * The course-style baseline ("automation.py", in Node): read the watermark, fetch every new row at
 * once (fetchall), then one INSERT per row and one commit at the end (psycopg2's default: the
 * inserts share one implicit transaction). The bench bundles this file and runs it as its own
 * process so that its time and memory are the client's alone.
 *
 *   node row-by-row.js SOURCE_URL WAREHOUSE_URL SOURCE_TABLE TARGET_TABLE [MAX_ROWS]
 *
 * Prints {"inserted": n, "watermarkBefore": w}.
 */
import mysql from 'mysql2/promise';
import { Client } from 'pg';

async function main(): Promise<void> {
  const [sourceUrl, warehouseUrl, sourceTable, targetTable, maxRows] = process.argv.slice(2);
  const warehouse = new Client({ connectionString: warehouseUrl });
  await warehouse.connect();
  const source = await mysql.createConnection({ uri: sourceUrl });
  try {
    const found = await warehouse.query<{ m: number | null }>(`SELECT max(rowid) AS m FROM ${targetTable}`);
    const watermark = found.rows[0].m ?? 0;
    const limit = maxRows ? ` LIMIT ${Number(maxRows)}` : '';
    const [rows] = await source.query(
      `SELECT rowid, product_id, customer_id, quantity FROM \`${sourceTable}\` WHERE rowid > ? ORDER BY rowid${limit}`,
      [watermark],
    );
    let inserted = 0;
    await warehouse.query('BEGIN');
    for (const row of rows as Array<{ rowid: number; product_id: number; customer_id: number; quantity: number }>) {
      await warehouse.query(
        `INSERT INTO ${targetTable} (rowid, product_id, customer_id, quantity) VALUES ($1, $2, $3, $4)`,
        [row.rowid, row.product_id, row.customer_id, row.quantity],
      );
      inserted++;
    }
    await warehouse.query('COMMIT');
    process.stdout.write(JSON.stringify({ inserted, watermarkBefore: watermark }) + '\n');
  } finally {
    await Promise.all([source.end(), warehouse.end()]);
  }
}

main().catch((error) => {
  process.stderr.write(`row-by-row: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
