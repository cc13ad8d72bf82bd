import { Injectable } from '@nestjs/common';
import { Channel, ChannelSocket, HandleIn, Join, Payload, Terminate, type Socket, type SocketHandler } from '../../lib/index.js';

/** What the long-poll fixtures saw. */
@Injectable()
export class LongPollJournal {
  readonly terminated: Array<{ topic: string; reason: string }> = [];
  readonly connectParams: Array<Record<string, string>> = [];
  readonly authTokens: Array<string | undefined> = [];
}

@Channel('lp:*')
export class LongPollChannel {
  constructor(private readonly journal: LongPollJournal) {}

  @Join()
  join(@ChannelSocket() socket: Socket) {
    return { transport: socket.transport, user: socket.assigns.user ?? null };
  }

  @HandleIn('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  @HandleIn('bytes')
  bytes(@Payload() payload: Buffer) {
    return { length: payload.length, first: payload[0], last: payload[payload.length - 1], isBuffer: Buffer.isBuffer(payload) };
  }

  @HandleIn('shout')
  shout(@Payload() payload: unknown, @ChannelSocket() socket: Socket) {
    socket.broadcast('shout', payload);
    return {};
  }

  @Terminate()
  terminate(reason: string, socket: Socket): void {
    this.journal.terminated.push({ topic: socket.topic, reason });
  }
}

/** Accepts `token=letmein` or an auth token, refuses the rest; the id is per user. */
@Injectable()
export class LongPollSocketHandler implements SocketHandler {
  constructor(private readonly journal: LongPollJournal) {}

  connect(params: Record<string, string>, socket: { assign(key: string, value: unknown): void }, info: { authToken?: string }) {
    this.journal.connectParams.push({ ...params });
    this.journal.authTokens.push(info.authToken);
    const user = params.token === 'letmein' ? (params.user ?? 'someone') : info.authToken === 'bearer-ok' ? 'bearer' : null;
    if (!user) return false;
    socket.assign('user', user);
    return true;
  }

  id(socket: { assigns: Record<string, unknown> }) {
    return `user:${String(socket.assigns.user)}`;
  }
}
