/** Test helpers around the fixture's `SessionController`, the way a browser app would call it. */
export async function login(port: number, user: { id: number; name: string }): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (response.status !== 201) throw new Error(`login answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export async function logout(port: number, user: { id: number }): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/session/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  return response.status;
}

/** Rewrites the data inside a signed token and keeps the old signature: a forgery attempt. */
export function forgeData(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.data = { ...claims.data, ...changes };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}
