import WebSocket from 'ws';

export interface ProbeOptions {
  /** Connect params; `vsn=2.0.0` is added as the phoenix client does. */
  params?: Record<string, string>;
  /** Sent the way the phoenix 1.8 client sends its `authToken` option. */
  authToken?: string;
  origin?: string;
}

export interface ProbeResult {
  /** 101 when the upgrade succeeded, else the HTTP status of the refusal. */
  status: number;
  /** The subprotocol the server selected (on 101). */
  protocol?: string;
}

/** The subprotocols the phoenix 1.8 client offers: base64 without padding, despite the name. */
export function authTokenProtocols(authToken: string): string[] {
  return ['phoenix', `base64url.bearer.phx.${Buffer.from(authToken).toString('base64').replace(/=/g, '')}`];
}

/**
 * Opens a raw WebSocket to `{socketUrl}/websocket` and reports what the upgrade answered: the
 * phoenix client only reports "error", while the status is what the server decided.
 */
export function probeUpgrade(socketUrl: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const query = new URLSearchParams({ ...options.params, vsn: '2.0.0' });
  const protocols = options.authToken === undefined ? [] : authTokenProtocols(options.authToken);
  const headers = options.origin === undefined ? {} : { Origin: options.origin };
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${socketUrl}/websocket?${query}`, protocols, { headers });
    ws.on('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    ws.on('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      request.destroy();
    });
    ws.on('error', reject);
  });
}
