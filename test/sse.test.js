import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSseParser, subscribe } from '../src/client.js';
import {
  createEventSourceClass, createSseServer, envelope, messageEvent, settle, sseEvent, subscribedEvent,
} from './fakes.js';

/** Subscribes over fetch SSE to a fake server, recording everything. */
function start(server, options = {}) {
  const messages = [];
  const statuses = [];
  const errors = [];
  const gaps = [];
  let tokens = 0;
  const subscription = subscribe({
    channel: 'pipeline:run-1',
    topics: ['status'],
    token: () => `token-${++tokens}`,
    fetch: server.fetch,
    onMessage: (message) => messages.push(message.id),
    onStatus: (status, detail) => statuses.push([status, detail]),
    onError: (error) => errors.push(error),
    onGap: (gap) => gaps.push(gap),
    ...options,
  });
  return { subscription, messages, statuses, errors, gaps, tokens: () => tokens };
}

describe('SSE parser', () => {
  it('parses events split at awkward places', () => {
    const events = [];
    const retries = [];
    const parse = createSseParser((type, data, id) => events.push({ type, data, id }), (retry) => retries.push(retry));
    const text = ': keep-alive\r\nid: 1-a\r\nevent: message\r\ndata: {"a":\r\ndata: 1}\r\n\r\nretry: 500\n\ndata:x\rdata: y\r\r: end\n';
    for (const chunk of text.split(/(?<=\r)|(?<=:)|(?<=d)/)) {
      parse(chunk);
    }
    expect(events).toEqual([
      { type: 'message', data: '{"a":\n1}', id: '1-a' },
      { type: 'message', data: 'x\ny', id: null },
    ]);
    expect(retries).toEqual([500]);
  });

  it('treats a CR at the end of a chunk as a possible CRLF', () => {
    const events = [];
    const parse = createSseParser((type, data) => events.push(data), () => {});
    parse('data: a\r');
    parse('\n\r');
    parse('\n');
    expect(events).toEqual(['a']);
  });
});

describe('fetch SSE transport', () => {
  let server;

  beforeEach(() => {
    vi.useFakeTimers();
    server = createSseServer();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with a bearer token and reports open on subscribed', async () => {
    const { subscription, statuses } = start(server, { history: 'none', baseUrl: '/rt/' });
    expect(subscription.status).toBe('connecting');
    await settle();
    expect(server.last.url.pathname).toBe('/rt/sse');
    expect(server.last.param('history')).toBe('none');
    expect(server.last.param('lastEventId')).toBeNull();
    expect(server.last.authorization).toBe('Bearer token-1');
    server.last.open(subscribedEvent());
    await settle();
    expect(subscription.status).toBe('open');
    expect(subscription.topics).toEqual(['status']);
    expect(statuses).toEqual([['connecting', {}], ['open', { recovered: null }]]);
    subscription.close();
    expect(subscription.status).toBe('closed');
    expect(server.last.aborted).toBe(true);
  });

  it('delivers many messages of one chunk synchronously and in order, across split UTF-8', async () => {
    const order = [];
    const { subscription } = start(server, {
      onMessage: (message) => {
        order.push(message.id);
        queueMicrotask(() => order.push('tick'));
      },
    });
    await settle();
    let text = subscribedEvent();
    for (let i = 1; i <= 500; i++) {
      text += messageEvent(`${i}-e1`, 'status', { message: 'héllo ✓' });
    }
    const bytes = new TextEncoder().encode(text);
    const cut = bytes.indexOf(0xc3) + 1;
    server.last.open();
    server.last.send(bytes.slice(0, cut));
    server.last.send(bytes.slice(cut));
    await settle();
    const ids = order.filter((entry) => entry !== 'tick');
    expect(ids).toEqual(Array.from({ length: 500 }, (_, i) => `${i + 1}-e1`));
    // the first chunk delivered its messages before any microtask ran, and so did the second
    const firstTick = order.indexOf('tick');
    expect(order.slice(0, firstTick).every((entry) => entry !== 'tick')).toBe(true);
    expect(order.slice(firstTick).filter((entry) => entry !== 'tick').length).toBeLessThan(500);
    subscription.close();
  });

  it('reconnects after the stream ends, with a new token, resuming without duplicates', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { subscription, messages, statuses, tokens } = start(server);
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}) + messageEvent('2-e1', 'status', {}));
    server.last.end();
    await settle();
    expect(subscription.status).toBe('reconnecting');
    expect(statuses.at(-1)).toEqual(['reconnecting', { attempt: 1, delay: 1000, error: undefined }]);
    await vi.advanceTimersByTimeAsync(999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(server.connections).toHaveLength(2);
    expect(tokens()).toBe(2);
    expect(server.last.authorization).toBe('Bearer token-2');
    expect(server.last.param('lastEventId')).toBe('2-e1');
    server.last.open(subscribedEvent(true) + messageEvent('2-e1', 'status', {}) + messageEvent('1-e1', 'status', {})
      + messageEvent('3-e1', 'status', {}));
    await settle();
    expect(messages).toEqual(['1-e1', '2-e1', '3-e1']);
    expect(subscription.lastEventId).toBe('3-e1');
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('backs off exponentially within the jitter bounds and resets after a subscribe', async () => {
    const random = vi.spyOn(Math, 'random');
    const reconnect = { initialDelay: 100, maxDelay: 1000, factor: 3, jitter: 0.5 };
    const { subscription, statuses } = start(server, { reconnect });
    const delays = () => statuses.filter(([status]) => status === 'reconnecting').map(([, detail]) => detail.delay);
    await settle();
    const expected = [100, 300, 900, 1000, 1000];
    for (const [i, base] of expected.entries()) {
      random.mockReturnValue(i % 2 === 0 ? 0 : 0.999999);
      server.last.fail(503);
      await settle();
      const delay = delays().at(-1);
      expect(delay).toBeGreaterThanOrEqual(base * 0.5);
      expect(delay).toBeLessThanOrEqual(base);
      expect(delay).toBeCloseTo(i % 2 === 0 ? base : base * 0.5, 1);
      await vi.advanceTimersByTimeAsync(delay);
      await settle();
    }
    server.last.open(subscribedEvent());
    await settle();
    random.mockReturnValue(0);
    server.last.end();
    await settle();
    expect(delays().at(-1)).toBe(100);
    subscription.close();
  });

  it('gives up after maxAttempts with a fatal error', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { subscription, errors } = start(server, { reconnect: { initialDelay: 10, maxAttempts: 2 } });
    for (let i = 0; i < 3; i++) {
      await settle();
      server.last.fail(500);
      await settle();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(subscription.status).toBe('error');
    expect(errors.at(-1)).toMatchObject({ code: 'max_attempts', fatal: true });
    expect(server.connections).toHaveLength(3);
  });

  it('signals a gap when the server could not recover and accepts the new epoch', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { subscription, messages, statuses, gaps } = start(server, { lastEventId: '7-old' });
    const iterator = subscription[Symbol.asyncIterator]();
    await settle();
    expect(server.last.param('lastEventId')).toBe('7-old');
    server.last.open(subscribedEvent(true) + messageEvent('7-old', 'status', {}) + messageEvent('8-old', 'status', {}));
    server.last.end();
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    server.last.open(subscribedEvent(false) + messageEvent('1-new', 'status', {}));
    await settle();
    expect(messages).toEqual(['8-old', '1-new']);
    expect(gaps).toEqual([{ kind: 'gap', channel: 'pipeline:run-1', lastEventId: '8-old', reason: 'not-recovered' }]);
    expect(statuses.filter(([status]) => status === 'open')).toEqual([
      ['open', { recovered: true }], ['open', { recovered: false }],
    ]);
    const items = [];
    for (let i = 0; i < 3; i++) {
      items.push((await iterator.next()).value);
    }
    expect(items.map((item) => item.kind === 'gap' ? 'gap' : item.id)).toEqual(['8-old', 'gap', '1-new']);
    subscription.close();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('refreshes the token and resumes at once on an expired event, without a gap or status change', async () => {
    const { subscription, messages, statuses, gaps, tokens } = start(server);
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}) + sseEvent('expired', {}));
    await settle();
    expect(server.connections[0].aborted).toBe(true);
    expect(server.connections).toHaveLength(2);
    expect(tokens()).toBe(2);
    expect(server.last.param('lastEventId')).toBe('1-e1');
    server.last.open(subscribedEvent(true) + messageEvent('2-e1', 'status', {}));
    await settle();
    expect(messages).toEqual(['1-e1', '2-e1']);
    expect(gaps).toEqual([]);
    expect(statuses.map(([status]) => status)).toEqual(['connecting', 'open']);
    subscription.close();
  });

  it('refreshes the token before it expires and resumes on a new stream', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    let count = 0;
    const token = () => ({ token: `t${++count}`, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const { subscription, messages } = start(server, { token });
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}));
    await settle();
    // 30 s before expiry comes before 80 % of a 60 s lifetime
    await vi.advanceTimersByTimeAsync(29_999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0].aborted).toBe(true);
    expect(server.last.authorization).toBe('Bearer t2');
    expect(server.last.param('lastEventId')).toBe('1-e1');
    expect(subscription.status).toBe('open');
    server.last.open(subscribedEvent(true) + messageEvent('2-e1', 'status', {}));
    await settle();
    expect(messages).toEqual(['1-e1', '2-e1']);
    subscription.close();
  });

  it('refreshes a long-lived token at 80 % of its lifetime', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    const token = () => ({ token: 't', expiresAt: Date.now() + 600_000 });
    const { subscription } = start(server, { token });
    await settle();
    server.last.open(subscribedEvent());
    await vi.advanceTimersByTimeAsync(479_999);
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(server.connections).toHaveLength(2);
    subscription.close();
  });

  it('gets a new token and retries at once after a 401', async () => {
    const { subscription, tokens } = start(server);
    await settle();
    server.last.fail(401);
    await settle();
    expect(server.connections).toHaveLength(2);
    expect(tokens()).toBe(2);
    expect(server.last.authorization).toBe('Bearer token-2');
    server.last.open(subscribedEvent());
    await settle();
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('fails for good on a 401 with a token that cannot be refreshed', async () => {
    const { subscription, errors } = start(server, { token: 'static' });
    await settle();
    server.last.fail(401);
    await settle();
    expect(subscription.status).toBe('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 401, fatal: true });
  });

  it('fails for good on a 403', async () => {
    const { subscription, statuses, errors } = start(server);
    const iterator = subscription[Symbol.asyncIterator]();
    await settle();
    server.last.fail(403, { title: 'Forbidden', status: 403, detail: 'Topic not granted' });
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(1);
    expect(subscription.status).toBe('error');
    expect(statuses.at(-1)[0]).toBe('error');
    expect(errors[0]).toMatchObject({ code: 'forbidden', status: 403, detail: 'Topic not granted', fatal: true });
    await expect(iterator.next()).rejects.toMatchObject({ status: 403 });
  });

  it('reconnects with resume after a slow_consumer error event', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { subscription, errors } = start(server);
    await settle();
    server.last.open(subscribedEvent() + messageEvent('5-e1', 'status', {})
      + sseEvent('error', { code: 'slow_consumer', message: 'Too slow' }));
    await settle();
    expect(errors[0]).toMatchObject({ code: 'slow_consumer', fatal: false });
    expect(subscription.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(server.last.param('lastEventId')).toBe('5-e1');
    subscription.close();
  });

  it('uses the token endpoint when no token is given', async () => {
    const calls = [];
    const fetch = async (url, init) => {
      if (String(url).endsWith('/token')) {
        calls.push(JSON.parse(init.body));
        return { ok: true, status: 200, json: async () => ({ token: 'minted', expiresAt: null }) };
      }
      return server.fetch(url, init);
    };
    const { subscription } = start(server, { token: undefined, fetch });
    await settle();
    expect(calls).toEqual([{ channel: 'pipeline:run-1', topics: ['status'] }]);
    expect(server.last.authorization).toBe('Bearer minted');
    subscription.close();
  });
});

describe('EventSource transport', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A ticket endpoint answering each request with the next of the given responses (the last one repeats). */
  function ticketEndpoint(...responses) {
    const requests = [];
    const fetch = async (url, init) => {
      requests.push({ url: new URL(url, 'http://localhost'), init });
      const next = responses[Math.min(requests.length, responses.length) - 1];
      if (next instanceof Error) {
        throw next;
      }
      return next === 200
        ? { ok: true, status: 200, json: async () => ({ ticket: `ticket-${requests.length}`, expiresAt: '2030-01-01T00:00:00Z' }) }
        : { ok: false, status: next, body: null, json: async () => ({ title: `HTTP ${next}`, status: next }) };
    };
    return { fetch, requests };
  }

  function startEventSource(endpoint, options = {}) {
    const { EventSource, sources } = createEventSourceClass();
    const started = start(createSseServer(), { transport: 'eventsource', EventSource, fetch: endpoint.fetch, ...options });
    return { ...started, sources };
  }

  it('exchanges the token for a single-use ticket before each connect and puts only the ticket in the URL', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const endpoint = ticketEndpoint(200);
    const { subscription, messages, tokens, sources } = startEventSource(endpoint);
    await settle();
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0].url.pathname).toBe('/realtime/ticket');
    expect(endpoint.requests[0].init.method).toBe('POST');
    expect(endpoint.requests[0].init.headers.Authorization).toBe('Bearer token-1');
    expect(sources[0].url.pathname).toBe('/realtime/sse');
    expect(sources[0].url.searchParams.get('ticket')).toBe('ticket-1');
    expect(sources[0].url.searchParams.has('token')).toBe(false);
    expect(sources[0].url.href).not.toContain('token-1');
    sources[0].emit('subscribed', { channel: 'pipeline:run-1', topics: ['status'], recovered: null });
    sources[0].emit('message', envelope('1-e1', 'status', {}), '1-e1');
    sources[0].emit('message', envelope('1-e1', 'status', {}), '1-e1');
    expect(subscription.status).toBe('open');
    expect(messages).toEqual(['1-e1']);
    // the browser's own reconnect would present the spent ticket
    sources[0].failConnection();
    expect(sources[0].closed).toBe(true);
    expect(subscription.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(tokens()).toBe(2);
    expect(endpoint.requests[1].init.headers.Authorization).toBe('Bearer token-2');
    expect(sources[1].url.searchParams.get('ticket')).toBe('ticket-2');
    expect(sources[1].url.searchParams.get('lastEventId')).toBe('1-e1');
    sources[1].emit('expired', {});
    await settle();
    expect(sources[1].closed).toBe(true);
    expect(sources).toHaveLength(3);
    expect(sources[2].url.searchParams.get('ticket')).toBe('ticket-3');
    subscription.close();
    expect(sources[2].closed).toBe(true);
  });

  it('gets a new token at once when the ticket endpoint answers 401', async () => {
    const endpoint = ticketEndpoint(401, 200);
    const { subscription, tokens, sources } = startEventSource(endpoint);
    await settle();
    expect(tokens()).toBe(2);
    expect(endpoint.requests[1].init.headers.Authorization).toBe('Bearer token-2');
    expect(sources).toHaveLength(1);
    expect(sources[0].url.searchParams.get('ticket')).toBe('ticket-2');
    subscription.close();
  });

  it.each([403, 404])('fails for good when the ticket endpoint answers %i', async (status) => {
    const endpoint = ticketEndpoint(status);
    const { subscription, errors, sources } = startEventSource(endpoint);
    await settle();
    expect(subscription.status).toBe('error');
    expect(errors[0]).toMatchObject({ status, fatal: true });
    expect(sources).toHaveLength(0);
  });

  it.each([
    ['a 503', 503],
    ['a network failure', new TypeError('Failed to fetch')],
  ])('backs off after %s from the ticket endpoint', async (_name, failure) => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const endpoint = ticketEndpoint(failure, 200);
    const { subscription, errors, sources } = startEventSource(endpoint);
    await settle();
    expect(subscription.status).toBe('reconnecting');
    expect(errors[0]).toMatchObject({ fatal: false });
    expect(sources).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(sources).toHaveLength(1);
    expect(sources[0].url.searchParams.get('ticket')).toBe('ticket-2');
    subscription.close();
  });

  it('opens no stream when closed while the ticket is on its way', async () => {
    let answer;
    const endpoint = ticketEndpoint(200);
    const slow = (url, init) => new Promise((resolve) => {
      answer = () => resolve(endpoint.fetch(url, init));
    });
    const { subscription, sources } = startEventSource({ fetch: slow });
    await settle();
    expect(answer).toBeTypeOf('function');
    subscription.close();
    answer();
    await settle();
    expect(sources).toHaveLength(0);
    expect(endpoint.requests[0].init.signal.aborted).toBe(true);
  });
});
