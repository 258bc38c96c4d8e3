// Ticketgate's browser client, as a front end uses it. The integration is `connect()` below:
// create a client with a `getToken` function, call `client.connect()`, listen to the socket and
// to the client. Everything else in this file only paints the page.
//
// Nothing here ever shows or logs a whole ticket or the JWT: the client's events carry tickets
// masked (tkt_abcd…wxyz), and the JWT stays in the password field and Authorization headers.
import { createTicketgateClient } from '/client/ticketgate-client.js';

const $ = (id) => document.getElementById(id);

const SOURCES = {
  rest: 'new ticket from POST /api/v1/websocket/ticket',
  resume: 'resume ticket, no REST call',
  'jwt-fallback': 'JWT in auth.token: the ticket endpoint is down',
};

/**
 * The connection buttons that make sense in each state. `disconnected` is final: the session ended
 * (revoked, expired) or the client gave up (an auth error), and nothing reconnects it; Connect
 * starts afresh. `idle` is this page's own: no socket at all.
 */
const BUTTONS_BY_STATE = {
  idle: [],
  connecting: ['disconnect', 'revoke'],
  connected: ['disconnect', 'reconnect', 'revoke'],
  reconnecting: ['disconnect', 'revoke'],
  disconnected: [],
};

let client;
let socket;

function connect() {
  closeSocket();
  if (!$('token').value.trim()) {
    log('error', 'Paste a JWT first (or get a development token)', 'error');
    return;
  }

  client = createTicketgateClient({
    // Asked before every ticket request, so return your app's current JWT (refresh it if you must).
    getToken: () => $('token').value.trim(),
    senderConstrained: $('sender-constrained').checked,
    allowJwtFallback: $('jwt-fallback').checked,
  });

  client.on('state', ({ state, reason, delayMs }) => {
    showState(state, [reason, delayMs === undefined ? '' : `next attempt in ${(delayMs / 1000).toFixed(1)} s`].filter(Boolean).join(', '));
    log('state', [state, reason, delayMs === undefined ? '' : `retry in ${delayMs} ms`].filter(Boolean).join(' · '));
  });
  client.on('credential', ({ source, ticket, bound }) => {
    $('ticket').textContent = ticket ?? 'no ticket (JWT)';
    $('ticket-source').textContent = `${SOURCES[source]}${bound ? ', bound to this page’s key' : ''}`;
    log('credential', `${source}${ticket ? ` ${ticket}` : ''}${bound ? ' (with proof)' : ''}`);
  });
  // Got over the open socket, so a reconnect after a network drop needs no REST call.
  client.on('resume_ticket', ({ ticket, expiresAt }) => log('resume_ticket', `${ticket} held for the next reconnect, expires ${expiresAt}`));
  // A real app refreshes its JWT here (or signs the user in again), then calls socket.connect().
  client.on('auth_error', (error) => log('auth_error', `${error.code}: ${error.message}`, 'error'));
  client.on('error', (error) => log('error', `${error.code}: ${error.message}`, 'error'));
  client.on('refreshed', ({ expiresAt }) => {
    $('expires').textContent = describeExpiry(expiresAt);
    log('refreshed', `session now expires ${expiresAt ?? 'never'}`);
  });

  socket = client.connect();
  socket.on('connect', () => showWhoami());
  socket.on('server_shutdown', () => log('server_shutdown', 'the instance is going away; the client reconnects', 'server'));
  socket.on('session_revoked', ({ reason }) => log('session_revoked', `reason: ${reason}`, 'server'));
  socket.on('session_expired', ({ expiresAt }) => log('session_expired', `expired at ${expiresAt}`, 'server'));
  showState('connecting');
}

async function showWhoami() {
  try {
    const me = await socket.timeout(5_000).emitWithAck('whoami');
    $('whoami').textContent = JSON.stringify(me, null, 2);
    $('auth-method').textContent = me.authMethod;
    $('expires').textContent = describeExpiry(me.expiresAt);
    log('whoami', `${me.userId} via ${me.authMethod}`, 'server');
  } catch (error) {
    log('whoami', `no answer: ${error.message}`, 'error');
  }
}

function closeSocket() {
  socket?.disconnect();
  socket = undefined;
  showState('idle');
}

/** Drops the transport as a network failure would; socket.io-client reconnects, with the held resume ticket. */
function forceReconnect() {
  if (socket?.connected) socket.io.engine.close();
}

async function revokeAll() {
  try {
    const result = await client.revokeAll({ disconnect: true, reason: 'revoked-from-demo' });
    log('revokeAll', `revoked ${result.revoked} ticket(s), disconnected ${result.disconnected} socket(s)`);
  } catch (error) {
    log('revokeAll', `${error.code}: ${error.message}`, 'error');
  }
}

async function getDevelopmentToken() {
  const response = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub: $('dev-user').value.trim() || 'demo-user' }),
  });
  if (!response.ok) {
    log('token', `the server answered ${response.status}`, 'error');
    return;
  }
  const { token, expiresAt } = await response.json();
  $('token').value = token;
  log('token', `development token for ${$('dev-user').value.trim() || 'demo-user'}, expires ${expiresAt}`);
}

// ---- painting the page ----

function showState(state, detail = '') {
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('state-detail').textContent = detail;
  for (const id of ['disconnect', 'reconnect', 'revoke']) $(id).disabled = !BUTTONS_BY_STATE[state].includes(id);
}

function describeExpiry(expiresAt) {
  if (!expiresAt) return 'never';
  const minutes = Math.round((Date.parse(expiresAt) - Date.now()) / 60_000);
  return `${new Date(expiresAt).toLocaleTimeString()} (in ${minutes} min)`;
}

function log(name, detail, kind = 'client') {
  const item = document.createElement('li');
  item.dataset.kind = kind;
  for (const [className, text] of [['time', new Date().toISOString().slice(11, 23)], ['name', name], ['detail', detail]]) {
    const cell = document.createElement('span');
    cell.className = className;
    cell.textContent = text;
    item.append(cell);
  }
  $('log').prepend(item);
  while ($('log').children.length > 300) $('log').lastElementChild.remove();
}

async function offerDevelopmentTokens() {
  const response = await fetch('/demo/settings').catch(() => undefined);
  const settings = response?.ok ? await response.json() : { devTokens: false };
  $('dev-token-row').hidden = !settings.devTokens;
  $('dev-token-note').hidden = !settings.devTokens;
}

if (!globalThis.crypto?.subtle) {
  // WebCrypto exists only in secure contexts (https, or http on localhost).
  $('sender-constrained').checked = false;
  $('sender-constrained').disabled = true;
  $('sender-constrained').parentElement.title = 'WebCrypto is unavailable: this page is not a secure context';
}
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  connect();
});
$('disconnect').addEventListener('click', closeSocket);
$('reconnect').addEventListener('click', forceReconnect);
$('revoke').addEventListener('click', revokeAll);
$('dev-token').addEventListener('click', () => getDevelopmentToken().catch((error) => log('token', error.message, 'error')));
$('clear-log').addEventListener('click', () => $('log').replaceChildren());
void offerDevelopmentTokens();
