// Crypto-shredding of sensitive workflow fields: per-instance data keys wrapped by a key-encryption key,
// kept durably in the compacted keys topic, and the field cipher that uses them.
export {
  FieldDecryptError,
  KekFileError,
  KeysRecordError,
  KeyTableError,
  UnknownKekError,
  UnwrapError,
} from './crypto-error';
export type { KeyEncryptionKey, WrappedDataKey } from './key-encryption-key';
export { DATA_KEY_BYTES, FileKeyEncryptionKey, generateKekLine } from './key-encryption-key';
export type { FieldKey } from './field-cipher';
export {
  ENCRYPTED_PREFIX,
  ERASED,
  containsEncrypted,
  decryptFields,
  encryptFields,
  isEncrypted,
} from './field-cipher';
export type { DataKeyRecord, KeysEntry } from './keys-topic';
export {
  KEYS_TOPIC_CONFIG_ENTRIES,
  decodeKeyRecord,
  decodeKeysMessage,
  encodeKeyRecord,
  keyMessage,
  tombstoneMessage,
} from './keys-topic';
export type { KeyLookup, KeyTableOptions } from './key-table';
export { KeyTable } from './key-table';
export type { DataKeysOptions, NewDataKey, ResolvedKey } from './data-keys';
export { DataKeys, dataKeysRedisKey } from './data-keys';
