// Checks a start's input or a signal's payload against the JSON Schema the catalogue holds for it (draft-07, from
// the definition's zod schema), listing every wrong field. Formats are not checked by name: zod writes each one
// as a pattern as well, which is checked. What JSON Schema cannot say (refinements) the orchestrator still checks.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonObject } from '../../core';
import { ApiError } from '../http/api-error';

export interface FieldIssue {
  readonly in: 'body';
  /** Dotted path of the wrong field in the input or payload; empty for the value as a whole. */
  readonly path: string;
  readonly message: string;
}

export class PayloadValidator {
  private readonly ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateFormats: false,
    unicodeRegExp: false,
  });
  /** Compiled once per schema object: the catalogue keeps its descriptions while they stay current. */
  private readonly compiled = new WeakMap<JsonObject, ValidateFunction>();

  /** Throws a 400 ApiError with `code`, naming each wrong field, when `value` does not fit `schema`. */
  check(schema: JsonObject, value: unknown, code: string, what: string): void {
    const validate = this.validatorOf(schema);
    if (validate(value)) return;
    const issues = (validate.errors ?? []).map(issueOf);
    const first = issues[0];
    throw new ApiError(
      400,
      code,
      `${what} is invalid: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'does not fit its schema'}`,
      issues,
    );
  }

  private validatorOf(schema: JsonObject): ValidateFunction {
    const known = this.compiled.get(schema);
    if (known !== undefined) return known;
    const { $schema: _dialect, ...body } = schema;
    const validate = this.ajv.compile(body);
    this.compiled.set(schema, validate);
    return validate;
  }
}

/** A missing property is named by its own path, as the field the caller has to add. */
function issueOf(error: ErrorObject): FieldIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  if (missing !== undefined) segments.push(missing);
  const unknown =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty?: string }).additionalProperty
      : undefined;
  if (unknown !== undefined) segments.push(unknown);
  return { in: 'body', path: segments.join('.'), message: error.message ?? error.keyword };
}
