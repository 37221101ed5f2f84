// Talks to the gateway over HTTP: JSON in, JSON out; a refusal keeps the gateway's error code and message.
// Credentials come from the environment: STATEWRIGHT_TOKEN (a bearer JWT) or STATEWRIGHT_API_KEY.
import { CliError, unavailable } from './cli-error';
import { EXIT } from './exit-codes';

export interface GatewayAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The credential headers the environment provides; none when neither variable is set. */
export function credentialHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env.STATEWRIGHT_TOKEN) return { authorization: `Bearer ${env.STATEWRIGHT_TOKEN}` };
  if (env.STATEWRIGHT_API_KEY) return { 'x-api-key': env.STATEWRIGHT_API_KEY };
  return {};
}

export class GatewayClient {
  constructor(
    private readonly base: string,
    private readonly credentials: Readonly<Record<string, string>> = credentialHeaders(),
  ) {}

  async get(path: string): Promise<GatewayAnswer> {
    return this.send('GET', path, undefined, {});
  }

  async post(path: string, body: unknown, headers: Readonly<Record<string, string>>): Promise<GatewayAnswer> {
    return this.send('POST', path, body, headers);
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Readonly<Record<string, string>>,
  ): Promise<GatewayAnswer> {
    const url = `${this.base.replace(/\/$/, '')}${path}`;
    const all = { ...this.credentials, ...headers };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? all : { ...all, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw unavailable(
        `the gateway at ${this.base} did not answer: ${causeOf(error)}`,
        'gateway-unavailable',
      );
    }
    const text = await response.text();
    const parsed = parse(text);
    if (response.status >= 400) throw refusal(response.status, parsed, text);
    return { status: response.status, body: parsed };
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function refusal(status: number, body: unknown, text: string): CliError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const code = error?.code ?? `http-${status}`;
  const exit = status >= 500 ? EXIT.unavailable : EXIT.failed;
  return new CliError(
    `gateway answered ${status} ${code}: ${error?.message ?? text}`,
    code,
    exit,
    status >= 500,
  );
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return String(cause instanceof Error ? cause.message : (cause ?? error));
}
