import { runFixture } from '../fixtures/nodes/node-process.js';

test('without prom-client and @opentelemetry/api, apps work and the modules that need them fail at boot saying what to install', async () => {
  const output = await runFixture('./without-observability-peers.ts', { HIDE_OBSERVABILITY_PEERS: '1' });
  expect(output).toContain('PLAIN ok');
  expect(output).toContain(
    'METRICS CHANNELS_ERR_OPTIONAL_PEER_MISSING ChannelsMetricsModule needs the "prom-client" package, which is not installed: npm install prom-client',
  );
  expect(output).toContain(
    'TRACING CHANNELS_ERR_OPTIONAL_PEER_MISSING ChannelsTracingModule needs the "@opentelemetry/api" package, which is not installed: npm install @opentelemetry/api',
  );
});
