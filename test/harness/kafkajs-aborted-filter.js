// kafkajs' read_committed filter of aborted records, as the test runner loads it: jest.config.js maps kafkajs'
// `./filterAbortedMessages` here, to the filter the services put in its place (see aborted-transactions-filter.ts).
module.exports = require('../../services/platform/kafka/aborted-transactions-filter').withoutAbortedRecords;
