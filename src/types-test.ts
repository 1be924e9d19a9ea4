// Compile-time checks of the declarations (npm run typecheck); never executed.
import {
  cancel, fetchToken, presence, publish, subscribe, type CancelResult, type PresenceMember, type PresenceSnapshot, type PresenceState,
  type RealtimeItem, type RealtimeMessage, type SnapshotMessage, type StreamState, type StreamTopicName,
} from './client.js';
import { usePresence, useRealtime } from './react.js';

// as the annotation processor generates them into channels.d.ts
interface Status {
  message: string;
  step: string | null;
}
interface TokenChunk {
  token: string;
  step: string;
}
interface Approval {
  approved: boolean;
  comment: string | null;
}
interface PipelineTopics {
  status: Status;
  tokens: TokenChunk;
  approval: Approval;
}
// a channel with a stream topic: @TopicOptions(stream = true) Topic<String> answer()
interface ChatTopics {
  answer: string;
  status: Status;
}

type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;
function expectType<T>(_value: T): void {}
function assert<T extends true>(): T | void {}

export function hookTypes(): void {
  const { messages, result, runStatus, connectionStatus, error } = useRealtime<PipelineTopics, { summary: string }>({
    channel: 'pipeline:run-1',
    topics: ['status', 'tokens'],
    token: async () => ({ token: 't', expiresAt: '2030-01-01T00:00:00Z' }),
  });
  assert<Equals<typeof messages.byTopic.status, { id: string; channel: string; createdAt: string; runId?: string | null; traceparent?: string } & { kind: 'data'; topic: 'status'; data: Status } | undefined>>();
  expectType<string | undefined>(messages.byTopic.status?.data.message);
  expectType<string | undefined>(messages.byTopic.tokens?.data.token);
  expectType<string | undefined>(result?.summary);
  expectType<'unknown' | 'running' | 'completed' | 'failed' | 'cancelled'>(runStatus);
  expectType<'idle' | 'connecting' | 'open' | 'paused' | 'closed' | 'error'>(connectionStatus);
  expectType<readonly string[] | undefined>(error?.errors.map((e) => e.field));

  for (const message of messages.delta) {
    if (message.topic === 'tokens') {
      expectType<TokenChunk>(message.data);
    }
    else if (message.kind === 'run') {
      expectType<'running' | 'completed' | 'failed' | 'cancelled'>(message.data.status);
    }
  }

  // @ts-expect-error unknown topic
  useRealtime<PipelineTopics>({ channel: 'pipeline:run-1', topics: ['nope'] });
  // @ts-expect-error payloads are typed
  expectType<number | undefined>(messages.byTopic.status?.data.message);

  const untyped = useRealtime({ channel: 'c' });
  expectType<unknown>(untyped.messages.byTopic.anything?.data);

  const validated = useRealtime<PipelineTopics>({
    channel: 'pipeline:run-1',
    key: 'attempt-2',
    enabled: false,
    csrf: { headerName: 'X-CSRF-TOKEN' },
    validate(message) {
      if (message.topic === 'status') {
        expectType<Status>(message.data);
        return message.data.message.length > 0;
      }
      return undefined;
    },
  });
  expectType<'disabled' | 'hidden' | null>(validated.pauseReason);
  // @ts-expect-error a key is a string or a number
  useRealtime({ channel: 'c', key: {} });
}

export async function tokenTypes(): Promise<void> {
  const token = await fetchToken({ channel: 'pipeline:run-1', topics: ['status'], publish: ['approval'], csrf: false });
  expectType<string>(token.token);
  await fetchToken({ channel: 'c', csrf: { token: 'x', headerName: 'X-XSRF-TOKEN', cookieName: 'XSRF-TOKEN' } });
  subscribe({ channel: 'c', csrf: { cookieName: 'MY-XSRF' }, transport: 'eventsource' });
}

export async function clientTypes(): Promise<void> {
  const subscription = subscribe<PipelineTopics>({
    channel: 'pipeline:run-1',
    topics: ['status'],
    token: 'jws',
    transport: 'websocket',
    onMessage(message) {
      if (message.topic === 'status') {
        expectType<Status>(message.data);
      }
    },
    onGap(gap) {
      expectType<'not-recovered' | 'overflow'>(gap.reason);
    },
  });
  for await (const item of subscription) {
    expectType<RealtimeItem<PipelineTopics>>(item);
    if (item.kind === 'gap') {
      expectType<string | null>(item.lastEventId);
    }
    else if (item.kind === 'data' && item.topic === 'approval') {
      expectType<boolean>(item.data.approved);
    }
  }
  subscription.close();

  const { id } = await publish<PipelineTopics, 'approval'>({
    channel: 'pipeline:run-1', topic: 'approval', data: { approved: true, comment: null }, token: 'jws',
  });
  expectType<string>(id);
  // @ts-expect-error the payload must match the topic
  await publish<PipelineTopics, 'approval'>({ channel: 'pipeline:run-1', topic: 'approval', data: { approved: 'yes' }, token: 'jws' });
}

export async function cancelTypes(): Promise<void> {
  const token = await fetchToken({ channel: 'pipeline:run-1', topics: ['status'], cancel: true });
  expectType<boolean | undefined>(token.cancel);
  const result = await cancel({ runId: 'run-1', token });
  expectType<'cancelled' | 'requested'>(result.outcome);
  const subscription = subscribe<PipelineTopics>({ channel: 'pipeline:run-1', token: () => token });
  expectType<Promise<CancelResult>>(subscription.cancel('run-1'));
  const { cancel: cancelRun, runId } = useRealtime<PipelineTopics>({ channel: 'pipeline:run-1' });
  expectType<string | null>(runId);
  expectType<Promise<CancelResult>>(cancelRun());
  expectType<Promise<CancelResult>>(cancelRun('run-2'));
}

export async function presenceTypes(): Promise<void> {
  const token = await fetchToken({ channel: 'room:1', topics: ['status'], presence: true });
  expectType<boolean | undefined>(token.presence);
  const snapshot = await presence({ channel: 'room:1', token, baseUrl: '/realtime' });
  expectType<number>(snapshot.count);
  expectType<string>(snapshot.members[0].user);
  expectType<Record<string, string>>(snapshot.members[0].info);
  // @ts-expect-error the channel is required
  await presence({ token });

  const subscription = subscribe<PipelineTopics>({
    channel: 'room:1',
    presence: true,
    onPresence(state) {
      expectType<PresenceMember[]>(state.members);
      expectType<string | undefined>(state.error?.code);
    },
    onMessage(message) {
      if (message.kind === 'presence') {
        expectType<'$presence'>(message.topic);
        expectType<'join' | 'leave'>(message.data.type);
        expectType<number>(message.data.count);
        expectType<Record<string, string>>(message.data.info);
      }
      // @ts-expect-error only the presence kind has the topic $presence
      else if (message.topic === '$presence') {
        expectType<never>(message);
      }
    },
  });
  expectType<PresenceState | null>(subscription.presenceState);
  expectType<Promise<PresenceSnapshot>>(subscription.presence());
  assert<Equals<Extract<RealtimeMessage, { kind: 'presence' }>['data']['type'], 'join' | 'leave'>>();

  const { members, count, error } = usePresence('room:1', { token: () => token, transport: 'websocket', enabled: true });
  expectType<PresenceMember[]>(members);
  expectType<number>(count);
  expectType<number | undefined>(error?.status);
  // @ts-expect-error usePresence keeps no messages to validate
  usePresence('room:1', { validate: () => true });

  const { presence: live, messages } = useRealtime<PipelineTopics>({ channel: 'room:1', presence: true });
  expectType<PresenceState | null>(live);
  for (const message of messages.all) {
    if (message.kind === 'presence') {
      expectType<string>(message.data.user);
    }
  }
}

export function streamTypes(): void {
  assert<Equals<StreamTopicName<ChatTopics>, 'answer'>>();
  assert<Equals<StreamTopicName<PipelineTopics>, never>>();
  assert<Equals<SnapshotMessage<PipelineTopics>, never>>();
  assert<Equals<Extract<RealtimeMessage<ChatTopics>, { kind: 'snapshot' }>['topic'], 'answer'>>();

  const subscription = subscribe<ChatTopics>({
    channel: 'chat:1',
    streams: ['answer'],
    onStream(topic, stream) {
      expectType<'answer'>(topic);
      expectType<StreamState>(stream);
      expectType<string>(stream.text);
      expectType<string>(stream.id);
    },
    onMessage(message) {
      if (message.kind === 'snapshot') {
        expectType<'answer'>(message.topic);
        expectType<string>(message.data);
      }
      else if (message.topic === 'answer') {
        expectType<'data'>(message.kind);
        expectType<string>(message.data);
      }
    },
  });
  expectType<string | undefined>(subscription.streams.answer?.text);
  expectType<string | undefined>(subscription.streams.answer?.id);
  // @ts-expect-error only topics with a string payload are stream topics
  expectType<unknown>(subscription.streams.status);
  // @ts-expect-error only topics with a string payload are stream topics
  subscribe<ChatTopics>({ channel: 'chat:1', streams: ['status'] });
  // @ts-expect-error the stream's state is read-only
  subscription.streams.answer = { text: '', id: '1-e1' };

  const untyped = subscribe({ channel: 'c', streams: ['anything'], history: 'none' });
  expectType<StreamState | undefined>(untyped.streams.anything);

  const { streams, messages, reset } = useRealtime<ChatTopics>({ channel: 'chat:1', streams: ['answer'] });
  expectType<string | undefined>(streams.answer);
  // @ts-expect-error only topics with a string payload are stream topics
  expectType<unknown>(streams.status);
  // @ts-expect-error only topics with a string payload are stream topics
  useRealtime<ChatTopics>({ channel: 'chat:1', streams: ['status'] });
  // byTopic keeps data messages: snapshots are in streams
  assert<Equals<NonNullable<typeof messages.byTopic.answer>['kind'], 'data'>>();
  for (const message of messages.all) {
    if (message.kind === 'snapshot') {
      expectType<string>(message.data);
    }
  }
  reset();
  expectType<string | undefined>(useRealtime({ channel: 'c', streams: ['text'] }).streams.text);
}
