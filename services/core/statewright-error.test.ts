// What every statewright error carries from its one base: its class's name, a stable code, whether a retry can
// help, and the cause it was given.
import { NonRetriableError, RetriableError, StatewrightError } from './index';

class FlakyDependencyError extends RetriableError {
  readonly code = 'flaky-dependency';
}

class MalformedInputError extends NonRetriableError {
  readonly code = 'malformed-input';
}

class OutcomeError extends StatewrightError {
  readonly code = 'outcome';

  constructor(message: string, retriable: boolean) {
    super(message, retriable);
  }
}

class NarrowerError extends MalformedInputError {}

test('a retriable error says so, with its own name and stable code', () => {
  const error = new FlakyDependencyError('the dependency did not answer');
  expect(error.name).toBe('FlakyDependencyError');
  expect(error.code).toBe('flaky-dependency');
  expect(error.retriable).toBe(true);
  expect(error.message).toBe('the dependency did not answer');
  expect(String(error)).toBe('FlakyDependencyError: the dependency did not answer');
});

test('a non-retriable error says a retry cannot help, with its own name and stable code', () => {
  const error = new MalformedInputError('not JSON');
  expect(error.name).toBe('MalformedInputError');
  expect(error.code).toBe('malformed-input');
  expect(error.retriable).toBe(false);
});

test('instanceof tells the kinds apart, up to Error', () => {
  const retriable = new FlakyDependencyError('x');
  const nonRetriable = new MalformedInputError('x');
  expect(retriable).toBeInstanceOf(RetriableError);
  expect(retriable).not.toBeInstanceOf(NonRetriableError);
  expect(nonRetriable).toBeInstanceOf(NonRetriableError);
  expect(nonRetriable).not.toBeInstanceOf(RetriableError);
  for (const error of [retriable, nonRetriable]) {
    expect(error).toBeInstanceOf(StatewrightError);
    expect(error).toBeInstanceOf(Error);
  }
});

test('a subclass of a subclass is named after itself and keeps its parent code', () => {
  const error = new NarrowerError('x');
  expect(error.name).toBe('NarrowerError');
  expect(error.code).toBe('malformed-input');
  expect(error).toBeInstanceOf(MalformedInputError);
});

test('retriability can follow a constructor argument', () => {
  expect(new OutcomeError('x', true).retriable).toBe(true);
  expect(new OutcomeError('x', false).retriable).toBe(false);
  expect(new OutcomeError('x', false).name).toBe('OutcomeError');
});

test('the cause is passed through to Error.cause', () => {
  const cause = new Error('socket closed');
  expect(new FlakyDependencyError('lost', { cause }).cause).toBe(cause);
  expect(new MalformedInputError('bad', { cause: 'a string' }).cause).toBe('a string');
  expect(new FlakyDependencyError('no cause').cause).toBeUndefined();
  expect('cause' in new FlakyDependencyError('no cause')).toBe(false);
});

test('the stack trace opens with the class name', () => {
  expect(new MalformedInputError('bad').stack).toMatch(/^MalformedInputError: bad\n/);
});
