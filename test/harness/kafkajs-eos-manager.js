// kafkajs' transaction manager, as the test runner loads it: jest.config.js maps kafkajs' `./eosManager` here, to the
// manager the services put in its place (see services/platform/kafka/kafkajs-coordinator-cache.ts).
module.exports =
  require('../../services/platform/kafka/kafkajs-coordinator-cache').coordinatorKeepingEosManager;
