// Jest projects: `unit` needs no infrastructure; the others talk to real Kafka, registry and Redis,
// found once per run by the harness's global setup.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// The package's own paths (`statewright/core`, ...), as the examples import them, map to the sources.
const moduleNameMapper = {
  '^statewright$': '<rootDir>/services/index.ts',
  '^statewright/(core|worker|client|testing)$': '<rootDir>/services/$1/index.ts',
  // kafkajs' read_committed filter lets some aborted records through; the services replace it in Node's module
  // cache, which the test runner's registry does not use (services/platform/kafka/aborted-transactions-filter.ts).
  '^\\./filterAbortedMessages$': '<rootDir>/test/harness/kafkajs-aborted-filter.js',
  // kafkajs' batch send can write a partition twice when its leader moves between attempts; replaced likewise
  // (services/platform/kafka/kafkajs-send-messages.ts).
  '^\\./sendMessages$': '<rootDir>/test/harness/kafkajs-send-messages.js',
  // kafkajs' encoder and record batch checksum are replaced likewise, for speed
  // (services/platform/kafka/kafkajs-record-encoding.ts).
  '^(\\.\\./)+(protocol/)?encoder$': '<rootDir>/test/harness/kafkajs-encoder.js',
  '^\\.\\./crc32C$': '<rootDir>/test/harness/kafkajs-crc32c.js',
  // kafkajs' transaction manager, over a cluster that keeps its coordinators
  // (services/platform/kafka/kafkajs-coordinator-cache.ts).
  '^\\./eosManager$': '<rootDir>/test/harness/kafkajs-eos-manager.js',
};
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};
const withInfrastructure = (name) => ({
  ...common,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
});

module.exports = {
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/services/**/*.test.ts',
        '<rootDir>/examples/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
      ],
    },
    // The package as a team installs it: npm pack (which builds) and an install into a fresh project; no stack.
    { ...common, displayName: 'packaging', testMatch: ['<rootDir>/test/packaging/**/*.test.ts'] },
    withInfrastructure('integration'),
    withInfrastructure('e2e'),
    withInfrastructure('chaos'),
    withInfrastructure('observability'),
    withInfrastructure('security'),
    // A real three-broker cluster of its own with broker kills, and a restart of the local stack's broker.
    withInfrastructure('cluster'),
  ],
};
