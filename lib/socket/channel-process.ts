import { Logger } from '@nestjs/common';
import type { ChannelDefinition, ChannelHandlerFn } from '../discovery/channel-definition.js';
import { ChannelsError } from '../errors/channels.error.js';
import { toErrorReply } from '../errors/error-reply.js';
import { PhxEvent } from '../protocol/events.js';
import type { InboundMessage, OutboundMessage, ReplyStatus } from '../protocol/messages.js';
import { formatPosition } from '../history/position.js';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import { encodeOutbound } from '../serializers/pre-encoded-payload.js';
import type { ChannelBroadcasts, ChannelHost } from './channel-host.interface.js';
import { ChannelReceiver } from './channel-receiver.js';
import { errorDetail, errorSummary } from './error-summary.js';
import { HistoryJoin } from './history-join.js';
import { LazyCompletion } from './lazy-completion.js';
import { Mailbox, type MailboxOwner } from './mailbox.js';
import { SocketRef, type ReplyTarget } from './socket-ref.js';
import { Socket, type SocketOwner } from './socket.js';
import { isThenable } from './thenable.js';
import { nextSubscriberId } from '../node-identity.js';
import type { ChannelHandleInEvent, ChannelJoinEvent } from '../observability/events.js';
import { handleInsObserved, joinsObserved, observeHandleIn, observeJoin, publishCrash, publishLeave } from '../observability/observed-handlers.js';

const logger = new Logger('Channel');

type State = 'joining' | 'joined' | 'closed';

/** Why a channel ended, as `@Terminate` receives it. */
export type TerminateReason = 'leave' | 'closed' | 'duplicate_join' | 'crash' | 'shutdown' | (string & {});

/** The end has come: see `ChannelProcess.terminated`. */
const ENDED = Symbol('ended');

/**
 * One joined topic on one connection: Phoenix's channel server. Messages are handled one at a
 * time through a mailbox; broadcasts reach the client through the ChannelReceiver it extends.
 */
export class ChannelProcess extends ChannelReceiver implements SocketOwner, ReplyTarget, MailboxOwner {
  readonly socket: Socket;
  private state: State = 'joining';
  /** While tasks are queued or running: an idle channel holds none. */
  private mailbox: Mailbox | undefined;
  /** Pushes made while joining wait here so that the join reply goes first. */
  private pendingPushes: OutboundMessage[] | null = [];
  private handling: InboundMessage | null = null;
  private endReason: TerminateReason = 'closed';
  /** The history broadcast a `@HandleOut` is running for: a push of its event carries its position. */
  private intercepted: BroadcastMessage | null = null;
  /** Made when somebody waits for the end (a shutdown draining), `ENDED` once ended: an idle channel holds neither. */
  private termination: LazyCompletion | typeof ENDED | undefined;

  constructor(
    host: ChannelHost,
    private readonly definition: ChannelDefinition,
    readonly topic: string,
    readonly joinRef: string | null,
    private readonly broadcasts: ChannelBroadcasts,
  ) {
    super(nextSubscriberId('channel'), host, definition.handleOut);
    this.socket = new Socket(this, topic, joinRef, host.assigns, host.socketId, host.transportName, host.serializer.vsn);
  }

  /** A mailbox task threw past its own handling. */
  mailboxFailed(error: unknown): void {
    this.crash(error, 'mailbox');
  }

  mailboxIdle(): void {
    this.mailbox = undefined;
  }

  private enqueue(task: () => unknown): void {
    (this.mailbox ??= new Mailbox(this)).enqueue(task);
  }

  /** A broadcast a `@HandleOut` intercepts: it runs in the channel's turn. */
  handleOutLater(handler: ChannelHandlerFn, message: BroadcastMessage): void {
    this.enqueue(() => this.runHandleOut(handler, message));
  }

  /** Settles once the channel ended and its `@Terminate` (if any) returned. */
  get terminated(): Promise<void> {
    if (this.termination === ENDED) return Promise.resolve();
    this.termination ??= new LazyCompletion();
    return this.termination.settled;
  }

  private completeTermination(): void {
    const waiting = this.termination;
    this.termination = ENDED;
    if (waiting instanceof LazyCompletion) waiting.complete();
  }

  get joined(): boolean {
    return this.state === 'joined';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  join(message: InboundMessage): void {
    this.enqueue(() => this.runJoin(message));
  }

  handleIn(message: InboundMessage): void {
    this.enqueue(() => this.runHandleIn(message));
  }

  /** The client left: reply ok, then `phx_close` and terminate. */
  leave(message: InboundMessage): void {
    this.enqueue(() => {
      if (message.ref !== null) this.sendReply(message.joinRef, message.ref, 'ok', {});
      this.end('leave', PhxEvent.close);
    });
  }

  /** Ends the channel from outside (connection closed, duplicate join, shutdown); resolves once `@Terminate` ran. */
  shutdown(reason: TerminateReason, notifyClient: boolean): Promise<void> {
    this.end(reason, notifyClient ? PhxEvent.close : null);
    return this.terminated;
  }

  push(event: string, payload: unknown): void {
    if (this.state === 'closed') return;
    const position = this.intercepted?.event === event ? this.intercepted.position : undefined;
    const ref = position === undefined ? null : formatPosition(position);
    const message: OutboundMessage = { joinRef: this.joinRef, ref, topic: this.topic, event, payload };
    if (this.pendingPushes) this.pendingPushes.push(message);
    else this.target.send(encodeOutbound(this.target.serializer, message));
  }

  broadcast(event: string, payload: unknown, excludeSelf: boolean): void {
    if (excludeSelf) this.broadcasts.pubsub.broadcastFrom(this, this.topic, event, payload);
    else this.broadcasts.pubsub.broadcast(this.topic, event, payload);
  }

  currentRef(): SocketRef {
    const message = this.handling;
    if (!message || message.ref === null) {
      throw new ChannelsError(
        'CHANNELS_ERR_SOCKET_REF_UNAVAILABLE',
        'socketRef() is only available while a @HandleIn handler runs for a message with a ref',
      );
    }
    return new SocketRef(this, this.topic, message.joinRef, message.ref);
  }

  stop(reason: string): void {
    // Queued, so the handler that asked finishes (and replies) first.
    this.enqueue(() => this.end(reason, PhxEvent.close));
  }

  replyLater(joinRef: string | null, ref: string, status: ReplyStatus, response: unknown): void {
    if (this.state !== 'joined') return;
    this.sendReply(joinRef, ref, status, response);
  }

  private runJoin(message: InboundMessage): Promise<void> {
    if (!joinsObserved()) return this.joinNow(message);
    const { pattern } = this.definition;
    return observeJoin(pattern, this.topic, this.target.transportName, message.payload, (event) => this.joinNow(message, event));
  }

  /** The join; `event` (when observed) learns its outcome. */
  private async joinNow(message: InboundMessage, event?: ChannelJoinEvent): Promise<void> {
    if (this.state === 'closed') {
      this.completeTermination();
      return;
    }
    const history = this.definition.history;
    const recovery = history ? await HistoryJoin.start(this.topic, message.payload, history, this, this.broadcasts) : null;
    let response: unknown;
    try {
      response = await this.definition.join(this.socket, message.payload, null, message.event);
    } catch (error) {
      const reply = toErrorReply(error);
      // Reported already, by Nest's ExceptionsHandler or by the app's exception filter that rethrew it.
      if (!reply) logger.debug(`${this.definition.name} join crashed on "${this.topic}": ${errorSummary(error)}`);
      if (event) {
        event.outcome = reply ? 'error' : 'crash';
        event.error = error;
      }
      if (!reply) publishCrash(this.definition.pattern, this.topic, 'join', error);
      this.state = 'closed';
      this.pendingPushes = null;
      this.broadcasts.fanout.remove(this.topic, this);
      this.target.channelEnded(this);
      this.socket.markEnded('join_failed');
      this.completeTermination();
      if (message.ref !== null) this.sendReply(message.joinRef, message.ref, 'error', reply ?? { reason: 'join crashed' });
      return;
    }
    if (this.closed) return this.endedWhileJoining();
    this.state = 'joined';
    if (event) event.outcome = 'ok';
    if (recovery) {
      const reply = (ok: unknown) => message.ref !== null && this.sendReply(message.joinRef, message.ref, 'ok', ok);
      return recovery.finish(this.definition, this.topic, this, response, reply, () => this.sendPendingPushes());
    }
    this.broadcasts.fanout.add(this.topic, this);
    if (message.ref !== null) this.sendReply(message.joinRef, message.ref, 'ok', response ?? {});
    this.sendPendingPushes();
  }

  /** The connection went away while the join ran: the join did happen, so terminate runs. */
  private async endedWhileJoining(): Promise<void> {
    if (this.definition.terminate) await this.runTerminate(this.endReason);
    else this.completeTermination();
  }

  private sendPendingPushes(): void {
    const pending = this.pendingPushes ?? [];
    this.pendingPushes = null;
    for (const push of pending) this.target.send(encodeOutbound(this.target.serializer, push));
  }

  /** Returns a promise only while an asynchronous handler runs: the mailbox goes on at once after a synchronous one. */
  private runHandleIn(message: InboundMessage): Promise<void> | void {
    if (this.state !== 'joined') {
      if (message.ref !== null) this.sendReply(message.joinRef, message.ref, 'error', { reason: 'unmatched topic' });
      return;
    }
    const handler = this.definition.handleIn.get(message.event) ?? this.definition.catchAll;
    if (!handler) {
      if (message.ref !== null) this.sendReply(message.joinRef, message.ref, 'error', { reason: 'unhandled event' });
      return;
    }
    if (!handleInsObserved()) return this.handleInWith(handler, message);
    const { pattern: channel, handleIn } = this.definition;
    const { event, payload } = message;
    const fields = { channel, topic: this.topic, event, catchAll: !handleIn.has(event), transport: this.target.transportName, payload };
    return observeHandleIn(fields, async (observed) => this.handleInWith(handler, message, observed));
  }

  /** Runs `handler` for `message`; `event` (when observed) learns its outcome. */
  private handleInWith(handler: ChannelHandlerFn, message: InboundMessage, event?: ChannelHandleInEvent): Promise<void> | void {
    this.handling = message;
    let result: unknown;
    try {
      const ref = message.ref === null ? null : new SocketRef(this, this.topic, message.joinRef, message.ref);
      result = handler(this.socket, message.payload, ref, message.event);
    } catch (error) {
      return this.handleInFailed(message, error, event);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.handleInDone(message, value, event),
        (error: unknown) => this.handleInFailed(message, error, event),
      );
    }
    this.handleInDone(message, result, event);
  }

  private handleInDone(message: InboundMessage, result: unknown, event: ChannelHandleInEvent | undefined): void {
    this.handling = null;
    if (result !== undefined && message.ref !== null && this.state === 'joined') {
      if (event) event.outcome = 'ok';
      this.sendReply(message.joinRef, message.ref, 'ok', result);
    } else {
      this.target.handled?.(message);
    }
  }

  private handleInFailed(message: InboundMessage, error: unknown, event: ChannelHandleInEvent | undefined): void {
    this.handling = null;
    const reply = toErrorReply(error);
    if (event) {
      event.outcome = reply ? 'error' : 'crash';
      event.error = error;
    }
    if (reply && message.ref !== null) this.sendReply(message.joinRef, message.ref, 'error', reply);
    else if (!reply) this.crash(error, `handle_in "${message.event}"`, true);
  }

  private async runHandleOut(handler: ChannelHandlerFn, message: BroadcastMessage): Promise<void> {
    if (this.state !== 'joined') return;
    this.intercepted = message;
    try {
      await handler(this.socket, message.payload, null, message.event);
    } catch (error) {
      this.crash(error, `handle_out "${message.event}"`);
    } finally {
      this.intercepted = null;
    }
  }

  /**
   * Logs the crash once: `reported` means it came out of Nest's exception filters, where Nest's
   * ExceptionsHandler logged it with its stack (or the app's own filter saw it and rethrew).
   */
  private crash(error: unknown, where: string, reported = false): void {
    if (this.state === 'closed') return;
    if (reported) logger.debug(`${this.definition.name} crashed in ${where} on "${this.topic}": ${errorSummary(error)}`);
    else logger.error(`${this.definition.name} crashed in ${where} on "${this.topic}": ${errorDetail(error)}`);
    publishCrash(this.definition.pattern, this.topic, where, error);
    this.end('crash', PhxEvent.error);
  }

  private end(reason: TerminateReason, notify: string | null): void {
    if (this.state === 'closed') return;
    const wasJoined = this.state === 'joined';
    this.state = 'closed';
    this.endReason = reason;
    this.pendingPushes = null;
    this.broadcasts.fanout.remove(this.topic, this);
    if (notify) {
      const ref = this.joinRef;
      this.target.send(this.target.serializer.encodeMessage({ joinRef: ref, ref, topic: this.topic, event: notify, payload: {} }));
    }
    this.target.channelEnded(this);
    this.socket.markEnded(reason);
    if (wasJoined) publishLeave(this.definition.pattern, this.topic, this.target.transportName, reason);
    if (wasJoined && this.definition.terminate) this.enqueue(() => this.runTerminate(reason));
    // A join still running settles `terminated` itself when it returns.
    else if (wasJoined) this.completeTermination();
  }

  private async runTerminate(reason: TerminateReason): Promise<void> {
    try {
      await this.definition.terminate!(reason, this.socket);
    } catch (error) {
      logger.error(`${this.definition.name} @Terminate failed on "${this.topic}": ${errorDetail(error)}`);
    } finally {
      this.completeTermination();
    }
  }

  private sendReply(joinRef: string | null, ref: string, status: ReplyStatus, response: unknown): void {
    this.target.send(this.target.serializer.encodeReply({ joinRef, ref, topic: this.topic, status, response }), 'reply');
  }
}

