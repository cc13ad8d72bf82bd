import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface RawUpgrade {
  response: IncomingMessage;
  socket: Socket;
}

/**
 * A WebSocket upgrade written by hand, for headers no client library sends (extension offers a
 * server must decline) and for frames no client library writes (a deflate bomb).
 */
export function rawUpgrade(url: string, headers: Record<string, string> = {}): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    });
    req.once('upgrade', (response, socket) => resolve({ response, socket: socket as Socket }));
    req.once('response', (response) => reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
}

/** The code of the first close frame the server sends on `socket`, or 1006 if it closes without one. */
export function serverCloseCode(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // An unmasked close frame with a short payload: 0x88, length, code (2 bytes), reason.
      if (received.length >= 4 && received[0] === 0x88) resolve(received.readUInt16BE(2));
    });
    socket.once('close', () => resolve(1006));
  });
}
