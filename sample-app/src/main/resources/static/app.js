// The sample page: plain ES modules, no build step. The realtime client is served by the
// starter itself at /realtime/client.js.
import { cancel, fetchToken, publish, subscribe } from '/realtime/client.js';

const $ = (id) => document.getElementById(id);
let subscription = null;
let channel = null;
let runId = null;

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
// XSRF-TOKEN cookie as the X-XSRF-TOKEN header, as the CSRF protection expects.
function tokenFor(name) {
  return () => fetchToken({ channel: name, topics: ['status', 'tokens', 'approval'], publish: ['approval'] });
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
  $('last-id').textContent = message.id;
  if (message.kind === 'run') {
    onRunStatus(message.data);
    return;
  }
  if (message.topic === 'status') {
    addStatus(message.data.message, message.data.step);
    if (message.data.step === 'approval') {
      $('approval-question').textContent = message.data.message;
      $('approval-panel').hidden = false;
    }
  }
  else if (message.topic === 'tokens') {
    $('draft').textContent += message.data.token;
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
  $('cancel-button').hidden = run.status !== 'running';
  if (run.status !== 'running') {
    $('approval-panel').hidden = true;
    $('start-button').disabled = false;
  }
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
    await publish({ channel, topic: 'approval', data: { approved, comment: $('approval-comment').value || null }, token: tokenFor(channel) });
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

async function start(event) {
  event.preventDefault();
  subscription?.close();
  notice('');
  $('statuses').replaceChildren();
  $('draft').textContent = '';
  $('result-panel').hidden = true;
  $('approval-panel').hidden = true;
  $('cancel-button').hidden = true;
  setBadge('run-status', 'unknown');
  $('start-button').disabled = true;
  try {
    const query = new URLSearchParams({ fail: $('fail').value || '0', approval: String($('approval').checked) });
    const run = await postJson(`/api/pipeline?${query}`, { topic: $('topic').value });
    channel = run.channel;
    runId = run.runId;
    $('channel').textContent = channel;
    subscription = subscribe({
      channel,
      topics: ['status', 'tokens', 'approval'],
      token: tokenFor(channel),
      transport: $('transport').value,
      onMessage,
      onStatus: onConnectionStatus,
      onGap: () => notice('Some messages are no longer in the channel history: the page may be incomplete.'),
      onError: (error) => notice(`Connection problem: ${error.message ?? error}`),
    });
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
fetch('/api/me').then((response) => response.json()).then((me) => { $('user').textContent = `Signed in as ${me.name}`; });
