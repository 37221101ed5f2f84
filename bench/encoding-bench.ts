// kafkajs' encoding of produce requests against the kafkajs adapter's (services/platform/kafka/
// kafkajs-record-encoding.ts and kafkajs-produce-request.ts): the same requests encoded and framed, as a connection
// does before it writes them, in a child process of each kind (the adapter's replacements are process-wide), rounds
// alternated, CPU time per request. No broker is involved: this is the client's own work.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { distRoot, percentile, positiveCount } from './bench-rig';

export interface EncodingSettings {
  /** Requests encoded per round and kind, after as many again to warm up. */
  readonly requests: number;
  readonly rounds: number;
}

export interface ShapeFigures {
  readonly name: string;
  readonly records: number;
  readonly record_bytes: number;
  /** Median over the rounds of the CPU time per request, kafkajs' own encoding. */
  readonly kafkajs_us: number;
  /** The same with the adapter's replacements. */
  readonly statewright_us: number;
  /** kafkajs_us / statewright_us. */
  readonly speedup: number;
  readonly rounds_us: { readonly kafkajs: readonly number[]; readonly statewright: readonly number[] };
}

export function encodingSettingsFromEnv(env: NodeJS.ProcessEnv): EncodingSettings {
  return {
    requests: positiveCount(env, 'BENCH_ENCODING_REQUESTS', 5_000),
    rounds: positiveCount(env, 'BENCH_ENCODING_ROUNDS', 3),
  };
}

/** The orchestrator's output (transitions, in a transaction) and the worker's (task results, timestamped). */
const SHAPES = [
  {
    name: 'transitions',
    partitions: 3,
    perPartition: 12,
    recordBytes: 720,
    transactional: true,
    stamped: false,
  },
  {
    name: 'task results',
    partitions: 3,
    perPartition: 4,
    recordBytes: 260,
    transactional: false,
    stamped: true,
  },
] as const;
type Shape = (typeof SHAPES)[number];

const log = (line: string) => process.stdout.write(`${line}\n`);
/** A child far slower than this is stopped, and the bench reported unfinished. */
const CHILD_TIMEOUT_MS = 300_000;

export function encodingBench(settings: EncodingSettings): {
  shapes: ShapeFigures[];
  settings: EncodingSettings;
} {
  const shapes = SHAPES.map((shape) => {
    const rounds = { kafkajs: [] as number[], statewright: [] as number[] };
    for (let round = 0; round < settings.rounds; round++) {
      rounds.kafkajs.push(cpuPerRequest(shape, false, settings.requests));
      rounds.statewright.push(cpuPerRequest(shape, true, settings.requests));
    }
    const kafkajs = median(rounds.kafkajs);
    const statewright = median(rounds.statewright);
    const figures: ShapeFigures = {
      name: shape.name,
      records: shape.partitions * shape.perPartition,
      record_bytes: shape.recordBytes,
      kafkajs_us: kafkajs,
      statewright_us: statewright,
      speedup: Number((kafkajs / statewright).toFixed(2)),
      rounds_us: rounds,
    };
    log(
      `encoding, ${shape.name} (${figures.records} records of ${shape.recordBytes} bytes per request): ` +
        `kafkajs ${rounds.kafkajs.join(' / ')} us, statewright ${rounds.statewright.join(' / ')} us of CPU per request`,
    );
    return figures;
  });
  return { shapes, settings };
}

/** CPU microseconds per request of one child process encoding and framing `requests` requests of `shape`. */
function cpuPerRequest(shape: Shape, replaced: boolean, requests: number): number {
  const replacements = path.join(distRoot, 'services/platform/kafka/kafkajs-produce-request.js');
  const script = `
${replaced ? `require(${JSON.stringify(replacements)});` : ''}
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request');
const frame = require('kafkajs/src/protocol/request');
const shape = ${JSON.stringify(shape)};
const value = Buffer.alloc(shape.recordBytes, 0x61);
const topicData = [{
  topic: 'bench.encoding',
  partitions: Array.from({ length: shape.partitions }, (_, partition) => ({
    partition,
    firstSequence: 0,
    messages: Array.from({ length: shape.perPartition }, (_, i) => ({
      key: 'bench-' + partition + '-' + i,
      value,
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      ...(shape.stamped ? { timestamp: String(Date.now()) } : {}),
    })),
  })),
}];
const run = async (n) => {
  for (let i = 0; i < n; i++) {
    const request = produceRequest({
      acks: -1, timeout: 30000, transactionalId: shape.transactional ? 'bench-tx' : null, topicData,
    });
    await frame({ correlationId: i, clientId: 'bench', request });
  }
};
(async () => {
  await run(${requests});
  const before = process.cpuUsage();
  await run(${requests});
  const used = process.cpuUsage(before);
  process.stdout.write(String((used.user + used.system) / ${requests}));
})();
`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: path.resolve(distRoot, '..'),
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
  return Number(Number(out).toFixed(1));
}

/** The middle round (the lower of the two middle ones for an even count). */
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
