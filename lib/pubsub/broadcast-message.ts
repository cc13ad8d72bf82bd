/** A message published on a topic. `from` names the subscriber that must not receive it. @publicApi */
export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: unknown;
  from?: string;
}
