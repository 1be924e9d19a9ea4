/**
 * React hook of Realtime for Spring Boot.
 *
 * The starter serves this module at `/realtime/react.js`; it imports the client as `./client.js` and React as
 * the bare specifier `react` (map it with an import map or a bundler).
 *
 * ```tsx
 * import { useRealtime } from '@realtime-spring/client/react';
 * import type { PipelineTopics } from './generated/channels';
 *
 * function Pipeline({ runId }: { runId: string }) {
 *   const { connectionStatus, runStatus, messages, result, error } = useRealtime<PipelineTopics>({
 *     channel: `pipeline:${runId}`,
 *     topics: ['status', 'tokens'],
 *     token: () => fetchToken({ channel: `pipeline:${runId}`, topics: ['status', 'tokens'] }),
 *     bufferInterval: 50,
 *   });
 *   return <p>{messages.byTopic.status?.data.message}</p>;
 * }
 * ```
 *
 * The whole text of a stream topic (`@TopicOptions(stream = true) Topic<String> answer()`), also after a reconnect:
 *
 * ```tsx
 * function Answer({ chatId }: { chatId: string }) {
 *   const { streams } = useRealtime<ChatTopics>({ channel: `chat:${chatId}`, streams: ['answer'] });
 *   return <pre>{streams.answer ?? ''}</pre>;
 * }
 * ```
 *
 * The members of a presence channel:
 *
 * ```tsx
 * function Room({ roomId }: { roomId: string }) {
 *   const { members, count } = usePresence(`room:${roomId}`);
 *   return <p>{count} here: {members.map((member) => member.info.name ?? member.user).join(', ')}</p>;
 * }
 * ```
 *
 * @module
 */

import type {
  AnyTopics, CancelResult, CsrfOptions, DataMessage, PresenceMember, PresenceState, RealtimeError, RealtimeMessage, ReconnectOptions,
  RunStatus, StreamTopicName, TokenInput, TopicMap, TopicName,
} from './client.js';

/**
 * - `idle`: `enabled` is false (`pauseReason` is `disabled`).
 * - `connecting`: connecting for the first time or again after a drop.
 * - `open`: subscribed; messages flow.
 * - `paused`: the page is hidden and `pauseOnHidden` is set; it resumes without a gap when visible.
 * - `closed`: the run reached a terminal status (with `autoCloseOnTerminal`).
 * - `error`: a fatal error, in `error`.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'paused' | 'closed' | 'error';

/** Status of the channel's run, from `$run` messages; `unknown` before the first one. */
export type HookRunStatus = 'unknown' | RunStatus;

/** Options of {@link useRealtime}. */
export interface UseRealtimeOptions<T extends TopicMap = AnyTopics> {
  /** Channel name. Changing it reconnects and clears the messages. */
  channel: string;
  /**
   * Identity of the subscription beyond its channel, e.g. a run attempt or a user. Changing it does what a change
   * of `channel` does: clears messages, streams, run status, result and error (as `reset()` does), closes the connection
   * and subscribes afresh (a first connect: no resume after the last message, history replayed as on any first
   * connect), even after a terminal run or a fatal error. Compared with `Object.is`; default `null`.
   */
  key?: string | number | null;
  /** Topics to read. Compared by value: a new array with the same names does not reconnect. */
  topics?: readonly TopicName<T>[];
  /**
   * The token, see {@link TokenInput}. The latest value is used on every connect and refresh; a new inline
   * function on each render never reconnects. Default: `fetchToken({channel, topics, baseUrl, csrf})`, with
   * `presence: true` when {@link UseRealtimeOptions.presence} is set.
   */
  token?: TokenInput;
  /** CSRF token of the default token request, see `FetchTokenOptions.csrf`. */
  csrf?: CsrfOptions | false;
  /**
   * Whether to connect (default true). Turning it on connects (resuming after the last message seen); turning it
   * off closes, and the hook reports `connectionStatus: 'idle'`, `isPaused: true`, `pauseReason: 'disabled'`.
   */
  enabled?: boolean;
  /**
   * Checks each data message (not run lifecycle, snapshot or presence messages) before it enters the hook's state, synchronously, in
   * server order. A message is invalid when the function returns `false` or throws (so a schema's `parse` fits:
   * `validate: (m) => schemas[m.topic].parse(m.data)`); any other return value, `undefined` included, means valid.
   * An invalid message is dropped: it never appears in `messages` (`byTopic`, `all`, `last`, `delta`), and it is
   * not delivered again on a reconnect. `error` becomes a `RealtimeError` with `code` `invalid_message`, a message
   * naming the message id and topic, and the thrown error as `cause`; it stays until `reset()`, a change of
   * `channel` or `key`, and a connection error takes precedence over it. The connection stays open and later
   * messages are checked and delivered as usual. Read when a message arrives: a new function on each render never
   * reconnects.
   */
  validate?: (message: DataMessage<T>) => boolean | void;
  /** How many messages `messages.all` keeps (default 100). */
  historyLimit?: number;
  /**
   * Milliseconds to batch messages into one state update (default 0: messages that arrive together are still
   * batched into one update, just without waiting).
   */
  bufferInterval?: number;
  /** Close while the page is hidden and resume after the last message when it is visible again (default false). */
  pauseOnHidden?: boolean;
  /** Reconnect tuning, read when the connection is made. */
  reconnect?: ReconnectOptions;
  /** Close when the run completes, fails or is cancelled (default true). */
  autoCloseOnTerminal?: boolean;
  /** Transport, see `SubscribeOptions.transport`. Changing it reconnects. */
  transport?: 'sse' | 'eventsource' | 'websocket';
  /** Base URL of the realtime endpoints (default `/realtime`). Changing it reconnects. */
  baseUrl?: string;
  /**
   * Keep the channel's live presence in {@link UseRealtimeResult.presence}, see `SubscribeOptions.presence`: the
   * default token request asks for the presence grant, and a token from `token` must grant it. Presence messages are
   * in `messages.all`, `last` and `delta` (never in `byTopic`, never validated). Changing it reconnects.
   */
  presence?: boolean;
  /**
   * Stream topics (declared `@TopicOptions(stream = true)`, payload `string`) whose text to keep in
   * {@link UseRealtimeResult.streams} from their first chunk on, even before any snapshot (a first connect while the
   * stream has no text yet). A topic that receives a snapshot is kept without being named here. Read when messages
   * arrive: a new array on each render never reconnects.
   */
  streams?: readonly StreamTopicName<T>[];
}

/** The messages of the channel, as of the last update. */
export interface RealtimeMessages<T extends TopicMap = AnyTopics, R = unknown> {
  /**
   * Latest data message per topic (run lifecycle messages are in `runStatus` and `result`). Snapshots of stream
   * topics are not data messages: the text they carry is in {@link UseRealtimeResult.streams}, and `byTopic` keeps the
   * latest chunk.
   */
  byTopic: { [K in TopicName<T>]?: DataMessage<T, K> };
  /** The last `historyLimit` messages, oldest first, run lifecycle, snapshot and presence messages included. */
  all: RealtimeMessage<T, R>[];
  /** The latest message, or `null`. */
  last: RealtimeMessage<T, R> | null;
  /**
   * Messages new since the previous rendered update, oldest first. Its identity changes only when messages
   * arrive, so `useEffect(() => append(delta), [delta])` sees every message exactly once even when React
   * renders several updates together.
   */
  delta: RealtimeMessage<T, R>[];
}

/** What {@link useRealtime} returns. */
export interface UseRealtimeResult<T extends TopicMap = AnyTopics, R = unknown> {
  connectionStatus: ConnectionStatus;
  runStatus: HookRunStatus;
  /** The run of the latest `$run` message, or `null` before one arrived. */
  runId: string | null;
  /** Whether the hook is not connected on purpose: `enabled` is false, or the page is hidden with `pauseOnHidden`. */
  isPaused: boolean;
  /** Why it is paused: `disabled` (`enabled` is false, even when the page is hidden too), `hidden`, or `null`. */
  pauseReason: 'disabled' | 'hidden' | null;
  messages: RealtimeMessages<T, R>;
  /** The run's result once it completed. */
  result: R | undefined;
  /**
   * A fatal connection error (e.g. a 401 or 403 from the token endpoint, with its `status`), else the latest
   * message `validate` rejected (`code` `invalid_message`), else the error of a failed run (`code` `run_failed`).
   */
  error: RealtimeError | null;
  /**
   * Clears messages, streams, run status, result and error. If the connection was closed (terminal run) or failed, it
   * connects again, resuming after the last message seen. A topic that received a snapshot stays a stream topic: its
   * next chunks start its text afresh.
   */
  reset(): void;
  /**
   * Cancels a run of the channel (default: {@link UseRealtimeResult.runId}, the run whose status the hook shows)
   * with `cancel` of the client. The token comes from the `token` option when there is one (it must grant
   * `cancel`), else from `fetchToken({channel, topics, baseUrl, csrf, cancel: true})`, which the channel's rule
   * must allow. The run's `cancelled` status then arrives as any status does. Stable across renders.
   *
   * @throws {RealtimeError} as `cancel` does (403 `forbidden`, 409 `run_ended`, 404 `unknown_run`), and with
   * `code` `unknown_run` when no run id was given and no run status has arrived yet
   */
  cancel(runId?: string): Promise<CancelResult>;
  /**
   * With `presence: true`: the channel's live presence (members ordered by user, exact count, and the error of the
   * latest member query if it failed), `null` until the first query answered and without `presence`. It is kept
   * through pauses and reconnects (queried afresh after each) and cleared by a change of `channel` or `key`.
   */
  presence: PresenceState | null;
  /**
   * The text of each stream topic, by topic: of the topics in the `streams` option from their first chunk, and of any
   * topic that received a snapshot. A snapshot replaces the text with its `data` (a reset, `data: ""`, empties it), and
   * a data message whose `data` is a string appends to it (unless `validate` rejected it). A reconnect resumes without
   * appending a chunk twice; cleared by `reset()` and a change of `channel` or `key`. Its identity changes only when a
   * text does.
   */
  streams: { [K in StreamTopicName<T>]?: string };
}

/**
 * Subscribes a component to a channel. Safe under StrictMode (one live connection), and the connection depends
 * only on `channel`, `key`, `topics` (by value), `enabled`, `transport` and `baseUrl`.
 *
 * @typeParam T topic map of the channel, e.g. a generated `PipelineTopics`
 * @typeParam R type of the run's result
 */
export function useRealtime<T extends TopicMap = AnyTopics, R = unknown>(options: UseRealtimeOptions<T>): UseRealtimeResult<T, R>;

/** Options of {@link usePresence}: those of {@link UseRealtimeOptions} that concern the connection. */
export type UsePresenceOptions = Pick<
  UseRealtimeOptions, 'key' | 'topics' | 'token' | 'csrf' | 'enabled' | 'pauseOnHidden' | 'reconnect' | 'transport' | 'baseUrl'
>;

/** What {@link usePresence} returns. */
export interface UsePresenceResult {
  /** The members ordered by `user` (empty until the first query answered); at most the server's `max-members`. */
  members: PresenceMember[];
  /** The exact number of members (0 until the first query answered). */
  count: number;
  /**
   * A fatal connection error (e.g. a 400 from the token endpoint when the channel does not declare presence, or a 403
   * when its rule denies `#presence`), else the error of the latest member query if it failed.
   */
  error: RealtimeError | null;
}

/**
 * The live members of a presence channel (declared with `presence = true`), kept up to date by `join` and `leave`
 * messages and queried afresh after every (re)connect. It subscribes as {@link useRealtime} does with `presence: true`
 * (same StrictMode safety, pausing and reconnects), but keeps none of the channel's messages and never closes on a
 * terminal run. The stream still carries the channel's topics (all of them unless `topics` limits them): to read
 * messages and presence over one connection, use {@link useRealtime} with `presence: true` and its `presence` field.
 * The default token is `fetchToken({channel, topics, baseUrl, csrf, presence: true})`.
 */
export function usePresence(channel: string, options?: UsePresenceOptions): UsePresenceResult;
