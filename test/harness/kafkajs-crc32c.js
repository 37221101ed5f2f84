// kafkajs' record batch checksum, as the test runner loads it: jest.config.js maps kafkajs' `../crc32C` here, to the
// checksum the services put in its place (see services/platform/kafka/kafkajs-record-encoding.ts).
module.exports = require('../../services/platform/kafka/kafkajs-record-encoding').recordBatchCrc32c;
