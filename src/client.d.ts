/**
 * Browser client of Realtime for Spring Boot.
 *
 * The starter serves this module at `/realtime/client.js`; import it from there or from the package:
 *
 * ```js
 * import { fetchToken, subscribe } from '/realtime/client.js';
 *
 * const subscription = subscribe({
 *   channel: 'pipeline:run-1',
 *   topics: ['status', 'tokens'],
 *   // called on every (re)connect and before expiry; omit it to use exactly this default
 *   token: () => fetchToken({ channel: 'pipeline:run-1', topics: ['status', 'tokens'] }),
 *   onMessage: (message) => console.log(message.topic, message.data),
 *   onGap: () => reloadState(),
 * });
 * // or: for await (const item of subscription) { ... }
 * subscription.close();
 * ```
 *
 * Channels are typed by a topic map: an interface from topic name to payload type, such as the ones the
 * annotation processor generates into `channels.d.ts` (`interface PipelineTopics { status: Status; tokens: TokenChunk }`).
 * Pass it as the type argument: `subscribe<PipelineTopics>({...})`.
 *
 * @module
 */

/**
 * Topic name to payload type of one channel, e.g. `interface PipelineTopics { status: Status; tokens: TokenChunk }`.
 * Any interface or object type fits; without one, topics are `string` and payloads `unknown`.
 */
export type TopicMap = object;

/** The untyped topic map used when no type argument is given. */
export type AnyTopics = Record<string, unknown>;

/** The topic names of a topic map. */
export type TopicName<T extends TopicMap> = Extract<keyof T, string>;

/**
 * The topic names of a topic map that can be stream topics: those whose payload is `string` (a Java
 * `@TopicOptions(stream = true) Topic<String>`). Without a topic map, any topic name.
 */
export type StreamTopicName<T extends TopicMap> = {
  [K in TopicName<T>]: T[K] extends string ? K : unknown extends T[K] ? K : never;
}[TopicName<T>];

/** Status of a run as published on the reserved `$run` topic. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** Fields every envelope has. */
interface EnvelopeBase {
  /**
   * Message id, `<offset>-<epoch>`, strictly increasing per channel in delivery order. Pass it back as
   * `lastEventId` to resume after it.
   */
  id: string;
  /** Channel name, e.g. `pipeline:run-1`. */
  channel: string;
  /** ISO-8601 instant the message was published. */
  createdAt: string;
  /** The run that published the message, if any. */
  runId?: string | null;
  /**
   * W3C trace context of the publish (`00-<trace id>-<span id>-<flags>`), present only when the server sets
   * `realtime.tracing.traceparent=true` and traced the publish: correlates a delivery with the request that published it.
   */
  traceparent?: string;
}

/**
 * An application message on one of the channel's topics. For a union of topics (the default) it is a
 * discriminated union: checking `message.topic` narrows `message.data`.
 */
export type DataMessage<T extends TopicMap = AnyTopics, K extends TopicName<T> = TopicName<T>> = {
  [P in K]: EnvelopeBase & { kind: 'data'; topic: P; data: T[P] };
}[K];

/**
 * A snapshot of a stream topic (`kind: 'snapshot'`): `data` is the whole text of the stream up to and including the
 * chunk whose id it carries. A subscription gets one per stream topic with text in its replay (a first connect with
 * history, or a resume from before the stream's last chunk), before the live chunks; chunks up to its id are never
 * delivered after it, and those after it follow. A **reset** is a snapshot published live, its `data` the new start of
 * the text (usually `""`), e.g. when a run attempt is retried. Its id is a chunk's id: it moves
 * {@link Subscription.lastEventId} and is deduplicated like any message. See {@link SubscribeOptions.streams}.
 */
export type SnapshotMessage<T extends TopicMap = AnyTopics, K extends StreamTopicName<T> = StreamTopicName<T>> = {
  [P in K]: EnvelopeBase & { kind: 'snapshot'; topic: P; data: string };
}[K];

/** The accumulated text of one stream topic of a subscription ({@link Subscription.streams}). */
export interface StreamState {
  /** The text: the latest snapshot's `data` followed by the chunks delivered after it. */
  text: string;
  /** Id of the last message (snapshot or chunk) applied to `text`. */
  id: string;
}

/** Payload of a run lifecycle message. */
export interface RunData<R = unknown> {
  status: RunStatus;
  /** Attempt number of the run, when the server reports it. */
  attempt?: number;
  /** The run's result, with status `completed`. */
  result?: R;
  /** Why the run failed, with status `failed`. */
  error?: { message: string };
}

/** A run lifecycle message: topic `$run`, kind `run`. */
export interface RunMessage<R = unknown> extends EnvelopeBase {
  kind: 'run';
  topic: '$run';
  data: RunData<R>;
}

/**
 * Payload of a presence message: a member joined or left the channel. A member is a token subject (the
 * authenticated user the token was minted for): several streams of one user are one member, and a reconnect within
 * the server's `realtime.presence.leave-delay` is neither a leave nor a join.
 */
export interface PresenceEvent {
  type: 'join' | 'leave';
  /** The member: the subject of its token. */
  user: string;
  /** What the server application attached to the member when it minted its token (a flat object of short strings). */
  info: Record<string, string>;
  /** The channel's member count right after the change. */
  count: number;
}

/**
 * A presence message: topic `$presence`, kind `presence`, delivered only on a presence channel to subscriptions whose
 * token grants presence (see {@link SubscribeOptions.presence}). Never kept in the channel's history: not replayed on a
 * resume, not deduplicated, and it does not move {@link Subscription.lastEventId}.
 */
export interface PresenceMessage extends EnvelopeBase {
  kind: 'presence';
  topic: '$presence';
  data: PresenceEvent;
}

/**
 * Anything a subscription delivers: data messages of the topic map, snapshots of its stream topics, run lifecycle
 * messages and presence messages. Check `kind` (or `topic`) to tell them apart.
 */
export type RealtimeMessage<T extends TopicMap = AnyTopics, R = unknown> =
  DataMessage<T> | SnapshotMessage<T> | RunMessage<R> | PresenceMessage;

/** The wire envelope without topic typing. */
export type RealtimeEnvelope = DataMessage<AnyTopics> | SnapshotMessage<AnyTopics> | RunMessage | PresenceMessage;

/**
 * A visible signal that messages may be missing.
 *
 * - `not-recovered`: the server could not resume after `lastEventId` (its history no longer reaches back
 *   that far, or its epoch changed). Messages between `lastEventId` and the next delivered message are lost:
 *   reload the state the stream was building. Deduplication restarts from the next message.
 * - `overflow`: an async iterator's consumer fell more than `bufferSize` items behind; `dropped` oldest
 *   buffered messages were discarded for that iterator only (callbacks still saw them).
 */
export interface RealtimeGap {
  kind: 'gap';
  channel: string;
  reason: 'not-recovered' | 'overflow';
  /** Id of the last message delivered before the gap (`not-recovered` only, `null` otherwise). */
  lastEventId: string | null;
  /** How many messages were dropped (`overflow` only). */
  dropped?: number;
}

/** What the async iterator of a subscription yields. */
export type RealtimeItem<T extends TopicMap = AnyTopics, R = unknown> = RealtimeMessage<T, R> | RealtimeGap;

/**
 * The body of a token response (`POST {base}/token` → `200`).
 */
export interface TokenResponse {
  /** The compact JWS to present as `Authorization: Bearer …`. */
  token: string;
  /** When the token expires: ISO-8601 string (as the server sends it) or epoch milliseconds. */
  expiresAt?: string | number | null;
  channel?: string;
  topics?: string[];
  publish?: string[];
  /** Whether the token may cancel the channel's runs. */
  cancel?: boolean;
  /** Whether the token grants presence: `$presence` messages and member queries. */
  presence?: boolean;
}

/**
 * A token: a string, a token response, or a (possibly async) function returning either. A function is
 * called for every connect and reconnect and before the token expires, so a subscription can live
 * longer than any token; a string or object cannot be refreshed, so a rejected token is fatal.
 */
export type TokenInput = string | TokenResponse | (() => string | TokenResponse | Promise<string | TokenResponse>);

/** How to reconnect after a connection drops. */
export interface ReconnectOptions {
  /** Delay before the first retry, in ms (default 1000). A server `retry:` field replaces it. */
  initialDelay?: number;
  /** Upper bound of the delay, in ms (default 30000). */
  maxDelay?: number;
  /** Growth of the delay per consecutive failure (default 2). */
  factor?: number;
  /**
   * Random share removed from each delay, 0..1 (default 0.5): the delay is uniformly drawn from
   * `[d * (1 - jitter), d]` with `d = min(maxDelay, initialDelay * factor ** (attempt - 1))`.
   */
  jitter?: number;
  /**
   * Consecutive failed attempts before giving up with status `error` (default `Infinity`). The count resets
   * when the server confirms a subscription.
   */
  maxAttempts?: number;
}

/**
 * Connection status.
 *
 * - `connecting`: the first connection is being made.
 * - `open`: the server confirmed the subscription. Planned reconnects (token refresh on SSE, `expired`) keep
 *   this status; they resume from `lastEventId` without a gap.
 * - `reconnecting`: the connection dropped and a retry is scheduled or under way.
 * - `closed`: `close()` was called. Final.
 * - `error`: a fatal error. Final. Fatal are: a token function that throws an error with `status` 400, 401 or 403
 *   (as {@link fetchToken} does when the token endpoint refuses, e.g. not signed in or a missing CSRF token) or with
 *   `fatal: true`; a 403 (or 400, 404) from the stream; a rejected static token; `maxAttempts` reached. Network
 *   errors and other statuses (5xx, 429) are retried with backoff.
 */
export type SubscriptionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'error';

/** Details passed to `onStatus` with a status. */
export interface StatusDetail {
  /**
   * With `open`: whether the server resumed after `lastEventId` (`null` when no resume was asked). `open` is
   * reported again, even when already open, when `recovered` is `false`: that is the status-level gap signal.
   */
  recovered?: boolean | null;
  /** With `reconnecting`: consecutive attempt number, starting at 1. */
  attempt?: number;
  /** With `reconnecting`: ms until the next attempt. */
  delay?: number;
  /** With `reconnecting` (the cause, if any) and `error`. */
  error?: RealtimeError;
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions<T extends TopicMap = AnyTopics, R = unknown> {
  /** Channel name, e.g. `pipeline:run-1`. */
  channel: string;
  /** Topics to read; they must be granted by the token. Used for the default token request. */
  topics?: readonly TopicName<T>[];
  /**
   * The token. Default: {@link fetchToken} with `{channel, topics}` (and `presence: true` with
   * {@link SubscribeOptions.presence}) and {@link SubscribeOptions.csrf}, i.e. `POST {baseUrl}/token` on the starter's
   * token endpoint with the page's CSRF token.
   */
  token?: TokenInput;
  /** CSRF token of the default token request, see {@link FetchTokenOptions.csrf}. */
  csrf?: CsrfOptions | false;
  /**
   * `sse` (default): `fetch` streaming with the token in the `Authorization` header.
   * `eventsource`: the browser's `EventSource`. Before each connect the token is exchanged for a short-lived,
   * single-use stream ticket (`POST {baseUrl}/ticket` with the token as bearer) and only the ticket goes into the
   * URL (`?ticket=`), never the token. A 401 from the ticket endpoint gets a new token, a 403 or 404 is fatal;
   * `EventSource` itself cannot see HTTP statuses, so a stream that fails to open is retried until `maxAttempts`.
   * `websocket`: one socket per base URL shared by all subscriptions, in-band token refresh.
   */
  transport?: 'sse' | 'eventsource' | 'websocket';
  /** Base URL of the realtime endpoints (default `/realtime`). WebSocket URLs are derived from it. */
  baseUrl?: string;
  /** Resume after this message id instead of starting fresh. */
  lastEventId?: string | null;
  /**
   * `all` (default): a first connect replays the channel's retained history for the token's topics before
   * going live, with a snapshot of each stream topic that has text. `none`: live messages only, no snapshot. Resuming
   * after `lastEventId` always replays what was missed.
   */
  history?: 'all' | 'none';
  /**
   * Called synchronously for every message in server order, duplicates (after reconnects) removed. Nothing
   * is awaited between parsing and delivery. An exception thrown here is rethrown asynchronously and does not
   * stop delivery.
   */
  onMessage?: (message: RealtimeMessage<T, R>) => void;
  /** Called on each status change, see {@link SubscriptionStatus}. */
  onStatus?: (status: SubscriptionStatus, detail: StatusDetail) => void;
  /** Called when the server could not resume: messages may be missing. */
  onGap?: (gap: RealtimeGap) => void;
  /** Called with every error: `error.fatal` tells whether the subscription ended. */
  onError?: (error: RealtimeError) => void;
  /**
   * Keep the channel's live presence in {@link Subscription.presenceState} (the channel must declare
   * `presence = true`). The default token request then asks for the presence grant (`presence: true`); a token from
   * the `token` option must grant it itself. After every `subscribed` (first connect, reconnect, resume, token refresh)
   * the members are queried afresh, since presence messages are never replayed: on the subscription's WebSocket, or
   * with `GET {baseUrl}/presence` and the stream's token. `join` and `leave` messages update the state in between.
   * Presence messages are delivered to `onMessage` and iterators either way.
   */
  presence?: boolean;
  /**
   * Called with the new {@link PresenceState} whenever it changes (with `presence: true`): after each query answer or
   * failure, and after each `join` or `leave`.
   */
  onPresence?: (presence: PresenceState) => void;
  /**
   * Stream topics (declared `@TopicOptions(stream = true)`, payload `string`) whose text to keep in
   * {@link Subscription.streams} from their first chunk on, even before any snapshot (a first connect while the stream
   * has no text yet, or `history: 'none'`). A topic that receives a snapshot is kept as a stream topic without being
   * named here. Per stream topic, a snapshot replaces the text with its `data` and a data message whose `data` is a
   * string appends to it; duplicates are dropped by id first, so a resume never appends a chunk twice. A
   * `not-recovered` gap does not clear the text: a snapshot that follows replaces it.
   */
  streams?: readonly StreamTopicName<T>[];
  /**
   * Called with a stream topic and its new {@link StreamState} whenever a snapshot or chunk changed it (see
   * {@link SubscribeOptions.streams}), before the message is delivered to `onMessage` and iterators.
   */
  onStream?: (topic: StreamTopicName<T>, stream: StreamState) => void;
  reconnect?: ReconnectOptions;
  /**
   * Capacity of each async iterator's buffer, in messages (default 1000). When the `for await` body is slower
   * than the stream and the buffer is full, the oldest buffered messages are dropped and one `overflow` gap item
   * at the head of the buffer counts them: the consumer sees the newest `bufferSize` messages after the gap.
   * The connection itself is never slowed down, and callbacks still see every message.
   */
  bufferSize?: number;
  /** `fetch` implementation (tests, custom credentials). */
  fetch?: typeof fetch;
  /** `WebSocket` constructor (tests). */
  WebSocket?: typeof WebSocket;
  /** `EventSource` constructor (tests, polyfills). */
  EventSource?: typeof EventSource;
}

/** A live subscription to one channel. */
export interface Subscription<T extends TopicMap = AnyTopics, R = unknown> extends AsyncIterable<RealtimeItem<T, R>> {
  readonly channel: string;
  readonly status: SubscriptionStatus;
  /** Id of the last delivered message (presence messages aside, snapshots included): a reconnect resumes after it. */
  readonly lastEventId: string | null;
  /** Topics granted by the server (the requested ones until it confirms); `$presence` when presence is granted. */
  readonly topics: readonly string[];
  /**
   * The channel's live presence when the subscription was opened with `presence: true`: `null` until the first query
   * answered (or failed). Replaced, never mutated, on each change; between a drop and the next query's answer it is the
   * last known state.
   */
  readonly presenceState: PresenceState | null;
  /**
   * The accumulated text of each stream topic, by topic (see {@link SubscribeOptions.streams}): a topic is present
   * once a snapshot or a chunk of it was applied. Replaced, never mutated, on each change; kept across reconnects.
   */
  readonly streams: { readonly [K in StreamTopicName<T>]?: StreamState };
  /**
   * Cancels a run of the channel with {@link cancel}. The token comes from the `token` option when there is one
   * (it must grant `cancel`), else from {@link fetchToken} with `{channel, topics, cancel: true}`, asked for each
   * time, so the stream's own token needs no cancel grant.
   */
  cancel(runId: string): Promise<CancelResult>;
  /**
   * Queries the channel's members once. While subscribed over WebSocket it asks on that socket (frame
   * `{"type":"presence","channel","ref"}`), with the subscription's token; otherwise with {@link presence} and a token
   * from the `token` option when there is one (it must grant presence), from the subscription's own token request when
   * it was opened with `presence: true`, else from {@link fetchToken} with `{channel, topics, presence: true}`.
   *
   * @throws {RealtimeError} as {@link presence} does; over WebSocket with `code` `forbidden` when the token does not
   * grant presence, and `network` when the socket closes before the answer
   */
  presence(): Promise<PresenceSnapshot>;
  /** Ends the subscription; iterators finish. Idempotent. */
  close(): void;
  /**
   * Iterates messages in server order, and gap items (`kind: 'gap'`). Each call gets its own buffer (see
   * `bufferSize`) that starts with the next message. Leaving the loop (`break`, `return`, `throw`) closes the
   * subscription; the iterator finishes when the subscription is closed and throws its error when it fails.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<RealtimeItem<T, R>>;
}

/**
 * Subscribes to a channel. Connects at once and reconnects with exponential backoff and jitter, resuming after
 * the last delivered message; duplicates are dropped by id.
 */
export function subscribe<T extends TopicMap = AnyTopics, R = unknown>(options: SubscribeOptions<T, R>): Subscription<T, R>;

/** Options of {@link publish}. */
export interface PublishOptions<T extends TopicMap = AnyTopics, K extends TopicName<T> = TopicName<T>> {
  channel: string;
  topic: K;
  data: T[K];
  /** A token granting publish on the topic (token request with `publish: [topic]`). */
  token: TokenInput;
  baseUrl?: string;
  fetch?: typeof fetch;
}

/**
 * Publishes a message from the browser (a reply) with `POST {baseUrl}/publish`.
 *
 * @returns the id of the published message (`202`)
 * @throws {RealtimeError} with `status` 400, `detail` and field `errors` when the payload fails the topic's
 * schema; with `status` 403 when the token does not grant the topic
 */
export function publish<T extends TopicMap = AnyTopics, K extends TopicName<T> = TopicName<T>>(
  options: PublishOptions<T, K>,
): Promise<{ id: string }>;

/** Options of {@link cancel}. */
export interface CancelOptions {
  /** The run to cancel, on the token's channel. */
  runId: string;
  /** A token granting cancel on the run's channel (token request with `cancel: true`). */
  token: TokenInput;
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The answer to a cancel that was accepted (`202`). */
export interface CancelResult {
  runId: string;
  /**
   * `cancelled`: the node that answered executed the run and cancelled it. `requested`: another node executes
   * it and was asked to. Either way the run's `cancelled` status follows on the channel.
   */
  outcome: 'cancelled' | 'requested';
}

/**
 * Cancels a run from the browser with `POST {baseUrl}/runs/{runId}/cancel`. A token names one channel, so it
 * cancels only the runs of its channel, on whatever node executes them.
 *
 * @throws {RealtimeError} with `status` 403 (`code` `forbidden`) when the token does not grant cancel, 409
 * (`run_ended`) when the run has already ended, 404 (`unknown_run`) when no such run is known on the channel,
 * 400 for a malformed run id, 401 for a bad token
 */
export function cancel(options: CancelOptions): Promise<CancelResult>;

/** Options of {@link presence}. */
export interface PresenceOptions {
  /** A presence channel, the token's. */
  channel: string;
  /** A token granting presence on the channel (token request with `presence: true`). */
  token: TokenInput;
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** A member of a presence channel. */
export interface PresenceMember {
  /** The subject of the member's token. */
  user: string;
  /** What the server application attached to the member (a flat object of short strings). */
  info: Record<string, string>;
}

/** The members of a presence channel, as a query answers them. */
export interface PresenceSnapshot {
  channel: string;
  /** The exact number of members. */
  count: number;
  /**
   * The members, at most the server's `realtime.presence.max-members` (default 1000): beyond it members are counted
   * but neither listed nor announced.
   */
  members: PresenceMember[];
}

/** The live presence a subscription keeps with `presence: true` ({@link Subscription.presenceState}). */
export interface PresenceState extends PresenceSnapshot {
  /**
   * The members ordered by `user`: the latest query's answer with the `join` (adds or replaces the member) and
   * `leave` (removes it) messages since applied. `count` is the latest answer's or event's.
   */
  members: PresenceMember[];
  /**
   * The error of the latest query when it failed (members and count are then the last known ones, still updated by
   * events), `null` once one succeeded. It is reported to `onError` too, without ending the subscription.
   */
  error: RealtimeError | null;
}

/**
 * Queries the members of a presence channel with `GET {baseUrl}/presence?channel=…` and the token in the
 * `Authorization` header.
 *
 * @throws {RealtimeError} with `status` 403 (`code` `forbidden`) when the token does not grant presence or names
 * another channel, 401 (`unauthorized`) for a missing, invalid or expired token, 400 (`bad_request`) without a channel
 */
export function presence(options: PresenceOptions): Promise<PresenceSnapshot>;

/**
 * Where the CSRF token of the token request comes from. Without options (the default) the first of these is sent:
 *
 * 1. a `<meta name="_csrf" content="…">` tag, in the header named by `<meta name="_csrf_header">` (default
 *    `X-CSRF-TOKEN`), as a server-rendered page has it;
 * 2. the `XSRF-TOKEN` cookie, in the `X-XSRF-TOKEN` header, as Spring Security's
 *    `CookieServerCsrfTokenRepository.withHttpOnlyFalse()` writes and reads it.
 *
 * Nothing is sent when neither exists. `false` sends no CSRF header.
 */
export interface CsrfOptions {
  /** The token itself, e.g. from your own endpoint; sent instead of looking for a meta tag or cookie. */
  token?: string;
  /** Header name to send the token in, whatever its source. */
  headerName?: string;
  /** Cookie to read the token from (default `XSRF-TOKEN`). */
  cookieName?: string;
}

/**
 * The CSRF header for a state-changing request of the page's own, found as {@link fetchToken} finds it (see
 * {@link CsrfOptions}): `fetch('/api/runs', { method: 'POST', headers: csrfHeaders() })`. Empty when the page has
 * no CSRF token, or with `false`.
 */
export function csrfHeaders(options?: CsrfOptions | false): Record<string, string>;

/** Options of {@link fetchToken}. */
export interface FetchTokenOptions {
  channel: string;
  /** Topics to read (default: every topic of the channel). */
  topics?: readonly string[];
  /** Topics the token may publish to. */
  publish?: readonly string[];
  /**
   * Whether the token may cancel the channel's runs ({@link cancel}); the channel's rule sees it as `#cancel`
   * and decides.
   */
  cancel?: boolean;
  /**
   * Whether the token grants presence on the channel (`$presence` messages and {@link presence} queries); the channel
   * must declare presence (else the endpoint answers 400), and its rule sees it as `#presence` and decides.
   */
  presence?: boolean;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** The CSRF token to send, see {@link CsrfOptions}. Default: from the page's meta tag or `XSRF-TOKEN` cookie. */
  csrf?: CsrfOptions | false;
  /** Extra request headers; they win over the CSRF header. */
  headers?: Record<string, string>;
}

/**
 * Asks the starter's token endpoint (`POST {baseUrl}/token`, JSON body `{channel, topics, publish, cancel, presence}`,
 * same-origin credentials) for a token, sending the page's CSRF token the way Spring Security expects it. Use it in a
 * token function: `token: () => fetchToken({ channel, topics, publish: ['approval'] })`.
 *
 * @throws {RealtimeError} with the HTTP `status` and the problem `detail` when the endpoint refuses (400, 401, 403:
 * a subscription then ends with status `error`; 403 is also what Spring Security answers to a missing CSRF token);
 * with `code` `unauthorized` and `fatal` when the request was redirected (to a login page); with `code` `protocol`
 * when the answer is not JSON
 */
export function fetchToken(options: FetchTokenOptions): Promise<TokenResponse>;

/** A field error of a `400` problem response. */
export interface FieldError {
  field: string;
  message: string;
}

/** Options of the {@link RealtimeError} constructor. */
export interface RealtimeErrorOptions {
  code?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  fatal?: boolean;
  cause?: unknown;
}

/**
 * An error of the realtime client.
 *
 * `code` is one of `unauthorized`, `forbidden`, `bad_request`, `http_<status>`, `invalid_token`,
 * `token_expired`, `token_failed`, `slow_consumer`, `going_away`, `network`, `protocol`, `transport`,
 * `max_attempts`, `run_ended` and `unknown_run` (from {@link cancel}), or a code the server sent in an `error` event.
 */
export class RealtimeError extends Error {
  constructor(message: string, options?: RealtimeErrorOptions);
  code: string;
  /** HTTP status, or WebSocket close code. */
  status: number | undefined;
  /** Problem detail of an HTTP error response. */
  detail: string | undefined;
  /** Field errors of a `400` problem response (empty otherwise). */
  errors: FieldError[];
  /** Whether the subscription ended because of this error. */
  fatal: boolean;
}

/**
 * Incremental `text/event-stream` parser, exported for custom transports. Returns a function to feed decoded
 * text chunks to; lines and CRLF pairs may be split anywhere.
 */
export function createSseParser(
  onEvent: (type: string, data: string, id: string | null) => void,
  onRetry: (retry: number) => void,
): (chunk: string) => void;
