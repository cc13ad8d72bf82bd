import { LibraryTopic } from '../../protocol/reserved.js';
import { VIEW_EVENT } from './dashboard-channel.js';

/** What the page needs to reach its topic. */
export interface DashboardPageConfig {
  /** The channels endpoint (`/socket`). */
  socketPath: string;
  /** The app serves no WebSocket transport: the page uses long-poll. */
  longPoll: boolean;
  /** The grant its join of the dashboard topic presents (see DashboardGrants). */
  grant: string;
}

/**
 * The dashboard page: one HTML document, its style and script inline (no CDN, nothing to build).
 * Its script imports the phoenix client the app serves next to the page (`<page>/phoenix.mjs`),
 * connects to the app's channels endpoint with the page's own query as the socket's params (the
 * app's socket handler decides, as for any socket: a token in the page's link serves both), joins
 * the reserved dashboard topic with its grant and draws every view pushed there, with the messages
 * per second of the last minutes as small SVG charts. Refused later (its grant expired on a
 * reconnect), it reloads itself, so that the guard decides again.
 */
export function dashboardPage(config: DashboardPageConfig): string {
  // Inside a script element: a "<" escaped, so that nothing in the JSON can end the element.
  const settings = JSON.stringify({ ...config, topic: LibraryTopic.dashboard, event: VIEW_EVENT }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nestjs-channels dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2433; background: #f6f7f9; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  #nodes { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1rem; }
  .node { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 1rem; }
  .node h2 { font-size: 1rem; margin: 0 0 .5rem; font-family: ui-monospace, monospace; }
  .link { display: inline-block; padding: 0 .5em; border-radius: 4px; font-size: .85em; }
  .up, .in-memory { background: #d9f2e3; color: #17663a; } .down, .ended, .connecting { background: #fbe0e0; color: #9b1c1c; }
  table { border-collapse: collapse; width: 100%; margin: .4rem 0; } td, th { text-align: left; padding: .1rem .4rem; border-bottom: 1px solid #eef0f3; }
  th { font-weight: 600; color: #5a6475; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
  svg { width: 100%; height: 70px; background: #fafbfc; border: 1px solid #eef0f3; }
  .legend { font-size: .8em; color: #5a6475; } .in { stroke: #2f6fde; } .out { stroke: #d9822b; }
</style>
</head>
<body>
<h1>nestjs-channels dashboard <span class="legend" id="status"></span></h1>
<div id="nodes"></div>
<script type="module">
const settings = ${settings};
const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const rows = (entries, empty) => entries.length === 0 ? '<tr><td>' + empty + '</td></tr>' : entries.map(([k, v]) => '<tr><td>' + esc(k) + '</td><td class="n">' + esc(v) + '</td></tr>').join('');
function chart(rates) {
  const max = Math.max(1, ...rates.flatMap(([, i, o]) => [i, o]));
  const line = (index) => rates.map((rate, x) => (x * 400 / Math.max(1, rates.length - 1)).toFixed(1) + ',' + (68 - rate[index] / max * 64).toFixed(1)).join(' ');
  return '<svg viewBox="0 0 400 70" preserveAspectRatio="none"><polyline fill="none" stroke-width="1.5" class="in" points="' + line(1) + '"/>' +
    '<polyline fill="none" stroke-width="1.5" class="out" points="' + line(2) + '"/></svg>' +
    '<div class="legend">messages/s, last ' + rates.length + ' samples: <span style="color:#2f6fde">in</span> / <span style="color:#d9822b">out</span>, max ' + max.toFixed(1) + '</div>';
}
function render({ nodes }) {
  document.getElementById('nodes').innerHTML = nodes.map(({ latest: s, rates }) => '<section class="node" data-node="' + esc(s.node) + '">' +
    '<h2>' + esc(s.node) + ' <span class="link ' + esc(s.pubsub.state) + '">pubsub ' + esc(s.pubsub.state) + '</span></h2>' +
    chart(rates) +
    '<table><tr><th>sockets</th><th></th></tr>' + rows(Object.entries(s.sockets), 'none') + '</table>' +
    '<table><tr><th>channels</th><th></th></tr>' + rows(Object.entries(s.channels), 'none') + '</table>' +
    '<table><tr><th>busiest topics</th><th>messages</th></tr>' + rows(s.busiestTopics.map((t) => [t.topic, t.messages]), 'quiet') + '</table>' +
    '<table><tr><th>presences</th><td class="n">' + s.presences + '</td></tr>' +
    '<tr><th>pubsub published / received / dropped / missed</th><td class="n">' + [s.pubsub.published, s.pubsub.received, s.pubsub.dropped, s.pubsub.missed].join(' / ') + '</td></tr></table>' +
    '<table><tr><th>recent disconnects</th><th></th></tr>' + rows(s.recentDisconnects.map((d) => [new Date(d.at).toLocaleTimeString() + ' ' + d.transport, d.reason]), 'none') + '</table>' +
    '</section>').join('');
  document.getElementById('status').textContent = nodes.length + ' node(s), ' + new Date().toLocaleTimeString();
}
const status = (text) => (document.getElementById('status').textContent = text);
const loadedAt = Date.now();
const { Socket, LongPoll } = await import(location.pathname.replace(/\\/+$/, '') + '/phoenix.mjs');
const params = Object.fromEntries(new URLSearchParams(location.search));
const socket = new Socket(settings.socketPath, settings.longPoll ? { params, transport: LongPoll } : { params });
socket.onError(() => status('socket unreachable, retrying'));
socket.connect();
const channel = socket.channel(settings.topic, { grant: settings.grant });
channel.on(settings.event, render);
channel.join().receive('error', (reply) => {
  channel.leave();
  socket.disconnect();
  // A grant lasts a minute: a rejoin after a reconnect may come too late. A fresh page gets a fresh one.
  if (Date.now() - loadedAt > 10_000) location.reload();
  else status('refused: ' + (reply.reason ?? 'error') + (reply.grant ? ' (grant ' + reply.grant + ')' : ''));
});
</script>
</body>
</html>
`;
}
