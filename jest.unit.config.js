/**
 * The unit tests alone (`npm run test:unit`): pure modules, no MariaDB, Redis or browser, so no
 * global setup creating a database. `npm test` runs them too, once, with everything else.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 10000,
};
