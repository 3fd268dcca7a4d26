import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Answers JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export function healthRoute(check: () => Promise<boolean>): Route {
  return async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/healthz') return false;
    const ok = await check();
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable' });
    return true;
  };
}

/** A plain HTTP server trying each route in turn; 404 for the rest. */
export function startHttpServer(routes: readonly Route[], port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      for (const route of routes) if (await route(req, res)) return;
      sendJson(res, 404, { error: 'not_found' });
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
