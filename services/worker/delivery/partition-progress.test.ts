import { PartitionProgress } from './partition-progress';

test('the watermark passes a record only when it and all earlier records are done', () => {
  const progress = new PartitionProgress();
  ['10', '11', '12'].forEach((offset) => progress.start(offset));
  progress.finish('11');
  expect(progress.advance()).toBeUndefined();
  expect(progress.nextOffset).toBeUndefined();
  progress.finish('10');
  expect(progress.advance()).toBe('11');
  expect(progress.nextOffset).toBe('12');
  expect(progress.inFlight).toBe(1);
  progress.finish('12');
  expect(progress.advance()).toBe('12');
  expect(progress.nextOffset).toBe('13');
});
