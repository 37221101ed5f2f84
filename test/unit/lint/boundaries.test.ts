// The lint configuration holds the architecture's boundaries. Each fixture under fixtures/ is linted at the path
// it stands for (its own path there, without `.fixture`): the lines it marks `// violation` fail with the message
// of the boundary they cross, and nothing else is reported.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface Finding {
  readonly line: number;
  readonly ruleId: string | null;
  readonly message: string;
}

interface Boundary {
  readonly name: string;
  readonly ruleId: string;
  /** A part of the message, which says the boundary a violation crosses. */
  readonly message: string;
  readonly violating: string;
  readonly clean: string;
}

const repoRoot = path.resolve(__dirname, '../../..');
const fixtureRoot = path.join(__dirname, 'fixtures');
const FIXTURE = '.fixture';

const boundaries: readonly Boundary[] = [
  {
    name: 'services/platform never imports a service',
    ruleId: 'no-restricted-imports',
    message: 'services/platform never imports a service (orchestrator, gateway, worker, cli)',
    violating: 'services/platform/kafka/imports-a-service.ts',
    clean: 'services/platform/kafka/imports-core-and-platform.ts',
  },
  ...(['orchestrator/partition', 'gateway', 'worker/task', 'cli/commands'] as const).map((folder) => {
    const service = folder.split('/')[0] as string;
    return {
      name: `services/${service} imports another service only through core or platform`,
      ruleId: 'no-restricted-imports',
      message: `services/${service} never imports another service`,
      violating: `services/${folder}/imports-another-service.ts`,
      clean: `services/${folder}/imports-core-and-platform.ts`,
    };
  }),
  {
    name: 'services never import examples/ (specs beside the code may)',
    ruleId: 'no-restricted-imports',
    message: 'services/ never imports examples/',
    violating: 'services/orchestrator/partition/imports-the-examples.ts',
    clean: 'services/orchestrator/partition/uses-examples-in-its-spec.test.ts',
  },
  {
    name: 'only services/platform/kafka imports kafkajs',
    ruleId: 'no-restricted-imports',
    message: 'kafkajs is imported only in services/platform/kafka',
    violating: 'services/orchestrator/partition/imports-kafkajs.ts',
    clean: 'services/platform/kafka/imports-core-and-platform.ts',
  },
  {
    name: 'only services/platform/kafka/confluent imports the confluent client',
    ruleId: 'no-restricted-imports',
    message: '@confluentinc/kafka-javascript is imported only in services/platform/kafka/confluent',
    violating: 'services/platform/kafka/imports-the-confluent-client.ts',
    clean: 'services/platform/kafka/confluent/imports-its-client.ts',
  },
  {
    name: 'examples/onboarding imports statewright only through the package',
    ruleId: 'no-restricted-imports',
    message: 'examples/onboarding imports statewright only through the package',
    violating: 'examples/onboarding/imports-services.ts',
    clean: 'examples/onboarding/imports-the-package.ts',
  },
  {
    name: 'services/core imports nothing of statewright but itself',
    ruleId: 'no-restricted-imports',
    message: 'services/core imports nothing of statewright but itself',
    violating: 'services/core/decision/imports-platform.ts',
    clean: 'services/core/decision/takes-now-as-an-argument.ts',
  },
  {
    name: 'services/core imports no I/O module',
    ruleId: 'no-restricted-imports',
    message: 'services/core is pure: no I/O modules',
    violating: 'services/core/decision/reads-the-file-system.ts',
    clean: 'services/core/decision/takes-now-as-an-argument.ts',
  },
  {
    name: 'services/core reads no clock',
    ruleId: 'no-restricted-syntax',
    message: 'services/core takes `now` as an argument',
    violating: 'services/core/decision/reads-the-clock.ts',
    clean: 'services/core/decision/takes-now-as-an-argument.ts',
  },
  {
    name: 'services/core draws no random numbers',
    ruleId: 'no-restricted-syntax',
    message: 'services/core is deterministic',
    violating: 'services/core/decision/draws-random-numbers.ts',
    clean: 'services/core/decision/takes-now-as-an-argument.ts',
  },
];

function fixturePaths(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return fixturePaths(full);
    return entry.name.endsWith(FIXTURE) ? [path.relative(fixtureRoot, full).slice(0, -FIXTURE.length)] : [];
  });
}

const textOf = (filePath: string): string =>
  fs.readFileSync(path.join(fixtureRoot, filePath + FIXTURE), 'utf8');

const markedLines = (filePath: string): number[] =>
  textOf(filePath)
    .split('\n')
    .flatMap((line, index) => (line.endsWith('// violation') ? [index + 1] : []));

/** Lints every fixture in one run of the real configuration, each at the path it stands for. */
function lintFixtures(filePaths: readonly string[]): Map<string, Finding[]> {
  const sources = filePaths.map((filePath) => ({ filePath, text: textOf(filePath) }));
  const output = execFileSync(process.execPath, [path.join(__dirname, 'lint-at-paths.mjs'), repoRoot], {
    cwd: repoRoot,
    input: JSON.stringify(sources),
    encoding: 'utf8',
  });
  const results = JSON.parse(output) as { filePath: string; messages: Finding[] }[];
  return new Map(results.map(({ filePath, messages }) => [filePath, messages]));
}

const fixtures = fixturePaths(fixtureRoot).map((filePath) => filePath.split(path.sep).join('/'));
let findings = new Map<string, Finding[]>();

beforeAll(() => {
  findings = lintFixtures(fixtures);
});

test('every fixture stands for a case of a boundary', () => {
  const cases = new Set(boundaries.flatMap(({ violating, clean }) => [violating, clean]));
  expect([...fixtures].sort()).toEqual([...cases].sort());
});

describe.each(boundaries)('$name', ({ ruleId, message, violating, clean }) => {
  test('each marked line of a fixture that crosses it fails with its message, and nothing else', () => {
    const reported = findings.get(violating) ?? [];
    expect(markedLines(violating).length).toBeGreaterThan(0);
    expect(reported.map(({ line }) => line)).toEqual(markedLines(violating));
    for (const finding of reported) {
      expect(finding).toEqual({ line: finding.line, ruleId, message: expect.stringContaining(message) });
    }
  });

  test('a fixture that keeps to it passes', () => {
    expect(markedLines(clean)).toEqual([]);
    expect(findings.get(clean)).toEqual([]);
  });
});
