import { connect, type Socket } from 'node:net';

/**
 * A hand-made WebSocket client on a bare TCP socket, for what `ws` cannot do: reset the
 * connection abruptly (RST, no close frame) and stop reading while the server keeps sending.
 */
export class RawWebSocket {
  private constructor(readonly tcp: Socket) {}

  /** Connects and completes the upgrade to `/socket/websocket?vsn=2.0.0`. */
  static async open(port: number): Promise<RawWebSocket> {
    const tcp = connect(port, '127.0.0.1');
    tcp.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      tcp.once('connect', resolve);
      tcp.once('error', reject);
    });
    tcp.write(
      'GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const head = await nextData(tcp);
    if (!head.toString('latin1').startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.toString('latin1', 0, 40)}`);
    return new RawWebSocket(tcp);
  }

  /** Sends a text frame and resolves with the next bytes the server sends (its reply). */
  request(frame: unknown): Promise<Buffer> {
    const answer = nextData(this.tcp);
    this.tcp.write(maskedTextFrame(JSON.stringify(frame)));
    return answer;
  }

  send(frame: unknown): void {
    this.tcp.write(maskedTextFrame(JSON.stringify(frame)));
  }

  /** Drops the connection with a TCP RST, as a crashed client or a yanked cable would. */
  reset(): void {
    this.tcp.resetAndDestroy();
  }
}

function nextData(tcp: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => (cleanup(), resolve(data));
    const onClose = () => (cleanup(), reject(new Error('connection closed before the server answered')));
    const cleanup = () => {
      tcp.off('data', onData);
      tcp.off('close', onClose);
    };
    tcp.on('data', onData);
    tcp.on('close', onClose);
  });
}

/** Client frames must be masked (RFC 6455); a fixed mask is fine for a bench. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}
