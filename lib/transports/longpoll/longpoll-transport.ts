import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RESOLVED_OPTIONS } from '../../channels.tokens.js';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import { NODE_ID } from '../../node-identity.js';
import { PubSub } from '../../pubsub/pubsub.js';
import { ShutdownHooksCheck } from '../../shutdown-hooks-check.js';
import { SweptRegistry } from '../../socket/swept-registry.js';
import { publishRefusedConnect } from '../../observability/refused-connect.js';
import { decideConnect, requestParams } from '../connect-request.js';
import { endpointPath } from '../endpoint-path.js';
import { createOriginCheck } from '../origin-check.js';
import { requestPath, ServerListenerRouter } from '../server-listener-router.js';
import { TRANSPORT_HOST, type TransportHost } from '../transport-host.interface.js';
import { BodyTooLargeError, readBody, sendPreflight, sendStatusJson, sendStatusJsonAndClose } from './http-io.js';
import { LongPollBudget } from './longpoll-budget.js';
import { LongPollSession } from './longpoll-session.js';
import { parseBatch } from './ndjson-batch.js';
import { HttpPollResponder } from './poll-responder.js';
import { LongPollForwarding } from './session-forwarding.js';
import { SessionTokens } from './session-token.js';

const TOKEN_HEADER = 'x-phoenix-longpoll-token';
const AUTH_TOKEN_HEADER = 'x-phoenix-authtoken';
/** How long a node waits for the owner of a session to acknowledge a forwarded request (Phoenix: 2 s). */
const FORWARD_ACK_TIMEOUT_MS = 2_000;

/**
 * Serves `{path}/longpoll` as the phoenix client's `LongPoll` transport expects: a GET without a
 * session opens one (`410` + signed token), GETs with the token wait for messages (`200`) or the
 * poll window (`204`), POSTs carry ndjson batches. Every answer is HTTP 200 with the real status
 * in the JSON body, as Phoenix does.
 */
@Injectable()
export class LongPollTransport implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LongPollTransport');
  private readonly endpoint: string;
  private readonly checkOrigin: (request: IncomingMessage) => boolean;
  private readonly tokens: SessionTokens;
  /** This node's sessions; one whose client stopped polling (Phoenix: 1.5 x the window) ends. */
  private readonly sessions: SweptRegistry<string, LongPollSession>;
  /** What all of them may hold undelivered together. */
  private readonly budget: LongPollBudget;
  /** Only in a cluster (a shared `longpoll.secret`): other nodes' tokens verify here and are forwarded. */
  private readonly forwarding: LongPollForwarding | undefined;
  private router: ServerListenerRouter | undefined;

  constructor(
    @Inject(TRANSPORT_HOST) private readonly host: TransportHost,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedChannelsOptions,
    pubsub: PubSub,
    @Inject(NODE_ID) private readonly nodeId: string,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly shutdownHooks: ShutdownHooksCheck,
  ) {
    const { path, checkOrigin, longpoll } = options;
    this.endpoint = endpointPath(path, 'longpoll');
    this.checkOrigin = createOriginCheck(checkOrigin);
    this.tokens = new SessionTokens(longpoll.secret);
    const inactiveAfterMs = Math.floor(longpoll.windowMs * 1.5);
    this.sessions = new SweptRegistry(
      Math.max(50, Math.floor(inactiveAfterMs / 3)),
      (session, now) => !session.isPolling && now - session.lastActiveAt > inactiveAfterMs,
      (session) => session.end(),
    );
    this.budget = new LongPollBudget(longpoll.maxTotalBufferedBytes, () => this.sessions.values());
    this.forwarding = longpoll.secret ? new LongPollForwarding(pubsub, longpoll.windowMs, FORWARD_ACK_TIMEOUT_MS, nodeId) : undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.options.transports.includes('longpoll')) return;
    const server = this.httpAdapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) {
      this.logger.log('No HTTP server (an application context?): the long-poll transport is not served');
      return;
    }
    this.router = new ServerListenerRouter(
      server,
      'request',
      (request) => requestPath(request) === this.endpoint,
      (request, response: ServerResponse) => this.handle(request, response),
      (_request, response: ServerResponse) => response.writeHead(404).end(),
    );
    this.router.install();
  }

  onApplicationShutdown(): void {
    this.router?.uninstall();
    for (const session of [...this.sessions.values()]) session.end();
    this.forwarding?.close();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.serve(request, response).catch((error: unknown) => {
      this.logger.error(`Long-poll request failed: ${error instanceof Error ? error.stack : String(error)}`);
      sendStatusJson(response, { status: 500 });
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'OPTIONS') return sendPreflight(request, response);
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.writeHead(400).end();
      return;
    }
    if (!this.checkOrigin(request)) {
      // No session can come from an origin refused here: every such request is a refused connect.
      publishRefusedConnect('longpoll', 'origin');
      return this.refuse(request, response, 403);
    }
    const { params, search } = requestParams(request);
    const queryTokens = search.getAll('token');
    const headerToken = request.headers[TOKEN_HEADER];
    const presented = typeof headerToken === 'string' ? headerToken : queryTokens.at(-1);
    const sessionId = this.tokens.verify(presented);
    const session = sessionId === null ? undefined : this.sessions.get(sessionId);

    if (request.method === 'GET') {
      if (session) return session.poll(new HttpPollResponder(response));
      if (sessionId !== null && this.heldElsewhere(sessionId)) return this.forwarding!.forwardPoll(sessionId, response);
      // A session token that names an ended session, or that does not verify (tampered, or signed
      // before a restart): the client drops it, reconnects with a fresh session and rejoins.
      if (presented !== undefined && (sessionId !== null || SessionTokens.looksLikeToken(presented))) {
        return sendStatusJson(response, { status: 410 });
      }
      return this.openSession(request, response, this.connectParams(params, queryTokens), search);
    }
    if (!session && (sessionId === null || !this.heldElsewhere(sessionId))) return this.refuse(request, response, 410);
    let body: Buffer;
    try {
      body = await readBody(request, this.options.longpoll.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return this.refuse(request, response, 413);
      throw error;
    }
    const frames = parseBatch(body, request.headers['content-type']);
    if (!session) return this.forwarding!.forwardPost(sessionId!, frames, response);
    session.post(frames);
    sendStatusJson(response, { status: session.isEnded ? 410 : 200 });
  }

  /** A session this node does not hold that another node of the cluster may: forward its requests. */
  private heldElsewhere(sessionId: string): boolean {
    return this.forwarding !== undefined && SessionTokens.nodeOf(sessionId) !== this.nodeId;
  }

  /** An answer given before the body was read: a POST's connection then closes (see sendStatusJsonAndClose). */
  private refuse(request: IncomingMessage, response: ServerResponse, status: 403 | 410 | 413): void {
    if (request.method === 'POST') sendStatusJsonAndClose(request, response, { status });
    else sendStatusJson(response, { status });
  }

  private async openSession(
    request: IncomingMessage,
    response: ServerResponse,
    params: Record<string, string>,
    search: URLSearchParams,
  ): Promise<void> {
    const authHeader = request.headers[AUTH_TOKEN_HEADER];
    const authToken = typeof authHeader === 'string' ? authHeader : undefined;
    const decision = await decideConnect(this.host, this.options.serializers, this.checkOrigin, {
      request,
      params,
      search,
      transport: 'longpoll',
      authToken,
    });
    if ('refused' in decision) return sendStatusJson(response, { status: 403 });
    const sessionId = SessionTokens.newSessionId(this.nodeId);
    const token = this.tokens.sign(sessionId);
    const session = new LongPollSession(
      sessionId,
      token,
      this.options.longpoll,
      this.budget,
      (transport) => this.host.open(transport, decision.serializer, decision.accepted),
      (ended) => this.sessionEnded(ended),
    );
    this.sessions.add(sessionId, session);
    this.forwarding?.attach(session);
    this.shutdownHooks.clientServed();
    sendStatusJson(response, { status: 410, token, messages: [] });
  }

  private sessionEnded(session: LongPollSession): void {
    this.sessions.remove(session.id, session);
    this.forwarding?.detach(session);
  }

  // The client appends its session token as one more `token` query parameter after the app's
  // own params, which may carry a `token` too: the app sees its own, never a session token.
  private connectParams(params: Record<string, string>, queryTokens: string[]): Record<string, string> {
    const appTokens = queryTokens.filter((token) => token !== '' && !SessionTokens.looksLikeToken(token));
    if (appTokens.length > 0) params.token = appTokens[appTokens.length - 1];
    else delete params.token;
    return params;
  }
}
