import {
  keepingCoordinators,
  type CoordinatorBroker,
  type CoordinatorQuery,
} from './kafkajs-coordinator-cache';

/** A stand-in for kafkajs' cluster and brokers: counts lookups, and answers requests as told. */
class Cluster {
  lookups: string[] = [];
  refreshed = 0;
  readonly brokers = new Map<string, Broker>();

  async findGroupCoordinator({ groupId, coordinatorType = 0 }: CoordinatorQuery): Promise<Broker> {
    const key = `${coordinatorType}:${groupId}`;
    this.lookups.push(key);
    const broker = new Broker(key, this.lookups.length);
    this.brokers.set(key, broker);
    return broker;
  }

  async refreshMetadataIfNecessary(): Promise<number> {
    return ++this.refreshed;
  }
}

class Broker implements CoordinatorBroker {
  connected = true;
  fail: Error | undefined;

  constructor(
    readonly key: string,
    readonly lookup: number,
  ) {}

  isConnected(): boolean {
    return this.connected;
  }

  async endTxn(): Promise<string> {
    if (this.fail !== undefined) throw this.fail;
    return `${this.key}#${this.lookup}`;
  }

  describe(): string {
    if (this.fail !== undefined) throw this.fail;
    return this.key;
  }
}

type View = Cluster & { findGroupCoordinator(query: CoordinatorQuery): Promise<Broker> };

describe('keepingCoordinators', () => {
  const transaction = { groupId: 'tx-1', coordinatorType: 1 };

  it('looks each coordinator up once while it answers', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    for (let i = 0; i < 5; i++) {
      await expect((await view.findGroupCoordinator(transaction)).endTxn()).resolves.toBe('1:tx-1#1');
      await (await view.findGroupCoordinator({ groupId: 'readers' })).endTxn();
    }
    expect(cluster.lookups).toEqual(['1:tx-1', '0:readers']);
  });

  it('looks a coordinator up again after a request to it failed, by rejection or by throwing', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    const first = await view.findGroupCoordinator(transaction);
    cluster.brokers.get('1:tx-1')!.fail = new Error('NOT_COORDINATOR');
    await expect(first.endTxn()).rejects.toThrow('NOT_COORDINATOR');
    const second = await view.findGroupCoordinator(transaction);
    await expect(second.endTxn()).resolves.toBe('1:tx-1#2');
    cluster.brokers.get('1:tx-1')!.fail = new Error('gone');
    expect(() => second.describe()).toThrow('gone');
    await view.findGroupCoordinator(transaction);
    expect(cluster.lookups).toEqual(['1:tx-1', '1:tx-1', '1:tx-1']);
  });

  it('looks a coordinator up again when its connection is down', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    await view.findGroupCoordinator(transaction);
    cluster.brokers.get('1:tx-1')!.connected = false;
    await expect((await view.findGroupCoordinator(transaction)).endTxn()).resolves.toBe('1:tx-1#2');
    expect(cluster.lookups).toHaveLength(2);
  });

  it('keeps a coordinator that answers that it is still ending the previous transaction', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    const broker = await view.findGroupCoordinator(transaction);
    cluster.brokers.get('1:tx-1')!.fail = Object.assign(new Error('busy'), {
      type: 'CONCURRENT_TRANSACTIONS',
    });
    await expect(broker.endTxn()).rejects.toThrow('busy');
    expect(await view.findGroupCoordinator(transaction)).toBe(broker);
    expect(cluster.lookups).toHaveLength(1);
  });

  it('keeps a coordinator a late failure of an older one would have dropped', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    const old = await view.findGroupCoordinator(transaction);
    cluster.brokers.get('1:tx-1')!.connected = false;
    await view.findGroupCoordinator(transaction);
    cluster.brokers.get('1:tx-1')!.fail = undefined;
    (old as unknown as Broker).fail = new Error('late');
    await expect(old.endTxn()).rejects.toThrow('late');
    await view.findGroupCoordinator(transaction);
    expect(cluster.lookups).toHaveLength(2);
  });

  it('leaves every other member of the cluster as it is, called on the cluster', async () => {
    const cluster = new Cluster();
    const view = keepingCoordinators(cluster) as View;
    await expect(view.refreshMetadataIfNecessary()).resolves.toBe(1);
    expect(cluster.refreshed).toBe(1);
    expect(view.brokers).toBe(cluster.brokers);
  });
});
