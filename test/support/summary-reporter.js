// Ends every jest run with one plain line, "N passed, N failed, N skipped", that CI systems read
// whatever the test runner; and, when the DB2 suites ran, which native files this process loaded
// for them (jest --runInBand runs every test file in this process), so a reader of the log can see
// that the real ibm_db binding and the stand-in libdb2.so.1 were what ran, not a JavaScript fake.
const fs = require('fs');

function loadedDb2Libraries() {
  let maps;
  try {
    maps = fs.readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return [];
  }
  const files = new Set();
  for (const line of maps.split('\n')) {
    const file = line.slice(line.indexOf('/'));
    if (line.includes('/') && /(odbc_bindings\.node|libdb2\.so[.\d]*)$/.test(file)) files.add(file);
  }
  return [...files].sort();
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const db2 = loadedDb2Libraries();
    if (db2.length > 0) process.stdout.write(`\nDB2 suites ran through: ${db2.join(' + ')}\n`);
    process.stdout.write(`\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
