import { describe, expect, it } from 'vitest';
import { publish, RealtimeError, subscribe } from '../src/client.js';
import { createSseServer, messageEvent, settle, subscribedEvent } from './fakes.js';

describe('async iteration', () => {
  it('yields messages in order and ends when leaving the loop closes the subscription', async () => {
    const server = createSseServer();
    const subscription = subscribe({ channel: 'pipeline:run-1', token: 't', fetch: server.fetch });
    await settle();
    server.last.open(subscribedEvent() + messageEvent('1-e1', 'status', { n: 1 }) + messageEvent('2-e1', 'status', { n: 2 })
      + messageEvent('3-e1', 'status', { n: 3 }));
    const seen = [];
    for await (const item of subscription) {
      seen.push(item.data.n);
      if (seen.length === 2) {
        break;
      }
    }
    expect(seen).toEqual([1, 2]);
    expect(subscription.status).toBe('closed');
    expect(server.last.aborted).toBe(true);
  });

  it('drops the oldest messages for a slow consumer and says how many with one gap item', async () => {
    const server = createSseServer();
    const subscription = subscribe({ channel: 'pipeline:run-1', token: 't', fetch: server.fetch, bufferSize: 3 });
    const iterator = subscription[Symbol.asyncIterator]();
    await settle();
    let text = subscribedEvent();
    for (let i = 1; i <= 6; i++) {
      text += messageEvent(`${i}-e1`, 'status', {});
    }
    server.last.open(text);
    await settle();
    const items = [];
    for (let i = 0; i < 4; i++) {
      items.push((await iterator.next()).value);
    }
    // the buffer keeps the newest bufferSize messages behind the gap item
    expect(items).toEqual([
      { kind: 'gap', channel: 'pipeline:run-1', lastEventId: null, reason: 'overflow', dropped: 3 },
      expect.objectContaining({ id: '4-e1' }),
      expect.objectContaining({ id: '5-e1' }),
      expect.objectContaining({ id: '6-e1' }),
    ]);
    subscription.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('finishes at once on a closed subscription', async () => {
    const subscription = subscribe({ channel: 'c', token: 't', fetch: createSseServer().fetch });
    subscription.close();
    expect(await subscription[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });
  });
});

describe('publish', () => {
  function respond(status, body) {
    const requests = [];
    const fetch = async (url, init) => {
      requests.push({ url, init });
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    };
    return { fetch, requests };
  }

  it('posts the message with the bearer token and returns its id', async () => {
    const { fetch, requests } = respond(202, { id: '12-e1' });
    const result = await publish({
      channel: 'pipeline:run-1', topic: 'approval', data: { approved: true }, token: async () => ({ token: 'pub' }), fetch,
    });
    expect(result).toEqual({ id: '12-e1' });
    expect(requests[0].url).toBe('/realtime/publish');
    expect(requests[0].init.method).toBe('POST');
    expect(requests[0].init.headers.Authorization).toBe('Bearer pub');
    expect(JSON.parse(requests[0].init.body)).toEqual({ channel: 'pipeline:run-1', topic: 'approval', data: { approved: true } });
  });

  it('rejects with the problem details and field errors of a 400', async () => {
    const problem = {
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Invalid payload',
      errors: [{ field: 'approved', message: 'must not be null' }],
    };
    const { fetch } = respond(400, problem);
    const error = await publish({ channel: 'c', topic: 'approval', data: {}, token: 'pub', fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ status: 400, detail: 'Invalid payload', message: 'Invalid payload', code: 'bad_request' });
    expect(error.errors).toEqual([{ field: 'approved', message: 'must not be null' }]);
  });

  it('rejects with status 403 when the topic is not granted', async () => {
    const { fetch } = respond(403, { title: 'Forbidden', status: 403 });
    await expect(publish({ channel: 'c', topic: 'status', data: {}, token: 'pub', fetch, baseUrl: 'https://x/rt' }))
      .rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
