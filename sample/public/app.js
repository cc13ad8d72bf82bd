// The chat page: plain JavaScript on the official phoenix client, which the app serves itself,
// with nestjs-channels/client, so that a room recovers the messages missed while reconnecting.
import { Presence, Socket } from '/vendor/phoenix.mjs';
import { recoverableChannel } from '/vendor/nestjs-channels-client.js';

const SESSION_KEY = 'nestjs-channels-chat.session';
const NAME = /^[A-Za-z0-9_-]{1,32}$/;
const ROOM = /^[A-Za-z0-9_-]{1,64}$/;
const TYPING_SEND_EVERY_MS = 2000;
const TYPING_SHOW_MS = 3000;
// Socket failures in a row, while the page itself still loads, that mean "token refused".
const REFUSALS_BEFORE_SIGN_OUT = 5;

const $ = (id) => document.getElementById(id);

const state = {
  session: loadSession(), // { token, user } or null
  socket: null,
  userChannel: null,
  room: null, // { name, channel, presence }
  typing: new Map(), // user -> timer that hides them
  lastTypingSentAt: 0,
  failures: 0,
  unreadMentions: 0,
};

// ---- session ----------------------------------------------------------------------------

// sessionStorage, not localStorage: each tab can be a different user.
function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

async function signIn(user) {
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status !== 201) throw new Error([body.message ?? 'Sign-in failed'].flat().join(', '));
  state.session = { token: body.token, user: body.user };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
  startChat();
}

async function signOut(message = '') {
  const token = state.session?.token;
  stopChat();
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  showSignIn(message);
  // After the socket is down: the server disconnects this user's sockets, and ours must not reconnect.
  if (token) await fetch('/api/session/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
}

// ---- socket -----------------------------------------------------------------------------

function startChat() {
  const { token, user } = state.session;
  $('signin').hidden = true;
  $('chat').hidden = false;
  $('whoami').hidden = false;
  $('me').textContent = user;
  state.failures = 0;

  // authToken travels in the WebSocket subprotocol header, so it stays out of URLs and logs.
  const socket = new Socket('/socket', { authToken: token });
  // A socket we already let go of (sign-out) still reports its own close: ignore it.
  const current = () => state.socket === socket;
  socket.onOpen(() => {
    if (!current()) return;
    state.failures = 0;
    setStatus('online');
  });
  socket.onError(() => {
    if (!current()) return;
    setStatus('reconnecting');
    state.failures += 1;
    if (state.failures === REFUSALS_BEFORE_SIGN_OUT) void checkStillSignedIn();
  });
  socket.onClose(() => {
    if (current()) setStatus('reconnecting');
  });
  socket.connect();
  state.socket = socket;

  const userChannel = socket.channel(`user:${user}`);
  userChannel.on('mention', addMention);
  userChannel.join();
  state.userChannel = userChannel;

  joinRoom(roomFromHash() ?? 'lobby');
}

function stopChat() {
  state.socket?.disconnect();
  state.socket = null;
  state.room = null;
  state.userChannel = null;
  renderOnline([]);
  setStatus('offline');
}

// The phoenix client cannot tell "refused" (403) from "server down". If the page's own server
// answers while the socket keeps failing, the token is no longer accepted: sign in again.
async function checkStillSignedIn() {
  const serverUp = await fetch('/', { method: 'HEAD', cache: 'no-store' }).then((r) => r.ok, () => false);
  if (serverUp && state.failures >= REFUSALS_BEFORE_SIGN_OUT) {
    await signOut('Your session has ended. Please sign in again.');
  } else {
    state.failures = 0;
  }
}

function setStatus(status) {
  $('status').dataset.state = status;
  $('status').textContent = status;
  document.body.dataset.connection = status;
}

// ---- rooms ------------------------------------------------------------------------------

function joinRoom(name) {
  if (!ROOM.test(name)) return showRoomError('Room names are 1–64 letters, digits, _ or -.');
  if (state.room?.name === name) return;
  state.room?.channel.leave();
  showRoomError('');
  clearTyping();
  $('messages').replaceChildren();
  renderOnline([]);
  $('room').value = name;
  $('room-title').textContent = `#${name}`;
  history.replaceState(null, '', `#${name}`);

  // Rejoins (after a reconnect) ask for what came after the last message seen (`since`), and a
  // message already shown never reaches the callbacks again.
  const room = recoverableChannel(state.socket, `room:${name}`, {
    onJoin: ({ recovered }) => {
      if (state.room?.channel === room.channel) $('messages').dataset.recovered = String(recovered);
    },
  });
  const { channel } = room;
  channel.on('new_msg', (message) => {
    stopTyping(message.user);
    appendMessages([message]);
  });
  channel.on('typing', ({ user }) => showTyping(user));
  // phoenix's Presence keeps the list from presence_state and every presence_diff, and starts
  // over on each rejoin, so the list stays right across reconnects.
  const presence = new Presence(channel);
  presence.onSync(() => {
    if (state.room?.channel === channel) renderOnline(presence.list(toPerson));
  });
  presence.onLeave((user, current) => {
    // Their last tab left: they are not typing any more.
    if (current.metas.length === 0 && state.room?.channel === channel) stopTyping(user);
  });
  channel
    .join()
    // Runs again on every rejoin. Recovered: the messages missed meanwhile follow this reply, in
    // order, so what is shown stays. Otherwise (the first join, or a gap the room's history no
    // longer covers) this reply's messages, the room's latest, replace what is shown.
    .receive('ok', ({ messages }) => {
      if (room.recovered) return;
      $('messages').replaceChildren();
      appendMessages(messages);
    })
    .receive('error', ({ reason }) => {
      channel.leave(); // otherwise the client retries the join forever
      showRoomError(`Cannot join #${name}: ${reason}`);
    });
  state.room = { name, channel, presence };
}

function roomFromHash() {
  const name = decodeURIComponent(location.hash.slice(1));
  return ROOM.test(name) ? name : null;
}

function showRoomError(message) {
  $('room-error').textContent = message;
}

// ---- who is online ----------------------------------------------------------------------

// A presence is a user name with one meta per tab (or device) that joined the room.
function toPerson(user, { metas }) {
  const since = metas.map((meta) => meta.online_at).sort()[0];
  return { user, tabs: metas.length, since };
}

function renderOnline(people) {
  const me = state.session?.user;
  // Me first, then by name.
  const sorted = [...people].sort((a, b) => (b.user === me) - (a.user === me) || a.user.localeCompare(b.user));
  $('online').replaceChildren(...sorted.map((person) => renderPerson(person, me)));
  $('online-count').textContent = people.length ? `(${people.length})` : '';
}

function renderPerson({ user, tabs, since }, me) {
  const item = element('li', 'person');
  item.dataset.user = user;
  item.append(element('span', 'name', user));
  if (user === me) item.append(element('span', 'note', 'you'));
  if (tabs > 1) item.append(element('span', 'note', `${tabs} tabs`));
  if (since) item.title = `online since ${new Date(since).toLocaleTimeString()}`;
  return item;
}

// ---- messages ---------------------------------------------------------------------------

function appendMessages(messages) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  for (const message of messages) {
    // A message sent while the join read the room can come in the reply and live too: show it once.
    if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) continue;
    list.append(renderMessage(message));
  }
  if (atBottom || messages.length > 1) list.scrollTop = list.scrollHeight;
}

function renderMessage({ id, user, body, at }) {
  const me = state.session?.user;
  const item = element('li', 'message');
  item.dataset.id = id;
  if (user === me) item.classList.add('own');
  if (me && mentions(body, me)) item.classList.add('mentions-me');
  const meta = element('div', 'meta');
  meta.append(element('strong', 'author', user), timeElement(at));
  item.append(meta, element('p', 'body', body));
  return item;
}

function mentions(body, user) {
  return new RegExp(`(^|[^A-Za-z0-9_-])@${user}(?![A-Za-z0-9_-])`).test(body);
}

function send() {
  const input = $('body');
  const body = input.value.trim();
  if (!body || !state.room) return;
  $('send-error').textContent = '';
  state.room.channel
    .push('new_msg', { body })
    .receive('ok', () => {
      if (input.value.trim() === body) input.value = '';
    })
    .receive('error', ({ reason, errors }) => {
      $('send-error').textContent = `Not sent (${reason}${errors ? `: ${errors.join(', ')}` : ''}).`;
    })
    .receive('timeout', () => {
      $('send-error').textContent = 'Not sent: no answer from the server. Try again once online.';
    });
}

// ---- typing -----------------------------------------------------------------------------

function announceTyping() {
  const now = Date.now();
  if (!state.room || now - state.lastTypingSentAt < TYPING_SEND_EVERY_MS) return;
  state.lastTypingSentAt = now;
  state.room.channel.push('typing', {});
}

function showTyping(user) {
  clearTimeout(state.typing.get(user));
  state.typing.set(user, setTimeout(() => stopTyping(user), TYPING_SHOW_MS));
  renderTyping();
}

function stopTyping(user) {
  clearTimeout(state.typing.get(user));
  if (state.typing.delete(user)) renderTyping();
}

function clearTyping() {
  for (const timer of state.typing.values()) clearTimeout(timer);
  state.typing.clear();
  renderTyping();
}

function renderTyping() {
  const users = [...state.typing.keys()];
  $('typing').textContent =
    users.length === 0
      ? ''
      : users.length === 1
        ? `${users[0]} is typing…`
        : users.length === 2
          ? `${users[0]} and ${users[1]} are typing…`
          : `${users.length} people are typing…`;
}

// ---- mentions ---------------------------------------------------------------------------

function addMention({ from, room, body }) {
  const item = element('li', 'mention');
  const link = element('button', 'link', `${from} in #${room}`);
  link.type = 'button';
  link.addEventListener('click', () => {
    joinRoom(room);
    setUnreadMentions(0);
  });
  item.append(link, timeElement(new Date().toISOString()), element('p', 'body', body));
  $('mentions').prepend(item);
  $('mentions-empty').hidden = true;
  if (room !== state.room?.name) setUnreadMentions(state.unreadMentions + 1);
}

function setUnreadMentions(count) {
  state.unreadMentions = count;
  $('mentions-badge').hidden = count === 0;
  $('mentions-badge').textContent = String(count);
  document.title = `${count ? `(${count}) ` : ''}Chat · nestjs-channels`;
}

// ---- helpers and wiring -----------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text; // never innerHTML: bodies are untrusted
  return node;
}

function timeElement(iso) {
  const time = element('time', 'time', new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = iso;
  time.title = new Date(iso).toLocaleString();
  return time;
}

function showSignIn(message = '') {
  $('chat').hidden = true;
  $('whoami').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message;
  $('name').focus();
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = $('name').value.trim();
  if (!NAME.test(user)) {
    $('signin-error').textContent = 'Use 1–32 letters, digits, _ or -.';
    return;
  }
  try {
    await signIn(user);
  } catch (error) {
    $('signin-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', () => void signOut());

$('room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  joinRoom($('room').value.trim());
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});

$('body').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});

$('body').addEventListener('input', announceTyping);

window.addEventListener('hashchange', () => {
  const name = roomFromHash();
  if (name && state.socket) joinRoom(name);
});

if (state.session) startChat();
else showSignIn();
