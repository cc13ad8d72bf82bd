/** Where a transport is served under the socket `path`: `/socket` + `websocket` is `/socket/websocket`. */
export function endpointPath(path: string, transport: 'websocket' | 'longpoll' | 'stomp'): string {
  return `${path === '/' ? '' : path}/${transport}`;
}
