import { Counter, Registry } from 'prom-client';
import { CounterTally } from './counter-tally';

const counterIn = (registry: Registry) =>
  new Counter({
    name: 'tally_test_total',
    help: 'test',
    labelNames: ['a', 'b'] as const,
    registers: [registry],
  });

async function values(registry: Registry): Promise<Record<string, number>> {
  const [metric] = (await registry.getMetricsAsJSON()) as { values: { labels: object; value: number }[] }[];
  return Object.fromEntries(metric!.values.map(({ labels, value }) => [JSON.stringify(labels), value]));
}

describe('CounterTally', () => {
  it('adds each label set once, with its count, when flushed', async () => {
    const registry = new Registry();
    const tally = new CounterTally(counterIn(registry), ['a', 'b']);
    tally.add({ a: 'x', b: 'y' });
    tally.add({ b: 'y', a: 'x' });
    tally.add({ a: 'x', b: '' });
    tally.add({ a: 'x\u0000', b: 'y' });
    tally.add({ a: 'x', b: '\u0000y' });
    tally.add({ a: '1:x', b: '' });
    tally.add({ a: '1', b: 'x0:' });
    tally.add({ a: 'x', b: 'y' });
    expect(await values(registry)).toEqual({});
    tally.flush();
    expect(await values(registry)).toEqual({
      '{"a":"x","b":"y"}': 3,
      '{"a":"x","b":""}': 1,
      '{"a":"x\\u0000","b":"y"}': 1,
      '{"a":"x","b":"\\u0000y"}': 1,
      '{"a":"1:x","b":""}': 1,
      '{"a":"1","b":"x0:"}': 1,
    });
  });

  it('starts again from none after a flush', async () => {
    const registry = new Registry();
    const tally = new CounterTally(counterIn(registry), ['a', 'b']);
    tally.add({ a: '1', b: '2' });
    tally.flush();
    tally.flush();
    tally.add({ a: '1', b: '2' });
    tally.flush();
    expect(await values(registry)).toEqual({ '{"a":"1","b":"2"}': 2 });
  });
});
