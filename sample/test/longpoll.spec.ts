import { signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
beforeAll(async () => {
  server = await startSampleApp();
});
afterAll(() => server.close());

/** A long-poll GET without a session: answers the JSON status that opens (410) or refuses (403). */
async function openSession(query: Record<string, string>, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(`${server.baseUrl}/socket/longpoll?${new URLSearchParams({ ...query, vsn: '2.0.0' })}`, { headers });
  expect(response.status).toBe(200); // long-poll carries its real status in the body
  return response.json();
}

test('a valid token, as the `token` param or the authToken header, opens a long-poll session', async () => {
  const token = await signIn(server.baseUrl, 'ann');
  expect(await openSession({ token })).toEqual({ status: 410, token: expect.any(String), messages: [] });
  expect(await openSession({}, { 'x-phoenix-authtoken': token })).toMatchObject({ status: 410 });
});

test('no token or a bad one is refused with 403', async () => {
  expect(await openSession({})).toEqual({ status: 403 });
  expect(await openSession({ token: 'not-a-token' })).toEqual({ status: 403 });
});

test("logout answers the user's pending poll at once and ends the session", async () => {
  const token = await signIn(server.baseUrl, 'bob');
  const { token: session } = await openSession({ token });
  const pending = fetch(`${server.baseUrl}/socket/longpoll?${new URLSearchParams({ token: session, vsn: '2.0.0' })}`);

  const logout = await fetch(`${server.baseUrl}/api/session/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(logout.status).toBe(204);
  // Answered by the disconnect, not by the end of the 10 s poll window (that would be 204).
  expect(await (await pending).json()).toMatchObject({ status: 410 });
});
