// The project's README: what it holds and the commands that run it, from the tests to a live instance.
import type { ProjectOptions } from '../project-options';

export function readme({ name }: ProjectOptions): string {
  return `# ${name}

Workflows on [statewright](https://www.npmjs.com/package/statewright): durable state machines on Kafka.

- \`src/workflows.ts\`: the account-onboarding workflow (reserve a username, check the identity document with
  retries, wait for a reviewer until a deadline; a rejection or a missed deadline releases the username).
- \`src/handlers.ts\`: the handlers of its tasks, run by a worker.
- \`test/onboarding.test.ts\`: the workflow in memory with \`statewright/testing\`, no infrastructure needed.

## Run it

\`\`\`sh
npm install
npm test                 # the workflow's tests, in memory
npm run up               # Kafka, a schema registry and Redis as local processes (Java, Maven, redis-server)
npm run dev              # build, then orchestrator, worker and gateway on dist/ (Ctrl-C stops them)
\`\`\`

In another terminal, start an application, approve it, and read it back:

\`\`\`sh
curl -s -X POST localhost:8080/workflows/account-onboarding/instances \\
  -H 'content-type: application/json' -H 'idempotency-key: start-acc-1' \\
  -d '{"correlationId":"acc-1","input":{"accountId":"acc-1","username":"ada","email":"ada@example.com","document":{"kind":"passport","number":"P1234567"}}}'
curl -s -X POST localhost:8080/instances/acc-1/signals/approved \\
  -H 'content-type: application/json' -H 'idempotency-key: approve-acc-1' -d '{"reviewer":"rita"}'
npx statewright get acc-1              # state active, email and document number [redacted]
npx statewright history acc-1
npm run diagram                        # the workflow as a Mermaid state diagram
npm run down                           # stop the local stack
\`\`\`

\`npx statewright env\` prints the stack's connection settings; \`npx statewright --help\` lists every command.
`;
}
