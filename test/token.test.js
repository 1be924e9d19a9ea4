// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError, csrfHeaders, fetchToken, subscribe } from '../src/client.js';
import { createSseServer, settle, subscribedEvent } from './fakes.js';

/** A token endpoint that answers each request with the next of the given responses (the last one repeats). */
function tokenEndpoint(...responses) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url: String(url), init, body: init.body ? JSON.parse(init.body) : undefined });
    const next = responses[Math.min(requests.length, responses.length) - 1];
    if (next instanceof Error) {
      throw next;
    }
    return typeof next === 'function' ? next() : next;
  };
  return { fetch, requests };
}

function json(status, body, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

const minted = () => json(200, { token: 'minted', expiresAt: null, channel: 'pipeline:run-1', topics: ['status'] });

// what Spring Security's CsrfWebFilter answers when the CSRF token is missing
const csrfDenied = () => new Response('An expected CSRF token cannot be found', {
  status: 403, headers: { 'Content-Type': 'text/plain' },
});

function clearCookies() {
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0].trim();
    if (name) {
      document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
    }
  }
}

afterEach(() => {
  clearCookies();
  document.head.replaceChildren();
});

describe('fetchToken', () => {
  it('posts JSON with same-origin credentials and the XSRF-TOKEN cookie in X-XSRF-TOKEN', async () => {
    document.cookie = 'other=1';
    document.cookie = 'XSRF-TOKEN=c0ffee%2Dcookie';
    const { fetch, requests } = tokenEndpoint(minted);
    const token = await fetchToken({ channel: 'pipeline:run-1', topics: ['status'], publish: ['approval'], fetch });
    expect(token).toMatchObject({ token: 'minted' });
    expect(requests).toHaveLength(1);
    const [{ url, init, body }] = requests;
    expect(url).toBe('/realtime/token');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-XSRF-TOKEN': 'c0ffee-cookie' });
    expect(body).toEqual({ channel: 'pipeline:run-1', topics: ['status'], publish: ['approval'] });
  });

  it('prefers the _csrf meta tag and its _csrf_header, and lets the header name be configured', async () => {
    document.cookie = 'XSRF-TOKEN=from-cookie';
    document.head.innerHTML = '<meta name="_csrf" content="from-meta"><meta name="_csrf_header" content="X-MY-CSRF">';
    const { fetch, requests } = tokenEndpoint(minted);
    await fetchToken({ channel: 'c', fetch });
    await fetchToken({ channel: 'c', fetch, csrf: { headerName: 'X-Other' } });
    expect(requests[0].init.headers).toMatchObject({ 'X-MY-CSRF': 'from-meta' });
    expect(requests[0].init.headers).not.toHaveProperty('X-XSRF-TOKEN');
    expect(requests[1].init.headers).toMatchObject({ 'X-Other': 'from-meta' });
    expect(requests[1].init.headers).not.toHaveProperty('X-MY-CSRF');
  });

  it('defaults the meta tag header to X-CSRF-TOKEN and reads a configured cookie', async () => {
    document.head.innerHTML = '<meta name="_csrf" content="m">';
    const { fetch, requests } = tokenEndpoint(minted);
    await fetchToken({ channel: 'c', fetch });
    document.head.replaceChildren();
    document.cookie = 'MY-XSRF=k';
    await fetchToken({ channel: 'c', fetch, csrf: { cookieName: 'MY-XSRF' } });
    expect(requests[0].init.headers).toMatchObject({ 'X-CSRF-TOKEN': 'm' });
    expect(requests[1].init.headers).toMatchObject({ 'X-XSRF-TOKEN': 'k' });
  });

  it('sends a given CSRF token, or none with csrf false or when the page has none', async () => {
    document.cookie = 'XSRF-TOKEN=cookie';
    const { fetch, requests } = tokenEndpoint(minted);
    await fetchToken({ channel: 'c', fetch, csrf: { token: 'given', headerName: 'X-XSRF-TOKEN' } });
    await fetchToken({ channel: 'c', fetch, csrf: false });
    clearCookies();
    await fetchToken({ channel: 'c', fetch });
    expect(requests[0].init.headers['X-XSRF-TOKEN']).toBe('given');
    for (const request of requests.slice(1)) {
      expect(Object.keys(request.init.headers)).toEqual(['Content-Type', 'Accept']);
    }
  });

  it('rejects with the status and the problem detail of a refusal', async () => {
    const problem = { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Only the run owner may watch it' };
    const { fetch } = tokenEndpoint(() => json(403, problem, 'application/problem+json'));
    const error = await fetchToken({ channel: 'c', fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden', detail: 'Only the run owner may watch it' });
    expect(error.message).toBe('Only the run owner may watch it');
  });

  it('rejects with the status of a plain-text refusal such as a missing CSRF token', async () => {
    const { fetch } = tokenEndpoint(csrfDenied);
    await expect(fetchToken({ channel: 'c', fetch }))
      .rejects.toMatchObject({ status: 403, code: 'forbidden', message: 'Token request failed: HTTP 403' });
  });

  it('rejects with a fatal unauthorized error when the request was redirected to a login page', async () => {
    const login = new Response('<html>Please sign in</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    Object.defineProperty(login, 'redirected', { value: true });
    Object.defineProperty(login, 'url', { value: 'http://localhost/login' });
    const { fetch } = tokenEndpoint(() => login);
    await expect(fetchToken({ channel: 'c', fetch }))
      .rejects.toMatchObject({ code: 'unauthorized', fatal: true, message: expect.stringContaining('/login') });
  });
});

describe('csrfHeaders', () => {
  it('gives the header of the page\'s CSRF token for its own requests', () => {
    expect(csrfHeaders()).toEqual({});
    document.cookie = 'XSRF-TOKEN=abc';
    expect(csrfHeaders()).toEqual({ 'X-XSRF-TOKEN': 'abc' });
    expect(csrfHeaders({ headerName: 'X-CSRF' })).toEqual({ 'X-CSRF': 'abc' });
    expect(csrfHeaders(false)).toEqual({});
  });
});

describe('subscribe with the default token request', () => {
  let server;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    server = createSseServer();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Subscribes with the given token endpoint in front of the fake SSE server. */
  function start(endpoint, options = {}) {
    const statuses = [];
    const errors = [];
    const fetch = (url, init) => String(url).endsWith('/token') ? endpoint.fetch(url, init) : server.fetch(url, init);
    const subscription = subscribe({
      channel: 'pipeline:run-1',
      topics: ['status'],
      fetch,
      reconnect: { initialDelay: 100, jitter: 0 },
      onStatus: (status) => statuses.push(status),
      onError: (error) => errors.push(error),
      ...options,
    });
    return { subscription, statuses, errors };
  }

  it('sends the CSRF cookie with the token request', async () => {
    document.cookie = 'XSRF-TOKEN=abc';
    const endpoint = tokenEndpoint(minted);
    const { subscription } = start(endpoint);
    await settle();
    expect(endpoint.requests[0].init.headers['X-XSRF-TOKEN']).toBe('abc');
    expect(server.last.authorization).toBe('Bearer minted');
    subscription.close();
  });

  it.each([
    ['a missing CSRF token (403 text/plain)', csrfDenied, 403],
    ['a denial (403 problem)', () => json(403, { title: 'Forbidden', status: 403, detail: 'Not yours' }), 403],
    ['a caller not signed in (401)', () => json(401, { title: 'Unauthorized', status: 401 }), 401],
  ])('ends with status error on %s from the token endpoint, never reconnecting', async (_name, refusal, status) => {
    const endpoint = tokenEndpoint(refusal);
    const { subscription, statuses, errors } = start(endpoint);
    await settle();
    expect(subscription.status).toBe('error');
    expect(statuses).toEqual(['connecting', 'error']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status, fatal: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.requests).toHaveLength(1);
    expect(server.connections).toHaveLength(0);
  });

  it.each([
    ['a server error (503)', () => json(503, { title: 'Service Unavailable', status: 503 })],
    ['a network failure', new TypeError('Failed to fetch')],
  ])('keeps reconnecting with backoff after %s from the token endpoint', async (_name, failure) => {
    const endpoint = tokenEndpoint(failure, failure, minted);
    const { subscription, statuses, errors } = start(endpoint);
    await settle();
    expect(subscription.status).toBe('reconnecting');
    expect(errors[0]).toMatchObject({ fatal: false });
    await vi.advanceTimersByTimeAsync(99);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(endpoint.requests).toHaveLength(2);
    // the second delay doubles
    await vi.advanceTimersByTimeAsync(199);
    expect(endpoint.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(endpoint.requests).toHaveLength(3);
    server.last.open(subscribedEvent());
    await settle();
    expect(subscription.status).toBe('open');
    expect(statuses).toEqual(['connecting', 'reconnecting', 'reconnecting', 'open']);
    subscription.close();
  });
});
