// React hook of Realtime for Spring Boot, served as-is by the starter at /realtime/react.js.
// The API is documented in react.d.ts.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RealtimeError, cancel as cancelRun, fetchToken, subscribe } from './client.js';

/**
 * @import { DataMessage, PresenceMember, PresenceState, RealtimeEnvelope, SubscriptionStatus } from './client.js'
 * @import { ConnectionStatus, HookRunStatus, UsePresenceOptions, UsePresenceResult, UseRealtimeOptions, UseRealtimeResult } from './react.js'
 */

/**
 * @typedef {object} HookData
 * @property {Record<string, DataMessage>} byTopic
 * @property {RealtimeEnvelope[]} all
 * @property {RealtimeEnvelope | null} last
 * @property {RealtimeEnvelope[]} delta
 * @property {HookRunStatus} runStatus
 * @property {string | null} runId the run of the latest lifecycle message
 * @property {unknown} result
 * @property {RealtimeError | null} runError
 * @property {RealtimeError | null} invalid the latest message that failed `validate`
 * @property {Record<string, string>} streams the text of each stream topic
 * @property {number} version
 */

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The members before the first query answered: one array, the same on every render.
 *
 * @type {PresenceMember[]}
 */
const NO_MEMBERS = [];

/**
 * @param {UseRealtimeOptions<any>} options
 * @returns {UseRealtimeResult<any>}
 */
export function useRealtime(options) {
  return useChannel(options, true);
}

/**
 * @param {string} channel
 * @param {UsePresenceOptions} [options]
 * @returns {UsePresenceResult}
 */
export function usePresence(channel, options = {}) {
  // the channel's messages are not kept, and no run status ever closes the connection
  const { presence, error } = useChannel({ ...options, channel, presence: true }, false);
  return {
    members: presence?.members ?? NO_MEMBERS,
    count: presence?.count ?? 0,
    error: error ?? presence?.error ?? null,
  };
}

/**
 * The machinery of both hooks.
 *
 * @param {UseRealtimeOptions<any>} options
 * @param {boolean} keepMessages whether messages enter the hook's state (and a terminal run may close)
 * @returns {UseRealtimeResult<any>}
 */
function useChannel(options, keepMessages) {
  const {
    channel, key = null, topics, enabled = true, pauseOnHidden = false, transport, baseUrl, presence: wantPresence = false,
  } = options;
  // callbacks and tuning are read when used, so that new identities on each render never reconnect
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const [data, setData] = useState(/** @returns {HookData} */ () => emptyData(0));
  const [connection, setConnection] = useState(
    /** @type {{ status: ConnectionStatus, error: RealtimeError | null }} */ ({ status: 'idle', error: null }));
  const [presence, setPresence] = useState(/** @type {PresenceState | null} */ (null));
  const [hidden, setHidden] = useState(() => pauseOnHidden && isHidden());
  const [generation, setGeneration] = useState(0);
  // the topics that received a snapshot: still stream topics after reset(), forgotten with the channel or key
  const snapshotTopics = useRef(/** @type {Set<string>} */ (new Set()));

  // delta accumulates over flushes that React rendered together
  const committedVersion = useRef(0);
  useEffect(() => {
    committedVersion.current = data.version;
  }, [data.version]);

  // where to resume after a pause, a reset or a StrictMode remount; and whether a terminal run ended it
  const resume = useRef({ channel, key, lastEventId: /** @type {string | null} */ (null), terminal: false });
  const connectionRef = useRef(connection);
  useEffect(() => {
    connectionRef.current = connection;
  });

  useEffect(() => {
    if (!pauseOnHidden) {
      setHidden(false);
      return undefined;
    }
    const update = () => setHidden(isHidden());
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [pauseOnHidden]);

  const topicsKey = topics ? topics.join(',') : null;
  const paused = pauseOnHidden && hidden;

  useEffect(() => {
    if (resume.current.channel !== channel || !Object.is(resume.current.key, key)) {
      // another channel, or another key for the same one: start afresh
      resume.current = { channel, key, lastEventId: null, terminal: false };
      snapshotTopics.current = new Set();
      setData((previous) => emptyData(previous.version + 1));
      setPresence(null);
    }
    if (!wantPresence) {
      setPresence(null);
    }
    if (!enabled || paused || resume.current.terminal) {
      setConnection({ status: !enabled ? 'idle' : paused ? 'paused' : 'closed', error: null });
      return undefined;
    }
    let active = true;
    /** @type {RealtimeEnvelope[]} */
    let pending = [];
    let scheduled = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {RealtimeError | null} */
    let invalid = null;
    const flush = () => {
      scheduled = false;
      if (pending.length === 0 && invalid === null) {
        return;
      }
      const batch = pending;
      const rejected = invalid;
      pending = [];
      invalid = null;
      const limit = latest.current.historyLimit ?? 100;
      const streamTopics = new Set([...(latest.current.streams ?? []), ...snapshotTopics.current]);
      setData((previous) => apply(previous, batch, limit, committedVersion.current, rejected, streamTopics));
    };
    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        const interval = latest.current.bufferInterval ?? 0;
        if (interval > 0) {
          timer = setTimeout(flush, interval);
        }
        else {
          // messages parsed from one network chunk become one state update
          queueMicrotask(flush);
        }
      }
    };
    const requestedTopics = (topicsKey === null) ? undefined : topicsKey.split(',');
    setConnection({ status: 'connecting', error: null });
    const subscription = subscribe({
      channel,
      topics: requestedTopics,
      transport,
      baseUrl,
      lastEventId: resume.current.lastEventId,
      reconnect: latest.current.reconnect,
      presence: wantPresence,
      // the latest token input is used on every (re)connect and refresh
      token: () => {
        const current = latest.current.token;
        if (current === undefined) {
          return fetchToken({ channel, topics: requestedTopics, baseUrl, csrf: latest.current.csrf, presence: wantPresence });
        }
        return (typeof current === 'function') ? current() : current;
      },
      onPresence(state) {
        if (active) {
          setPresence(state);
        }
      },
      onMessage: keepMessages ? (message) => {
        if (message.kind === 'snapshot') {
          snapshotTopics.current.add(message.topic);
        }
        const rejection = isData(message) ? validate(latest.current.validate, message) : null;
        if (rejection) {
          invalid = rejection;
        }
        else {
          pending.push(message);
        }
        schedule();
        if (message.kind === 'run' && TERMINAL.has(message.data.status) && latest.current.autoCloseOnTerminal !== false) {
          resume.current.terminal = true;
          subscription.close();
        }
      } : undefined,
      onStatus(status, detail) {
        if (active) {
          setConnection({ status: connectionStatus(status), error: (status === 'error') ? detail.error ?? null : null });
        }
      },
    });
    return () => {
      active = false;
      clearTimeout(timer);
      flush();
      resume.current.lastEventId = subscription.lastEventId;
      subscription.close();
    };
  }, [channel, key, topicsKey, enabled, paused, transport, baseUrl, wantPresence, generation]);

  const reset = useCallback(() => {
    setData((previous) => emptyData(previous.version + 1));
    resume.current.terminal = false;
    const { status } = connectionRef.current;
    if (status === 'closed' || status === 'error') {
      // reconnects after the last message seen: a reset never replays what it cleared
      setGeneration((value) => value + 1);
    }
  }, []);

  const runIdRef = useRef(data.runId);
  useEffect(() => {
    runIdRef.current = data.runId;
  });
  const cancel = useCallback(/** @param {string} [runId] */ async (runId) => {
    const target = runId ?? runIdRef.current;
    if (target == null) {
      throw new RealtimeError('No run to cancel: no run status has arrived yet and no run id was given', { code: 'unknown_run' });
    }
    const options = latest.current;
    const current = options.token;
    const token = (current === undefined)
      ? () => fetchToken({ channel: options.channel, topics: options.topics, baseUrl: options.baseUrl, csrf: options.csrf, cancel: true })
      : current;
    return cancelRun({ runId: target, token, baseUrl: options.baseUrl });
  }, []);

  const messages = useMemo(() => ({ byTopic: data.byTopic, all: data.all, last: data.last, delta: data.delta }), [data]);
  const pauseReason = !enabled ? 'disabled' : paused ? 'hidden' : null;
  return {
    connectionStatus: !enabled ? 'idle' : paused ? 'paused' : connection.status,
    runStatus: data.runStatus,
    runId: data.runId,
    isPaused: pauseReason !== null,
    pauseReason,
    messages,
    result: data.result,
    error: connection.error ?? data.invalid ?? data.runError,
    reset,
    cancel,
    presence: wantPresence ? presence : null,
    streams: data.streams,
  };
}

/**
 * Data messages go by topic and through `validate`; run lifecycle, snapshot, presence and any other kind of message do not.
 *
 * @param {RealtimeEnvelope} message
 * @returns {message is DataMessage}
 */
function isData(message) {
  return message.kind === 'data' || message.kind == null;
}

/**
 * Runs the application's `validate` on a data message.
 *
 * @param {((message: DataMessage) => boolean | void) | undefined} validator
 * @param {RealtimeEnvelope} message
 * @returns {RealtimeError | null} why the message is invalid, or `null` when it is valid
 */
function validate(validator, message) {
  if (!validator) {
    return null;
  }
  const invalid = `Invalid message ${message.id} on topic '${message.topic}'`;
  try {
    return (validator(/** @type {DataMessage} */ (message)) === false)
      ? new RealtimeError(invalid, { code: 'invalid_message' })
      : null;
  }
  catch (error) {
    return new RealtimeError(`${invalid}: ${error instanceof Error ? error.message : String(error)}`, {
      code: 'invalid_message', cause: error,
    });
  }
}

/**
 * @param {HookData} previous
 * @param {RealtimeEnvelope[]} batch
 * @param {number} limit
 * @param {number} committed
 * @param {RealtimeError | null} invalid the latest message of the batch's time that `validate` rejected
 * @param {Set<string>} streamTopics the declared stream topics and those that ever received a snapshot
 * @returns {HookData}
 */
function apply(previous, batch, limit, committed, invalid, streamTopics) {
  if (batch.length === 0) {
    return { ...previous, invalid: invalid ?? previous.invalid };
  }
  const byTopic = { ...previous.byTopic };
  const streams = { ...previous.streams };
  let streamed = false;
  let { runStatus, runId, result, runError } = previous;
  for (const message of batch) {
    if (message.kind === 'snapshot') {
      // the whole text so far: it replaces the text, and byTopic keeps the latest chunk
      streams[message.topic] = (typeof message.data === 'string') ? message.data : '';
      streamed = true;
      continue;
    }
    if (isData(message)) {
      byTopic[message.topic] = message;
      const { topic, data } = message;
      if (typeof data === 'string' && (streamTopics.has(topic) || Object.hasOwn(streams, topic))) {
        streams[topic] = (Object.hasOwn(streams, topic) ? streams[topic] : '') + data;
        streamed = true;
      }
      continue;
    }
    if (message.kind !== 'run') {
      // presence messages (and kinds to come) are only in all, last and delta
      continue;
    }
    runStatus = message.data.status;
    runId = message.runId ?? runId;
    if (runStatus === 'running') {
      result = undefined;
      runError = null;
    }
    else if (runStatus === 'completed') {
      result = message.data.result;
    }
    else if (runStatus === 'failed') {
      runError = new RealtimeError(message.data.error?.message ?? 'Run failed', { code: 'run_failed' });
    }
  }
  const all = previous.all.concat(batch);
  all.splice(0, Math.max(0, all.length - limit));
  return {
    byTopic,
    all,
    last: batch[batch.length - 1],
    delta: (previous.version === committed) ? batch : previous.delta.concat(batch),
    runStatus,
    runId,
    result,
    runError,
    invalid: invalid ?? previous.invalid,
    streams: streamed ? streams : previous.streams,
    version: previous.version + 1,
  };
}

/**
 * @param {number} version
 * @returns {HookData}
 */
function emptyData(version) {
  return {
    byTopic: {}, all: [], last: null, delta: [], runStatus: 'unknown', runId: null, result: undefined, runError: null, invalid: null,
    streams: {}, version,
  };
}

/**
 * @param {SubscriptionStatus} status
 * @returns {ConnectionStatus}
 */
function connectionStatus(status) {
  return (status === 'reconnecting') ? 'connecting' : status;
}

function isHidden() {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}
