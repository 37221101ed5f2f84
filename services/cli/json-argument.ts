// Parses a JSON command-line argument, naming the option in the error.
import type { JsonValue } from '../core';
import { usageError } from './cli-error';

export function jsonArgument(option: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw usageError(
      `${option} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      'bad-json',
    );
  }
}
