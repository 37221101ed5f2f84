// Every kafkajs internal module statewright puts its own code in place of (see each module). A replacement must be
// made before kafkajs loads, so each module of this folder that loads kafkajs imports this one first.
import './kafkajs-record-encoding';
import './kafkajs-produce-request';
import './aborted-transactions-filter';
import './kafkajs-send-messages';
import './kafkajs-coordinator-cache';
