import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { publishRefusedConnect } from '../../observability/refused-connect.js';
import { CloseCode } from '../../protocol/close-codes.js';
import { connectInfo } from '../connect-info.js';
import { nextStompId } from './stomp-ids.js';
import type { TransportHost } from '../transport-host.interface.js';
import type { WsTransportConnection } from '../websocket/ws-transport-connection.js';
import { connectParams, negotiateHeartbeats, negotiateVersion, type HeartbeatOffer } from './stomp-connect.js';
import { StompConnection } from './stomp-connection.js';
import { escapingOf } from './stomp-escaping.js';
import { encodeFrame, encodeFrameWithBody } from './stomp-frame-encoder.js';
import { StompFrameError } from './stomp-frame-error.js';
import type { StompFrameParser, StompFrameStream } from './stomp-frame-parser.js';
import { STOMP_VERSIONS, type StompFrame } from './stomp-frame.js';
import type { HeartbeatingSession, StompHeartbeats } from './stomp-heartbeats.js';
import { StompSerializer } from './stomp-serializer.js';
import { runStompCommand } from './stomp-commands.js';

/** Frames a client may send between CONNECT and CONNECTED (while the socket handler decides). */
const MAX_FRAMES_WHILE_CONNECTING = 32;

const logger = new Logger('StompTransport');

/** What every STOMP session of a node shares. */
export interface StompSessionContext {
  readonly host: TransportHost;
  readonly heartbeats: StompHeartbeats;
  readonly offer: HeartbeatOffer;
  /** Reads every session's frames: it keeps no state of its own per session. */
  readonly parser: StompFrameParser;
  readonly maxPayloadDepth: number;
  readonly maxSubscriptions: number;
  readonly connectTimeoutMs: number;
  /** Sessions that have not sent CONNECT yet: the shutdown refuses them. */
  readonly connecting: Set<StompSession>;
}

type State = 'awaiting-connect' | 'authorizing' | 'connected' | 'closed';

/**
 * One STOMP client over one WebSocket: reads its frames, runs CONNECT through the socket handler,
 * then hands every other frame to {@link runStompCommand}, which maps it onto the channel protocol.
 * Any protocol error is an `ERROR` frame, then the close STOMP requires; nobody else is affected.
 * The session is the connection's only object: it extends the {@link StompConnection} the channel
 * layer writes to (which extends its subscriptions), and is the stream the shared parser reads.
 */
export class StompSession extends StompConnection implements HeartbeatingSession, StompFrameStream {
  lastReadAt = Date.now();
  lastWriteAt = Date.now();
  outgoingMs = 0;
  incomingMs = 0;
  unfinished: Buffer | undefined;
  private lastPingAt = 0;
  private state: State = 'awaiting-connect';
  /** The upgrade request, until CONNECT has been decided. */
  private request: IncomingMessage | undefined;
  private queued: StompFrame[] | undefined;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    writer: WsTransportConnection,
    request: IncomingMessage,
    private readonly context: StompSessionContext,
  ) {
    super(writer);
    this.request = request;
    this.connectTimer = setTimeout(() => {
      publishRefusedConnect('stomp', 'protocol');
      this.refuse('no CONNECT frame in time');
    }, context.connectTimeoutMs);
    this.connectTimer.unref();
    context.connecting.add(this);
  }

  /** Refuses a client that has not connected yet (the node shuts down). */
  refuseConnect(reason: string): void {
    if (this.state === 'awaiting-connect') this.refuse(reason);
  }

  /** A WebSocket message: any number of frames, or part of one, or heart-beats. */
  receive(data: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReadAt = Date.now();
    try {
      this.context.parser.push(this, data);
    } catch (error) {
      if (!(error instanceof StompFrameError)) throw error;
      this.error(error.message, { reason: 'malformed frame', detail: error.message }, CloseCode.malformed);
    }
  }

  /**
   * A WebSocket ping or pong: the client is alive. It takes a token of the rate limit like a frame;
   * returns whether a ping is to be answered.
   */
  activity(): boolean {
    this.lastReadAt = Date.now();
    return this.state === 'connected' ? this.inbound!.handlePing() : this.state !== 'closed';
  }

  /** The WebSocket closed (`error`: it failed; otherwise the transport's own reason, or the client). */
  closed(why?: 'error'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.cleanUp();
    this.inbound?.transportClosed(why);
  }

  override heartbeat(): void {
    this.lastWriteAt = Date.now();
    if (this.inbound !== undefined) super.heartbeat();
  }

  heartbeatMissed(): void {
    this.error('heart-beat missed', { reason: 'heart-beat missed' }, CloseCode.normal);
  }

  ping(): void {
    const now = Date.now();
    if (now - this.lastPingAt < this.context.heartbeats.pingAfterMs) return;
    this.lastPingAt = now;
    this.writer.ping();
  }

  /** A frame the parser read (or one queued while CONNECT was being decided); false once the session closed. */
  onFrame(frame: StompFrame): boolean {
    if (this.state === 'closed') return false;
    if (frame.command === 'CONNECT' || frame.command === 'STOMP') {
      if (this.state !== 'awaiting-connect') this.error('already connected', { reason: 'already connected' });
      else this.connect(frame);
    } else if (this.state === 'awaiting-connect') {
      publishRefusedConnect('stomp', 'protocol');
      this.refuse(`expected CONNECT, got ${frame.command}`);
    } else if (this.state === 'authorizing') {
      this.queued!.push(frame);
      if (this.queued!.length > MAX_FRAMES_WHILE_CONNECTING) this.error('too many frames before CONNECTED', { reason: 'rate limited' });
    } else {
      runStompCommand(this, frame, this.context);
    }
    return this.isOpen();
  }

  /** A method, not a comparison: TypeScript would keep `state` narrowed across the calls above that change it. */
  private isOpen(): boolean {
    return this.state !== 'closed';
  }

  private connect(frame: StompFrame): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.context.connecting.delete(this);
    const version = negotiateVersion(frame.headers.get('accept-version'));
    if (version === null) {
      const reason = `supported protocol versions are ${STOMP_VERSIONS.join(',')}`;
      this.writeRaw(encodeFrameWithBody('ERROR', [['version', STOMP_VERSIONS.join(',')], ['message', reason]], Buffer.from(reason), 'text/plain', 'none'));
      return this.end(CloseCode.policyViolation, 'unsupported STOMP version');
    }
    const heartbeats = negotiateHeartbeats(frame.headers.get('heart-beat'), this.context.offer);
    this.escaping = escapingOf(version);
    this.state = 'authorizing';
    this.queued = [];
    const { params, authToken } = connectParams(frame.headers);
    const request = this.request!;
    this.request = undefined;
    void this.context.host.authorize(params, connectInfo('stomp', request, authToken), '2.0.0').then(
      (accepted) => {
        if (this.state === 'closed') return;
        if (accepted === null) return this.refuse('connection refused');
        this.inbound = this.context.host.open(this, StompSerializer.for(this.escaping), accepted);
        const headers: Array<[string, string]> = [
          ['version', version],
          ['heart-beat', heartbeats.header],
          ['session', nextStompId()],
          ['server', 'nestjs-channels'],
        ];
        this.writeRaw(encodeFrame('CONNECTED', headers, undefined, 'none'));
        this.state = 'connected';
        this.outgoingMs = heartbeats.outgoingMs;
        this.incomingMs = heartbeats.incomingMs;
        this.lastReadAt = Date.now();
        this.context.heartbeats.add(this);
        const queued = this.queued ?? [];
        this.queued = undefined;
        for (const frame of queued) if (this.onFrame(frame) === false) break;
      },
      (error: unknown) => {
        logger.error(`Authorizing a STOMP client failed: ${String(error)}`);
        this.refuse('connection refused');
      },
    );
  }

  /** An EOL between frames: the client's heart-beat, which takes a token of the rate limit like a ping. */
  onHeartbeat(): void {
    if (this.state === 'connected') this.inbound!.handlePing();
  }

  /** Refused before CONNECTED: an ERROR without escaping, then the close. */
  private refuse(reason: string, code: number = CloseCode.policyViolation): void {
    if (this.state === 'closed') return;
    this.writeRaw(encodeFrameWithBody('ERROR', [['message', reason]], Buffer.from(JSON.stringify({ reason })), 'application/json', 'none'));
    this.end(code, reason);
  }

  /** An ERROR frame, then the close. */
  private error(reason: string, response: unknown, code: number = CloseCode.policyViolation): void {
    if (this.state === 'closed') return;
    if (this.inbound === undefined) return this.refuse(reason, code);
    this.fail(reason, response, [], code);
  }

  private writeRaw(data: Buffer): void {
    this.writer.send({ data, binary: false });
  }

  /** Ends the session from this side: every channel ends, then the WebSocket closes. */
  end(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.cleanUp();
    this.inbound?.transportClosed();
    this.close(code, reason);
  }

  private cleanUp(): void {
    clearTimeout(this.connectTimer);
    this.context.connecting.delete(this);
    this.queued = undefined;
    this.context.heartbeats.remove(this);
  }
}
