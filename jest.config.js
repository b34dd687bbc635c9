/** Tests run against the real local MariaDB and PostgreSQL; files run one at a time (`--runInBand`)
 * because several tests share the databases' `test_*` names and measure memory. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  // A test that fails midway can leave its own work behind (the soak's writer loops, a proxy's
  // stalled sockets): the run must still end with its result rather than hang CI.
  forceExit: true,
};
