// Lint: typescript-eslint's recommended rules, plus the architecture's boundaries: services/core is pure,
// services/platform knows no service, a service reaches another only through core or platform, and only
// services/platform/kafka knows the Kafka client (services/platform/kafka/confluent the confluent one).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'child_process',
  'cluster',
  'worker_threads',
  'os',
  'crypto',
  'tls',
  'dns',
  'readline',
  'process',
  'timers',
];
const banned = [
  ...ioModules,
  ...ioModules.map((m) => `node:${m}`),
  'kafkajs',
  'ioredis',
  '@kafkajs/confluent-schema-registry',
  'pino',
  'prom-client',
  'fastify',
];

const SERVICES = ['orchestrator', 'gateway', 'worker', 'cli'];

/** services/ is installed by teams and runs their code handed in from outside: it never imports examples/. */
const NO_EXAMPLES = {
  regex: '^(?:\\.{1,2}/)*\\.\\./examples(?:/|$)',
  message:
    'services/ never imports examples/: the runnables get workflows and handlers from the module named at ' +
    'start (--workflows, --handlers), so the examples are one more user of statewright.',
};

/** The client is an adapter's business: everything else sees statewright's ports, so a second client is one folder. */
const KAFKAJS_ONLY_IN_ADAPTER = {
  name: 'kafkajs',
  message:
    'kafkajs is imported only in services/platform/kafka, its adapter: use the LogClient port (log-client.ts) ' +
    'and the records of records.ts, so that another Kafka client needs one new adapter and nothing else.',
};

/** The second client, likewise: only its adapter's folder loads it. */
const CONFLUENT_ONLY_IN_ADAPTER = {
  name: '@confluentinc/kafka-javascript',
  message:
    '@confluentinc/kafka-javascript is imported only in services/platform/kafka/confluent, its adapter: use the ' +
    'LogClient port (log-client.ts), which createKafka builds for STATEWRIGHT_KAFKA_CLIENT=confluent.',
};

/**
 * Matches a relative import that climbs out of the importing folder into one of `services`, with or without
 * passing through `services/`: `../../orchestrator/x`, `../gateway`, `../../../services/worker/y`. Imports are
 * matched as written, not resolved, so a folder inside a service named after another service would match too.
 */
const climbsInto = (services) => `^(?:\\.{1,2}/)*\\.\\./(?:services/)?(?:${services.join('|')})(?:/|$)`;

const PLATFORM = {
  folder: 'platform',
  forbidden: SERVICES,
  message:
    'services/platform never imports a service (orchestrator, gateway, worker, cli): every service shares ' +
    'platform, so what it needs from one is passed in.',
};

/**
 * The folders of services/ whose imports are fenced, what each must not import, and why. ESLint replaces, not
 * merges, the options of a rule set again by a later config object matching the same file, so every
 * no-restricted-imports pattern for these folders belongs here, in the one config object built per folder.
 * Only the Kafka adapters' folders, matched last so that their options win inside platform, may import their client
 * (kafkajs in platform/kafka, @confluentinc/kafka-javascript in platform/kafka/confluent).
 */
const boundaries = [
  PLATFORM,
  // The command client is a library other services may use; it builds on core and platform alone. (The other
  // services are not fenced from `../client`: some hold a folder of that name.)
  {
    folder: 'client',
    forbidden: SERVICES,
    message:
      'services/client never imports another service (orchestrator, gateway, worker, cli): it publishes ' +
      'commands with services/core and services/platform alone.',
  },
  // The testing kit runs a team's definitions and handlers in memory: the core, and the worker SDK's handler types.
  {
    folder: 'testing',
    forbidden: ['orchestrator', 'gateway', 'cli'],
    message:
      "services/testing runs definitions and handlers in memory on services/core (and the worker SDK's handler " +
      'types); it never imports the orchestrator, the gateway or the CLI.',
  },
  ...SERVICES.map((service) => {
    const others = SERVICES.filter((other) => other !== service);
    return {
      folder: service,
      forbidden: others,
      message:
        `services/${service} never imports another service (${others.join(', ')}): ` +
        'services reach each other only through services/core or services/platform.',
    };
  }),
  { ...PLATFORM, folder: 'platform/kafka', kafkajs: true },
  { ...PLATFORM, folder: 'platform/kafka/confluent', confluent: true },
];

/** examples/onboarding is written as a team writes against the installed package: public paths only. */
const PUBLIC_PATHS_ONLY = {
  regex: '^(?:\\.{1,2}/)*\\.\\./services(?:/|$)',
  message:
    'examples/onboarding imports statewright only through the package (statewright, statewright/core, ' +
    'statewright/worker, statewright/client), never services/: it builds on statewright as an installed package.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.tools/',
      '.stack/',
      '.stack-secure/',
      '.run/',
      'coverage/',
      // Deliberate violations, linted by test/unit/lint at the paths they stand for.
      'test/unit/lint/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The core decides; it never performs I/O, reads the clock or draws random numbers.
    files: ['services/core/**/*.ts'],
    ignores: ['services/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: banned.map((name) => ({ name, message: 'services/core is pure: no I/O modules' })),
          patterns: [
            {
              regex: climbsInto(['platform', ...SERVICES]),
              message:
                'services/core imports nothing of statewright but itself: every other part builds on it.',
            },
            NO_EXAMPLES,
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'require'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'services/core takes `now` as an argument',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'services/core takes `now` as an argument',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'services/core is deterministic: derive randomness from ids',
        },
      ],
    },
  },
  // Tests beside the code may use the examples as fixtures; the code itself never does.
  ...boundaries.flatMap(({ folder, forbidden, message, kafkajs = false, confluent = false }) => {
    const paths = [
      ...(kafkajs ? [] : [KAFKAJS_ONLY_IN_ADAPTER]),
      ...(confluent ? [] : [CONFLUENT_ONLY_IN_ADAPTER]),
    ];
    const services = { regex: climbsInto(forbidden), message };
    return [
      {
        files: [`services/${folder}/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: { 'no-restricted-imports': ['error', { paths, patterns: [services, NO_EXAMPLES] }] },
      },
      {
        files: [`services/${folder}/**/*.test.ts`],
        rules: { 'no-restricted-imports': ['error', { paths, patterns: [services] }] },
      },
    ];
  }),
  {
    // The runnables wire services together and receive a LogClient like everyone else.
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [KAFKAJS_ONLY_IN_ADAPTER, CONFLUENT_ONLY_IN_ADAPTER] }],
    },
  },
  {
    files: ['examples/onboarding/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PUBLIC_PATHS_ONLY] }] },
  },
);
