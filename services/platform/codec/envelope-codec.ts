// Avro codec on a Confluent-compatible registry: registers the envelopes once, then encodes without the registry
// and decodes with it only for writer schemas it has not seen, so known schemas survive a registry outage.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TimeoutMiddleware } from 'mappersmith/middleware/timeout';
import avro, { type Type } from 'avsc';
import type { TopicNames } from '../kafka/topic-names';
import type { AuditEnvelope } from './audit-envelope';
import type { CommandEnvelope } from './command-envelope';
import type { DeadLetterEnvelope } from './dead-letter-envelope';
import type { DefinitionEnvelope } from './definition-envelope';
import type { TaskEnvelope } from './task-envelope';
import type { TransitionEnvelope } from './transition-envelope';
import { EncodeError, RegistryUnavailableError, UndecodableError, UnknownSchemaError } from './codec-error';
import {
  ENVELOPE_KINDS,
  readSchema,
  schemasDirectory,
  subjectOf,
  type EnvelopeKind,
} from './envelope-schemas';

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** The envelope each kind decodes to and encodes from. */
export interface Envelopes {
  readonly command: CommandEnvelope;
  readonly transition: TransitionEnvelope;
  readonly 'task-request': TaskEnvelope;
  readonly 'dead-letter': DeadLetterEnvelope;
  readonly audit: AuditEnvelope;
  readonly definition: DefinitionEnvelope;
}

interface Registered {
  readonly id: number;
  readonly type: Type;
  readonly header: Buffer;
}

export interface CodecOptions {
  readonly registryUrl: string;
  readonly topics: TopicNames;
  readonly schemasDir?: string;
  /**
   * How long one attempt at a registry request may go unanswered: a registry that takes connections but does not
   * answer must not hold a start or a partition forever. An attempt that times out is made again, up to
   * REQUEST_ATTEMPTS in all, and then the request fails (retriably, for a decode). 15 s when absent.
   */
  readonly requestTimeoutMs?: number;
}

const REQUEST_TIMEOUT_MS = 15_000;
const REQUEST_ATTEMPTS = 3;
/** The encode buffer's first size: most envelopes fit. */
const SCRATCH_BYTES = 64 * 1024;

export class EnvelopeCodec {
  /** (kind, writer id) → how to read it into this kind's reader schema. */
  private readonly readers = new Map<string, (payload: Buffer) => unknown>();
  /** Where `encode` writes a value before copying it out; grown when a value does not fit. */
  private scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

  private constructor(
    private readonly registry: SchemaRegistry,
    private readonly registered: ReadonlyMap<EnvelopeKind, Registered>,
  ) {}

  /** Registers every envelope under `<topic>-value`; fails if the registry refuses them. */
  static async connect(options: CodecOptions): Promise<EnvelopeCodec> {
    const registry = new SchemaRegistry({
      host: options.registryUrl,
      retry: {
        retries: REQUEST_ATTEMPTS - 1,
        initialRetryTimeInSecs: 0.05,
        maxRetryTimeInSecs: 1,
        // Every request the codec makes may be sent again: registering a schema that is there gives its id.
        enableRetry: () => true,
        validateRetry: (response) => response.status() >= 500 || response.error()?.name === 'TimeoutError',
      },
      middlewares: [TimeoutMiddleware(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)],
    });
    const directory = options.schemasDir ?? schemasDirectory();
    const registered = new Map<EnvelopeKind, Registered>();
    for (const kind of ENVELOPE_KINDS) {
      const schema = readSchema(kind, directory);
      const subject = subjectOf(kind, options.topics);
      const { id } = await registerRacing(registry, JSON.stringify(schema), subject);
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt8(MAGIC_BYTE, 0);
      header.writeUInt32BE(id, 1);
      registered.set(kind, { id, type: avro.Type.forSchema(schema as avro.Schema), header });
    }
    return new EnvelopeCodec(registry, registered);
  }

  schemaId(kind: EnvelopeKind): number {
    return this.entry(kind).id;
  }

  /**
   * Synchronous: uses only the schema registered at connect. The value is written after its header in a buffer kept
   * for the purpose, and copied out once, into a buffer that Node takes from its pool when it is small.
   */
  encode<K extends EnvelopeKind>(kind: K, value: Envelopes[K]): Buffer {
    const { type, header } = this.entry(kind);
    try {
      let end = type.encode(value, this.scratch, HEADER_BYTES);
      if (end < 0) {
        // Too small by -end bytes: grow it, and write again.
        this.scratch = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, this.scratch.length - end));
        end = type.encode(value, this.scratch, HEADER_BYTES);
      }
      header.copy(this.scratch, 0);
      const framed = Buffer.allocUnsafe(end);
      this.scratch.copy(framed, 0, 0, end);
      return framed;
    } catch (error) {
      throw new EncodeError(`${kind} does not fit its schema: ${String(error)}`, { cause: error });
    }
  }

  /** Decodes into this kind's reader schema, resolving from the writer's schema when it differs. */
  async decode<K extends EnvelopeKind>(kind: K, bytes: Buffer | null): Promise<Envelopes[K]> {
    if (bytes === null || bytes.length < HEADER_BYTES || bytes.readUInt8(0) !== MAGIC_BYTE) {
      throw new UndecodableError('not a schema-registry framed value (missing magic byte or header)');
    }
    const writerId = bytes.readUInt32BE(1);
    const read = this.readers.get(`${kind}:${writerId}`) ?? (await this.readerFor(kind, writerId));
    try {
      // The reader schema is this kind's own: Avro resolution makes what it reads that envelope.
      return read(bytes.subarray(HEADER_BYTES)) as Envelopes[K];
    } catch (error) {
      throw new UndecodableError(`bad Avro for ${kind} (schema id ${writerId}): ${String(error)}`, {
        cause: error,
      });
    }
  }

  private async readerFor(kind: EnvelopeKind, writerId: number): Promise<(payload: Buffer) => unknown> {
    const reader = this.entry(kind).type;
    const writer = writerId === this.entry(kind).id ? reader : await this.writerSchema(writerId);
    let read: (payload: Buffer) => unknown;
    if (writer === reader) {
      read = (payload) => reader.fromBuffer(payload);
    } else {
      let resolver: avro.Resolver;
      try {
        resolver = reader.createResolver(writer);
      } catch (error) {
        throw new UndecodableError(`schema id ${writerId} cannot be read as ${kind}: ${String(error)}`, {
          cause: error,
        });
      }
      read = (payload) => reader.fromBuffer(payload, resolver);
    }
    this.readers.set(`${kind}:${writerId}`, read);
    return read;
  }

  private async writerSchema(writerId: number): Promise<Type> {
    try {
      const schema = await this.registry.getSchema(writerId);
      if (!avro.Type.isType(schema))
        throw new UndecodableError(`schema id ${writerId} is not an Avro schema`);
      return schema as unknown as Type;
    } catch (error) {
      if (error instanceof UndecodableError) throw error;
      const status = (error as { status?: unknown }).status;
      // Only a 404 is the registry's answer; mappersmith reports network failures as status 400.
      if (status === 404) throw new UnknownSchemaError(writerId, { cause: error });
      throw new RegistryUnavailableError(
        `registry did not answer for schema id ${writerId}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  private entry(kind: EnvelopeKind): Registered {
    const found = this.registered.get(kind);
    if (found === undefined) throw new EncodeError(`no schema registered for ${kind}`);
    return found;
  }
}

const REGISTER_ATTEMPTS = 5;

/**
 * Registers a schema, tolerating services that start together: the client sets a new subject's
 * compatibility after checking it is unset, so a concurrent first registration can answer that the
 * rule already exists. The subject is then set up, and registering again succeeds.
 */
async function registerRacing(
  registry: SchemaRegistry,
  schema: string,
  subject: string,
): Promise<{ id: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await registry.register({ type: 'AVRO' as never, schema }, { subject });
    } catch (error) {
      if (attempt >= REGISTER_ATTEMPTS || !/already exists/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
