import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { eventually } from '../support/phoenix-client.js';
import { json, useStompClients } from '../support/stomp-client.js';
import { chatText } from '../support/chat-text.js';

// The STOMP endpoint negotiates permessage-deflate as the Phoenix WebSocket does (the same
// endpoint code): @stomp/stompjs over `ws`, which offers it as browsers do, gets MESSAGE frames
// worth compressing compressed, each broadcast compressed once for all subscribers.

/** What the client's `ws` negotiated, and the bytes its TCP socket read. */
function wireOf(socket: unknown): { extensions: string; bytesRead: number } {
  const ws = socket as { extensions: string; _socket: { bytesRead: number } };
  return { extensions: ws.extensions, bytesRead: ws._socket.bytesRead };
}

describe.each([true, false])('STOMP with compression %s', (compression) => {
  const app = useTestApp(() => conformanceApp('express', { transports: ['stomp'], compression, maxFrameSize: 64 * 1024 }));
  const stomp = useStompClients(() => `${app.current.socketUrl}/stomp`);

  test(compression ? 'a 2 KB broadcast reaches every subscriber intact and compressed' : 'nothing is negotiated and the broadcast travels whole', async () => {
    const ann = await stomp.connected({ user: 'ann' });
    const bob = await stomp.connected({ user: 'bob' });
    expect(wireOf(bob.socket).extensions).toBe(compression ? 'permessage-deflate' : '');
    await ann.subscribe('room:zip');
    const bobs = await bob.subscribe('room:zip');
    const body = chatText(2000);
    const before = wireOf(bob.socket).bytesRead;
    ann.send('room:zip', 'shout', { body }, { receipt: 'z1' });
    await ann.receipt('z1');
    await eventually(() => bobs.messages.some((message) => message.headers.event === 'shout'), 'the broadcast');
    const message = bobs.messages.find((each) => each.headers.event === 'shout')!;
    expect(json(message)).toEqual({ body });
    const read = wireOf(bob.socket).bytesRead - before;
    if (compression) expect(read).toBeLessThan(900);
    else expect(read).toBeGreaterThan(2000);
  });
});
