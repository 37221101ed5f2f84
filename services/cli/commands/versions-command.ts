// `statewright versions [workflow]`: per version of one workflow (or of every workflow the caller may see), its
// live instances and whether it can be retired, from the gateway's GET /workflows/:name/versions.
import type { Command } from 'commander';
import { GatewayClient } from '../gateway-client';
import { versionsTable, type WorkflowVersions } from './versions-table';

const DEFAULT_GATEWAY = process.env.STATEWRIGHT_GATEWAY ?? 'http://127.0.0.1:8080';

interface VersionsOptions {
  readonly gateway: string;
  readonly json?: boolean;
}

async function workflowNames(client: GatewayClient): Promise<string[]> {
  const answer = await client.get('/workflows');
  return (answer.body as { workflows: { name: string }[] }).workflows.map((workflow) => workflow.name);
}

export function addVersionsCommand(program: Command): void {
  program
    .command('versions')
    .argument('[workflow]', 'one workflow (default: every workflow in the catalogue)')
    .description(
      'per version: live instances by state, the oldest live one, whether new instances start on it, whether it can be retired',
    )
    .option('--gateway <url>', 'gateway base URL (env STATEWRIGHT_GATEWAY)', DEFAULT_GATEWAY)
    .option('--json', 'print the answer as JSON')
    .action(async (workflow: string | undefined, options: VersionsOptions) => {
      const client = new GatewayClient(options.gateway);
      const names = workflow === undefined ? await workflowNames(client) : [workflow];
      const answers: WorkflowVersions[] = [];
      for (const name of names) {
        const answer = await client.get(`/workflows/${encodeURIComponent(name)}/versions`);
        answers.push(answer.body as WorkflowVersions);
      }
      const text =
        options.json === true
          ? JSON.stringify(workflow === undefined ? { workflows: answers } : answers[0], null, 2)
          : answers.map(versionsTable).join('\n\n');
      process.stdout.write(`${text}\n`);
    });
}
