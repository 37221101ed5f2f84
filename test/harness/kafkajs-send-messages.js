// kafkajs' batch send, as the test runner loads it: jest.config.js maps kafkajs' `./sendMessages` here, to the send
// the services put in its place (see services/platform/kafka/kafkajs-send-messages.ts).
module.exports = require('../../services/platform/kafka/kafkajs-send-messages').sendMessagesByPartition;
