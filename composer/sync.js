/*
 * warehouse-sync on Apache OpenWhisk, as a composition: run the sync action, retry it twice when
 * it fails, and if it still fails hand the error to a failure handler.
 *
 *   npx compose composer/sync.js > build/sync-composition.json
 *   npx deploy warehouse-sync/sync-with-retry build/sync-composition.json -w
 *
 * The sync action itself (dist/openwhisk-main.js, with its default parameters) is created with
 * `wsk action create` as the README, "Running warehouse-sync in the cloud" shows; the composition
 * refers to it by name. A failed sync returns {error: "one line"}, which is what `retry` and `try`
 * act on. Retrying is safe: every committed batch stays and the next attempt resumes from the
 * watermark. It helps with
 * transient faults (a database restarting); a configuration error fails all three attempts
 * quickly, before anything is written.
 *
 * The failure handler writes one structured log line and ends the composition with the same
 * error, so the activation is still recorded as failed: wire an alert to it, or replace the
 * handler with an action that notifies your team.
 */
const composer = require('@ibm-functions/composer');

module.exports = composer.try(
  composer.retry(2, composer.action('warehouse-sync/sync')),
  composer.action('warehouse-sync/sync-failed', {
    action: function main(params) {
      const error = typeof params.error === 'string' ? params.error : JSON.stringify(params.error);
      console.log(JSON.stringify({ level: 'error', event: 'sync-failed-after-retries', error: error }));
      return { error: 'warehouse-sync failed after 3 attempts: ' + error };
    },
  }),
);
