// The dev runner's process group, on real child processes: readiness is read from output, a member that exits by
// itself stops the others and is named, and `stop` ends every member.
import { PassThrough } from 'node:stream';
import { ProcessGroup } from './process-group';

const node = process.execPath;
/** A child that prints `ready` and then waits until it is signalled. */
const WAITS = "console.log('starting'); console.log('ready'); setInterval(() => {}, 1000);";

const groups: ProcessGroup[] = [];
// A failed expectation must not leave children behind.
afterEach(async () => {
  for (const members of groups.splice(0)) {
    members.stop();
    await members.done();
  }
});

const group = () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const members = new ProcessGroup(process.env, out);
  groups.push(members);
  return { group: members, lines };
};

test('stop ends every member; none of them counts as having ended the group', async () => {
  const { group: members, lines } = group();
  const first = members.start('first', node, ['-e', WAITS]);
  const second = members.start('second', node, ['-e', WAITS]);
  const ready = [members.waitForLine(first, /^ready$/), members.waitForLine(second, /^ready$/)];
  expect(await Promise.all(ready)).toEqual([true, true]);
  members.stop();
  expect(await members.done()).toBeUndefined();
  expect(lines).toContain('first        | ready');
});

test('a member that exits by itself stops the others and is named', async () => {
  const { group: members } = group();
  const waiting = members.start('waiting', node, ['-e', WAITS]);
  expect(await members.waitForLine(waiting, /^ready$/)).toBe(true);
  const failing = members.start('failing', node, ['-e', 'process.exit(3)']);
  expect(await members.waitForLine(failing, /never printed/)).toBe(false);
  expect(await members.done()).toEqual({ name: 'failing', code: 3 });
  expect(waiting.child.signalCode).toBe('SIGTERM');
});
