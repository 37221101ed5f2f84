// The chaos checker must catch what it claims to: a record applied twice, a record missing, a seq gap.
import { EMPTY_ENVIRONMENT, type LogRecord } from '../../../services/core';
import { exampleRegistry } from '../../harness/examples';
import { checkLogs, type ConsumedCommand } from '../../chaos/invariant-checker';
import { orderCommands } from '../../chaos/order-traffic';
import { decideRaw } from '../../harness/decide-raw';

const registry = exampleRegistry(1_000);
const NOW = 1_800_000_000_000;

function honestRun(): { commands: Map<number, ConsumedCommand[]>; records: Map<number, LogRecord[]> } {
  const stream = ['order-0', 'order-1'].flatMap((id) => orderCommands(id, NOW));
  const records: LogRecord[] = [];
  const instances = new Map();
  for (const command of stream) {
    const step = decideRaw(registry, instances.get(command.correlationId), command, NOW, EMPTY_ENVIRONMENT);
    records.push(...step.records);
    if (step.instance) instances.set(command.correlationId, step.instance);
  }
  const consumed = stream.map((command, i) => ({ offset: String(i), command }));
  return { commands: new Map([[0, consumed]]), records: new Map([[0, records]]) };
}

test('an honest log passes', () => {
  const { commands, records } = honestRun();
  const report = checkLogs(registry, commands, records);
  expect(report.violations).toEqual([]);
  expect(report.transitions).toBeGreaterThan(2);
});

test('a record committed twice is caught', () => {
  const { commands, records } = honestRun();
  const log = records.get(0)!;
  log.splice(1, 0, log[0]!);
  expect(checkLogs(registry, commands, records).violations).not.toEqual([]);
});

test('a missing record is caught', () => {
  const { commands, records } = honestRun();
  records.get(0)!.splice(2, 1);
  expect(checkLogs(registry, commands, records).violations).not.toEqual([]);
});

test('a seq gap is caught even when the records are otherwise consistent', () => {
  const { commands, records } = honestRun();
  const log = records.get(0)!;
  const index = log.findIndex((r) => r.kind === 'transition' && r.seq === 2);
  log[index] = { ...(log[index] as Extract<LogRecord, { kind: 'transition' }>), seq: 3 };
  expect(checkLogs(registry, commands, records).violations.join('\n')).toMatch(/seq 3 where 2 was due/);
});
