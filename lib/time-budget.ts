/**
 * Time kept back from a platform's deadline (Lambda's remaining time, OpenWhisk's __OW_DEADLINE).
 * The cycle asks before each batch whether time is up, so after the last "no" one batch can still
 * be in flight (its page read, its insert and commit), then both connections close and the report
 * is returned. 30 s covers a 10,000-row batch into a remote DB2 with room to spare; a quarter of the
 * time left at the start caps it for short timeouts (a console test with the default 3 s timeout
 * still gets to try). A batch that overruns anyway is killed with the invocation and rolled back by
 * the warehouse: nothing is lost or doubled, the next run repeats it.
 */
export const SAFETY_MARGIN_MS = 30_000;

export function safetyMargin(remainingMs: number): number {
  return Math.min(SAFETY_MARGIN_MS, remainingMs / 4);
}
