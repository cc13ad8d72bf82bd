/**
 * What a session token carries, and so what `socket.assigns.user` holds on every channel: the
 * user name as `id` (which gives the socket id `users_socket:<id>`, and what `TopicOwnerGuard`
 * compares) and the id of this sign-in, the key of the revocation list.
 */
export interface SessionUser {
  id: string;
  session: string;
}

/** The salt of the sample's session tokens: a token signed for another purpose never passes. */
export const SESSION_TOKEN_SALT = 'user socket';

/** Token data is the client's to send: check its shape before trusting it. */
export function isSessionUser(data: unknown): data is SessionUser {
  const candidate = data as Partial<SessionUser> | null;
  return typeof candidate?.id === 'string' && typeof candidate.session === 'string';
}
