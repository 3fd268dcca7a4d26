import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

/** GET /metrics: Prometheus text exposition, the store read once per scrape. */
export function metricsHandler(metrics: Metrics) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    void metrics.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType }).end(body);
      },
      () => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable');
      },
    );
  };
}
