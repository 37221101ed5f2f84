import type { LogProducer } from '../../platform/kafka/log-producer';
import type { ProducedRecord } from '../../platform/kafka/records';
import { ResultPublisher } from './result-publisher';

/** A producer port that keeps each send's records and settles a send when the test says so. */
class HeldSends implements LogProducer {
  readonly sends: { records: readonly ProducedRecord[]; settle: (error?: Error) => void }[] = [];
  private sent: (() => void) | undefined;

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  isConnected(): boolean {
    return true;
  }

  send(_topic: string, records: readonly ProducedRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.sends.push({ records, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      this.sent?.();
    });
  }

  /** Resolves once `count` sends have begun. */
  async begun(count: number): Promise<void> {
    while (this.sends.length < count) await new Promise<void>((resolve) => (this.sent = resolve));
  }
}

const record = (value: string): ProducedRecord => ({ key: value, value: Buffer.from(value) });
const values = (send: { records: readonly ProducedRecord[] }) => send.records.map((r) => String(r.key));

describe('ResultPublisher', () => {
  it('sends the results published in one turn of the event loop together', async () => {
    const producer = new HeldSends();
    const publisher = new ResultPublisher(producer, 'commands');
    const published = ['a', 'b', 'c'].map((value) => publisher.publish(record(value)));
    await producer.begun(1);
    expect(producer.sends.map(values)).toEqual([['a', 'b', 'c']]);
    producer.sends[0]!.settle();
    await Promise.all(published);
    await publisher.flush();
    expect(producer.sends).toHaveLength(1);
  });

  it('sends the results published while a send is in flight in the next one', async () => {
    const producer = new HeldSends();
    const publisher = new ResultPublisher(producer, 'commands');
    const first = publisher.publish(record('a'));
    await producer.begun(1);
    const later = [publisher.publish(record('b')), publisher.publish(record('c'))];
    producer.sends[0]!.settle();
    await first;
    await producer.begun(2);
    expect(producer.sends.map(values)).toEqual([['a'], ['b', 'c']]);
    producer.sends[1]!.settle();
    await Promise.all(later);
  });

  it('rejects the results of a failed send only, and flush waits for every send', async () => {
    const producer = new HeldSends();
    const publisher = new ResultPublisher(producer, 'commands');
    const failed = publisher.publish(record('a'));
    await producer.begun(1);
    const next = publisher.publish(record('b'));
    producer.sends[0]!.settle(new Error('broker gone'));
    await expect(failed).rejects.toThrow('broker gone');
    await producer.begun(2);
    let flushed = false;
    const flush = publisher.flush().then(() => (flushed = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    producer.sends[1]!.settle();
    await expect(next).resolves.toBeUndefined();
    await flush;
    expect(flushed).toBe(true);
  });
});
