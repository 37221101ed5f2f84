import { Writable } from 'node:stream';
import pino from 'pino';
import { CENSOR, redactionPaths } from './redaction';

function logged(sensitive: readonly string[], object: Record<string, unknown>): Record<string, unknown> {
  let line = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      line += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: redactionPaths(sensitive), censor: CENSOR } }, sink).info(object);
  return JSON.parse(line) as Record<string, unknown>;
}

test('a sensitive path is censored in a context, an input and a payload, at the top and one level down', () => {
  const data = { customer: { email: 'a@b.c', id: 'c-1' } };
  const line = logged(['customer.email'], { context: data, input: data, nested: { payload: data } });
  const censored = { customer: { email: CENSOR, id: 'c-1' } };
  expect(line).toMatchObject({ context: censored, input: censored, nested: { payload: censored } });
});

test('path segments that are not identifiers are quoted rather than breaking the logger', () => {
  expect(redactionPaths(['billing-address.street'])).toContain('context["billing-address"].street');
  expect(
    logged(['billing-address.street'], { context: { 'billing-address': { street: 'x' } } }),
  ).toMatchObject({
    context: { 'billing-address': { street: CENSOR } },
  });
});

test('configuration secrets are censored whatever the definitions say', () => {
  expect(logged([], { redis: { password: 'p' }, password: 'q' })).toMatchObject({
    redis: { password: CENSOR },
    password: CENSOR,
  });
});
