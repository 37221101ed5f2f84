// The gateway's API as the browser calls it: the credential the user pasted, kept in sessionStorage, goes on every
// request as an Authorization header; the live stream is read with fetch so it can carry that header too.

const TOKEN_KEY = 'statewright.credential';

export const credential = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A JWT (three base64url parts) goes as a bearer token, anything else as an API key. */
function authorization(value: string): string {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) ? `Bearer ${value}` : `ApiKey ${value}`;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const value = credential.get();
  return value === null || value === '' ? extra : { ...extra, authorization: authorization(value) };
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiFailure(response.status, error?.code ?? 'http', error?.message ?? response.statusText);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: headers(), cache: 'no-store' }));
}

/** A command route: a fresh Idempotency-Key per act, waiting briefly for its outcome. */
export async function postCommand<T>(path: string, body: unknown): Promise<T> {
  const key = crypto.randomUUID();
  const init: RequestInit = {
    method: 'POST',
    headers: headers({ 'idempotency-key': key, 'content-type': 'application/json' }),
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const separator = path.includes('?') ? '&' : '?';
  return answer<T>(await fetch(`${path}${separator}wait=5000`, init));
}

/** A request under the caller's own Idempotency-Key: posting it again is the same request, applied once. */
export async function postKeyed<T>(path: string, key: string, body: unknown): Promise<T> {
  const init: RequestInit = {
    method: 'POST',
    headers: headers({ 'idempotency-key': key, 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  };
  return answer<T>(await fetch(path, init));
}

export const enc = encodeURIComponent;
