import type { ServerResponse } from 'node:http';
import { ControlEvent, ControlTopic } from '../../protocol/reserved.js';
import type { BroadcastMessage } from '../../pubsub/broadcast-message.js';
import type { PubSub } from '../../pubsub/pubsub.js';
import type { LongPollSession } from './longpoll-session.js';
import type { InboundFrame } from './ndjson-batch.js';
import { HttpPollResponder, type LongPollBody, type PollResponder } from './poll-responder.js';


/** A poll or post that reached a node other than the session's. */
interface ForwardedRequest {
  kind: 'poll' | 'post';
  requestId: string;
  replyTo: string;
  /** Post frames: text as is, binary as base64. */
  frames?: Array<{ data: string; binary: boolean }>;
}

interface ForwardedReply {
  requestId: string;
  kind: 'ack' | 'answer';
  body?: LongPollBody;
}

interface PendingRequest {
  responder: HttpPollResponder;
  timer: NodeJS.Timeout;
}

/**
 * Lets any node of a cluster serve any long-poll session, as Phoenix does, so no sticky sessions
 * are needed: a node that gets a request for a session it does not hold publishes it on the
 * session's PubSub topic; the owner acknowledges, serves it and publishes the answer back.
 * No acknowledgement within `ackTimeoutMs` means the session is gone (410).
 */
export class LongPollForwarding {
  private readonly replyTopic: string;
  private readonly pending = new Map<string, PendingRequest>();
  /** The handler serving forwarded requests, per session attached. */
  private readonly attached = new Map<LongPollSession, (message: BroadcastMessage) => void>();
  private nextRequestId = 0;
  private listening = false;
  private readonly onReply = (message: BroadcastMessage) => this.handleReply(message.payload as ForwardedReply);

  constructor(
    private readonly pubsub: PubSub,
    private readonly windowMs: number,
    private readonly ackTimeoutMs: number,
    nodeId: string,
  ) {
    this.replyTopic = ControlTopic.longPollReplies(nodeId);
  }

  /** Serves the requests other nodes forward for `session`, until `detach`. */
  attach(session: LongPollSession): void {
    const handler = (message: BroadcastMessage) => {
      if (message.event === ControlEvent.longPollRequest) this.serve(session, message.payload as ForwardedRequest);
    };
    this.attached.set(session, handler);
    this.pubsub.subscribe(ControlTopic.longPollSession(session.id), handler);
  }

  detach(session: LongPollSession): void {
    const handler = this.attached.get(session);
    if (!handler) return;
    this.attached.delete(session);
    this.pubsub.unsubscribe(ControlTopic.longPollSession(session.id), handler);
  }

  forwardPoll(sessionId: string, response: ServerResponse): void {
    this.forward(sessionId, { kind: 'poll' }, response);
  }

  forwardPost(sessionId: string, frames: InboundFrame[], response: ServerResponse): void {
    const encoded = frames.map((frame) => ({
      data: frame.data.toString(frame.binary ? 'base64' : 'utf8'),
      binary: frame.binary,
    }));
    this.forward(sessionId, { kind: 'post', frames: encoded }, response);
  }

  close(): void {
    for (const [requestId, pending] of this.pending) this.finish(requestId, pending, { status: 410 });
    if (this.listening) this.pubsub.unsubscribe(this.replyTopic, this.onReply);
    this.listening = false;
  }

  private forward(sessionId: string, request: Pick<ForwardedRequest, 'kind' | 'frames'>, response: ServerResponse): void {
    if (!this.listening) {
      this.pubsub.subscribe(this.replyTopic, this.onReply);
      this.listening = true;
    }
    const requestId = (this.nextRequestId++).toString(36);
    const responder = new HttpPollResponder(response);
    const pending: PendingRequest = {
      responder,
      timer: setTimeout(() => this.finish(requestId, pending, { status: 410 }), this.ackTimeoutMs),
    };
    this.pending.set(requestId, pending);
    responder.onAbort(() => {
      clearTimeout(pending.timer);
      this.pending.delete(requestId);
    });
    const message: ForwardedRequest = { ...request, requestId, replyTo: this.replyTopic };
    this.pubsub.publishControl(ControlTopic.longPollSession(sessionId), ControlEvent.longPollRequest, message);
  }

  private handleReply(reply: ForwardedReply): void {
    const pending = this.pending.get(reply.requestId);
    if (!pending) return;
    if (reply.kind === 'answer') {
      this.finish(reply.requestId, pending, reply.body ?? { status: 410 });
      return;
    }
    // The owner has it: now wait as long as a poll may take, plus the way back.
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => this.finish(reply.requestId, pending, { status: 410 }), this.windowMs + this.ackTimeoutMs);
  }

  private finish(requestId: string, pending: PendingRequest, body: LongPollBody): void {
    clearTimeout(pending.timer);
    this.pending.delete(requestId);
    pending.responder.answer(body);
  }

  private serve(session: LongPollSession, request: ForwardedRequest): void {
    const reply = (kind: ForwardedReply['kind'], body?: LongPollBody) =>
      this.pubsub.publishControl(request.replyTo, ControlEvent.longPollReply, { requestId: request.requestId, kind, body } satisfies ForwardedReply);
    reply('ack');
    if (request.kind === 'poll') {
      session.poll(new RemotePollResponder((body) => reply('answer', body)));
      return;
    }
    const frames = (request.frames ?? []).map((frame) => ({
      data: Buffer.from(frame.data, frame.binary ? 'base64' : 'utf8'),
      binary: frame.binary,
    }));
    session.post(frames);
    reply('answer', { status: session.isEnded ? 410 : 200 });
  }
}

/** A poll held for a client whose request reached another node: the answer travels back over PubSub. */
class RemotePollResponder implements PollResponder {
  private answered = false;

  constructor(private readonly send: (body: LongPollBody) => void) {}

  get open(): boolean {
    return !this.answered;
  }

  answer(body: LongPollBody): void {
    if (this.answered) return;
    this.answered = true;
    this.send(body);
  }

  // The forwarding node cannot tell us when its client leaves; the poll window bounds the wait.
  onAbort(): void {}
}
