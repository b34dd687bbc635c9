/**
 * Keeping a long run's peak RSS at what one step needs. Node sizes V8's heap for throughput; a
 * sync holds one page of rows or keys at a time, so most of what it allocates is garbage soon.
 */

/**
 * A streamed load allocates a small object per row (mysql2's packets), and V8 answers the rate by
 * growing its young generation up to 32 MB, which then stays in the peak RSS. Holding the young
 * generation at the size it has when the load starts keeps memory flat at no measurable cost in
 * time. V8 reads the flag each time it would grow; it is set only once a load starts, not at
 * start-up, where the growth speeds up loading the bundle.
 */
export function steadyYoungGeneration(): void {
  // Required here, not at the top: only a load needs node:v8, and loading it adds to every run's start-up.
  (require('v8') as typeof import('v8')).setFlagsFromString('--semi-space-growth-factor=1');
}

let collector: (() => void) | null | undefined;
let collected = 0;

/**
 * Digests, rows and keys of a step (a page of keys compared, a batch of rows loaded) live across
 * its awaits, so V8 promotes them to the old generation, where they stay as garbage until a full
 * collection, which V8 puts off until the old generation has grown to several times what is live.
 * A full collection between steps, at most every 200 ms, keeps the peak at what one step needs;
 * the heap holds one step's data, so the collection has little to walk.
 */
export function collectGarbage(): void {
  if (Date.now() - collected < 200) return;
  collected = Date.now();
  if (collector === undefined) {
    try {
      (require('v8') as typeof import('v8')).setFlagsFromString('--expose-gc');
      collector = (require('vm') as typeof import('vm')).runInNewContext('gc') as () => void;
    } catch {
      collector = null;
    }
  }
  collector?.();
}
