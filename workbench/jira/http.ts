import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JiraEmulator } from './emulator';
import { readBody } from '../http-body';

const MAX_BODY = 10 * 1024 * 1024;

/** The user name from a Basic authorization header; the password is ignored (the workbench is local). */
function basicUser(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon >= 0 ? decoded.slice(0, colon) : decoded;
  return name || null;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The emulator over HTTP for /rest/api/3/ paths, with Basic auth by user name (any password): handy for curl
 * and for scripts written against real Jira. Answers false-y (does nothing) for other paths: check
 * `isJiraPath` first when mounting next to other handlers.
 */
export function createJiraHttpHandler(
  emulator: JiraEmulator,
  resolveUser: (name: string) => string | null,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const path = req.url ?? '/';
      if (!isJiraPath(path)) {
        send(
          res,
          404,
          { 'content-type': 'application/json' },
          JSON.stringify({ errorMessages: ['Not found.'], errors: {} }),
        );
        return;
      }
      const name = basicUser(req.headers.authorization);
      const accountId = name ? resolveUser(name) : null;
      if (!accountId) {
        send(
          res,
          401,
          { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Jira workbench"' },
          JSON.stringify({
            errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
            errors: {},
          }),
        );
        return;
      }
      try {
        const body = await readBody(req, MAX_BODY);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const response = await emulator.handle({
          method: req.method ?? 'GET',
          path,
          headers,
          ...(body ? { body } : {}),
          actor: { type: 'user', accountId },
          client: 'rest',
        });
        send(res, response.status, response.headers, response.body);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) {
          send(
            res,
            500,
            { 'content-type': 'application/json' },
            JSON.stringify({ errorMessages: [message], errors: {} }),
          );
        } else res.end();
      }
    })();
  };
}

export function isJiraPath(path: string): boolean {
  return path.startsWith('/rest/api/3/');
}
