/* eslint-disable @typescript-eslint/no-require-imports */
import fc from 'fast-check';
import { produceRequest, requestFrame } from './kafkajs-produce-request';

// kafkajs' own modules, loaded apart from the module registry where importing the replacements replaced them.
type Encode = () => Promise<{ buffer: Buffer }>;
type ProduceRequest = (args: object) => {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse(): boolean;
  encode: Encode;
};
type RequestFrame = (args: object) => Promise<{ buffer: Buffer }>;
const { kafkajsProduceRequest, kafkajsRequestFrame } = (() => {
  let modules: { kafkajsProduceRequest: ProduceRequest; kafkajsRequestFrame: RequestFrame } | undefined;
  jest.isolateModules(() => {
    modules = {
      kafkajsProduceRequest: require('kafkajs/src/protocol/requests/produce/v3/request') as ProduceRequest,
      kafkajsRequestFrame: require('kafkajs/src/protocol/request') as RequestFrame,
    };
  });
  return modules!;
})();
const Long = require('kafkajs/src/utils/long') as { fromString(value: string): object };

const text = fc.string({ unit: 'binary', maxLength: 40 });
const bytes = fc.oneof(
  text,
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
);
const message = fc.record(
  {
    key: fc.option(bytes, { nil: undefined }),
    value: fc.option(bytes),
    headers: fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(bytes, fc.array(bytes, { maxLength: 3 })), {
      maxKeys: 4,
    }),
    timestamp: fc.oneof(
      fc.constantFrom(null, 0, '0'),
      fc.integer({ min: 0, max: 2 ** 41 }),
      fc.integer({ min: 0, max: 2 ** 41 }).map(String),
    ),
  },
  { requiredKeys: ['value'] },
);
const produceArgs = fc.record(
  {
    acks: fc.constantFrom(-1, 0, 1),
    timeout: fc.nat(),
    transactionalId: fc.option(fc.string({ maxLength: 30 })),
    producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }).map((id) => Long.fromString(String(id))),
    producerEpoch: fc.integer({ min: 0, max: 32767 }),
    topicData: fc.array(
      fc.record({
        topic: fc.string({ minLength: 1, maxLength: 30 }),
        partitions: fc.array(
          fc.record(
            {
              partition: fc.nat(1000),
              firstSequence: fc.nat(),
              messages: fc.array(message, { maxLength: 20 }),
            },
            { requiredKeys: ['partition', 'messages'] },
          ),
          { maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: ['acks', 'timeout', 'topicData'] },
);

/** What an encode gives: its bytes, or the message of its error. */
const outcome = (encode: Encode) =>
  encode().then(
    ({ buffer }) => Buffer.from(buffer),
    (error: Error) => error.message,
  );

/** Both encodings of `args`, ours first. */
const bothEncodings = async (args: object): Promise<[unknown, unknown]> => [
  await outcome(() => produceRequest(args as never).encode()),
  await outcome(() => kafkajsProduceRequest(args).encode()),
];

// Records without a timestamp are stamped with the time of the encoding: the clock stands still in these tests.
beforeAll(() => {
  jest.useFakeTimers({ now: 1_764_000_000_000, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterAll(() => {
  jest.useRealTimers();
});

describe('produceRequest', () => {
  it('is not the module it is compared with', () => {
    expect(kafkajsProduceRequest).not.toBe(produceRequest);
    expect(kafkajsRequestFrame).not.toBe(requestFrame);
  });

  it("writes kafkajs' bytes for any uncompressed records", async () => {
    await fc.assert(
      fc.asyncProperty(produceArgs, async (args) => {
        const [ours, theirs] = await bothEncodings(args);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 400 },
    );
  });

  it('is the same request as kafkajs describes', () => {
    const args = { acks: 0, timeout: 1, topicData: [] };
    const { encode: _ours, encodeAfter: _inPlace, ...ours } = produceRequest(args);
    const { encode: _theirs, ...theirs } = kafkajsProduceRequest(args);
    expect({ ...ours, expectResponse: ours.expectResponse() }).toEqual({
      ...theirs,
      expectResponse: theirs.expectResponse(),
    });
  });

  it('leaves to kafkajs compressed records and records it does not write, errors included', async () => {
    const topicData = (messages: object[]) => [{ topic: 't', partitions: [{ partition: 0, messages }] }];
    for (const args of [
      { acks: -1, timeout: 5, compression: 1, topicData: topicData([{ key: 'k', value: 'v'.repeat(500) }]) },
      { acks: -1, timeout: 5, topicData: topicData([{ key: 'k', value: 42 }]) },
      { acks: -1, timeout: 5, topicData: topicData([{ value: 'v', headers: { h: undefined } }]) },
      { acks: -1, timeout: 5, topicData: topicData([{ value: 'v', timestamp: '17e11' }, { value: 'w' }]) },
      { acks: -1, timeout: 5, topicData: topicData([{ value: 'v', timestamp: 1.5 }]) },
    ]) {
      const [ours, theirs] = await bothEncodings(args);
      expect(ours).toEqual(theirs);
    }
  });
});

describe('requestFrame', () => {
  it('frames any request as kafkajs does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(100),
        fc.nat(20),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.option(fc.string({ maxLength: 40 })),
        fc.uint8Array({ maxLength: 3000 }),
        async (apiKey, apiVersion, correlationId, clientId, payload) => {
          const request = { apiKey, apiVersion, encode: async () => ({ buffer: Buffer.from(payload) }) };
          const ours = await requestFrame({ correlationId, clientId, request });
          const theirs = await kafkajsRequestFrame({
            correlationId,
            clientId,
            request: { ...request, encode: async () => newEncoder(Buffer.from(payload)) },
          });
          expect(Buffer.from(ours.buffer)).toEqual(Buffer.from(theirs.buffer));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("frames a produce request it writes in place as kafkajs frames kafkajs' request", async () => {
    await fc.assert(
      fc.asyncProperty(
        produceArgs,
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.option(fc.string({ maxLength: 40 })),
        async (args, correlationId, clientId) => {
          const request = produceRequest(args as never);
          expect('encodeAfter' in request).toBe(true);
          const ours = await requestFrame({ correlationId, clientId, request });
          const theirs = await kafkajsRequestFrame({
            correlationId,
            clientId,
            request: kafkajsProduceRequest(args),
          });
          expect(Buffer.from(ours.buffer)).toEqual(Buffer.from(theirs.buffer));
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** An encoder of kafkajs holding `payload`, as its requests' `encode` gives them. */
function newEncoder(payload: Buffer): object {
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => { writeBuffer(b: Buffer): object };
  return new Encoder().writeBuffer(payload);
}
