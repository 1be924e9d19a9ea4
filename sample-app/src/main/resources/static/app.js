// The sample page: plain ES modules, no build step. The realtime client is served by the
// starter itself at /realtime/client.js.
import { cancel, fetchToken, publish, subscribe } from '/realtime/client.js';

const $ = (id) => document.getElementById(id);
let subscription = null;
let channel = null;
let runId = null;
let me = null;
// whether the signed-in user started the run: only then may the page reply and cancel
let owner = false;

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : '';
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': csrfToken() },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || `${url} answered ${response.status}`);
  }
  return response.json();
}

// Called by the client on connect, before expiry and on every reconnect; fetchToken sends the
// XSRF-TOKEN cookie as the X-XSRF-TOKEN header, as the CSRF protection expects. The owner of the
// run may reply; anyone else only watches. Both see who else is watching (presence).
function tokenFor(name) {
  return () => fetchToken({
    channel: name, topics: ['status', 'tokens', 'approval'], publish: owner ? ['approval'] : [], presence: true,
  });
}

// publishing a reply needs no presence grant
function replyTokenFor(name) {
  return () => fetchToken({ channel: name, topics: ['approval'], publish: ['approval'] });
}

// Only a cancel needs the cancel grant (the channel's rule lets the run's owner have it), so it
// gets a token of its own rather than one for the stream.
function cancelTokenFor(name) {
  return () => fetchToken({ channel: name, topics: ['status'], cancel: true });
}

function setBadge(id, state) {
  const element = $(id);
  element.textContent = state;
  element.dataset.state = state;
}

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

function addStatus(text, step, className) {
  const item = document.createElement('li');
  item.textContent = text;
  if (className) item.className = className;
  if (step) {
    const label = document.createElement('span');
    label.className = 'step';
    label.textContent = step;
    item.append(label);
  }
  $('statuses').append(item);
}

function onMessage(message) {
  if (message.kind === 'presence') {
    // joins and leaves: onPresence shows who is watching; they are no position to resume from
    return;
  }
  $('last-id').textContent = message.id;
  if (message.kind === 'run') {
    onRunStatus(message.data);
    return;
  }
  if (message.topic === 'status') {
    addStatus(message.data.message, message.data.step);
    if (message.data.step === 'approval' && owner) {
      $('approval-question').textContent = message.data.message;
      $('approval-panel').hidden = false;
    }
  }
}

// the draft's text so far: from its first token, or at once from a snapshot after a reload or a
// reconnect, and empty again when a new attempt resets it
function onStream(topic, stream) {
  if (topic === 'tokens') {
    $('draft').textContent = stream.text;
  }
}

function onRunStatus(run) {
  setBadge('run-status', run.status);
  if (run.status === 'running') {
    addStatus(`Attempt ${run.attempt ?? 1} started`, null, 'run');
    $('draft').textContent = '';
  }
  else if (run.status === 'completed') {
    $('result').textContent = JSON.stringify(run.result, null, 2);
    $('result-panel').hidden = false;
  }
  else if (run.status === 'failed') {
    addStatus(`Run failed: ${run.error?.message ?? 'unknown error'}`, null, 'run');
  }
  else if (run.status === 'cancelled') {
    addStatus('Run cancelled', null, 'run');
  }
  $('cancel-button').hidden = run.status !== 'running' || !owner;
  if (run.status !== 'running') {
    $('approval-panel').hidden = true;
    $('start-button').disabled = false;
  }
}

// who is watching the run: one entry per user, however many tabs it has open
function onPresence(presence) {
  $('watcher-count').textContent = String(presence.count);
  $('watchers').replaceChildren(...presence.members.map((member) => {
    const item = document.createElement('li');
    item.textContent = member.info.name ?? member.user;
    item.dataset.user = member.user;
    return item;
  }));
}

function onConnectionStatus(status) {
  setBadge('connection', status);
  // a connection problem reported before a reconnect is over once the stream is open again
  if (status === 'open' && $('notice').textContent.startsWith('Connection problem')) {
    notice('');
  }
}

async function reply(approved) {
  $('approve').disabled = $('reject').disabled = true;
  try {
    await publish({ channel, topic: 'approval', data: { approved, comment: $('approval-comment').value || null }, token: replyTokenFor(channel) });
    $('approval-panel').hidden = true;
  }
  catch (error) {
    notice(`Reply failed: ${error.message}`);
  }
  finally {
    $('approve').disabled = $('reject').disabled = false;
  }
}

async function cancelRun() {
  $('cancel-button').disabled = true;
  try {
    // 202: the run's cancelled status follows on the stream, from whichever node executed it
    await cancel({ runId, token: cancelTokenFor(channel) });
  }
  catch (error) {
    // 409: it ended in the meantime; its final status is on the stream too
    notice(`Cancel failed: ${error.message}`);
  }
  finally {
    $('cancel-button').disabled = false;
  }
}

function reset() {
  subscription?.close();
  notice('');
  $('statuses').replaceChildren();
  $('draft').textContent = '';
  $('result-panel').hidden = true;
  $('approval-panel').hidden = true;
  $('cancel-button').hidden = true;
  setBadge('run-status', 'unknown');
}

// Follows a run: the one just started, or the one named in the page's address (?run=…), so
// that a reload, or a link sent to someone else, shows the same run.
function attach(id) {
  runId = id;
  channel = `pipeline:${id}`;
  owner = me !== null && id.startsWith(`${me}~`);
  $('channel').textContent = channel;
  history.replaceState(null, '', `?${new URLSearchParams({ run: id, transport: $('transport').value })}`);
  subscription = subscribe({
    channel,
    topics: ['status', 'tokens', 'approval'],
    token: tokenFor(channel),
    transport: $('transport').value,
    presence: true,
    onPresence,
    streams: ['tokens'],
    onStream,
    onMessage,
    onStatus: onConnectionStatus,
    onGap: () => notice('Some messages are no longer in the channel history: the page may be incomplete.'),
    onError: (error) => notice(`Connection problem: ${error.message ?? error}`),
  });
}

async function start(event) {
  event.preventDefault();
  reset();
  $('start-button').disabled = true;
  try {
    const query = new URLSearchParams({ fail: $('fail').value || '0', approval: String($('approval').checked) });
    const run = await postJson(`/api/pipeline?${query}`, { topic: $('topic').value });
    attach(run.runId);
  }
  catch (error) {
    notice(error.message);
    $('start-button').disabled = false;
  }
}

$('start').addEventListener('submit', start);
$('approve').addEventListener('click', () => reply(true));
$('reject').addEventListener('click', () => reply(false));
$('cancel-button').addEventListener('click', cancelRun);
for (const form of document.querySelectorAll('form[method=post]')) {
  form.addEventListener('submit', () => {
    const input = Object.assign(document.createElement('input'), { type: 'hidden', name: '_csrf', value: csrfToken() });
    form.append(input);
  });
}
// the page is served with these disabled, so that nothing submits before the handlers above exist
$('start-controls').disabled = false;
$('logout-button').disabled = false;
fetch('/api/me').then((response) => response.json()).then((user) => {
  me = user.name;
  $('user').textContent = `Signed in as ${me}`;
  const params = new URLSearchParams(location.search);
  if (params.get('transport')) {
    $('transport').value = params.get('transport');
  }
  if (params.get('run')) {
    attach(params.get('run'));
  }
});
