import type { Socket as PhoenixSocket } from 'phoenix';
import { Channel, Join, Payload } from '../../lib/index.js';
import { setCodec, type Codec } from '../support/phoenix-internals.js';

/** A feed that keeps a short history (5, so a test can outrun it); `typing` is ephemeral. Its join reply echoes the params. */
@Channel('feed:*', { history: { size: 5, ttlMs: 60_000, ephemeral: ['typing'] } })
export class FeedChannel {
  @Join()
  join(@Payload() params: Record<string, unknown>): { params: Record<string, unknown> } {
    return { params };
  }
}

/** A feed whose join answers an array: its reply cannot carry `recovery`, though its broadcasts carry positions. */
@Channel('list:*', { history: true })
export class ListChannel {
  @Join()
  join(): string[] {
    return ['a', 'b'];
  }
}

/** A message as the phoenix client's decoder hands it to the socket (what this file reads of it). */
interface Decoded {
  ref: unknown;
}

const POSITIONED = /^[^:]+:\d+$/;

/**
 * Makes `socket` receive every message that carries a position more than once, as a flaky
 * transport or a replay racing a live message would: right after it, the same message again,
 * then every positioned message this socket received before it, again (across reconnects too).
 * Everything else arrives once. It wraps the socket's decoder, so it works with any transport
 * and serializer.
 */
export function deliverPositionedAgain(socket: PhoenixSocket): void {
  const internals = socket as unknown as Codec;
  const encode = internals.encode;
  const decode = internals.decode;
  const seen: Decoded[] = [];
  setCodec(socket, {
    encode,
    decode: (raw, callback) =>
      decode.call(socket, raw, (message: unknown) => {
        callback(message);
        const { ref } = message as Decoded;
        if (typeof ref !== 'string' || !POSITIONED.test(ref)) return;
        for (const again of [message as Decoded, ...seen]) callback(again);
        seen.push(message as Decoded);
      }),
  });
}
