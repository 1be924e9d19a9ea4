// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usePresence, useRealtime } from '../src/react.js';
import { createSseServer, messageEvent, presenceEnvelope, settle, snapshotEvent, sseEvent, subscribedEvent } from './fakes.js';

const fast = { initialDelay: 1, jitter: 0 };

async function flush() {
  await act(async () => {
    await settle();
  });
}

function setVisibility(state) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('useRealtime', () => {
  let server;

  afterEach(() => {
    // unmount what a test left mounted, so that it never connects through the next test's fetch
    cleanup();
    delete document.visibilityState;
  });

  function renderRealtime(props, options, tokenEndpoint) {
    server = createSseServer();
    // the hook uses the global fetch
    const sse = server.fetch;
    vi.stubGlobal('fetch', tokenEndpoint ? (url, init) => (String(url).endsWith('/token') ? tokenEndpoint(url, init) : sse(url, init)) : sse);
    const renders = [];
    const hook = renderHook((current) => {
      const result = useRealtime({ channel: 'pipeline:run-1', topics: ['status', 'tokens'], reconnect: fast, ...current });
      renders.push(result);
      return result;
    }, { initialProps: props, ...options });
    return { ...hook, renders };
  }

  it('goes from idle to open, collects messages and run status, and closes on a terminal run', async () => {
    const { result, rerender } = renderRealtime({ enabled: false, token: 't' });
    await flush();
    expect(result.current.connectionStatus).toBe('idle');
    expect(server.connections).toHaveLength(0);

    rerender({ enabled: true, token: 't' });
    expect(result.current.connectionStatus).toBe('connecting');
    await flush();
    expect(server.connections).toHaveLength(1);
    expect(server.last.authorization).toBe('Bearer t');

    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'one' })
        + messageEvent('2-e1', 'tokens', { token: 'a' }) + messageEvent('3-e1', 'status', { message: 'two' })
        + messageEvent('4-e1', '$run', { status: 'running', attempt: 1 }));
      await settle();
    });
    const first = result.current;
    expect(first.connectionStatus).toBe('open');
    expect(first.runStatus).toBe('running');
    expect(first.messages.byTopic.status.data.message).toBe('two');
    expect(first.messages.byTopic.tokens.data.token).toBe('a');
    expect(first.messages.all.map((m) => m.id)).toEqual(['1-e1', '2-e1', '3-e1', '4-e1']);
    expect(first.messages.delta).toEqual(first.messages.all);
    expect(first.messages.last.id).toBe('4-e1');

    await act(async () => {
      server.last.send(messageEvent('5-e1', '$run', { status: 'completed', result: { summary: 'done' } })
        + messageEvent('6-e1', 'status', { message: 'after' }));
      await settle();
    });
    expect(result.current.runStatus).toBe('completed');
    expect(result.current.result).toEqual({ summary: 'done' });
    expect(result.current.connectionStatus).toBe('closed');
    expect(result.current.messages.delta.map((m) => m.id)).toEqual(['5-e1']);
    expect(server.last.aborted).toBe(true);
  });

  it('keeps exactly one live connection under StrictMode and closes it on unmount', async () => {
    const { result, unmount } = renderRealtime({ token: async () => 't' }, { wrapper: StrictMode });
    await flush();
    expect(server.live).toHaveLength(1);
    await act(async () => {
      server.live[0].open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'x' }));
      await settle();
    });
    expect(result.current.connectionStatus).toBe('open');
    expect(result.current.messages.all).toHaveLength(1);
    unmount();
    expect(server.live).toHaveLength(0);
  });

  it('does not reconnect when an inline token function changes, and uses the latest one later', async () => {
    const { rerender } = renderRealtime({ token: () => 'first' });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}));
    await flush();
    rerender({ token: () => 'second' });
    rerender({ token: () => 'third', topics: ['status', 'tokens'] });
    await flush();
    expect(server.connections).toHaveLength(1);
    await act(async () => {
      server.last.end();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await settle();
    });
    expect(server.connections).toHaveLength(2);
    expect(server.last.authorization).toBe('Bearer third');
    expect(server.last.param('lastEventId')).toBe('1-e1');
  });

  it('closes while the page is hidden and resumes after the last message when visible', async () => {
    const { result } = renderRealtime({ token: 't', pauseOnHidden: true });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('7-e1', 'status', {}));
    await flush();
    act(() => setVisibility('hidden'));
    expect(result.current.connectionStatus).toBe('paused');
    expect(result.current.isPaused).toBe(true);
    expect(result.current.pauseReason).toBe('hidden');
    expect(server.live).toHaveLength(0);
    act(() => setVisibility('visible'));
    await flush();
    expect(result.current.isPaused).toBe(false);
    expect(result.current.pauseReason).toBeNull();
    expect(server.connections).toHaveLength(2);
    expect(server.last.param('lastEventId')).toBe('7-e1');
    expect(result.current.messages.all).toHaveLength(1);
  });

  it('batches updates over bufferInterval', async () => {
    const { result, renders } = renderRealtime({ token: 't', bufferInterval: 40 });
    await flush();
    server.last.open(subscribedEvent());
    await flush();
    const before = renders.length;
    for (let i = 1; i <= 3; i++) {
      server.last.send(messageEvent(`${i}-e1`, 'tokens', { token: String(i) }));
      await flush();
    }
    expect(renders.length).toBe(before);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(renders.length).toBe(before + 1);
    expect(result.current.messages.delta.map((m) => m.data.token)).toEqual(['1', '2', '3']);
  });

  it('stays open after a terminal run without autoCloseOnTerminal', async () => {
    const { result } = renderRealtime({ token: 't', autoCloseOnTerminal: false });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('1-e1', '$run', { status: 'cancelled' }));
    await flush();
    expect(result.current.runStatus).toBe('cancelled');
    expect(result.current.connectionStatus).toBe('open');
    expect(server.live).toHaveLength(1);
  });

  it('reports a failed run and reconnects after reset without replaying what it cleared', async () => {
    const { result } = renderRealtime({ token: 't' });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {})
      + messageEvent('2-e1', '$run', { status: 'failed', error: { message: 'boom' } }));
    await flush();
    expect(result.current.runStatus).toBe('failed');
    expect(result.current.error).toMatchObject({ message: 'boom', code: 'run_failed' });
    expect(result.current.connectionStatus).toBe('closed');

    act(() => result.current.reset());
    await flush();
    expect(result.current.runStatus).toBe('unknown');
    expect(result.current.error).toBeNull();
    expect(result.current.messages.all).toEqual([]);
    expect(server.connections).toHaveLength(2);
    expect(server.last.param('lastEventId')).toBe('2-e1');
  });

  it('surfaces a fatal connection error', async () => {
    const { result } = renderRealtime({ token: 't' });
    await flush();
    server.last.fail(403, { title: 'Forbidden', status: 403, detail: 'Not yours' });
    await flush();
    expect(result.current.connectionStatus).toBe('error');
    expect(result.current.error).toMatchObject({ status: 403, detail: 'Not yours' });
  });

  it('starts afresh on another channel', async () => {
    const { result, rerender } = renderRealtime({ token: 't' });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}));
    await flush();
    rerender({ token: 't', channel: 'pipeline:run-2' });
    await flush();
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0].aborted).toBe(true);
    expect(server.last.param('lastEventId')).toBeNull();
    expect(result.current.messages.all).toEqual([]);
  });

  it('reports pauseReason disabled while enabled is false, and hidden only while enabled', async () => {
    const { result, rerender } = renderRealtime({ token: 't', enabled: false, pauseOnHidden: true });
    await flush();
    expect(result.current).toMatchObject({ connectionStatus: 'idle', isPaused: true, pauseReason: 'disabled' });
    act(() => setVisibility('hidden'));
    expect(result.current).toMatchObject({ connectionStatus: 'idle', isPaused: true, pauseReason: 'disabled' });
    rerender({ token: 't', enabled: true, pauseOnHidden: true });
    await flush();
    expect(result.current).toMatchObject({ connectionStatus: 'paused', isPaused: true, pauseReason: 'hidden' });
    expect(server.connections).toHaveLength(0);
    act(() => setVisibility('visible'));
    await flush();
    expect(result.current).toMatchObject({ connectionStatus: 'connecting', isPaused: false, pauseReason: null });
    expect(server.connections).toHaveLength(1);
  });

  it('resets and subscribes afresh when the key changes, also after a terminal run', async () => {
    const { result, rerender } = renderRealtime({ token: 't', key: 'attempt-1' });
    await flush();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'one' })
      + messageEvent('2-e1', '$run', { status: 'completed', result: 1 }));
    await flush();
    expect(result.current.connectionStatus).toBe('closed');
    rerender({ token: 't', key: 'attempt-1' });
    await flush();
    expect(server.connections).toHaveLength(1);

    rerender({ token: 't', key: 'attempt-2' });
    await flush();
    expect(server.connections).toHaveLength(2);
    // a first connect: the history is replayed, nothing resumed
    expect(server.last.param('lastEventId')).toBeNull();
    expect(result.current).toMatchObject({ connectionStatus: 'connecting', runStatus: 'unknown', result: undefined });
    expect(result.current.messages.all).toEqual([]);
    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'one' }));
      await settle();
    });
    expect(result.current.connectionStatus).toBe('open');
    expect(result.current.messages.all.map((m) => m.id)).toEqual(['1-e1']);
  });

  it('subscribes afresh when the key changes after a fatal error', async () => {
    const { result, rerender } = renderRealtime({ token: 't', key: 1 });
    await flush();
    server.last.fail(403, { title: 'Forbidden', status: 403 });
    await flush();
    expect(result.current.connectionStatus).toBe('error');
    rerender({ token: 't', key: 2 });
    await flush();
    expect(result.current).toMatchObject({ connectionStatus: 'connecting', error: null });
    expect(server.connections).toHaveLength(2);
  });

  it('drops messages that fail validate and reports them in error, keeping the connection', async () => {
    const validate = (message) => {
      if (message.topic === 'tokens') {
        return typeof message.data.token === 'string';
      }
      if (typeof message.data.message !== 'string') {
        throw new TypeError('message must be a string');
      }
      return undefined;
    };
    const { result } = renderRealtime({ token: 't', validate });
    await flush();
    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'one' })
        + messageEvent('2-e1', 'status', { message: 2 }) + messageEvent('3-e1', 'tokens', { token: 3 })
        + messageEvent('4-e1', '$run', { status: 'running' }));
      await settle();
    });
    expect(result.current.connectionStatus).toBe('open');
    expect(result.current.runStatus).toBe('running');
    expect(result.current.messages.all.map((m) => m.id)).toEqual(['1-e1', '4-e1']);
    expect(result.current.messages.byTopic.status.id).toBe('1-e1');
    expect(result.current.messages.byTopic.tokens).toBeUndefined();
    expect(result.current.error).toMatchObject({ code: 'invalid_message', message: "Invalid message 3-e1 on topic 'tokens'" });

    await act(async () => {
      server.last.send(messageEvent('5-e1', 'status', { message: true }));
      await settle();
    });
    expect(result.current.messages.all.map((m) => m.id)).toEqual(['1-e1', '4-e1']);
    expect(result.current.error).toMatchObject({
      code: 'invalid_message', message: "Invalid message 5-e1 on topic 'status': message must be a string",
    });
    expect(result.current.error.cause).toBeInstanceOf(TypeError);

    await act(async () => {
      server.last.send(messageEvent('6-e1', 'status', { message: 'six' }));
      await settle();
    });
    expect(result.current.messages.last.id).toBe('6-e1');
    expect(result.current.error).not.toBeNull();
    act(() => result.current.reset());
    expect(result.current.error).toBeNull();
    expect(server.live).toHaveLength(1);
  });

  it('renders the whole text of a stream topic after a reconnect with a snapshot, keeping snapshots out of byTopic and validate', async () => {
    const validate = vi.fn(() => true);
    const { result } = renderRealtime({ token: 't', streams: ['tokens'], validate });
    expect(result.current.streams).toEqual({});
    await flush();
    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('1-e1', 'tokens', 'Hel') + messageEvent('2-e1', 'tokens', 'lo')
        + messageEvent('3-e1', 'status', { message: 'writing' }));
      await settle();
    });
    expect(result.current.streams).toEqual({ tokens: 'Hello' });
    await act(async () => {
      server.last.end();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await settle();
    });
    expect(server.connections).toHaveLength(2);
    expect(server.last.param('lastEventId')).toBe('3-e1');
    // chunks 4 and 5 were published while away: the snapshot includes them and they are not delivered after it
    await act(async () => {
      server.last.open(subscribedEvent(true) + snapshotEvent('5-e1', 'tokens', 'Hello, wor') + messageEvent('4-e1', 'tokens', ', ')
        + messageEvent('5-e1', 'tokens', 'wor'));
      await settle();
    });
    expect(result.current.connectionStatus).toBe('open');
    expect(result.current.streams).toEqual({ tokens: 'Hello, wor' });
    expect(result.current.messages.last).toMatchObject({ id: '5-e1', kind: 'snapshot', data: 'Hello, wor' });
    // byTopic keeps the latest chunk: the snapshot's text is in streams only
    expect(result.current.messages.byTopic.tokens.id).toBe('2-e1');
    await act(async () => {
      server.last.send(messageEvent('6-e1', 'tokens', 'ld'));
      await settle();
    });
    expect(result.current.streams).toEqual({ tokens: 'Hello, world' });
    expect(result.current.messages.byTopic.tokens).toMatchObject({ id: '6-e1', data: 'ld' });
    expect(result.current.messages.all.map((m) => `${m.kind} ${m.id}`)).toEqual(['data 1-e1', 'data 2-e1', 'data 3-e1', 'snapshot 5-e1', 'data 6-e1']);
    expect(validate.mock.calls.map(([message]) => message.id)).toEqual(['1-e1', '2-e1', '3-e1', '6-e1']);
    expect(result.current.error).toBeNull();
  });

  it('empties a stream on a reset snapshot and all streams on reset(), appending the chunks that follow', async () => {
    const { result, rerender } = renderRealtime({ token: 't', streams: ['tokens'] });
    await flush();
    await act(async () => {
      // answer is not declared: its snapshot makes it a stream topic
      server.last.open(subscribedEvent() + snapshotEvent('2-e1', 'answer', 'abc') + messageEvent('3-e1', 'tokens', 'attempt 1 ')
        + messageEvent('4-e1', 'tokens', 'failed') + messageEvent('5-e1', 'answer', 'd'));
      await settle();
    });
    expect(result.current.streams).toEqual({ answer: 'abcd', tokens: 'attempt 1 failed' });
    await act(async () => {
      server.last.send(snapshotEvent('6-e1', 'tokens', ''));
      await settle();
    });
    expect(result.current.streams).toEqual({ answer: 'abcd', tokens: '' });
    await act(async () => {
      server.last.send(messageEvent('7-e1', 'tokens', 'attempt 2'));
      await settle();
    });
    expect(result.current.streams).toEqual({ answer: 'abcd', tokens: 'attempt 2' });
    // its identity changes only when a text does
    const streams = result.current.streams;
    await act(async () => {
      server.last.send(messageEvent('8-e1', 'status', { message: 'x' }));
      await settle();
    });
    expect(result.current.streams).toBe(streams);

    act(() => result.current.reset());
    expect(result.current.streams).toEqual({});
    await act(async () => {
      server.last.send(messageEvent('9-e1', 'answer', 'e') + messageEvent('10-e1', 'tokens', '!'));
      await settle();
    });
    expect(result.current.streams).toEqual({ answer: 'e', tokens: '!' });
    expect(server.connections).toHaveLength(1);

    // another key forgets the streams, and which topics were streams
    rerender({ token: 't', streams: ['tokens'], key: 'other' });
    await flush();
    expect(result.current.streams).toEqual({});
    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('11-e1', 'answer', 'f') + messageEvent('12-e1', 'tokens', 'g'));
      await settle();
    });
    expect(result.current.streams).toEqual({ tokens: 'g' });
  });

  it('surfaces a refusal of the default token request as a fatal error, sending the CSRF cookie', async () => {
    document.cookie = 'XSRF-TOKEN=csrf-1';
    const tokenRequests = [];
    const { result } = renderRealtime({}, undefined, async (_url, init) => {
      tokenRequests.push(init);
      return new Response('Access Denied', { status: 403, headers: { 'Content-Type': 'text/plain' } });
    });
    await flush();
    expect(result.current.connectionStatus).toBe('error');
    expect(result.current.error).toMatchObject({ status: 403, fatal: true });
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].headers['X-XSRF-TOKEN']).toBe('csrf-1');
    expect(server.connections).toHaveLength(0);
    document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });
});

describe('usePresence', () => {
  let server;
  let tokenBodies;
  let queries;

  afterEach(() => {
    cleanup();
  });

  /** Stubs the global fetch: the token endpoint, the presence query (answered by the test) and the event stream. */
  function serve() {
    server = createSseServer();
    tokenBodies = [];
    queries = [];
    vi.stubGlobal('fetch', (url, init) => {
      const path = new URL(String(url), 'http://localhost');
      if (path.pathname.endsWith('/token')) {
        tokenBodies.push(JSON.parse(init.body));
        return Promise.resolve(Response.json({ token: 'with-presence', presence: true }));
      }
      if (path.pathname.endsWith('/presence')) {
        return new Promise((resolve) => {
          queries.push({
            channel: path.searchParams.get('channel'),
            authorization: init.headers.Authorization,
            answer: (body, status = 200) => resolve(Response.json(body, { status })),
          });
        });
      }
      return server.fetch(url, init);
    });
  }

  function presenceEvent(id, type, user, count, info) {
    return sseEvent('message', presenceEnvelope(id, type, user, count, info), id);
  }

  it('renders the members and the count, and follows joins and leaves', async () => {
    serve();
    const { result } = renderHook(() => usePresence('pipeline:run-1', { csrf: false, reconnect: fast }));
    expect(result.current).toEqual({ members: [], count: 0, error: null });
    await flush();
    expect(tokenBodies).toEqual([{ channel: 'pipeline:run-1', presence: true }]);
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}));
    await flush();
    expect(queries).toEqual([expect.objectContaining({ channel: 'pipeline:run-1', authorization: 'Bearer with-presence' })]);
    await act(async () => {
      queries[0].answer({ channel: 'pipeline:run-1', count: 2, members: [{ user: 'bob', info: {} }, { user: 'alice', info: { name: 'Alice' } }] });
      await settle();
    });
    expect(result.current).toEqual({
      members: [{ user: 'alice', info: { name: 'Alice' } }, { user: 'bob', info: {} }], count: 2, error: null,
    });
    await act(async () => {
      server.last.send(presenceEvent('p-1', 'join', 'carol', 3) + presenceEvent('p-2', 'leave', 'alice', 2));
      await settle();
    });
    expect(result.current.members.map((member) => member.user)).toEqual(['bob', 'carol']);
    expect(result.current.count).toBe(2);
    // no run status closes it
    await act(async () => {
      server.last.send(messageEvent('2-e1', '$run', { status: 'completed' }));
      await settle();
    });
    expect(server.live).toHaveLength(1);
  });

  it('surfaces a refused query in error and keeps the connection', async () => {
    serve();
    const { result } = renderHook(() => usePresence('pipeline:run-1', { token: 'no-grant' }));
    await flush();
    server.last.open(subscribedEvent());
    await flush();
    await act(async () => {
      queries[0].answer({ status: 403, detail: 'Token does not grant presence' }, 403);
      await settle();
    });
    expect(result.current.error).toMatchObject({ status: 403, code: 'forbidden', detail: 'Token does not grant presence' });
    expect(result.current.members).toEqual([]);
    expect(server.live).toHaveLength(1);
    expect(tokenBodies).toEqual([]);
  });

  it('gives useRealtime a presence field with presence: true, keeping presence messages out of byTopic and validate', async () => {
    serve();
    const validate = vi.fn(() => true);
    const { result } = renderHook(() => useRealtime({ channel: 'pipeline:run-1', topics: ['status'], presence: true, csrf: false, validate }));
    expect(result.current.presence).toBeNull();
    await flush();
    expect(tokenBodies).toEqual([{ channel: 'pipeline:run-1', topics: ['status'], presence: true }]);
    await act(async () => {
      server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { message: 'one' }) + presenceEvent('p-1', 'join', 'bob', 1));
      await settle();
      queries[0].answer({ channel: 'pipeline:run-1', count: 1, members: [{ user: 'bob', info: {} }] });
      await settle();
    });
    expect(result.current.presence).toEqual({ channel: 'pipeline:run-1', count: 1, members: [{ user: 'bob', info: {} }], error: null });
    expect(result.current.messages.all.map((message) => message.id)).toEqual(['1-e1', 'p-1']);
    expect(Object.keys(result.current.messages.byTopic)).toEqual(['status']);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(result.current.error).toBeNull();
    expect(result.current.connectionStatus).toBe('open');
  });

  it('has no presence field without presence: true', async () => {
    serve();
    const { result } = renderHook(() => useRealtime({ channel: 'pipeline:run-1', token: 't' }));
    await flush();
    server.last.open(subscribedEvent());
    await flush();
    expect(result.current.presence).toBeNull();
    expect(queries).toHaveLength(0);
  });
});
