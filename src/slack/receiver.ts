import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CustomRoute, HTTPModuleFunctions, HTTPReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { verifySlackSignature } from './verify-signature.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Bolt's HTTPReceiver, with Slack's signature window enforced both ways: Bolt refuses timestamps
 * more than five minutes old but not ones from the future. Every POST to /slack/events is
 * buffered and checked against the real wall clock first; Bolt then reuses the buffered body.
 */
export function createGuardedHttpReceiver(options: {
  signingSecret: string;
  wallClock: Clock;
  routes: CustomRoute[];
  log: Logger;
  slackLogger: SlackLogger;
}): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    customRoutes: options.routes,
    logger: options.slackLogger,
  });
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== SLACK_EVENTS_PATH) return bolt(req, res);
    void guard(req, res).then((ok) => {
      if (ok) bolt(req, res);
    });
  };

  async function guard(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    let rawBody: Buffer;
    try {
      rawBody = (await HTTPModuleFunctions.bufferIncomingMessage(req)).rawBody;
    } catch {
      res.writeHead(413).end();
      return false;
    }
    const check = verifySlackSignature({
      signingSecret: options.signingSecret,
      timestampHeader: req.headers['x-slack-request-timestamp'],
      signatureHeader: req.headers['x-slack-signature'],
      rawBody,
      nowSeconds: options.wallClock.now().getTime() / 1000,
    });
    if (check.ok) return true;
    options.log.info({ reason: check.reason }, 'refused a Slack request: %s', check.message);
    res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid request signature');
    return false;
  }

  return receiver;
}
