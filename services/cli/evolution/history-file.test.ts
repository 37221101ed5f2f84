// The recorded history file: what shadow --record writes, shadow --file reads back, and what --since keeps.
import { orderSaga, ORDER_SAGA } from '../../../examples/order-saga/definition';
import { order } from '../../../test/unit/core/driver';
import { Recorder } from '../../../test/unit/core/recorder';
import { createRegistry } from '../../core';
import { CliError } from '../cli-error';
import { formatHistoryLine, parseHistory, startedSince } from './history-file';

function traffic() {
  const r = new Recorder(createRegistry([orderSaga()]), ORDER_SAGA);
  r.start('early', { ...order, orderId: 'early' });
  r.now += 60_000;
  r.start('late', { ...order, orderId: 'late' });
  r.succeed('early', 'validate-order');
  return { history: r.history, lateStart: r.now };
}

test('a written history parses back to the same commands and records', () => {
  const { history } = traffic();
  const text = history.map(formatHistoryLine).join('\n') + '\n\n';
  expect(parseHistory(text, 'history.jsonl')).toEqual(history);
});

test('a line that is not a command with records is a usage error naming the line', () => {
  const parse = (text: string) => () => parseHistory(text, 'h.jsonl');
  expect(parse('{"command": {"type": "start"}, "records": []}')).toThrow(/h\.jsonl:1: command: /);
  expect(parse('not json')).toThrow(CliError);
  const { history } = traffic();
  const line = JSON.stringify({ command: history[0]!.command, records: [{ nope: 1 }] });
  expect(parse(`\n${line}`)).toThrow(/h\.jsonl:2: records must be an array of log records/);
});

test('--since keeps the instances started at or after it, with their whole history', () => {
  const { history, lateStart } = traffic();
  const kept = startedSince(history, lateStart);
  expect(kept.map((entry) => entry.command.correlationId)).toEqual(['late']);
  expect(startedSince(history, 0)).toEqual(history);
});
