import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ViewOutput } from '@slack/bolt';
import { type Clock, systemClock } from '../clock.js';
import { type Logger, silentLogger } from '../logger.js';
import { type ApiArgs, SlackApiError } from './api-error.js';
import {
  type BlockActionInput,
  blockAction,
  type EventInput,
  event,
  type SignedBodyParts,
  type SlashCommandRequest,
  slashCommand,
  type ViewSubmissionRequest,
  viewSubmission,
} from './interactions.js';
import { METHODS } from './methods/index.js';
import type { AppIdentity } from './payloads.js';
import { RateLimiter } from './rate-limits.js';
import { type ResponsePost, type ResponseUrlContext, ResponseUrls } from './response-urls.js';
import { TRIGGER_TTL_MS, TriggerRegistry } from './triggers.js';
import { applyViewSubmissionAck, type ViewAckOutcome } from './view-acks.js';
import {
  type EphemeralMessage,
  type FakeUserGroup,
  type PostedMessage,
  type ViewEvent,
  Workspace,
  type WorkspaceSeed,
} from './workspace.js';

export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox-token';
export const SANDBOX_VERIFICATION_TOKEN = 'sandbox-verification-token';

/** What `failNext` makes a method answer instead of doing its work. */
export type InjectedFailure =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 | 504 }
  | { error: string };

export interface FakeSlackOptions {
  seed?: WorkspaceSeed;
  /** Tokens the API accepts; anything else is invalid_auth. */
  tokens?: string[];
  verificationToken?: string;
  /** Transport time: trigger expiry, rate-limit buckets, response_url expiry, message ts. */
  wallClock?: Clock;
  /** false switches rate limiting off (the default is on, as in Slack). */
  rateLimits?: boolean;
  /** Multiplies every rate and burst; 0.1 makes Tier 2 two calls a minute. */
  rateLimitScale?: number;
  triggerTtlMs?: number;
  host?: string;
  port?: number;
  log?: Logger;
}

/** One Web API call as the sandbox saw it (the token left out). */
export interface CallRecord {
  method: string;
  args: ApiArgs;
  at: Date;
  status: number;
  ok: boolean;
  error?: string;
}

export interface WarningRecord {
  method: string;
  message: string;
  at: Date;
}

interface RawRequest {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
  authorization?: string | null;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };
const JSON_ARGS = ['blocks', 'view', 'metadata', 'attachments'];

/**
 * A simulated Slack workspace behind a fake Web API on 127.0.0.1: the test double of every
 * Slack-facing test, `npm run demo` and the benchmarks. Point `new WebClient(token, { slackApiUrl })`
 * (or Bolt's `clientOptions.slackApiUrl`) at `start()`'s answer, or pass `fetch: fake.fetch`.
 */
export class FakeSlack {
  workspace: Workspace;
  readonly calls: CallRecord[] = [];
  private readonly callWatchers = new Set<(call: CallRecord) => void>();
  readonly warnings: WarningRecord[] = [];
  readonly wallClock: Clock;
  private readonly responseUrls = new ResponseUrls();
  private readonly triggers: TriggerRegistry;
  private readonly limiter: RateLimiter;
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly tokens: Set<string>;
  private readonly log: Logger;
  private server: Server | undefined;
  private baseOrigin: string | undefined;

  constructor(private readonly options: FakeSlackOptions = {}) {
    const scale = options.rateLimitScale ?? 1;
    if (!(scale > 0)) throw new RangeError('rateLimitScale must be greater than 0.');
    this.wallClock = options.wallClock ?? systemClock;
    this.workspace = new Workspace(options.seed);
    this.tokens = new Set(options.tokens ?? [SANDBOX_BOT_TOKEN]);
    this.triggers = new TriggerRegistry(this.wallClock, options.triggerTtlMs ?? TRIGGER_TTL_MS);
    this.limiter = new RateLimiter({ enabled: options.rateLimits ?? true, scale, clock: this.wallClock });
    this.log = options.log ?? silentLogger;
  }

  // ------------------------------------------------------------ server

  /** Listens on 127.0.0.1 (a random port unless told) and answers the Web API base URL. */
  async start(): Promise<string> {
    if (this.server) return this.apiUrl;
    const server = createServer((request, response) => {
      this.serve(request, response).catch((error: unknown) => {
        this.log.error({ err: error }, 'fake Slack failed to answer');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    this.server = server;
    this.baseOrigin = `http://${address}:${port}`;
    return this.apiUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:PORT` once started. */
  get origin(): string {
    if (!this.baseOrigin) throw new Error('FakeSlack is not started: call start() first.');
    return this.baseOrigin;
  }

  /** With the trailing slash: @slack/web-api builds `${slackApiUrl}${method}`. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A fetch that answers in-process, for `new WebClient(token, { fetch: fake.fetch })`. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    const body = init?.body === undefined || init.body === null ? '' : String(init.body);
    const answer = this.handle({
      path: url.pathname,
      query: url.searchParams,
      contentType: headers.get('content-type') ?? '',
      body,
      authorization: headers.get('authorization'),
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', this.origin);
    const answer = this.handle({
      path: url.pathname,
      query: url.searchParams,
      contentType: request.headers['content-type'] ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
      authorization: request.headers.authorization,
    });
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  // ------------------------------------------------------------ dispatch

  private handle(request: RawRequest): RawResponse {
    const now = this.wallClock.now();
    if (request.path.startsWith('/respond/')) {
      const answer = this.responseUrls.receive(request.path.slice('/respond/'.length), request.body, now);
      return { status: answer.status, headers: { 'Content-Type': 'text/plain' }, body: answer.body };
    }
    const method = /^\/api\/([\w.]+)$/.exec(request.path)?.[1];
    if (!method) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' };

    let args: ApiArgs;
    try {
      args = parseArgs(request);
    } catch {
      return this.answer(method, {}, now, 200, { ok: false, error: 'invalid_json' });
    }
    const { token: bodyToken, ...logged } = args;
    const token = /^Bearer\s+(.+)$/i.exec(request.authorization ?? '')?.[1] ?? bodyToken;
    const handler = METHODS[method];
    if (!handler) return this.answer(method, logged, now, 200, { ok: false, error: 'unknown_method' });
    if (token === undefined || token === '') {
      return this.answer(method, logged, now, 200, { ok: false, error: 'not_authed' });
    }
    if (typeof token !== 'string' || !this.tokens.has(token)) {
      return this.answer(method, logged, now, 200, { ok: false, error: 'invalid_auth' });
    }

    const failure = this.takeFailure(method);
    if (failure) {
      if ('error' in failure)
        return this.answer(method, logged, now, 200, { ok: false, error: failure.error });
      if (failure.status === 429) return this.rateLimited(method, logged, now, failure.retryAfter);
      return this.answer(method, logged, now, failure.status, undefined);
    }

    const decision = this.limiter.take(method, this.rateLimitChannel(method, args));
    if (!decision.ok) return this.rateLimited(method, logged, now, decision.retryAfterSeconds);

    const warnings: string[] = [];
    let result: Record<string, unknown>;
    try {
      result = {
        ok: true,
        ...handler({ workspace: this.workspace, args, now, triggers: this.triggers, warnings }),
      };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      result = { ok: false, error: error.error, ...error.extra };
    }
    if (warnings.length) {
      const metadata = (result.response_metadata ?? {}) as { messages?: string[] };
      result.response_metadata = { ...metadata, messages: [...(metadata.messages ?? []), ...warnings] };
      for (const message of warnings) this.warnings.push({ method, message, at: now });
    }
    return this.answer(method, logged, now, 200, result);
  }

  private answer(
    method: string,
    args: ApiArgs,
    at: Date,
    status: number,
    result: Record<string, unknown> | undefined,
    headers: Record<string, string> = {},
  ): RawResponse {
    const record: CallRecord = { method, args: readableArgs(args), at, status, ok: result?.ok === true };
    if (typeof result?.error === 'string') record.error = result.error;
    else if (status !== 200) record.error = `http_${status}`;
    this.calls.push(record);
    for (const watcher of this.callWatchers) watcher(record);
    if (result === undefined)
      return { status, headers: { 'Content-Type': 'text/plain' }, body: 'Internal Server Error' };
    return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(result) };
  }

  private rateLimited(method: string, args: ApiArgs, at: Date, retryAfter: number): RawResponse {
    return this.answer(
      method,
      args,
      at,
      429,
      { ok: false, error: 'ratelimited' },
      { 'Retry-After': String(retryAfter) },
    );
  }

  private rateLimitChannel(method: string, args: ApiArgs): string | undefined {
    if (method !== 'chat.postMessage' || typeof args.channel !== 'string') return undefined;
    return /^[UW]/.test(args.channel) ? this.workspace.dmIdFor(args.channel) : args.channel;
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    const queue = this.failures.get(method);
    const failure = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(method);
    return failure;
  }

  // ------------------------------------------------------------ test controls

  /** The next `times` calls of `method` fail this way (after authentication, before rate limits). */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.failures.set(method, queue);
  }

  /**
   * Resolves once `count` more calls answered as `matches` says have been made: for a test that acts
   * in the middle of what the app is doing ("while the DMs are going out"), without polling.
   */
  callsMade(count: number, matches: (call: CallRecord) => boolean = () => true): Promise<void> {
    return new Promise((resolve) => {
      let seen = 0;
      const watcher = (call: CallRecord) => {
        if (!matches(call) || ++seen < count) return;
        this.callWatchers.delete(watcher);
        resolve();
      };
      this.callWatchers.add(watcher);
    });
  }

  /** A trigger_id for an interaction by `userId`; from inside a modal, pass its view id. */
  issueTriggerId(userId: string, viewId?: string): string {
    return this.triggers.issue(userId, viewId);
  }

  /** A response_url on this server that records what the app posts to it. */
  newResponseUrl(context: ResponseUrlContext = {}): string {
    return `${this.origin}/respond/${this.responseUrls.issue(this.wallClock.now().getTime(), context)}`;
  }

  /** Back to the seeded workspace with nothing posted, logged, issued or injected. */
  reset(): void {
    this.workspace = new Workspace(this.options.seed);
    this.calls.length = 0;
    this.warnings.length = 0;
    this.failures.clear();
    this.triggers.reset();
    this.limiter.reset();
    this.responseUrls.reset();
  }

  // ------------------------------------------------------------ reading the workspace

  callsTo(method: string): CallRecord[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages in the app's DM with the user, oldest first. */
  messagesTo(userId: string): PostedMessage[] {
    const dm = this.workspace.dms.get(userId);
    return dm ? this.messagesIn(dm) : [];
  }

  messagesIn(channelId: string): PostedMessage[] {
    return this.workspace.messages.filter((message) => message.channel === channelId);
  }

  ephemeralsTo(userId: string): EphemeralMessage[] {
    return this.workspace.ephemerals.filter((message) => message.user === userId);
  }

  /** What the app posted to response_urls; one URL's posts when given its URL. */
  responses(url?: string): ResponsePost[] {
    const id = url?.split('/respond/')[1];
    return this.responseUrls.posts.filter((post) => id === undefined || post.id === id);
  }

  groupMembers(groupId: string): string[] {
    return [...this.group(groupId).users];
  }

  group(groupId: string): FakeUserGroup {
    const group = this.workspace.userGroups.get(groupId);
    if (!group) throw new Error(`No user group ${groupId} in the sandbox.`);
    return group;
  }

  channelMembers(channelId: string): string[] {
    const channel = this.workspace.channels.get(channelId);
    if (!channel) throw new Error(`No channel ${channelId} in the sandbox.`);
    return [...channel.members];
  }

  /** The view most recently opened, pushed, updated or published for the user, as it is now. */
  lastView(userId: string, type?: 'modal' | 'home'): ViewOutput | undefined {
    for (let i = this.workspace.viewEvents.length - 1; i >= 0; i -= 1) {
      const viewEvent = this.workspace.viewEvents[i] as ViewEvent;
      if (viewEvent.userId !== userId || (type && viewEvent.view.type !== type)) continue;
      return this.workspace.views.get(viewEvent.viewId)?.view;
    }
    return undefined;
  }

  /** The modal on top of the user's stack, if one is open. */
  openModal(userId: string): ViewOutput | undefined {
    const stack = this.workspace.modalStacks.get(userId) ?? [];
    const top = stack[stack.length - 1];
    return top ? this.workspace.views.get(top)?.view : undefined;
  }

  homeView(userId: string): ViewOutput | undefined {
    const id = this.workspace.homeViews.get(userId);
    return id ? this.workspace.views.get(id)?.view : undefined;
  }

  viewEvents(userId?: string): ViewEvent[] {
    return this.workspace.viewEvents.filter(
      (viewEvent) => userId === undefined || viewEvent.userId === userId,
    );
  }

  // ------------------------------------------------------------ what Slack sends the app

  get app(): AppIdentity {
    return {
      teamId: this.workspace.team.id,
      teamDomain: this.workspace.team.domain,
      apiAppId: this.workspace.bot.appId,
      verificationToken: this.options.verificationToken ?? SANDBOX_VERIFICATION_TOKEN,
    };
  }

  /** The form body of `/access <text>` typed by the user, with a fresh trigger and response_url. */
  slashCommand(request: SlashCommandRequest): SignedBodyParts {
    return slashCommand(this, request);
  }

  /** The body of a click on an element of a message, modal or Home tab the app put up. */
  blockAction(input: BlockActionInput): SignedBodyParts {
    return blockAction(this, input);
  }

  /** The body of submitting the user's open modal with these answers. */
  viewSubmission(request: ViewSubmissionRequest): SignedBodyParts {
    return viewSubmission(this, request);
  }

  /** An Events API delivery to the app. */
  event<E extends { type: string }>(input: EventInput<E>): SignedBodyParts {
    return event(this, input);
  }

  /** Applies the app's ack of a view_submission to the modal, as Slack would. */
  applyViewSubmissionAck(viewId: string, ack: unknown): ViewAckOutcome {
    const warnings: string[] = [];
    const outcome = applyViewSubmissionAck(this.workspace, viewId, ack, this.wallClock.now(), warnings);
    for (const message of warnings)
      this.warnings.push({ method: 'view_submission', message, at: this.wallClock.now() });
    return outcome;
  }

  /** The person closes the modal on top of their stack (the × button). */
  closeModal(userId: string): void {
    const stack = this.workspace.modalStack(userId);
    const top = stack.pop();
    if (top) this.workspace.closedViews.add(top);
  }
}

function parseArgs(request: RawRequest): ApiArgs {
  const args: ApiArgs = Object.fromEntries(request.query);
  if (!request.body) return args;
  if (request.contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(request.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return { ...args, ...(parsed as ApiArgs) };
  }
  return { ...args, ...Object.fromEntries(new URLSearchParams(request.body)) };
}

/** The log shows blocks and views as objects, however they were sent. */
function readableArgs(args: ApiArgs): ApiArgs {
  const readable: ApiArgs = { ...args };
  for (const key of JSON_ARGS) {
    const value = readable[key];
    if (typeof value !== 'string') continue;
    try {
      readable[key] = JSON.parse(value);
    } catch {
      // Left as sent: the method answers the bad JSON.
    }
  }
  return readable;
}
