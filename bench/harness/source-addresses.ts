/**
 * Client sockets take their source address round-robin from 127.0.0.2..127.0.0.9: each address
 * has its own 28k ephemeral ports (32768–60999), so 19k sockets per run, run after run (with
 * closed sockets lingering in TIME_WAIT), never run out of ports.
 */
const FIRST_HOST = 2;
const HOSTS = 8;

export function sourceAddressFor(connectionIndex: number): string {
  return `127.0.0.${FIRST_HOST + (connectionIndex % HOSTS)}`;
}
