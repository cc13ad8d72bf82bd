import type { SharedFrame } from '../../fanout/shared-frame.js';
import type { CompressionOptions } from '../../interfaces/channels-options.interface.js';
import { MessageDeflater } from './message-deflater.js';
import { prebuiltWebSocketFrame, webSocketFrame } from './prebuilt-frame.js';

/**
 * What the server writes to the sockets that negotiated permessage-deflate with one window size:
 * one instance per window size, shared by all those sockets. A broadcast is compressed and framed
 * once per wire format for all of them (cached on the SharedFrame under this instance's key);
 * messages under the threshold go out uncompressed, as the very frame uncompressed sockets get.
 */
export class OutboundCompression {
  private readonly key: symbol;
  private readonly deflater: MessageDeflater;
  private readonly thresholdBytes: number;

  constructor(options: Required<CompressionOptions>, windowBits: number) {
    this.key = Symbol(`permessage-deflate frame, window ${windowBits}`);
    this.deflater = new MessageDeflater(options.level, windowBits);
    this.thresholdBytes = options.thresholdBytes;
  }

  /** The frame of a broadcast for these sockets: compressed once, or the uncompressed pre-built one. */
  sharedFrame(frame: SharedFrame): Buffer {
    if (frame.data.length < this.thresholdBytes) return prebuiltWebSocketFrame(frame);
    return frame.prepared(this.key, this.buildShared);
  }

  /** The compressed frame of a message for one socket, or `undefined` to send it uncompressed. */
  ownFrame(data: Buffer | string, binary: boolean): Buffer | undefined {
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (length < this.thresholdBytes) return undefined;
    const payload = this.deflater.deflate(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    return payload.length < length ? webSocketFrame(payload, binary, true) : undefined;
  }

  // Data that does not shrink (already compressed media, random bytes) leaves as it is.
  private readonly buildShared = (frame: SharedFrame): Buffer => {
    const payload = this.deflater.deflate(frame.data);
    return payload.length < frame.data.length ? webSocketFrame(payload, frame.binary, true) : prebuiltWebSocketFrame(frame);
  };
}
