import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { subscribe } from '../src/client.js';
import {
  createSseServer, createWebSocketClass, envelope, messageEvent, settle, snapshotEnvelope, snapshotEvent, subscribedEvent,
} from './fakes.js';

/** Subscribes over fetch SSE to a fake server, recording messages and stream changes. */
function start(server, options = {}) {
  const messages = [];
  const changes = [];
  const gaps = [];
  let tokens = 0;
  const subscription = subscribe({
    channel: 'pipeline:run-1',
    token: () => `token-${++tokens}`,
    fetch: server.fetch,
    onMessage: (message) => messages.push(`${message.kind} ${message.id}`),
    onStream: (topic, stream) => changes.push([topic, stream.text, stream.id]),
    onGap: (gap) => gaps.push(gap),
    ...options,
  });
  return { subscription, messages, changes, gaps };
}

/** Ends the stream and lets the reconnect (1 s, no jitter) open the next one. */
async function reconnect(server) {
  server.last.end();
  await settle();
  await vi.advanceTimersByTimeAsync(1000);
  await settle();
}

describe('stream topics over SSE', () => {
  let server;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    server = createSseServer();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('accumulates the chunks of a declared stream topic from the first one, before any snapshot', async () => {
    const seen = [];
    const { subscription, changes } = start(server, {
      streams: ['answer'],
      // the text is up to date when the chunk is delivered
      onMessage: (message) => seen.push([message.id, subscription.streams.answer?.text]),
    });
    expect(subscription.streams).toEqual({});
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'answer', 'Hel') + messageEvent('2-e1', 'status', { message: 'x' })
      + messageEvent('3-e1', 'answer', 'lo') + messageEvent('4-e1', 'other', 'not a stream topic')
      + messageEvent('5-e1', 'answer', { not: 'a string' }) + messageEvent('6-e1', 'answer', ', world'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'Hello, world', id: '6-e1' } });
    expect(changes).toEqual([['answer', 'Hel', '1-e1'], ['answer', 'Hello', '3-e1'], ['answer', 'Hello, world', '6-e1']]);
    expect(seen).toEqual([
      ['1-e1', 'Hel'], ['2-e1', 'Hel'], ['3-e1', 'Hello'], ['4-e1', 'Hello'], ['5-e1', 'Hello'], ['6-e1', 'Hello, world'],
    ]);
    subscription.close();
  });

  it('replaces the text with the snapshot of a resume and appends the chunks after it without duplicates', async () => {
    const messages = [];
    const { subscription, changes } = start(server, { streams: ['answer'], onMessage: (message) => messages.push(message) });
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'answer', 'Hel') + messageEvent('2-e1', 'answer', 'lo'));
    await settle();
    const before = subscription.streams;
    await reconnect(server);
    expect(server.connections).toHaveLength(2);
    expect(server.last.param('lastEventId')).toBe('2-e1');
    // chunks 3 and 4 were published while away: the snapshot includes them, and they are never delivered after it
    server.last.open(subscribedEvent(true) + snapshotEvent('4-e1', 'answer', 'Hello, wor') + messageEvent('3-e1', 'answer', ', ')
      + messageEvent('4-e1', 'answer', 'wor') + messageEvent('5-e1', 'answer', 'ld'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'Hello, world', id: '5-e1' } });
    expect(before).toEqual({ answer: { text: 'Hello', id: '2-e1' } });
    expect(changes).toEqual([
      ['answer', 'Hel', '1-e1'], ['answer', 'Hello', '2-e1'], ['answer', 'Hello, wor', '4-e1'], ['answer', 'Hello, world', '5-e1'],
    ]);
    expect(messages.map((message) => `${message.kind} ${message.id}`)).toEqual(['data 1-e1', 'data 2-e1', 'snapshot 4-e1', 'data 5-e1']);
    expect(messages[2]).toEqual(snapshotEnvelope('4-e1', 'answer', 'Hello, wor'));
    expect(subscription.lastEventId).toBe('5-e1');

    // a snapshot moves the resume position like any message
    server.last.send(snapshotEvent('6-e1', 'answer', 'Hello, world!'));
    await reconnect(server);
    expect(server.last.param('lastEventId')).toBe('6-e1');
    subscription.close();
  });

  it('keeps a topic that received a snapshot as a stream topic without declaring it', async () => {
    const { subscription, messages } = start(server);
    await settle();
    // a first connect with history: the text so far, then what follows live
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', {}) + snapshotEvent('3-e1', 'answer', 'abc')
      + messageEvent('4-e1', 'answer', 'd') + messageEvent('5-e1', 'notes', 'no snapshot, not declared'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'abcd', id: '4-e1' } });
    expect(messages).toEqual(['data 1-e1', 'snapshot 3-e1', 'data 4-e1', 'data 5-e1']);
    subscription.close();
  });

  it('empties the text on a reset and appends the chunks after it', async () => {
    const { subscription, changes } = start(server, { streams: ['answer'] });
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'answer', 'attempt 1 ') + messageEvent('2-e1', 'answer', 'failed'));
    await settle();
    server.last.send(snapshotEvent('3-e1', 'answer', ''));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: '', id: '3-e1' } });
    server.last.send(messageEvent('4-e1', 'answer', 'attempt ') + messageEvent('5-e1', 'answer', '2'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'attempt 2', id: '5-e1' } });
    expect(changes.map(([, text]) => text)).toEqual(['attempt 1 ', 'attempt 1 failed', '', 'attempt ', 'attempt 2']);
    subscription.close();
  });

  it('only appends with history none, from the first live chunk', async () => {
    const { subscription } = start(server, { history: 'none', streams: ['answer'] });
    await settle();
    expect(server.last.param('history')).toBe('none');
    server.last.open(subscribedEvent() + messageEvent('7-e1', 'answer', 'mid-') + messageEvent('8-e1', 'answer', 'sentence')
      + messageEvent('9-e1', 'notes', 'not declared'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'mid-sentence', id: '8-e1' } });
    subscription.close();
  });

  it('keeps the text over a gap until a snapshot of the new epoch replaces it', async () => {
    const { subscription, gaps } = start(server, { streams: ['answer'] });
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'answer', 'old'));
    await settle();
    await reconnect(server);
    server.last.open(subscribedEvent(false));
    await settle();
    expect(gaps).toEqual([expect.objectContaining({ reason: 'not-recovered', lastEventId: '1-e1' })]);
    expect(subscription.streams).toEqual({ answer: { text: 'old', id: '1-e1' } });
    server.last.send(snapshotEvent('1-e2', 'answer', 'new text') + messageEvent('2-e2', 'answer', '!'));
    await settle();
    expect(subscription.streams).toEqual({ answer: { text: 'new text!', id: '2-e2' } });
    subscription.close();
  });

  it('yields snapshots to iterators like any message', async () => {
    const { subscription } = start(server);
    const iterator = subscription[Symbol.asyncIterator]();
    await settle();
    server.last.open(subscribedEvent() + snapshotEvent('3-e1', 'answer', 'abc') + messageEvent('4-e1', 'answer', 'd'));
    await settle();
    expect((await iterator.next()).value).toEqual(snapshotEnvelope('3-e1', 'answer', 'abc'));
    expect((await iterator.next()).value).toEqual(envelope('4-e1', 'answer', 'd'));
    await iterator.return();
    expect(subscription.status).toBe('closed');
  });
});

describe('stream topics over WebSocket', () => {
  it('replaces the text with the snapshot of a resume on a new socket', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    try {
      const { WebSocket, sockets } = createWebSocketClass();
      const subscription = subscribe({
        channel: 'chat:1', streams: ['answer'], token: 't', transport: 'websocket', baseUrl: 'https://app.example/realtime', WebSocket,
      });
      await settle();
      sockets[0].open();
      sockets[0].receive({ type: 'subscribed', channel: 'chat:1', topics: ['answer'], recovered: null });
      sockets[0].receive({ type: 'message', message: envelope('1-e1', 'answer', 'Hi', 'chat:1') });
      sockets[0].serverClose(1006);
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      sockets[1].open();
      expect(sockets[1].sent).toEqual([{ type: 'subscribe', token: 't', lastEventId: '1-e1' }]);
      sockets[1].receive({ type: 'subscribed', channel: 'chat:1', topics: ['answer'], recovered: true });
      sockets[1].receive({ type: 'message', message: snapshotEnvelope('3-e1', 'answer', 'Hi there', 'chat:1') });
      sockets[1].receive({ type: 'message', message: envelope('2-e1', 'answer', ' there', 'chat:1') });
      sockets[1].receive({ type: 'message', message: envelope('4-e1', 'answer', '!', 'chat:1') });
      expect(subscription.streams).toEqual({ answer: { text: 'Hi there!', id: '4-e1' } });
      subscription.close();
    }
    finally {
      vi.useRealTimers();
    }
  });
});
