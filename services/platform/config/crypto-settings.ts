// The crypto-shredding setting every service reads: the key-encryption-key file. Without it sensitive fields
// travel and rest in plaintext, and each service says so when it starts.
import { z } from 'zod';

export const cryptoEnv = {
  /** One `<id> <base64 of 32 bytes>` line per KEK; the first wraps new data keys, all of them unwrap. */
  STATEWRIGHT_KEK_FILE: z.string().min(1).optional(),
};

export interface CryptoSettings {
  readonly kekFile: string | undefined;
}

export const cryptoSettingsOf = (v: { STATEWRIGHT_KEK_FILE?: string | undefined }): CryptoSettings => ({
  kekFile: v.STATEWRIGHT_KEK_FILE,
});
