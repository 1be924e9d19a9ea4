// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cancel, fetchToken, RealtimeError, subscribe } from '../src/client.js';
import { useRealtime } from '../src/react.js';
import { createSseServer, envelope, settle, sseEvent, subscribedEvent } from './fakes.js';

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

describe('cancel', () => {
  it('posts to the run\'s cancel endpoint with the bearer token and returns the outcome', async () => {
    const { fetch, requests } = respond(202, { runId: 'alice~1', outcome: 'requested' });
    const result = await cancel({ runId: 'alice~1', token: async () => ({ token: 'can' }), baseUrl: '/rt/', fetch });
    expect(result).toEqual({ runId: 'alice~1', outcome: 'requested' });
    expect(requests[0].url).toBe('/rt/runs/alice~1/cancel');
    expect(requests[0].init.method).toBe('POST');
    expect(requests[0].init.headers.Authorization).toBe('Bearer can');
    expect(requests[0].init.body).toBeUndefined();
  });

  it('encodes the run id into the path', async () => {
    const { fetch, requests } = respond(202, { runId: 'a/b', outcome: 'cancelled' });
    await cancel({ runId: 'a/b', token: 't', fetch });
    expect(requests[0].url).toBe('/realtime/runs/a%2Fb/cancel');
  });

  it.each([
    [403, 'forbidden', 'Token does not grant cancelling runs of channel \'pipeline:run-1\''],
    [409, 'run_ended', 'Run \'run-1\' has already ended'],
    [404, 'unknown_run', 'No run \'run-1\' is known on channel \'pipeline:run-1\''],
    [400, 'bad_request', 'Malformed run id'],
  ])('rejects a %i with code %s and the problem detail', async (status, code, detail) => {
    const { fetch } = respond(status, { status, detail });
    const error = await cancel({ runId: 'run-1', token: 't', fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ status, code, detail, message: detail });
  });

  it('refuses an empty run id without a request', async () => {
    const { fetch, requests } = respond(202, {});
    await expect(cancel({ runId: '', token: 't', fetch })).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });
});

describe('fetchToken with cancel', () => {
  it('asks for the cancel grant only when wanted', async () => {
    const { fetch, requests } = respond(200, { token: 't', channel: 'pipeline:run-1', cancel: true });
    await fetchToken({ channel: 'pipeline:run-1', topics: ['status'], cancel: true, fetch, csrf: false });
    await fetchToken({ channel: 'pipeline:run-1', topics: ['status'], fetch, csrf: false });
    expect(JSON.parse(requests[0].init.body)).toEqual({ channel: 'pipeline:run-1', topics: ['status'], cancel: true });
    expect(JSON.parse(requests[1].init.body)).toEqual({ channel: 'pipeline:run-1', topics: ['status'] });
  });
});

describe('Subscription.cancel', () => {
  it('cancels with the subscription\'s own token function', async () => {
    const server = createSseServer();
    const cancels = [];
    const fetch = (url, init) => {
      if (String(url).endsWith('/cancel')) {
        cancels.push({ url: String(url), init });
        return Promise.resolve(Response.json({ runId: 'run-1', outcome: 'cancelled' }, { status: 202 }));
      }
      return server.fetch(url, init);
    };
    const subscription = subscribe({ channel: 'pipeline:run-1', token: () => 'with-grant', fetch });
    await settle();
    server.last.open(subscribedEvent());
    await expect(subscription.cancel('run-1')).resolves.toEqual({ runId: 'run-1', outcome: 'cancelled' });
    expect(cancels[0].url).toBe('/realtime/runs/run-1/cancel');
    expect(cancels[0].init.headers.Authorization).toBe('Bearer with-grant');
    expect(subscription.status).toBe('open');
    subscription.close();
  });

  it('asks the token endpoint for a token with the cancel grant when it has no token option', async () => {
    const server = createSseServer();
    const tokenBodies = [];
    const fetch = (url, init) => {
      if (String(url).endsWith('/token')) {
        const body = JSON.parse(init.body);
        tokenBodies.push(body);
        return Promise.resolve(Response.json({ token: body.cancel ? 'cancel-token' : 'read-token' }));
      }
      if (String(url).endsWith('/cancel')) {
        expect(init.headers.Authorization).toBe('Bearer cancel-token');
        return Promise.resolve(Response.json({ runId: 'run-1', outcome: 'requested' }, { status: 202 }));
      }
      return server.fetch(url, init);
    };
    const subscription = subscribe({ channel: 'pipeline:run-1', topics: ['status'], fetch, csrf: false });
    await settle();
    expect(server.last.authorization).toBe('Bearer read-token');
    await expect(subscription.cancel('run-1')).resolves.toMatchObject({ outcome: 'requested' });
    expect(tokenBodies).toEqual([
      { channel: 'pipeline:run-1', topics: ['status'] },
      { channel: 'pipeline:run-1', topics: ['status'], cancel: true },
    ]);
    subscription.close();
  });
});

describe('useRealtime cancel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  function runEvent(id, runId, status) {
    return sseEvent('message', { ...envelope(id, '$run', { status, attempt: 1 }), runId }, id);
  }

  it('cancels the run whose status it shows, with a token asking for the cancel grant', async () => {
    const server = createSseServer();
    const requests = [];
    vi.stubGlobal('fetch', (url, init) => {
      const path = String(url);
      if (path.endsWith('/token')) {
        requests.push({ path, body: JSON.parse(init.body) });
        return Promise.resolve(Response.json({ token: 'token' }));
      }
      if (path.endsWith('/cancel')) {
        requests.push({ path });
        return Promise.resolve(Response.json({ runId: 'run-1', outcome: 'cancelled' }, { status: 202 }));
      }
      return server.fetch(url, init);
    });
    const { result } = renderHook(() => useRealtime({ channel: 'pipeline:run-1', topics: ['status'], csrf: false }));
    await act(async () => {
      await settle();
    });
    await expect(result.current.cancel()).rejects.toMatchObject({ code: 'unknown_run' });
    await act(async () => {
      server.last.open(subscribedEvent() + runEvent('1-e1', 'run-1', 'running'));
      await settle();
    });
    expect(result.current.runId).toBe('run-1');
    const first = result.current.cancel;
    let outcome;
    await act(async () => {
      outcome = await result.current.cancel();
    });
    expect(outcome).toEqual({ runId: 'run-1', outcome: 'cancelled' });
    expect(requests.slice(1)).toEqual([
      { path: '/realtime/token', body: { channel: 'pipeline:run-1', topics: ['status'], cancel: true } },
      { path: '/realtime/runs/run-1/cancel' },
    ]);
    await act(async () => {
      server.last.send(runEvent('2-e1', 'run-1', 'cancelled'));
      await settle();
    });
    expect(result.current.runStatus).toBe('cancelled');
    expect(result.current.cancel).toBe(first);
  });

  it('cancels a given run with the token option and rejects with the refusal', async () => {
    const server = createSseServer();
    vi.stubGlobal('fetch', (url, init) => {
      if (String(url).endsWith('/cancel')) {
        return Promise.resolve(Response.json({ status: 409, detail: 'Run \'run-2\' has already ended' }, { status: 409 }));
      }
      return server.fetch(url, init);
    });
    const { result } = renderHook(() => useRealtime({ channel: 'pipeline:run-1', token: 'mine' }));
    await act(async () => {
      await settle();
    });
    await expect(result.current.cancel('run-2')).rejects.toMatchObject({ status: 409, code: 'run_ended' });
  });
});
