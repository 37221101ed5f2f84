// Clients that probe the secure stack from outside: Kafka with chosen TLS and SASL settings, Redis with or
// without its password, and a plaintext exchange on a TLS port. Each answers with what happened rather than
// throwing, so a test states the refusal it expects.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaProbe {
  readonly brokers: string;
  /** TLS trusting this CA; plaintext when absent. */
  readonly caFile?: string;
  /** SCRAM-SHA-512 credentials; no SASL when absent. */
  readonly sasl?: { readonly username: string; readonly password: string };
}

const kafkaOf = (probe: KafkaProbe): Kafka =>
  new Kafka({
    clientId: 'secure-probe',
    brokers: [probe.brokers],
    ssl: probe.caFile === undefined ? undefined : { ca: [readFileSync(probe.caFile, 'utf8')] },
    sasl: probe.sasl === undefined ? undefined : { mechanism: 'scram-sha-512', ...probe.sasl },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5_000,
    authenticationTimeout: 5_000,
    requestTimeout: 10_000,
  });

/** Connects an admin client and lists the topics it may see: 'ok', or the error it failed with. */
export async function kafkaConnects(probe: KafkaProbe): Promise<'ok' | Error> {
  const admin = kafkaOf(probe).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return 'ok';
  } catch (error) {
    return error as Error;
  } finally {
    await admin.disconnect();
  }
}

/** Produces one record to `topic`: 'ok', or the error it failed with. */
export async function kafkaWrites(probe: KafkaProbe, topic: string): Promise<'ok' | Error> {
  const producer = kafkaOf(probe).producer({ allowAutoTopicCreation: false });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'probe', value: 'probe' }] });
    return 'ok';
  } catch (error) {
    return error as Error;
  } finally {
    await producer.disconnect();
  }
}

/** The Kafka protocol error type (e.g. TOPIC_AUTHORIZATION_FAILED) of an error or of any error it wraps. */
export function protocolErrorType(error: unknown): string | undefined {
  for (let current = error as { type?: string; cause?: unknown } | undefined; current;) {
    if (typeof current.type === 'string') return current.type;
    current = current.cause as typeof current;
  }
  return undefined;
}

/** Connects over TLS and PINGs: the reply, or the first error the server or the connection answered with. */
export async function redisPing(port: number, caFile: string, password?: string): Promise<string> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    password,
    tls: { ca: [readFileSync(caFile, 'utf8')] },
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let firstError: string | undefined;
  redis.on('error', (error: Error) => {
    firstError ??= error.message;
  });
  try {
    await redis.connect();
    return await redis.ping();
  } catch (error) {
    return firstError ?? (error as Error).message;
  } finally {
    redis.disconnect();
  }
}

/** Writes `request` in plaintext and collects the answer until the server closes the connection or `timeoutMs` passes. */
export async function plaintextExchange(
  port: number,
  request: string,
  timeoutMs = 5_000,
): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.write(request);
  });
}
