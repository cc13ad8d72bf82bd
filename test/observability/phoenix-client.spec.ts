import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPhoenixClient } from '../../lib/observability/dashboard/phoenix-client.js';

test("the dashboard's phoenix client is the package's ES module, without its source map comment", () => {
  const client = readPhoenixClient();
  expect(client).toMatch(/export \{[^}]*\bSocket\b/);
  expect(client).not.toContain('sourceMappingURL');
});

test('where phoenix is not installed, it fails saying what to install', () => {
  const directory = mkdtempSync(join(tmpdir(), 'no-phoenix-'));
  try {
    expect(() => readPhoenixClient([join(directory, 'package.json')])).toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_OPTIONAL_PEER_MISSING', message: expect.stringContaining('npm install phoenix') }),
    );
  } finally {
    rmSync(directory, { recursive: true });
  }
});
