import { startSampleApp, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
beforeAll(async () => {
  server = await startSampleApp();
});
afterAll(() => server.close());

async function get(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${server.baseUrl}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('GET / serves the chat page, which loads its script as an ES module', async () => {
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.type).toMatch(/^text\/html/);
  expect(page.text).toContain('<script type="module" src="/app.js"></script>');
  for (const id of ['name', 'room', 'messages', 'online', 'mentions', 'typing', 'body']) {
    expect(page.text).toContain(`id="${id}"`);
  }
});

test('the page script uses the phoenix client served by the app itself', async () => {
  const script = await get('/app.js');
  expect(script.status).toBe(200);
  expect(script.type).toMatch(/^text\/javascript/);
  expect(script.text).toContain("from '/vendor/phoenix.mjs'");

  const phoenix = await get('/vendor/phoenix.mjs');
  expect(phoenix.status).toBe(200);
  expect(phoenix.type).toMatch(/^text\/javascript/);
  const exported = await import('phoenix');
  expect(exported.Socket).toBeDefined();
  expect(phoenix.text).toMatch(/export\s*\{[^}]*\bSocket\b/);
});

test('the page script recovers rooms with nestjs-channels/client, served by the app itself', async () => {
  const script = await get('/app.js');
  expect(script.text).toContain("import { recoverableChannel } from '/vendor/nestjs-channels-client.js'");

  const helper = await get('/vendor/nestjs-channels-client.js');
  expect(helper.status).toBe(200);
  expect(helper.type).toMatch(/^text\/javascript/);
  expect(helper.text).toMatch(/export function recoverableChannel\(/);
  // Loaded as it is: no import a browser would have to resolve (phoenix is named by types only).
  expect(helper.text).not.toMatch(/^\s*import\b/m);
});

test('the stylesheet is served as CSS', async () => {
  const styles = await get('/app.css');
  expect(styles.status).toBe(200);
  expect(styles.type).toMatch(/^text\/css/);
});

test('unknown paths are 404', async () => {
  expect((await get('/nope.js')).status).toBe(404);
});
