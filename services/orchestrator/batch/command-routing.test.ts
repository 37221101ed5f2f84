import { commandPartition } from '../../platform/kafka/command-partition';
import type { ConsumedRecord } from '../../platform/kafka/records';
import { FORWARDED_FROM, routeCommands } from './command-routing';

const PARTITIONS = 4;

const record = (
  key: string | null,
  offset: number,
  headers: ConsumedRecord['headers'] = {},
): ConsumedRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(`value-${offset}`),
  offset: String(offset),
  timestamp: String(1_000 + offset),
  headers,
});

/** Keys whose owner is `partition` and keys owned elsewhere, found by trying. */
function keysOwnedBy(partition: number, owned: boolean, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const key = `order-${i}`;
    if ((commandPartition(key, PARTITIONS) === partition) === owned) keys.push(key);
  }
  return keys;
}

describe('routeCommands', () => {
  it('keeps the records this partition owns, in order', () => {
    const [a, b] = keysOwnedBy(1, true, 2);
    const routed = routeCommands([record(a!, 5), record(b!, 6)], 1, PARTITIONS);
    expect(routed.local.map((m) => m.offset)).toEqual(['5', '6']);
    expect(routed.forwarded).toEqual([]);
  });

  it('forwards a record owned elsewhere to its owner, bytes, timestamp and headers kept, naming where it was', () => {
    const [foreign] = keysOwnedBy(1, false, 1);
    const routed = routeCommands([record(foreign!, 7, { traceparent: 'tp' })], 1, PARTITIONS);
    expect(routed.local).toEqual([]);
    expect(routed.forwarded).toEqual([
      {
        key: Buffer.from(foreign!),
        value: Buffer.from('value-7'),
        timestamp: '1007',
        partition: commandPartition(foreign!, PARTITIONS),
        headers: { traceparent: 'tp', [FORWARDED_FROM]: '1/7' },
      },
    ]);
  });

  it('keeps the order of one producer’s records among the forwarded ones', () => {
    const [foreign] = keysOwnedBy(0, false, 1);
    const routed = routeCommands(
      [record(foreign!, 1), record(foreign!, 2), record(foreign!, 3)],
      0,
      PARTITIONS,
    );
    expect(routed.forwarded.map((m) => m.value?.toString())).toEqual(['value-1', 'value-2', 'value-3']);
  });

  it('decides unkeyed and already forwarded records where they are, so nothing travels in circles', () => {
    const [foreign] = keysOwnedBy(2, false, 1);
    const routed = routeCommands(
      [record(null, 1), record(foreign!, 2, { [FORWARDED_FROM]: '0/9' })],
      2,
      PARTITIONS,
    );
    expect(routed.local.map((m) => m.offset)).toEqual(['1', '2']);
    expect(routed.forwarded).toEqual([]);
  });
});
