/** A server of the inbound scenario, listening on loopback. */
export interface InboundServer {
  port: number;
  close(): Promise<void>;
}
