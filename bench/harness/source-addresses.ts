/**
 * Client sockets take their source address round-robin from 127.0.0.2..127.0.0.17: each address
 * has its own 28k ephemeral ports (32768–60999), about 450k in all, so that the cluster run's
 * 100k sockets (twice: nestjs-channels, then raw ws), run after run with closed sockets lingering
 * in TIME_WAIT, never run out of ports.
 */
const FIRST_HOST = 2;
export const SOURCE_HOSTS = 16;

export function sourceAddressFor(connectionIndex: number): string {
  return `127.0.0.${FIRST_HOST + (connectionIndex % SOURCE_HOSTS)}`;
}

/** `127.0.0.2–17`, for reports. */
export function sourceAddressRange(): string {
  return `127.0.0.${FIRST_HOST}–${FIRST_HOST + SOURCE_HOSTS - 1}`;
}
