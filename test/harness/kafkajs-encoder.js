// kafkajs' encoder, as the test runner loads it: jest.config.js maps kafkajs' requires of its encoder here, to the
// encoder the services put in its place (see services/platform/kafka/kafkajs-record-encoding.ts).
module.exports = require('../../services/platform/kafka/kafkajs-record-encoding').UnfilledEncoder;
