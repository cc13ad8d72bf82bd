/** Pushed to a joining client: every presence of the topic. */
export const PRESENCE_STATE = 'presence_state';
/** Broadcast to a topic's subscribers on every change: `{ joins, leaves }`. */
export const PRESENCE_DIFF = 'presence_diff';
/** In large-room mode, the room's exact counts beside the capped list: `{ keys, metas }`. */
export const PRESENCE_SUMMARY = 'presence_summary';
