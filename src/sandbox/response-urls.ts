import { randomBytes } from 'node:crypto';

/** A response_url takes up to five answers within thirty minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export interface ResponseUrlContext {
  userId?: string;
  channelId?: string;
}

/** One POST the app made to a response_url. */
export interface ResponsePost {
  id: string;
  body: unknown;
  at: Date;
  status: number;
  context: ResponseUrlContext;
}

interface Issued {
  issuedAtMs: number;
  uses: number;
  context: ResponseUrlContext;
}

export class ResponseUrls {
  readonly posts: ResponsePost[] = [];
  private readonly issued = new Map<string, Issued>();

  issue(nowMs: number, context: ResponseUrlContext = {}): string {
    const id = randomBytes(12).toString('hex');
    this.issued.set(id, { issuedAtMs: nowMs, uses: 0, context });
    return id;
  }

  /** Records the post and answers as Slack's hooks endpoint would. */
  receive(id: string, rawBody: string, now: Date): { status: number; body: string } {
    const issued = this.issued.get(id);
    let status = 200;
    let answer = 'ok';
    if (!issued) [status, answer] = [404, 'no_service'];
    else if (now.getTime() - issued.issuedAtMs > RESPONSE_URL_TTL_MS) [status, answer] = [404, 'expired_url'];
    else if (issued.uses >= RESPONSE_URL_MAX_USES) [status, answer] = [404, 'used_url'];
    else issued.uses += 1;
    this.posts.push({ id, body: parseBody(rawBody), at: now, status, context: issued?.context ?? {} });
    return { status, body: answer };
  }

  reset(): void {
    this.posts.length = 0;
    this.issued.clear();
  }
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
