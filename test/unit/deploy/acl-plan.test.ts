// The secure stack's ACL plan (deploy/local/secure/acl-plan.sh) as data: who may touch the definitions catalogue.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const plan = execFileSync(
  'bash',
  [
    '-c',
    'source "$0"; acl_plan sw sw-orch sw-workers sw-gateway',
    path.join('deploy', 'local', 'secure', 'acl-plan.sh'),
  ],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [principal, type, pattern, name, operations] = line.trim().split(/\s+/);
    return { principal, type, pattern, name, operations: (operations ?? '').split(',') };
  });

const on = (topic: string) =>
  plan.filter((acl) => acl.type === 'TOPIC' && acl.pattern === 'LITERAL' && acl.name === topic);

test('only the orchestrator may write the definitions catalogue; the gateway (and the CLI, as it) reads it', () => {
  const writers = on('sw.definitions').filter((acl) => acl.operations.includes('WRITE'));
  const readers = on('sw.definitions').filter((acl) => acl.operations.includes('READ'));
  expect(writers.map((acl) => acl.principal)).toEqual(['orchestrator']);
  expect(readers.map((acl) => acl.principal).sort()).toEqual(['gateway', 'orchestrator']);
  // Nobody else writes there through a prefixed grant either.
  const prefixed = plan.filter(
    (acl) => acl.type === 'TOPIC' && acl.pattern === 'PREFIXED' && acl.operations.includes('WRITE'),
  );
  expect(prefixed).toEqual([]);
});

test('workers write their heartbeats to the health topic; the orchestrator reads them', () => {
  const by = (operation: string) =>
    on('sw.health')
      .filter((acl) => acl.operations.includes(operation))
      .map((acl) => acl.principal);
  expect(by('WRITE')).toEqual(['worker']);
  expect(by('READ')).toEqual(['orchestrator']);
});
