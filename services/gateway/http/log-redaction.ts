// What the HTTP logger censors on top of the configuration's secrets: the credentials a request may carry,
// wherever a line holds request headers.
import { CENSOR, redactionPaths } from '../../platform/logging/redaction';

const CREDENTIAL_HEADERS = ['authorization', '["x-api-key"]', 'cookie'];
const HEADER_HOLDERS = ['headers', 'req.headers', 'request.headers', '*.headers'];

/** pino replaces a parent's redaction in a child, so the child's list repeats the configuration's secrets. */
export function httpRedaction(): { paths: string[]; censor: string } {
  const credentials = HEADER_HOLDERS.flatMap((holder) =>
    CREDENTIAL_HEADERS.map((header) => `${holder}${header.startsWith('[') ? header : `.${header}`}`),
  );
  return { paths: [...new Set([...redactionPaths([]), ...credentials, 'apiKey', 'token'])], censor: CENSOR };
}
