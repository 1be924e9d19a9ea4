import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { subscribe } from '../src/client.js';
import { createWebSocketClass, envelope, settle } from './fakes.js';

describe('WebSocket transport', () => {
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

  function start(channel, options = {}) {
    const messages = [];
    const errors = [];
    let tokens = 0;
    const subscription = subscribe({
      channel,
      token: () => `${channel}-token-${++tokens}`,
      transport: 'websocket',
      baseUrl: 'https://app.example/realtime',
      WebSocket,
      onMessage: (message) => messages.push(message.id),
      onError: (error) => errors.push(error),
      ...options,
    });
    return { subscription, messages, errors, tokens: () => tokens };
  }

  function subscribed(socket, channel, recovered = null) {
    socket.receive({ type: 'subscribed', channel, topics: ['status'], recovered });
  }

  it('shares one socket between channels and closes it with the last subscription', async () => {
    const a = start('pipeline:a', { history: 'none' });
    const b = start('pipeline:b', { lastEventId: '4-e1' });
    await settle();
    expect(sockets).toHaveLength(1);
    const [socket] = sockets;
    expect(socket.url).toBe('wss://app.example/realtime/ws');
    socket.open();
    expect(socket.sent).toEqual([
      { type: 'subscribe', token: 'pipeline:a-token-1', lastEventId: null, history: 'none' },
      { type: 'subscribe', token: 'pipeline:b-token-1', lastEventId: '4-e1' },
    ]);
    subscribed(socket, 'pipeline:a');
    subscribed(socket, 'pipeline:b', true);
    socket.receive({ type: 'message', message: envelope('1-e1', 'status', {}, 'pipeline:a') });
    socket.receive({ type: 'message', message: envelope('5-e1', 'status', {}, 'pipeline:b') });
    socket.receive({ type: 'message', message: envelope('4-e1', 'status', {}, 'pipeline:b') });
    expect(a.messages).toEqual(['1-e1']);
    expect(b.messages).toEqual(['5-e1']);
    expect([a.subscription.status, b.subscription.status]).toEqual(['open', 'open']);

    const c = start('pipeline:c');
    await settle();
    expect(sockets).toHaveLength(1);
    expect(socket.sent.at(-1)).toEqual({ type: 'subscribe', token: 'pipeline:c-token-1', lastEventId: null });

    a.subscription.close();
    c.subscription.close();
    expect(socket.framesOfType('unsubscribe')).toEqual([
      { type: 'unsubscribe', channel: 'pipeline:a' }, { type: 'unsubscribe', channel: 'pipeline:c' },
    ]);
    expect(socket.closeCode).toBeNull();
    b.subscription.close();
    expect(socket.closeCode).toBe(1000);

    const d = start('pipeline:d');
    await settle();
    expect(sockets).toHaveLength(2);
    d.subscription.close();
  });

  it('gives a second subscription to the same channel a socket of its own', async () => {
    const first = start('pipeline:a');
    const second = start('pipeline:a');
    await settle();
    expect(sockets).toHaveLength(2);
    first.subscription.close();
    expect(sockets[0].closeCode).toBe(1000);
    expect(sockets[1].closeCode).toBeNull();
    second.subscription.close();
  });

  it('refreshes the token in band before it expires', async () => {
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    let count = 0;
    const { subscription } = start('pipeline:a', {
      token: () => ({ token: `t${++count}`, expiresAt: new Date(Date.now() + 60_000).toISOString() }),
    });
    await settle();
    sockets[0].open();
    subscribed(sockets[0], 'pipeline:a');
    sockets[0].receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(30_000);
    await settle();
    expect(sockets[0].framesOfType('refresh')).toEqual([{ type: 'refresh', token: 't2' }]);
    expect(sockets).toHaveLength(1);
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('resubscribes on the same socket with a new token when a channel expires', async () => {
    const a = start('pipeline:a');
    const b = start('pipeline:b');
    await settle();
    const [socket] = sockets;
    socket.open();
    subscribed(socket, 'pipeline:a');
    subscribed(socket, 'pipeline:b');
    socket.receive({ type: 'message', message: envelope('3-e1', 'status', {}, 'pipeline:a') });
    socket.receive({ type: 'expired', channel: 'pipeline:a' });
    await settle();
    expect(socket.sent.at(-1)).toEqual({ type: 'subscribe', token: 'pipeline:a-token-2', lastEventId: '3-e1' });
    expect(socket.framesOfType('unsubscribe')).toEqual([]);
    expect(sockets).toHaveLength(1);
    expect(a.subscription.status).toBe('open');
    a.subscription.close();
    b.subscription.close();
  });

  it('pings after 25 s without traffic and reconnects when the pong never comes', async () => {
    const { subscription } = start('pipeline:a');
    await settle();
    sockets[0].open();
    subscribed(sockets[0], 'pipeline:a');
    await vi.advanceTimersByTimeAsync(20_000);
    sockets[0].receive({ type: 'message', message: envelope('1-e1', 'status', {}, 'pipeline:a') });
    await vi.advanceTimersByTimeAsync(24_999);
    expect(sockets[0].framesOfType('ping')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets[0].framesOfType('ping')).toEqual([{ type: 'ping' }]);
    sockets[0].receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(25_000);
    expect(sockets[0].framesOfType('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(sockets[0].closeCode).toBe(4000);
    expect(subscription.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([{ type: 'subscribe', token: 'pipeline:a-token-2', lastEventId: '1-e1' }]);
    subscription.close();
  });

  it.each([
    [4401, 'a new token at once', 0],
    [4408, 'a new token at once', 0],
    [4429, 'backoff', 1000],
    [1006, 'backoff', 1000],
  ])('reconnects after close code %i with %s', async (code, _how, delay) => {
    const a = start('pipeline:a');
    const b = start('pipeline:b');
    await settle();
    sockets[0].open();
    subscribed(sockets[0], 'pipeline:a');
    subscribed(sockets[0], 'pipeline:b');
    sockets[0].receive({ type: 'message', message: envelope('9-e1', 'status', {}, 'pipeline:a') });
    sockets[0].serverClose(code);
    if (delay > 0) {
      await settle();
      expect(sockets).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(delay);
    }
    await settle();
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([
      { type: 'subscribe', token: 'pipeline:a-token-2', lastEventId: '9-e1' },
      { type: 'subscribe', token: 'pipeline:b-token-2', lastEventId: null },
    ]);
    a.subscription.close();
    b.subscription.close();
  });

  it('reconnects promptly, within the initial delay, when the server goes away', async () => {
    Math.random.mockReturnValue(0.5);
    const { subscription } = start('pipeline:a', { reconnect: { initialDelay: 400 } });
    await settle();
    sockets[0].open();
    subscribed(sockets[0], 'pipeline:a');
    sockets[0].serverClose(1001);
    expect(subscription.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(199);
    await settle();
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(sockets).toHaveLength(2);
    subscription.close();
  });

  it('fails for good on close code 4403', async () => {
    const { subscription, errors } = start('pipeline:a');
    await settle();
    sockets[0].open();
    sockets[0].serverClose(4403, 'Forbidden');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(subscription.status).toBe('error');
    expect(errors[0]).toMatchObject({ code: 'forbidden', status: 4403, fatal: true });
    expect(sockets).toHaveLength(1);
  });

  it('fails one channel on a forbidden error frame and keeps the others', async () => {
    const a = start('pipeline:a');
    const b = start('pipeline:b');
    await settle();
    sockets[0].open();
    sockets[0].receive({ type: 'error', code: 'forbidden', message: 'No', channel: 'pipeline:a' });
    subscribed(sockets[0], 'pipeline:b');
    expect(a.subscription.status).toBe('error');
    expect(b.subscription.status).toBe('open');
    expect(sockets[0].framesOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', channel: 'pipeline:a' }]);
    b.subscription.close();
    expect(sockets[0].closeCode).toBe(1000);
  });

  it('reports errors that name no channel to every subscription without reconnecting', async () => {
    const a = start('pipeline:a');
    await settle();
    sockets[0].open();
    subscribed(sockets[0], 'pipeline:a');
    sockets[0].receive({ type: 'error', code: 'bad_frame', message: 'Unknown frame' });
    expect(a.errors[0]).toMatchObject({ code: 'bad_frame', fatal: false });
    expect(a.subscription.status).toBe('open');
    a.subscription.close();
  });
});
