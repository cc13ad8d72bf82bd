import { Injectable } from '@nestjs/common';
import { Channel, ChannelSocket, HandleIn, Join, Payload, Terminate, Topic, type Socket, type SocketHandler } from '../../lib/index.js';

/** What the hardening fixtures saw. */
@Injectable()
export class HardeningJournal {
  connectCalls = 0;
  readonly terminated: Array<{ topic: string; reason: string }> = [];
}

@Injectable()
export class CountingSocketHandler implements SocketHandler {
  constructor(private readonly journal: HardeningJournal) {}

  connect(): boolean {
    this.journal.connectCalls += 1;
    return true;
  }
}

@Channel('h:*')
export class HardeningChannel {
  constructor(private readonly journal: HardeningJournal) {}

  @Join()
  join(@Topic() topic: string) {
    if (topic === 'h:crash') throw new Error('join exploded on purpose');
    return {};
  }

  @HandleIn('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  /** Broadcasts `count` messages of `size` bytes, `perTurn` per event-loop turn (a busy topic). */
  @HandleIn('flood')
  async flood(@Payload() payload: { count: number; size: number; perTurn?: number }, @ChannelSocket() socket: Socket) {
    const body = 'x'.repeat(payload.size);
    const perTurn = payload.perTurn ?? payload.count;
    for (let i = 0; i < payload.count; i++) {
      if (i > 0 && i % perTurn === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      socket.broadcast('blob', { i, body });
    }
    return { sent: payload.count };
  }

  @Terminate()
  terminate(reason: string, socket: Socket): void {
    this.journal.terminated.push({ topic: socket.topic, reason });
  }
}

export const HARDENING_PROVIDERS = [HardeningChannel, HardeningJournal, CountingSocketHandler];
