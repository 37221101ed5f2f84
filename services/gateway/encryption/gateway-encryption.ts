// The gateway's side of crypto-shredding: commands are sealed before they are published, and reads show erased
// fields as `[erased]`. Without a crypto runtime (no KEK file) both do nothing.
import type { CommandEnvelope } from '../../platform/codec/command-envelope';
import type { CryptoRuntime } from '../../platform/crypto/crypto-runtime';
import type { CommandLog } from '../../platform/kafka/command-log';
import { PublishError } from '../commands/publish-error';
import { PLAINTEXT_COMMANDS, sealingCommands, type CommandSealer } from './command-sealer';
import { erasureView, NO_ERASURE, type ErasureView } from './erasure-view';
import { instanceKey } from './instance-key';

export interface GatewayEncryption {
  readonly sealer: CommandSealer;
  readonly erasure: ErasureView;
}

export const NO_ENCRYPTION: GatewayEncryption = { sealer: PLAINTEXT_COMMANDS, erasure: NO_ERASURE };

export function gatewayEncryption(
  runtime: CryptoRuntime | undefined,
  publisher: CommandLog,
  clock: () => number,
): GatewayEncryption {
  if (runtime === undefined) return NO_ENCRYPTION;
  const keys = {
    runtime,
    clock,
    requestKey: (envelope: CommandEnvelope) =>
      publisher.publishEnvelope(envelope).catch((error: unknown) => {
        throw new PublishError(envelope.commandId, error);
      }),
  };
  return {
    sealer: sealingCommands(runtime.leaves, (command) => instanceKey(keys, command)),
    erasure: erasureView(runtime.table),
  };
}
