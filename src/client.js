// Browser client of Realtime for Spring Boot (wire contract version 1).
// Plain ES module, no dependencies: served as-is by the starter at /realtime/client.js.
// The API is documented in client.d.ts.

/**
 * @import { SubscribeOptions, Subscription as SubscriptionApi, SubscriptionStatus, StatusDetail,
 *   TokenResponse, ReconnectOptions, RealtimeEnvelope, RealtimeGap, PublishOptions, CancelOptions, CancelResult,
 *   FetchTokenOptions, CsrfOptions, RealtimeErrorOptions, FieldError, PresenceOptions, PresenceSnapshot, PresenceState,
 *   PresenceMember, PresenceEvent, StreamState } from './client.js'
 */

/**
 * @typedef {{ token: string, expiresAt: number | null }} ResolvedToken
 * @typedef {{ token: string, lastEventId: string | null, history: 'all' | 'none' }} ConnectRequest
 * @typedef {'backoff' | 'refresh' | 'prompt' | 'now' | 'fatal'} RetryMode
 * @typedef {(type: string, payload?: any) => void} Emit
 * @typedef {{ close(): void, resubscribe?(request: ConnectRequest): boolean, refresh?(token: string): void,
 *   presence?(): Promise<PresenceSnapshot> }} Connection
 * @typedef {{ conn?: Connection, subscribed: boolean, token: string }} Slot
 * @typedef {{ baseUrl: string, fetch: typeof fetch, WebSocket?: typeof WebSocket, EventSource?: typeof EventSource }} TransportContext
 * @typedef {(context: TransportContext, channel: string, request: ConnectRequest, emit: Emit) => Connection} Transport
 * @typedef {{ push(item: RealtimeEnvelope | RealtimeGap): void, end(error?: Error): void }} IteratorSink
 */

const DEFAULT_BASE_URL = '/realtime';
const DEFAULT_BUFFER_SIZE = 1000;
const PING_INTERVAL = 25_000;
const REFRESH_MARGIN = 30_000;

/** @type {Required<ReconnectOptions>} */
const DEFAULT_RECONNECT = { initialDelay: 1000, maxDelay: 30_000, factor: 2, jitter: 0.5, maxAttempts: Infinity };

export class RealtimeError extends Error {
  /**
   * @param {string} message
   * @param {RealtimeErrorOptions} [options]
   */
  constructor(message, options = {}) {
    super(message, { cause: options.cause });
    this.name = 'RealtimeError';
    /** @type {string} */
    this.code = options.code ?? 'error';
    /** @type {number | undefined} */
    this.status = options.status;
    /** @type {string | undefined} */
    this.detail = options.detail;
    /** @type {FieldError[]} */
    this.errors = options.errors ?? [];
    /** @type {boolean} */
    this.fatal = options.fatal ?? false;
  }
}

/**
 * @param {SubscribeOptions<any>} options
 * @returns {SubscriptionApi<any>}
 */
export function subscribe(options) {
  return new Subscription(options);
}

/**
 * @param {PublishOptions} options
 * @returns {Promise<{ id: string }>}
 */
export async function publish({ channel, topic, data, token, baseUrl = DEFAULT_BASE_URL, fetch: fetchImpl = defaultFetch }) {
  const { token: jwt } = normalizeToken(typeof token === 'function' ? await token() : token);
  const response = await fetchImpl(`${trimBase(baseUrl)}/publish`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${jwt}`, 'Content-Type': 'application/json', 'Accept': 'application/json' },
    body: JSON.stringify({ channel, topic, data }),
  });
  if (!response.ok) {
    throw await httpError(response, 'Publish failed');
  }
  return response.json();
}

/**
 * @param {CancelOptions} options
 * @returns {Promise<CancelResult>}
 */
export async function cancel({ runId, token, baseUrl = DEFAULT_BASE_URL, fetch: fetchImpl = defaultFetch }) {
  if (typeof runId !== 'string' || runId === '') {
    throw new TypeError("'runId' must be a non-empty string");
  }
  const { token: jwt } = normalizeToken(typeof token === 'function' ? await token() : token);
  const response = await fetchImpl(`${trimBase(baseUrl)}/runs/${encodeURIComponent(runId)}/cancel`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${jwt}`, 'Accept': 'application/json' },
  });
  if (!response.ok) {
    throw await httpError(response, 'Cancel failed', { 404: 'unknown_run', 409: 'run_ended' });
  }
  return response.json();
}

/**
 * @param {PresenceOptions} options
 * @returns {Promise<PresenceSnapshot>}
 */
export async function presence({ channel, token, baseUrl = DEFAULT_BASE_URL, fetch: fetchImpl = defaultFetch }) {
  if (typeof channel !== 'string' || channel === '') {
    throw new TypeError("'channel' must be a non-empty string");
  }
  const { token: jwt } = normalizeToken(typeof token === 'function' ? await token() : token);
  const response = await fetchImpl(`${trimBase(baseUrl)}/presence?channel=${encodeURIComponent(channel)}`, {
    method: 'GET',
    headers: { 'Authorization': `Bearer ${jwt}`, 'Accept': 'application/json' },
    cache: 'no-store',
  });
  if (!response.ok) {
    throw await httpError(response, 'Presence query failed');
  }
  return response.json();
}

/**
 * @param {FetchTokenOptions} options
 * @returns {Promise<TokenResponse>}
 */
export async function fetchToken({
  channel, topics, publish, cancel: cancelGrant, presence: presenceGrant, baseUrl = DEFAULT_BASE_URL, fetch: fetchImpl = defaultFetch,
  headers, csrf,
}) {
  const response = await fetchImpl(`${trimBase(baseUrl)}/token`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', ...csrfHeaders(csrf), ...headers },
    // the grants are asked for only when wanted, so that other requests stay as they were
    body: JSON.stringify({
      channel, topics, publish, ...(cancelGrant ? { cancel: true } : {}), ...(presenceGrant ? { presence: true } : {}),
    }),
  });
  if (!response.ok) {
    throw await httpError(response, 'Token request failed');
  }
  if (response.redirected) {
    // the token endpoint never redirects: a login entry point did, so signing in again is needed
    throw new RealtimeError(`The token request was redirected to ${response.url}: sign in first`, {
      code: 'unauthorized', status: response.status, fatal: true,
    });
  }
  let body;
  try {
    body = await response.json();
  }
  catch (error) {
    throw new RealtimeError('The token endpoint answered something other than JSON', { code: 'protocol', cause: error });
  }
  return body;
}

/**
 * The CSRF header Spring Security expects, from the options, a `<meta name="_csrf">` tag (with
 * `<meta name="_csrf_header">`) or the `XSRF-TOKEN` cookie of `CookieServerCsrfTokenRepository`.
 *
 * @param {CsrfOptions | false} [options]
 * @returns {Record<string, string>}
 */
export function csrfHeaders(options) {
  if (options === false) {
    return {};
  }
  const { token, headerName, cookieName = 'XSRF-TOKEN' } = options ?? {};
  if (token) {
    return { [headerName ?? 'X-CSRF-TOKEN']: token };
  }
  const doc = globalThis.document;
  if (!doc) {
    return {};
  }
  const meta = doc.querySelector('meta[name="_csrf"]')?.getAttribute('content');
  if (meta) {
    const metaHeader = doc.querySelector('meta[name="_csrf_header"]')?.getAttribute('content');
    return { [headerName ?? (metaHeader || 'X-CSRF-TOKEN')]: meta };
  }
  const cookie = readCookie(doc.cookie, cookieName);
  return cookie ? { [headerName ?? 'X-XSRF-TOKEN']: cookie } : {};
}

/**
 * @param {string} cookies `document.cookie`
 * @param {string} name
 */
function readCookie(cookies, name) {
  for (const part of cookies.split(';')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      try {
        return decodeURIComponent(value);
      }
      catch {
        return value;
      }
    }
  }
  return null;
}

/** @implements {SubscriptionApi<any>} */
class Subscription {
  /** @type {SubscribeOptions<any>} */
  #options;
  /** @type {Required<ReconnectOptions>} */
  #reconnect;
  /** @type {TransportContext} */
  #context;
  /** @type {Transport} */
  #transport;
  /** @type {() => Promise<ResolvedToken>} */
  #tokenSource;
  /** @type {() => Promise<ResolvedToken>} */
  #cancelTokenSource;
  /** @type {() => Promise<ResolvedToken>} */
  #presenceTokenSource;
  /** @type {boolean} */
  #staticToken;
  /** @type {SubscriptionStatus} */
  #status = 'connecting';
  /** @type {string | null} */
  #lastEventId;
  /** @type {{ offset: string, epoch: string } | null} */
  #last;
  /** @type {readonly string[]} */
  #topics;
  /** Consecutive failed attempts, reset by a successful subscribe. */
  #failures = 0;
  #authFailures = 0;
  /** Identifies the latest connect attempt so that stale token fetches are ignored. */
  #attempt = 0;
  /** @type {Slot | null} */
  #slot = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retryTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #refreshTimer;
  /** @type {Set<IteratorSink>} */
  #iterators = new Set();
  /** @type {Error | null} */
  #failure = null;
  /** @type {PresenceState | null} */
  #presenceState = null;
  /** Identifies the latest presence query so that stale answers are ignored. */
  #presenceQuery = 0;
  /** @type {PresenceEvent[] | null} presence events since the pending query was sent, replayed onto its answer */
  #presenceEvents = null;
  /** @type {Set<string>} the declared stream topics and those that received a snapshot */
  #streamTopics;
  /** @type {Record<string, StreamState>} */
  #streams = {};

  /** @param {SubscribeOptions<any>} options */
  constructor(options) {
    if (typeof options?.channel !== 'string' || options.channel === '') {
      throw new TypeError("'channel' must be a non-empty string");
    }
    this.#options = options;
    this.#reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
    const fetchImpl = options.fetch ?? defaultFetch;
    this.#context = {
      baseUrl: trimBase(options.baseUrl ?? DEFAULT_BASE_URL),
      fetch: fetchImpl,
      WebSocket: options.WebSocket ?? globalThis.WebSocket,
      EventSource: options.EventSource ?? globalThis.EventSource,
    };
    this.#transport = transportFor(options.transport ?? 'sse');
    this.#topics = options.topics ?? [];
    this.#streamTopics = new Set(options.streams ?? []);
    this.#lastEventId = options.lastEventId ?? null;
    this.#last = parseId(this.#lastEventId);
    const token = options.token ?? (() => fetchToken({
      channel: options.channel, topics: options.topics, presence: options.presence, baseUrl: this.#context.baseUrl, fetch: fetchImpl,
      csrf: options.csrf,
    }));
    this.#staticToken = typeof token !== 'function';
    this.#tokenSource = async () => normalizeToken(typeof token === 'function' ? await token() : token);
    // streams need no cancel grant: the default token of a cancel is asked for on its own, as
    // any grant the stream's own token may lack, each time
    /** @param {{ cancel?: boolean, presence?: boolean }} grant */
    const granting = (grant) => async () => normalizeToken(await fetchToken({
      channel: options.channel, topics: options.topics, ...grant, baseUrl: this.#context.baseUrl, fetch: fetchImpl, csrf: options.csrf,
    }));
    this.#cancelTokenSource = options.token !== undefined ? this.#tokenSource : granting({ cancel: true });
    // the stream's token has the presence grant when it asked for it, or when the application's token is used
    this.#presenceTokenSource = (options.token !== undefined || options.presence) ? this.#tokenSource : granting({ presence: true });
    this.#setStatus('connecting', {});
    this.#connect();
  }

  get channel() {
    return this.#options.channel;
  }

  get status() {
    return this.#status;
  }

  get lastEventId() {
    return this.#lastEventId;
  }

  get topics() {
    return this.#topics;
  }

  get presenceState() {
    return this.#presenceState;
  }

  get streams() {
    return this.#streams;
  }

  /** @param {string} runId */
  async cancel(runId) {
    const { token } = await this.#cancelTokenSource();
    return cancel({ runId, token, baseUrl: this.#context.baseUrl, fetch: this.#context.fetch });
  }

  async presence() {
    const slot = this.#slot;
    if (slot?.subscribed && slot.conn?.presence) {
      // asked on the socket that carries the subscription, with its token
      return slot.conn.presence();
    }
    const { token } = await this.#presenceTokenSource();
    return presence({ channel: this.channel, token, baseUrl: this.#context.baseUrl, fetch: this.#context.fetch });
  }

  close() {
    if (this.#ended) {
      return;
    }
    this.#stop();
    this.#setStatus('closed', {});
    for (const iterator of this.#iterators) {
      iterator.end();
    }
  }

  [Symbol.asyncIterator]() {
    return createIterator(this, this.#options.bufferSize ?? DEFAULT_BUFFER_SIZE, this.#iterators, () => this.#ended ? this.#failure ?? true : false);
  }

  get #ended() {
    return this.#status === 'closed' || this.#status === 'error';
  }

  async #connect() {
    const attempt = ++this.#attempt;
    clearTimeout(this.#retryTimer);
    /** @type {ResolvedToken} */
    let token;
    try {
      token = await this.#tokenSource();
    }
    catch (error) {
      if (attempt === this.#attempt && !this.#ended) {
        this.#retry(tokenFailureMode(error), asRealtimeError(error, 'token_failed', 'Could not obtain a token'));
      }
      return;
    }
    if (attempt !== this.#attempt || this.#ended) {
      return;
    }
    this.#scheduleRefresh(token);
    const request = { token: token.token, lastEventId: this.#lastEventId, history: this.#options.history ?? 'all' };
    if (this.#slot?.conn?.resubscribe?.(request)) {
      this.#slot.subscribed = false;
      this.#slot.token = request.token;
      return;
    }
    this.#closeConnection();
    /** @type {Slot} */
    const slot = { subscribed: false, token: request.token };
    this.#slot = slot;
    try {
      slot.conn = this.#transport(this.#context, this.channel, request, (type, payload) => {
        if (this.#slot === slot) {
          this.#onEvent(slot, type, payload);
        }
      });
    }
    catch (error) {
      this.#fail(asRealtimeError(error, 'transport', 'Could not open the connection'));
    }
  }

  /**
   * @param {Slot} slot
   * @param {string} type
   * @param {any} payload
   */
  #onEvent(slot, type, payload) {
    switch (type) {
      case 'subscribed':
        this.#onSubscribed(slot, payload);
        break;
      case 'message':
        this.#deliver(payload);
        break;
      case 'expired':
        this.#retry(slot.subscribed ? 'now' : 'refresh', null);
        break;
      case 'error': {
        const error = new RealtimeError(payload?.message ?? 'Server error', { code: payload?.code ?? 'error' });
        this.#retry(serverErrorMode(error.code), error);
        break;
      }
      case 'notice':
        this.#report(new RealtimeError(payload?.message ?? 'Server error', { code: payload?.code ?? 'error' }));
        break;
      case 'retry':
        this.#reconnect = { ...this.#reconnect, initialDelay: payload };
        break;
      case 'end':
        // the transport is gone: never try to reuse it
        this.#slot = null;
        // an expiry before the server accepted the token is a bad token, not a planned refresh
        this.#retry((payload.mode === 'now' && !slot.subscribed) ? 'refresh' : payload.mode, payload.error);
        break;
    }
  }

  /**
   * @param {Slot} slot
   * @param {{ topics?: string[], recovered?: boolean | null }} info
   */
  #onSubscribed(slot, info) {
    slot.subscribed = true;
    this.#failures = 0;
    this.#authFailures = 0;
    if (Array.isArray(info?.topics)) {
      this.#topics = info.topics;
    }
    const recovered = info?.recovered ?? null;
    if (this.#status !== 'open' || recovered === false) {
      this.#setStatus('open', { recovered });
    }
    if (recovered === false) {
      /** @type {RealtimeGap} */
      const gap = { kind: 'gap', channel: this.channel, lastEventId: this.#lastEventId, reason: 'not-recovered' };
      // the server now sends from a new position (often a new epoch): accept it
      this.#last = null;
      safely(this.#options.onGap, gap);
      for (const iterator of this.#iterators) {
        iterator.push(gap);
      }
    }
    if (this.#options.presence) {
      // presence events are never replayed: what happened while away is only in a new snapshot
      this.#queryPresence(slot);
    }
  }

  /** @param {RealtimeEnvelope} message */
  #deliver(message) {
    if (message.kind === 'presence') {
      // not kept in history: no position to resume after, nothing to deduplicate
      if (this.#options.presence) {
        this.#onPresenceEvent(message.data);
      }
      this.#push(message);
      return;
    }
    const id = parseId(message.id);
    if (id !== null && this.#last !== null && id.epoch === this.#last.epoch && compareOffsets(id.offset, this.#last.offset) <= 0) {
      return;
    }
    if (id !== null) {
      this.#last = id;
    }
    this.#lastEventId = message.id;
    this.#applyStream(message);
    this.#push(message);
  }

  /**
   * A snapshot replaces the text of its stream topic; a string chunk of a stream topic appends to it.
   *
   * @param {RealtimeEnvelope} message
   */
  #applyStream(message) {
    const { topic, data } = message;
    let text;
    if (message.kind === 'snapshot') {
      this.#streamTopics.add(topic);
      text = (typeof data === 'string') ? data : '';
    }
    else if ((message.kind === 'data' || message.kind == null) && typeof data === 'string' && this.#streamTopics.has(topic)) {
      text = (Object.hasOwn(this.#streams, topic) ? this.#streams[topic].text : '') + data;
    }
    else {
      return;
    }
    /** @type {StreamState} */
    const stream = { text, id: message.id };
    this.#streams = { ...this.#streams, [topic]: stream };
    safely(this.#options.onStream, topic, stream);
  }

  /** @param {RealtimeEnvelope} message */
  #push(message) {
    safely(this.#options.onMessage, message);
    for (const iterator of this.#iterators) {
      iterator.push(message);
    }
  }

  /**
   * Queries the members after a subscribe; events that arrive meanwhile are applied to the answer.
   *
   * @param {Slot} slot
   */
  async #queryPresence(slot) {
    const query = ++this.#presenceQuery;
    this.#presenceEvents = [];
    /** @type {PresenceSnapshot} */
    let snapshot;
    try {
      snapshot = slot.conn?.presence
        ? await slot.conn.presence()
        : await presence({ channel: this.channel, token: slot.token, baseUrl: this.#context.baseUrl, fetch: this.#context.fetch });
    }
    catch (error) {
      if (query === this.#presenceQuery && !this.#ended) {
        this.#presenceEvents = null;
        const failure = asRealtimeError(error, 'network', 'Presence query failed');
        const previous = this.#presenceState;
        this.#setPresence({
          channel: this.channel, count: previous?.count ?? 0, members: previous?.members ?? [], error: failure,
        });
        this.#report(failure);
      }
      return;
    }
    if (query !== this.#presenceQuery || this.#ended) {
      return;
    }
    const members = Array.isArray(snapshot?.members) ? snapshot.members : [];
    /** @type {PresenceState} */
    let state = {
      channel: this.channel,
      count: typeof snapshot?.count === 'number' ? snapshot.count : members.length,
      members: members.map((member) => ({ user: member.user, info: member.info ?? {} })).sort(byUser),
      error: null,
    };
    for (const event of this.#presenceEvents ?? []) {
      state = applyPresenceEvent(state, event);
    }
    this.#presenceEvents = null;
    this.#setPresence(state);
  }

  /** @param {PresenceEvent} event */
  #onPresenceEvent(event) {
    if (event?.type !== 'join' && event?.type !== 'leave') {
      return;
    }
    this.#presenceEvents?.push(event);
    if (this.#presenceState !== null) {
      this.#setPresence(applyPresenceEvent(this.#presenceState, event));
    }
  }

  /** @param {PresenceState} state */
  #setPresence(state) {
    this.#presenceState = state;
    safely(this.#options.onPresence, state);
  }

  /**
   * @param {RetryMode} mode
   * @param {RealtimeError | null} error
   */
  #retry(mode, error) {
    if (this.#ended) {
      return;
    }
    if (mode === 'refresh' && this.#staticToken) {
      mode = 'fatal';
    }
    if (mode === 'fatal') {
      this.#fail(error ?? new RealtimeError('Subscription failed', { code: 'error' }));
      return;
    }
    // a WebSocket outlives one channel's error or expiry; anything else is replaced
    if (this.#slot?.conn?.resubscribe === undefined) {
      this.#closeConnection();
    }
    if (mode === 'now') {
      this.#connect();
      return;
    }
    this.#failures++;
    const { maxAttempts, initialDelay } = this.#reconnect;
    if (this.#failures > maxAttempts) {
      this.#fail(new RealtimeError(`Gave up after ${maxAttempts} attempts`, { code: 'max_attempts', cause: error }));
      return;
    }
    let delay;
    if (mode === 'refresh') {
      delay = (this.#authFailures++ === 0) ? 0 : this.#backoff();
    }
    else if (mode === 'prompt') {
      // the whole server is going away: spread its clients over the first interval
      delay = Math.random() * initialDelay;
    }
    else {
      delay = this.#backoff();
    }
    if (error) {
      this.#report(error);
    }
    this.#setStatus('reconnecting', { attempt: this.#failures, delay, error: error ?? undefined });
    if (delay === 0) {
      this.#connect();
      return;
    }
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #backoff() {
    const { initialDelay, maxDelay, factor, jitter } = this.#reconnect;
    const delay = Math.min(maxDelay, initialDelay * factor ** (this.#failures - 1));
    return delay * (1 - jitter * Math.random());
  }

  /** @param {ResolvedToken} token */
  #scheduleRefresh(token) {
    clearTimeout(this.#refreshTimer);
    if (token.expiresAt === null) {
      return;
    }
    const lifetime = token.expiresAt - Date.now();
    if (lifetime <= 0) {
      // clocks disagree: the server will say when the token expires
      return;
    }
    const delay = Math.max(Math.min(lifetime * 0.8, lifetime - REFRESH_MARGIN), lifetime / 2);
    this.#refreshTimer = setTimeout(() => this.#refresh(), delay);
  }

  async #refresh() {
    const slot = this.#slot;
    const conn = slot?.conn;
    if (!conn?.refresh) {
      // SSE has no in-band refresh: resume on a new stream before the old token expires
      this.#connect();
      return;
    }
    try {
      const token = await this.#tokenSource();
      if (this.#slot === slot) {
        conn.refresh(token.token);
        this.#scheduleRefresh(token);
      }
    }
    catch (error) {
      // the server ends the subscription at expiry and the reconnect fetches a token again
      this.#report(asRealtimeError(error, 'token_failed', 'Could not refresh the token'));
    }
  }

  /** @param {RealtimeError} error */
  #fail(error) {
    if (this.#ended) {
      return;
    }
    error.fatal = true;
    this.#failure = error;
    this.#stop();
    this.#setStatus('error', { error });
    this.#report(error);
    for (const iterator of this.#iterators) {
      iterator.end(error);
    }
  }

  #stop() {
    this.#attempt++;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#refreshTimer);
    this.#closeConnection();
  }

  #closeConnection() {
    const conn = this.#slot?.conn;
    this.#slot = null;
    conn?.close();
  }

  /** @param {RealtimeError} error */
  #report(error) {
    safely(this.#options.onError, error);
  }

  /**
   * @param {SubscriptionStatus} status
   * @param {StatusDetail} detail
   */
  #setStatus(status, detail) {
    this.#status = status;
    safely(this.#options.onStatus, status, detail);
  }
}

/**
 * The state after a join (adds or replaces the member) or a leave (removes it); `count` is the event's.
 *
 * @param {PresenceState} state
 * @param {PresenceEvent} event
 * @returns {PresenceState}
 */
function applyPresenceEvent(state, event) {
  const members = state.members.filter((member) => member.user !== event.user);
  if (event.type === 'join') {
    const member = { user: event.user, info: event.info ?? {} };
    const index = members.findIndex((other) => byUser(member, other) < 0);
    members.splice(index === -1 ? members.length : index, 0, member);
  }
  return { ...state, count: typeof event.count === 'number' ? event.count : state.count, members };
}

/**
 * @param {PresenceMember} a
 * @param {PresenceMember} b
 */
function byUser(a, b) {
  return (a.user < b.user) ? -1 : (a.user > b.user) ? 1 : 0;
}

/**
 * A bounded queue behind one `for await` loop. When the consumer falls more than `limit` messages behind,
 * the oldest messages are dropped and a single `overflow` gap at the head counts them.
 *
 * @param {Subscription} subscription
 * @param {number} limit
 * @param {Set<IteratorSink>} sinks
 * @param {() => Error | boolean} ended
 * @returns {AsyncIterableIterator<RealtimeEnvelope | RealtimeGap>}
 */
function createIterator(subscription, limit, sinks, ended) {
  /** @type {(RealtimeEnvelope | RealtimeGap)[]} */
  const queue = [];
  /** @type {((result: IteratorResult<RealtimeEnvelope | RealtimeGap, undefined>) => void) | null} */
  let resolveNext = null;
  /** @type {((error: Error) => void) | null} */
  let rejectNext = null;
  const state = ended();
  let done = state !== false;
  /** @type {Error | null} */
  let failure = state instanceof Error ? state : null;

  /** @type {IteratorSink} */
  const sink = {
    push(item) {
      if (resolveNext) {
        const resolve = resolveNext;
        resolveNext = rejectNext = null;
        resolve({ value: item, done: false });
        return;
      }
      if (queue.length >= limit) {
        const head = queue[0];
        if (head.kind === 'gap' && head.reason === 'overflow') {
          queue.splice(1, 1);
          head.dropped = (head.dropped ?? 0) + 1;
        }
        else {
          queue[0] = { kind: 'gap', channel: subscription.channel, lastEventId: null, reason: 'overflow', dropped: 1 };
        }
      }
      queue.push(item);
    },
    end(error) {
      done = true;
      failure = error ?? null;
      sinks.delete(sink);
      if (resolveNext && rejectNext) {
        const [resolve, reject] = [resolveNext, rejectNext];
        resolveNext = rejectNext = null;
        if (failure) {
          reject(failure);
        }
        else {
          resolve({ value: undefined, done: true });
        }
      }
    },
  };
  if (!done) {
    sinks.add(sink);
  }

  return {
    next() {
      const item = queue.shift();
      if (item !== undefined) {
        return Promise.resolve({ value: item, done: false });
      }
      if (done) {
        const error = failure;
        failure = null;
        return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        resolveNext = resolve;
        rejectNext = reject;
      });
    },
    return() {
      // leaving a for-await loop ends the subscription it iterates
      sink.end();
      queue.length = 0;
      subscription.close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** @type {Transport} */
function fetchSseTransport(context, _channel, request, emit) {
  const controller = new AbortController();
  const url = `${context.baseUrl}/sse${query(request)}`;
  const headers = { 'Authorization': `Bearer ${request.token}`, 'Accept': 'text/event-stream' };
  const fetchImpl = context.fetch;
  (async () => {
    try {
      const response = await fetchImpl(url, { headers, cache: 'no-store', signal: controller.signal });
      if (!response.ok || !response.body) {
        const error = await httpError(response, 'Could not open the event stream');
        emit('end', { mode: httpFailureMode(response.status), error });
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parse = createSseParser((type, data, id) => dispatchSse(type, data, id, emit), (retry) => emit('retry', retry));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        // events of one chunk are delivered synchronously, in order
        parse(decoder.decode(value, { stream: true }));
      }
      emit('end', { mode: 'backoff', error: null });
    }
    catch (error) {
      if (!controller.signal.aborted) {
        emit('end', { mode: 'backoff', error: asRealtimeError(error, 'network', 'Event stream failed') });
      }
    }
  })();
  return { close: () => controller.abort() };
}

/**
 * `EventSource` cannot send headers, and URLs land in access logs: before each connect the subscription token is
 * exchanged for a short-lived single-use stream ticket (`POST {base}/ticket` with the token as bearer), and only the
 * ticket goes into the URL.
 *
 * @type {Transport}
 */
function eventSourceTransport(context, _channel, request, emit) {
  const EventSourceImpl = context.EventSource;
  if (!EventSourceImpl) {
    throw new RealtimeError('EventSource is not available', { code: 'transport' });
  }
  const controller = new AbortController();
  /** @type {EventSource | null} */
  let source = null;
  (async () => {
    let ticket;
    try {
      ticket = await fetchTicket(context, request.token, controller.signal);
    }
    catch (error) {
      if (!controller.signal.aborted) {
        const status = /** @type {{ status?: unknown }} */ (error)?.status;
        const mode = (error instanceof RealtimeError && typeof status === 'number') ? httpFailureMode(status) : 'backoff';
        emit('end', { mode, error: asRealtimeError(error, 'network', 'Could not get a stream ticket') });
      }
      return;
    }
    if (controller.signal.aborted) {
      return;
    }
    source = openEventSource(EventSourceImpl, `${context.baseUrl}/sse${query(request, { ticket })}`, emit);
  })();
  return {
    close() {
      controller.abort();
      source?.close();
    },
  };
}

/**
 * @param {TransportContext} context
 * @param {string} token
 * @param {AbortSignal} signal
 * @returns {Promise<string>}
 */
async function fetchTicket(context, token, signal) {
  const response = await context.fetch(`${context.baseUrl}/ticket`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${token}`, 'Accept': 'application/json' },
    cache: 'no-store',
    signal,
  });
  if (!response.ok) {
    throw await httpError(response, 'Could not get a stream ticket');
  }
  const body = await response.json();
  if (typeof body?.ticket !== 'string' || body.ticket === '') {
    throw new RealtimeError('The ticket endpoint answered without a ticket', { code: 'protocol' });
  }
  return body.ticket;
}

/**
 * @param {typeof EventSource} EventSourceImpl
 * @param {string} url
 * @param {Emit} emit
 */
function openEventSource(EventSourceImpl, url, emit) {
  const source = new EventSourceImpl(url);
  for (const type of ['subscribed', 'message', 'expired']) {
    source.addEventListener(type, (event) => {
      const message = /** @type {MessageEvent} */ (event);
      dispatchSse(type, message.data, message.lastEventId || null, emit);
    });
  }
  source.addEventListener('error', (event) => {
    const data = /** @type {MessageEvent} */ (event).data;
    if (typeof data === 'string') {
      dispatchSse('error', data, null, emit);
      return;
    }
    // EventSource hides the HTTP status, and its own reconnect would present a spent ticket: reconnect with a
    // new token and ticket instead
    source.close();
    emit('end', { mode: 'backoff', error: new RealtimeError('Event stream failed', { code: 'network' }) });
  });
  return source;
}

/**
 * @param {string} type
 * @param {string} data
 * @param {string | null} id
 * @param {Emit} emit
 */
function dispatchSse(type, data, id, emit) {
  try {
    switch (type) {
      case 'subscribed':
        emit('subscribed', JSON.parse(data));
        break;
      case 'message': {
        const message = JSON.parse(data);
        message.id ??= id;
        emit('message', message);
        break;
      }
      case 'expired':
        emit('expired');
        break;
      case 'error':
        emit('error', JSON.parse(data));
        break;
    }
  }
  catch (error) {
    emit('end', { mode: 'backoff', error: asRealtimeError(error, 'protocol', `Malformed '${type}' event`) });
  }
}

/**
 * Incremental `text/event-stream` parser: chunks may split lines, fields and CRLF pairs anywhere.
 *
 * @param {(type: string, data: string, id: string | null) => void} onEvent
 * @param {(retry: number) => void} onRetry
 * @returns {(chunk: string) => void}
 */
export function createSseParser(onEvent, onRetry) {
  let buffer = '';
  let type = '';
  /** @type {string[]} */
  let data = [];
  /** @type {string | null} */
  let id = null;

  /** @param {string} line */
  function processLine(line) {
    if (line === '') {
      if (data.length > 0 || type !== '') {
        onEvent(type || 'message', data.join('\n'), id);
      }
      type = '';
      data = [];
      id = null;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment, e.g. keep-alive */) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) {
      value = value.slice(1);
    }
    if (field === 'data') {
      data.push(value);
    }
    else if (field === 'event') {
      type = value;
    }
    else if (field === 'id' && !value.includes('\0')) {
      id = value;
    }
    else if (field === 'retry' && /^\d+$/.test(value)) {
      onRetry(Number(value));
    }
  }

  return (chunk) => {
    buffer += chunk;
    let start = 0;
    let cr = buffer.indexOf('\r');
    for (;;) {
      if (cr !== -1 && cr < start) {
        cr = buffer.indexOf('\r', start);
      }
      const lf = buffer.indexOf('\n', start);
      const end = (cr === -1) ? lf : (lf === -1) ? cr : Math.min(cr, lf);
      if (end === -1) {
        break;
      }
      let next = end + 1;
      if (end === cr) {
        if (next === buffer.length) {
          // a CR at the end of a chunk may be the first half of CRLF
          break;
        }
        if (buffer.charCodeAt(next) === 10) {
          next++;
        }
      }
      processLine(buffer.slice(start, end));
      start = next;
    }
    buffer = buffer.slice(start);
  };
}

/** @type {Map<string, SharedSocket[]>} */
const sharedSockets = new Map();

/** @type {Transport} */
function webSocketTransport(context, channel, request, emit) {
  const WebSocketImpl = context.WebSocket;
  if (!WebSocketImpl) {
    throw new RealtimeError('WebSocket is not available', { code: 'transport' });
  }
  const url = webSocketUrl(context.baseUrl);
  const sockets = sharedSockets.get(url) ?? [];
  let socket = sockets.find((candidate) => candidate.WebSocket === WebSocketImpl && !candidate.channels.has(channel));
  if (!socket) {
    socket = new SharedSocket(url, WebSocketImpl);
    sharedSockets.set(url, [...sockets, socket]);
  }
  const shared = socket;
  const entry = { channel, request, emit };
  shared.add(entry);
  return {
    close: () => shared.remove(entry),
    resubscribe(next) {
      if (shared.closed) {
        return false;
      }
      entry.request = next;
      shared.subscribe(entry);
      return true;
    },
    refresh: (token) => shared.send({ type: 'refresh', token }),
    presence: () => shared.request({ type: 'presence', channel }).then((frame) => ({
      channel: frame.channel, count: frame.count, members: frame.members ?? [],
    })),
  };
}

/**
 * One WebSocket per base URL carrying several channels; closed when its last channel leaves.
 */
class SharedSocket {
  /** @type {Map<string, { channel: string, request: ConnectRequest, emit: Emit }>} */
  channels = new Map();
  closed = false;
  #lastReceived = Date.now();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #heartbeat;
  /** @type {string} */
  #url;
  /** @type {WebSocket} */
  #socket;
  #lastRef = 0;
  /** @type {Map<string, { resolve(frame: any): void, reject(error: RealtimeError): void }>} requests awaiting their answer, by ref */
  #requests = new Map();

  /**
   * @param {string} url
   * @param {typeof WebSocket} WebSocketImpl
   */
  constructor(url, WebSocketImpl) {
    this.#url = url;
    this.WebSocket = WebSocketImpl;
    this.#socket = new WebSocketImpl(url);
    this.#socket.onopen = () => {
      this.#lastReceived = Date.now();
      this.#armHeartbeat(PING_INTERVAL);
      for (const entry of this.channels.values()) {
        this.subscribe(entry);
      }
    };
    this.#socket.onmessage = (event) => this.#receive(event.data);
    this.#socket.onclose = (event) => this.#terminate(event.code, event.reason);
  }

  /** @param {{ channel: string, request: ConnectRequest, emit: Emit }} entry */
  add(entry) {
    this.channels.set(entry.channel, entry);
    this.subscribe(entry);
  }

  /** @param {{ channel: string, request: ConnectRequest, emit: Emit }} entry */
  subscribe(entry) {
    const { token, lastEventId, history } = entry.request;
    this.send({ type: 'subscribe', token, lastEventId, ...(history === 'none' ? { history } : {}) });
  }

  /** @param {{ channel: string, request: ConnectRequest, emit: Emit }} entry */
  remove(entry) {
    if (this.channels.get(entry.channel) !== entry) {
      return;
    }
    this.channels.delete(entry.channel);
    if (this.channels.size > 0) {
      this.send({ type: 'unsubscribe', channel: entry.channel });
      return;
    }
    this.#release();
    this.#socket.close(1000);
  }

  /** @param {object} frame */
  send(frame) {
    if (this.#socket.readyState === 1) {
      this.#socket.send(JSON.stringify(frame));
    }
  }

  /**
   * Sends a frame with a new `ref` and resolves with the server's answer of that ref; an `error` frame of that ref
   * rejects.
   *
   * @param {object} frame
   * @returns {Promise<any>}
   */
  request(frame) {
    if (this.closed || this.#socket.readyState !== 1) {
      return Promise.reject(new RealtimeError('The WebSocket is not open', { code: 'network' }));
    }
    const ref = String(++this.#lastRef);
    return new Promise((resolve, reject) => {
      this.#requests.set(ref, { resolve, reject });
      this.#socket.send(JSON.stringify({ ...frame, ref }));
    });
  }

  /** @param {unknown} ref */
  #answer(ref) {
    const key = String(ref);
    const request = this.#requests.get(key);
    this.#requests.delete(key);
    return request;
  }

  /** @param {unknown} data */
  #receive(data) {
    this.#lastReceived = Date.now();
    let frame;
    try {
      frame = JSON.parse(String(data));
    }
    catch {
      return;
    }
    switch (frame.type) {
      case 'message':
        this.channels.get(frame.message?.channel)?.emit('message', frame.message);
        break;
      case 'subscribed':
      case 'expired':
        this.channels.get(frame.channel)?.emit(frame.type, frame);
        break;
      case 'presence':
        this.#answer(frame.ref)?.resolve(frame);
        break;
      case 'error': {
        if (frame.ref != null) {
          // the answer to a request, never the end of a subscription
          this.#answer(frame.ref)?.reject(new RealtimeError(frame.message ?? 'Request failed', { code: frame.code ?? 'error' }));
          break;
        }
        const entry = this.channels.get(frame.channel);
        if (entry) {
          entry.emit('error', frame);
        }
        else {
          for (const other of this.channels.values()) {
            other.emit('notice', frame);
          }
        }
        break;
      }
    }
  }

  /** @param {number} delay */
  #armHeartbeat(delay) {
    clearTimeout(this.#heartbeat);
    this.#heartbeat = setTimeout(() => {
      const idle = Date.now() - this.#lastReceived;
      if (idle >= 2 * PING_INTERVAL) {
        // the last ping went unanswered: the connection is dead even if the browser has not noticed
        this.#socket.close(4000);
        this.#terminate(1006, 'No pong');
        return;
      }
      if (idle >= PING_INTERVAL) {
        this.send({ type: 'ping' });
        this.#armHeartbeat(PING_INTERVAL);
      }
      else {
        this.#armHeartbeat(PING_INTERVAL - idle);
      }
    }, delay);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  #terminate(code, reason) {
    if (this.closed) {
      return;
    }
    this.#release();
    const mode = closeMode(code);
    const error = new RealtimeError(`WebSocket closed (${code}${reason ? ` ${reason}` : ''})`, {
      code: closeCodeName(code), status: code,
    });
    for (const entry of this.channels.values()) {
      entry.emit('end', { mode, error: mode === 'now' ? null : error });
    }
    this.channels.clear();
  }

  #release() {
    this.closed = true;
    clearTimeout(this.#heartbeat);
    for (const request of this.#requests.values()) {
      request.reject(new RealtimeError('The WebSocket closed before the server answered', { code: 'network' }));
    }
    this.#requests.clear();
    this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null;
    const remaining = (sharedSockets.get(this.#url) ?? []).filter((socket) => socket !== this);
    if (remaining.length > 0) {
      sharedSockets.set(this.#url, remaining);
    }
    else {
      sharedSockets.delete(this.#url);
    }
  }
}

/**
 * @param {string} name
 * @returns {Transport}
 */
function transportFor(name) {
  switch (name) {
    case 'sse':
      return fetchSseTransport;
    case 'eventsource':
      return eventSourceTransport;
    case 'websocket':
      return webSocketTransport;
    default:
      throw new TypeError(`Unknown transport '${name}': use 'sse', 'eventsource' or 'websocket'`);
  }
}

/**
 * @param {ConnectRequest} request
 * @param {Record<string, string>} [credentials] e.g. a stream ticket
 */
function query(request, credentials = {}) {
  const params = new URLSearchParams();
  if (request.lastEventId) {
    params.set('lastEventId', request.lastEventId);
  }
  if (request.history === 'none') {
    params.set('history', 'none');
  }
  for (const [name, value] of Object.entries(credentials)) {
    params.set(name, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** @param {string} baseUrl */
function webSocketUrl(baseUrl) {
  const url = new URL(`${baseUrl}/ws`, globalThis.location?.href);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url.protocol = (url.protocol === 'https:') ? 'wss:' : 'ws:';
  }
  return url.href;
}

/** @param {string} baseUrl */
function trimBase(baseUrl) {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * Message ids are `<offset>-<epoch>`; other ids are accepted without deduplication.
 *
 * @param {string | null | undefined} id
 */
function parseId(id) {
  const match = (typeof id === 'string') ? /^(\d+)-([a-z0-9]+)$/.exec(id) : null;
  return match ? { offset: match[1].replace(/^0+(?=\d)/, ''), epoch: match[2] } : null;
}

/**
 * Compares decimal offsets of any size exactly.
 *
 * @param {string} a
 * @param {string} b
 */
function compareOffsets(a, b) {
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  return (a < b) ? -1 : (a > b) ? 1 : 0;
}

/**
 * @param {unknown} value what a token input or function gave
 * @returns {ResolvedToken}
 */
function normalizeToken(value) {
  if (typeof value === 'string' && value !== '') {
    return { token: value, expiresAt: null };
  }
  if (isTokenResponse(value)) {
    const expiresAt = (typeof value.expiresAt === 'number') ? value.expiresAt : Date.parse(value.expiresAt ?? '');
    return { token: value.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : null };
  }
  throw new RealtimeError('A token must be a non-empty string or an object with a string "token"', {
    code: 'invalid_token', fatal: true,
  });
}

/**
 * @param {unknown} value
 * @returns {value is TokenResponse}
 */
function isTokenResponse(value) {
  return value !== null && typeof value === 'object' && typeof (/** @type {{ token?: unknown }} */ (value).token) === 'string';
}

/**
 * Errors the application's token function throws with an HTTP status of 400, 401 or 403 will not heal by retrying.
 *
 * @param {unknown} error
 * @returns {RetryMode}
 */
function tokenFailureMode(error) {
  const status = /** @type {{ status?: unknown, fatal?: unknown }} */ (error)?.status;
  const fatal = /** @type {{ fatal?: unknown }} */ (error)?.fatal === true;
  return (fatal || status === 400 || status === 401 || status === 403) ? 'fatal' : 'backoff';
}

/**
 * @param {number} status
 * @returns {RetryMode}
 */
function httpFailureMode(status) {
  if (status === 401) {
    return 'refresh';
  }
  return (status === 400 || status === 403 || status === 404) ? 'fatal' : 'backoff';
}

/**
 * @param {string} code
 * @returns {RetryMode}
 */
function serverErrorMode(code) {
  switch (code) {
    case 'forbidden':
      return 'fatal';
    case 'unauthorized':
    case 'invalid_token':
    case 'token_expired':
      return 'refresh';
    default:
      return 'backoff';
  }
}

/**
 * @param {number} code
 * @returns {RetryMode}
 */
function closeMode(code) {
  switch (code) {
    case 4401:
      return 'refresh';
    case 4403:
      return 'fatal';
    case 4408:
      return 'now';
    case 1001:
      return 'prompt';
    default:
      return 'backoff';
  }
}

/** @param {number} code */
function closeCodeName(code) {
  switch (code) {
    case 4401:
      return 'invalid_token';
    case 4403:
      return 'forbidden';
    case 4408:
      return 'token_expired';
    case 4429:
      return 'slow_consumer';
    case 1001:
      return 'going_away';
    default:
      return 'network';
  }
}

/**
 * Turns an error response into a RealtimeError, keeping RFC 9457 problem details.
 *
 * @param {Response} response
 * @param {string} fallback
 * @param {Record<number, string>} [codes] error codes of statuses that mean something particular here
 */
async function httpError(response, fallback, codes = {}) {
  /** @type {{ title?: string, detail?: string, errors?: FieldError[] }} */
  let problem = {};
  try {
    problem = await response.json();
  }
  catch {
    // not a problem document
  }
  const status = response.status;
  const code = codes[status]
    ?? ((status === 401) ? 'unauthorized' : (status === 403) ? 'forbidden' : (status === 400) ? 'bad_request' : `http_${status}`);
  return new RealtimeError(problem?.detail ?? problem?.title ?? `${fallback}: HTTP ${status}`, {
    code, status, detail: problem?.detail, errors: Array.isArray(problem?.errors) ? problem.errors : [],
  });
}

/**
 * @param {unknown} error
 * @param {string} code
 * @param {string} message
 */
function asRealtimeError(error, code, message) {
  if (error instanceof RealtimeError) {
    return error;
  }
  return new RealtimeError(`${message}: ${error instanceof Error ? error.message : String(error)}`, { code, cause: error });
}

/**
 * Calls an application callback without letting its failure break delivery; the error still surfaces.
 *
 * @template {any[]} A
 * @param {((...args: A) => void) | undefined} callback
 * @param {A} args
 */
function safely(callback, ...args) {
  if (!callback) {
    return;
  }
  try {
    callback(...args);
  }
  catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** @type {typeof fetch} */
function defaultFetch(input, init) {
  return globalThis.fetch(input, init);
}
