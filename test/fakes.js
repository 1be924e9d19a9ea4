// Fake transports: an SSE server behind a fake fetch, a fake WebSocket and a fake EventSource.

const realSetImmediate = globalThis.setImmediate;
const encoder = new TextEncoder();

/** Lets pending promises, stream reads and microtasks run (works under fake timers). */
export async function settle() {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => realSetImmediate(resolve));
  }
}

/**
 * @param {string} type
 * @param {unknown} data
 * @param {string} [id]
 */
export function sseEvent(type, data, id) {
  return `${id ? `id: ${id}\n` : ''}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * @param {string} id
 * @param {string} topic
 * @param {unknown} data
 * @param {string} [channel]
 */
export function envelope(id, topic, data, channel = 'pipeline:run-1') {
  const kind = (topic === '$run') ? 'run' : (topic === '$presence') ? 'presence' : 'data';
  return { id, channel, topic, data, createdAt: '2025-01-01T00:00:00Z', kind };
}

/**
 * A `$presence` envelope: a member joined or left.
 *
 * @param {string} id
 * @param {'join' | 'leave'} type
 * @param {string} user
 * @param {number} count the member count after the change
 * @param {Record<string, string>} [info]
 * @param {string} [channel]
 */
export function presenceEnvelope(id, type, user, count, info = {}, channel = 'pipeline:run-1') {
  return envelope(id, '$presence', { type, user, info, count }, channel);
}

/**
 * A snapshot of a stream topic: its whole text up to and including the chunk of that id.
 *
 * @param {string} id
 * @param {string} topic
 * @param {string} text
 * @param {string} [channel]
 */
export function snapshotEnvelope(id, topic, text, channel = 'pipeline:run-1') {
  return { ...envelope(id, topic, text, channel), kind: 'snapshot' };
}

/** @param {string} id @param {string} topic @param {unknown} data */
export function messageEvent(id, topic, data) {
  return sseEvent('message', envelope(id, topic, data), id);
}

/** @param {string} id @param {string} topic @param {string} text */
export function snapshotEvent(id, topic, text) {
  return sseEvent('message', snapshotEnvelope(id, topic, text), id);
}

export function subscribedEvent(recovered = null, channel = 'pipeline:run-1') {
  return sseEvent('subscribed', { channel, topics: ['status'], recovered });
}

/** A fake SSE endpoint: every fetch call becomes a connection the test answers. */
export function createSseServer() {
  /** @type {SseConnection[]} */
  const connections = [];
  const fetch = (url, init) => {
    const connection = new SseConnection(url, init);
    connections.push(connection);
    return connection.response;
  };
  return {
    fetch,
    connections,
    get last() {
      return connections[connections.length - 1];
    },
    get live() {
      return connections.filter((connection) => !connection.aborted && !connection.ended);
    },
  };
}

class SseConnection {
  constructor(url, init) {
    this.url = new URL(url, 'http://localhost');
    this.init = init;
    this.ended = false;
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    init.signal?.addEventListener('abort', () => {
      const error = new DOMException('The operation was aborted', 'AbortError');
      this.reject(error);
      try {
        this.controller?.error(error);
      }
      catch {
        // already closed
      }
    });
  }

  get aborted() {
    return this.init.signal?.aborted ?? false;
  }

  get authorization() {
    return this.init.headers?.Authorization;
  }

  param(name) {
    return this.url.searchParams.get(name);
  }

  /** Answers 200 with an open event stream, optionally starting with some text. */
  open(text) {
    const body = new ReadableStream({
      start: (controller) => {
        this.controller = controller;
      },
    });
    this.resolve({ ok: true, status: 200, body, json: async () => ({}) });
    if (text) {
      this.send(text);
    }
    return this;
  }

  /** Answers an HTTP error with a problem document. */
  fail(status, problem = { title: `HTTP ${status}`, status }) {
    this.resolve({ ok: false, status, body: null, json: async () => problem });
  }

  /** Sends text, or raw bytes to split UTF-8 sequences. */
  send(chunk) {
    this.controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  }

  end() {
    this.ended = true;
    this.controller.close();
  }
}

/** A WebSocket class of its own for one test, with the sockets it created. */
export function createWebSocketClass() {
  /** @type {FakeWebSocket[]} */
  const sockets = [];
  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSED = 3;

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      /** @type {any[]} */
      this.sent = [];
      this.closeCode = null;
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      sockets.push(this);
    }

    send(data) {
      this.sent.push(JSON.parse(data));
    }

    close(code) {
      this.closeCode = code ?? 1000;
      this.readyState = 3;
    }

    /** Server side: accept the connection. */
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    /** Server side: send a frame. */
    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }

    /** Server side: close with a code. */
    serverClose(code, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    framesOfType(type) {
      return this.sent.filter((frame) => frame.type === type);
    }
  }
  return { WebSocket: FakeWebSocket, sockets };
}

/** An EventSource class of its own for one test. */
export function createEventSourceClass() {
  /** @type {FakeEventSource[]} */
  const sources = [];
  class FakeEventSource extends EventTarget {
    constructor(url) {
      super();
      this.url = new URL(url, 'http://localhost');
      this.closed = false;
      sources.push(this);
    }

    close() {
      this.closed = true;
    }

    /** Server side: dispatch an event with data. */
    emit(type, data, lastEventId = '') {
      this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data), lastEventId }));
    }

    /** A connection failure as the browser reports it: an `error` event without data. */
    failConnection() {
      this.dispatchEvent(new Event('error'));
    }
  }
  return { EventSource: FakeEventSource, sources };
}
