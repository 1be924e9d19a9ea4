import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchToken, presence, RealtimeError, subscribe } from '../src/client.js';
import {
  createSseServer, createWebSocketClass, envelope, messageEvent, presenceEnvelope, settle, sseEvent, subscribedEvent,
} from './fakes.js';

const ALICE = { user: 'alice', info: { name: 'Alice' } };
const BOB = { user: 'bob', info: {} };
const CAROL = { user: 'carol', info: { name: 'Carol' } };

function respond(status, body) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url: String(url), init });
    return new Response(JSON.stringify(body), {
      status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  };
  return { fetch, requests };
}

/** @param {string} id @param {'join' | 'leave'} type @param {string} user @param {number} count @param {object} [info] */
function presenceEvent(id, type, user, count, info) {
  return sseEvent('message', presenceEnvelope(id, type, user, count, info), id);
}

/**
 * A fake SSE server behind a fetch that also serves the presence query (answered by the test) and, when given, the
 * token endpoint.
 */
function createServer(tokenEndpoint) {
  const server = createSseServer();
  const queries = [];
  const tokenBodies = [];
  const fetch = (url, init) => {
    const path = new URL(String(url), 'http://localhost');
    if (path.pathname.endsWith('/presence')) {
      let resolve;
      const response = new Promise((done) => {
        resolve = done;
      });
      queries.push({
        channel: path.searchParams.get('channel'),
        authorization: init.headers.Authorization,
        answer: (body, status = 200) => resolve(Response.json(body, { status })),
      });
      return response;
    }
    if (path.pathname.endsWith('/token') && tokenEndpoint) {
      const body = JSON.parse(init.body);
      tokenBodies.push(body);
      return Promise.resolve(Response.json(tokenEndpoint(body)));
    }
    return server.fetch(url, init);
  };
  return { server, queries, tokenBodies, fetch };
}

describe('presence', () => {
  it('queries the members with the bearer token in the header only', async () => {
    const snapshot = { channel: 'room:1', count: 3, members: [ALICE, BOB] };
    const { fetch, requests } = respond(200, snapshot);
    const result = await presence({ channel: 'room:1', token: async () => ({ token: 'prs' }), baseUrl: '/rt/', fetch });
    expect(result).toEqual(snapshot);
    expect(requests[0].url).toBe('/rt/presence?channel=room%3A1');
    expect(requests[0].init.method).toBe('GET');
    expect(requests[0].init.headers.Authorization).toBe('Bearer prs');
    expect(requests[0].init.body).toBeUndefined();
  });

  it.each([
    [401, 'unauthorized', 'Token expired'],
    [403, 'forbidden', 'Token does not grant presence on channel \'room:1\''],
    [400, 'bad_request', 'Missing channel'],
  ])('rejects a %i with code %s and the problem detail', async (status, code, detail) => {
    const { fetch } = respond(status, { status, detail });
    const error = await presence({ channel: 'room:1', token: 't', fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ status, code, detail, message: detail, fatal: false });
  });

  it('refuses an empty channel without a request', async () => {
    const { fetch, requests } = respond(200, {});
    await expect(presence({ channel: '', token: 't', fetch })).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });
});

describe('fetchToken with presence', () => {
  it('asks for the presence grant only when wanted', async () => {
    const { fetch, requests } = respond(200, { token: 't', channel: 'room:1', presence: true });
    const token = await fetchToken({ channel: 'room:1', topics: ['chat'], presence: true, fetch, csrf: false });
    await fetchToken({ channel: 'room:1', topics: ['chat'], presence: false, fetch, csrf: false });
    await fetchToken({ channel: 'room:1', cancel: true, presence: true, fetch, csrf: false });
    expect(token.presence).toBe(true);
    expect(JSON.parse(requests[0].init.body)).toEqual({ channel: 'room:1', topics: ['chat'], presence: true });
    expect(JSON.parse(requests[1].init.body)).toEqual({ channel: 'room:1', topics: ['chat'] });
    expect(JSON.parse(requests[2].init.body)).toEqual({ channel: 'room:1', cancel: true, presence: true });
  });
});

describe('Subscription.presence over SSE', () => {
  it('queries with the subscription\'s own token function', async () => {
    const { server, queries, fetch } = createServer();
    const subscription = subscribe({ channel: 'pipeline:run-1', token: () => 'with-grant', fetch });
    await settle();
    server.last.open(subscribedEvent());
    const answer = subscription.presence();
    await settle();
    expect(queries).toEqual([expect.objectContaining({ channel: 'pipeline:run-1', authorization: 'Bearer with-grant' })]);
    queries[0].answer({ channel: 'pipeline:run-1', count: 1, members: [ALICE] });
    await expect(answer).resolves.toEqual({ channel: 'pipeline:run-1', count: 1, members: [ALICE] });
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('asks the token endpoint for a token with the presence grant when it has no token option', async () => {
    const { server, queries, tokenBodies, fetch } = createServer((body) => ({ token: body.presence ? 'presence-token' : 'read-token' }));
    const subscription = subscribe({ channel: 'pipeline:run-1', topics: ['status'], fetch, csrf: false });
    await settle();
    expect(server.last.authorization).toBe('Bearer read-token');
    server.last.open(subscribedEvent());
    await settle();
    // without the presence option nothing is queried by itself
    expect(queries).toHaveLength(0);
    const answer = subscription.presence();
    await settle();
    queries[0].answer({ status: 403, detail: 'Not granted' }, 403);
    await expect(answer).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(queries[0].authorization).toBe('Bearer presence-token');
    expect(tokenBodies).toEqual([
      { channel: 'pipeline:run-1', topics: ['status'] },
      { channel: 'pipeline:run-1', topics: ['status'], presence: true },
    ]);
    expect(subscription.status).toBe('open');
    expect(subscription.presenceState).toBeNull();
    subscription.close();
  });
});

describe('Subscription.presence over WebSocket', () => {
  let WebSocket;
  let sockets;

  beforeEach(() => {
    ({ WebSocket, sockets } = createWebSocketClass());
  });

  function start(channel, options = {}) {
    const errors = [];
    const subscription = subscribe({
      channel, token: () => `${channel}-token`, transport: 'websocket', baseUrl: 'https://app.example/realtime', WebSocket,
      onError: (error) => errors.push(error), ...options,
    });
    return { subscription, errors };
  }

  it('asks on the socket with a ref and resolves with the answer of that ref', async () => {
    const a = start('room:a');
    const b = start('room:b');
    await settle();
    const [socket] = sockets;
    socket.open();
    socket.receive({ type: 'subscribed', channel: 'room:a', topics: ['chat', '$presence'], recovered: null });
    socket.receive({ type: 'subscribed', channel: 'room:b', topics: ['chat'], recovered: null });
    const first = a.subscription.presence();
    const second = b.subscription.presence();
    expect(socket.framesOfType('presence')).toEqual([
      { type: 'presence', channel: 'room:a', ref: '1' },
      { type: 'presence', channel: 'room:b', ref: '2' },
    ]);
    // answers may come in any order; an error of a ref is that request's, not the subscription's
    socket.receive({ type: 'error', code: 'forbidden', message: 'Presence is not granted', channel: 'room:b', ref: '2' });
    socket.receive({ type: 'presence', channel: 'room:a', count: 2, members: [ALICE, BOB], ref: '1' });
    await expect(first).resolves.toEqual({ channel: 'room:a', count: 2, members: [ALICE, BOB] });
    const error = await second.catch((e) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'Presence is not granted', fatal: false });
    expect([a.subscription.status, b.subscription.status]).toEqual(['open', 'open']);
    expect(b.errors).toEqual([]);
    expect(a.subscription.topics).toEqual(['chat', '$presence']);
    a.subscription.close();
    b.subscription.close();
  });

  it('rejects a pending request when the socket closes', async () => {
    vi.useFakeTimers();
    try {
      const a = start('room:a');
      await settle();
      sockets[0].open();
      sockets[0].receive({ type: 'subscribed', channel: 'room:a', topics: ['chat'], recovered: null });
      const answer = a.subscription.presence();
      sockets[0].serverClose(1006);
      await expect(answer).rejects.toMatchObject({ code: 'network' });
      a.subscription.close();
    }
    finally {
      vi.useRealTimers();
    }
  });
});

describe('live presence over SSE', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function start(fetch, options = {}) {
    const states = [];
    const messages = [];
    const errors = [];
    let tokens = 0;
    const subscription = subscribe({
      channel: 'pipeline:run-1',
      presence: true,
      token: () => `token-${++tokens}`,
      fetch,
      onPresence: (state) => states.push(state),
      onMessage: (message) => messages.push(`${message.kind} ${message.id}`),
      onError: (error) => errors.push(error),
      ...options,
    });
    return { subscription, states, messages, errors };
  }

  it('queries after subscribed and applies joins and leaves, ordered by user', async () => {
    const { server, queries, fetch } = createServer();
    const { subscription, states, messages } = start(fetch);
    await settle();
    server.last.open(subscribedEvent() + messageEvent('5-e1', 'status', {}));
    await settle();
    expect(queries).toEqual([expect.objectContaining({ channel: 'pipeline:run-1', authorization: 'Bearer token-1' })]);
    expect(subscription.presenceState).toBeNull();

    // a join that arrives before the answer is applied to it
    server.last.send(presenceEvent('5-e1', 'join', 'bob', 3));
    await settle();
    expect(states).toEqual([]);
    queries[0].answer({ channel: 'pipeline:run-1', count: 2, members: [CAROL, ALICE] });
    await settle();
    expect(subscription.presenceState).toEqual({ channel: 'pipeline:run-1', count: 3, members: [ALICE, BOB, CAROL], error: null });

    server.last.send(presenceEvent('5-e1', 'join', 'alice', 3, { name: 'Alice B.' }));
    await settle();
    expect(subscription.presenceState).toEqual({
      channel: 'pipeline:run-1', count: 3, members: [{ user: 'alice', info: { name: 'Alice B.' } }, BOB, CAROL], error: null,
    });
    server.last.send(presenceEvent('6-e1', 'leave', 'bob', 2) + presenceEvent('7-e1', 'leave', 'dave', 2));
    await settle();
    expect(subscription.presenceState).toEqual({
      channel: 'pipeline:run-1', count: 2, members: [{ user: 'alice', info: { name: 'Alice B.' } }, CAROL], error: null,
    });
    expect(states.map((state) => [state.count, state.members.map((member) => member.user)])).toEqual([
      [3, ['alice', 'bob', 'carol']],
      [3, ['alice', 'bob', 'carol']],
      [2, ['alice', 'carol']],
      [2, ['alice', 'carol']],
    ]);
    // every state is a new object
    expect(new Set(states).size).toBe(4);

    // presence messages are delivered, never deduplicated, and never a position to resume after
    expect(messages).toEqual(['data 5-e1', 'presence 5-e1', 'presence 5-e1', 'presence 6-e1', 'presence 7-e1']);
    expect(subscription.lastEventId).toBe('5-e1');
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('queries again after a reconnect, keeping the last known state meanwhile', async () => {
    const { server, queries, fetch } = createServer();
    const { subscription, states } = start(fetch);
    await settle();
    server.last.open(subscribedEvent());
    await settle();
    queries[0].answer({ channel: 'pipeline:run-1', count: 2, members: [ALICE, BOB] });
    await settle();
    server.last.end();
    await settle();
    expect(subscription.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(server.connections).toHaveLength(2);
    server.last.open(subscribedEvent(true));
    await settle();
    expect(queries).toHaveLength(2);
    expect(queries[1].authorization).toBe('Bearer token-2');
    expect(subscription.presenceState.members).toEqual([ALICE, BOB]);

    // bob left while the stream was down: no event says so, the new answer does
    queries[1].answer({ channel: 'pipeline:run-1', count: 2, members: [CAROL, ALICE] });
    await settle();
    expect(subscription.presenceState).toEqual({ channel: 'pipeline:run-1', count: 2, members: [ALICE, CAROL], error: null });
    expect(states).toHaveLength(2);
    subscription.close();
  });

  it('reports a failed query without ending the subscription and recovers with the next one', async () => {
    const { server, queries, fetch } = createServer();
    const { subscription, errors } = start(fetch);
    await settle();
    server.last.open(subscribedEvent());
    await settle();
    queries[0].answer({ status: 403, detail: 'Token does not grant presence' }, 403);
    await settle();
    expect(subscription.presenceState).toEqual({
      channel: 'pipeline:run-1', count: 0, members: [], error: expect.objectContaining({ code: 'forbidden', status: 403 }),
    });
    expect(errors).toEqual([expect.objectContaining({ code: 'forbidden', fatal: false })]);
    expect(subscription.status).toBe('open');

    server.last.send(presenceEvent('p-1', 'join', 'bob', 1));
    await settle();
    expect(subscription.presenceState.members).toEqual([BOB]);
    expect(subscription.presenceState.count).toBe(1);

    server.last.end();
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    server.last.open(subscribedEvent());
    await settle();
    queries[1].answer({ channel: 'pipeline:run-1', count: 1, members: [BOB] });
    await settle();
    expect(subscription.presenceState).toEqual({ channel: 'pipeline:run-1', count: 1, members: [BOB], error: null });
    subscription.close();
  });

  it('asks for the presence grant in its default token request and queries with that token', async () => {
    const { server, queries, tokenBodies, fetch } = createServer(() => ({ token: 'minted', presence: true }));
    const subscription = subscribe({ channel: 'pipeline:run-1', topics: ['status'], presence: true, fetch, csrf: false });
    await settle();
    expect(tokenBodies).toEqual([{ channel: 'pipeline:run-1', topics: ['status'], presence: true }]);
    server.last.open(sseEvent('subscribed', { channel: 'pipeline:run-1', topics: ['status', '$presence'], recovered: null }));
    await settle();
    expect(queries[0].authorization).toBe('Bearer minted');
    // the query after subscribed uses the stream's token: no further token request
    expect(tokenBodies).toHaveLength(1);
    subscription.close();
  });

  it('delivers presence messages without keeping state when presence was not asked for', async () => {
    const { server, queries, fetch } = createServer();
    const { subscription, states, messages } = start(fetch, { presence: false });
    await settle();
    server.last.open(subscribedEvent() + presenceEvent('p-1', 'join', 'bob', 1));
    await settle();
    expect(messages).toEqual(['presence p-1']);
    expect(queries).toHaveLength(0);
    expect(states).toEqual([]);
    expect(subscription.presenceState).toBeNull();
    expect(subscription.lastEventId).toBeNull();
    subscription.close();
  });
});

describe('live presence over WebSocket', () => {
  let WebSocket;
  let sockets;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ({ WebSocket, sockets } = createWebSocketClass());
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('queries on the socket after each subscribed, also after a reconnect', async () => {
    let tokens = 0;
    const subscription = subscribe({
      channel: 'room:a', presence: true, token: () => `token-${++tokens}`, transport: 'websocket',
      baseUrl: 'https://app.example/realtime', WebSocket,
    });
    await settle();
    sockets[0].open();
    sockets[0].receive({ type: 'subscribed', channel: 'room:a', topics: ['chat', '$presence'], recovered: null });
    expect(sockets[0].framesOfType('presence')).toEqual([{ type: 'presence', channel: 'room:a', ref: '1' }]);
    sockets[0].receive({ type: 'message', message: presenceEnvelope('p-1', 'join', 'carol', 2, CAROL.info, 'room:a') });
    sockets[0].receive({ type: 'presence', channel: 'room:a', count: 1, members: [ALICE], ref: '1' });
    await settle();
    expect(subscription.presenceState).toEqual({ channel: 'room:a', count: 2, members: [ALICE, CAROL], error: null });
    sockets[0].receive({ type: 'message', message: presenceEnvelope('p-2', 'leave', 'alice', 1, {}, 'room:a') });
    expect(subscription.presenceState.members).toEqual([CAROL]);

    sockets[0].receive({ type: 'message', message: envelope('1-e1', 'chat', {}, 'room:a') });
    sockets[0].serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([{ type: 'subscribe', token: 'token-2', lastEventId: '1-e1' }]);
    sockets[1].receive({ type: 'subscribed', channel: 'room:a', topics: ['chat', '$presence'], recovered: true });
    expect(sockets[1].framesOfType('presence')).toEqual([{ type: 'presence', channel: 'room:a', ref: '1' }]);
    sockets[1].receive({ type: 'presence', channel: 'room:a', count: 2, members: [BOB, CAROL], ref: '1' });
    await settle();
    expect(subscription.presenceState).toEqual({ channel: 'room:a', count: 2, members: [BOB, CAROL], error: null });
    subscription.close();
  });

  it('keeps the subscription open when the query is forbidden', async () => {
    const errors = [];
    const subscription = subscribe({
      channel: 'room:a', presence: true, token: 'no-grant', transport: 'websocket', baseUrl: 'https://app.example/realtime', WebSocket,
      onError: (error) => errors.push(error),
    });
    await settle();
    sockets[0].open();
    sockets[0].receive({ type: 'subscribed', channel: 'room:a', topics: ['chat'], recovered: null });
    // as the server sends it: the ref, no channel
    sockets[0].receive({ type: 'error', code: 'forbidden', message: 'Presence is not granted', ref: '1' });
    await settle();
    expect(subscription.status).toBe('open');
    expect(subscription.presenceState.error).toMatchObject({ code: 'forbidden' });
    expect(errors).toEqual([expect.objectContaining({ code: 'forbidden', fatal: false })]);
    expect(sockets[0].framesOfType('unsubscribe')).toEqual([]);
    subscription.close();
  });
});
