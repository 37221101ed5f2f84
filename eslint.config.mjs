// Lint: typescript-eslint's recommended rules, plus the purity boundary of services/core.
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

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.stack/', '.stack-secure/', '.run/', 'coverage/'] },
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
        { paths: banned.map((name) => ({ name, message: 'services/core is pure: no I/O modules' })) },
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
);
