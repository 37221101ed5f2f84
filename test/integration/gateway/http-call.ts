// HTTP requests to a listening gateway through Node's fetch. Fastify's `inject` needs light-my-request, whose
// `cookie` dependency is ESM-only and cannot be required inside Jest's module runtime, so tests use a real port.

export interface CallOptions {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON (content-type application/json). */
  readonly payload?: unknown;
  /** Sent as is; set the content-type header yourself. */
  readonly raw?: string;
}

export interface CallResult {
  readonly statusCode: number;
  readonly headers: Headers;
  readonly body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, options: CallOptions): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.raw;
  if (options.payload !== undefined) {
    body = JSON.stringify(options.payload);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${options.url}`, { method: options.method, headers, body });
  const text = await response.text();
  return {
    statusCode: response.status,
    headers: response.headers,
    body: text,
    json: () => JSON.parse(text),
  };
}
