import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import {
  type AckError,
  ChannelLimits,
  channelRoom,
  EditMessagePayload,
  ErrorCatalogue,
  MarkReadPayload,
  MessageRefPayload,
  presenceRoom,
  ReactionPayload,
  SendMessagePayload,
  SetPresencePayload,
  SyncPayload,
  TypingPayload,
  WatchPresencePayload,
} from '@zhibu/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { ChannelsDomain } from '../domains/channels/service.js';
import { AppError } from '../http/app-error.js';
import type { Presence } from './presence.js';
import type { AppSocket } from './types.js';

type Reply = (answer: object) => void;

const PRESENCE_PREFIX = presenceRoom('');

// Validators are compiled once per process, not once per connection (compiling is slow and each compiled
// validator is a sizeable function).
const validators = new Map<TSchema, TypeCheck<TSchema>>();
function compiled<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = validators.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    validators.set(schema, check);
  }
  return check as TypeCheck<S>;
}

function errorAck(error: unknown, log: FastifyBaseLogger): AckError {
  if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, error: { code: 'INTERNAL', message: ErrorCatalogue.INTERNAL.message } };
}

export interface HandlerDeps {
  domain: ChannelsDomain;
  presence: Presence;
  log: FastifyBaseLogger;
  onPresenceChange: (userId: string, before: string, after: string) => void;
}

/**
 * Registers every client → server event on one socket. Each payload is checked against its shared schema
 * before anything else; each answer is an ack ({ ok: true, … } after the write is stored, or
 * { ok: false, error }). Nothing a client sends can throw out of a handler.
 */
export function registerHandlers(socket: AppSocket, deps: HandlerDeps): void {
  const { domain, presence, log } = deps;
  const userId = socket.data.userId;
  const known = new Set<string>();
  // Socket.IO's typed `on` cannot express "validate unknown input first"; handlers receive unknown.
  const raw = socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void };

  function on<S extends TSchema>(
    event: string,
    schema: S,
    handler: (payload: Static<S>) => Promise<object>,
  ): void {
    const check = compiled(schema);
    known.add(event);
    raw.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const reply: Reply = typeof last === 'function' ? (last as Reply) : () => undefined;
      const payload = args[0];
      if (!check.Check(payload)) {
        const first = check.Errors(payload).First();
        // Over-long text is a limit with its own code, not a malformed payload.
        if (
          first?.path === '/text' &&
          typeof first.value === 'string' &&
          first.value.length > ChannelLimits.messageMaxChars
        ) {
          reply(errorAck(new AppError('MESSAGE_TOO_LONG'), log));
          return;
        }
        const where = first?.path ? `${first.path} ` : '';
        reply({
          ok: false,
          error: {
            code: 'VALIDATION_FAILED',
            message: `${where}${first?.message ?? 'invalid payload'}`.slice(0, 200),
          },
        });
        return;
      }
      handler(payload).then(
        (result) => reply({ ok: true, ...result }),
        (error: unknown) => reply(errorAck(error, log)),
      );
    });
  }

  on('message:send', SendMessagePayload, (p) => domain.messages.send(userId, p));
  on('message:edit', EditMessagePayload, async (p) => ({
    message: await domain.messages.edit(userId, p.messageId, p.text),
  }));
  on('message:delete', MessageRefPayload, async (p) => ({
    message: await domain.messages.remove(userId, p.messageId),
  }));
  on('reaction:add', ReactionPayload, async (p) => {
    await domain.reactions.add(userId, p.messageId, p.emoji);
    return {};
  });
  on('reaction:remove', ReactionPayload, async (p) => {
    await domain.reactions.remove(userId, p.messageId, p.emoji);
    return {};
  });
  on('pin:add', MessageRefPayload, async (p) => {
    await domain.pins.pin(userId, p.messageId);
    return {};
  });
  on('pin:remove', MessageRefPayload, async (p) => {
    await domain.pins.unpin(userId, p.messageId);
    return {};
  });
  on('read:mark', MarkReadPayload, async (p) => ({
    state: await domain.reads.mark(userId, p.channelId, p.seq),
  }));
  on('sync', SyncPayload, (p) => domain.sync(userId, p));

  const lastTyping = new Map<string, number>();
  on('typing', TypingPayload, async (p) => {
    const key = `${p.channelId}:${p.threadRootId ?? ''}`;
    const now = Date.now();
    if (now - (lastTyping.get(key) ?? 0) < 1000) return {};
    lastTyping.set(key, now);
    if (lastTyping.size > 1000) lastTyping.clear();
    const { rights } = await domain.access.rights(userId, p.channelId);
    if (!rights.post) throw new AppError('FORBIDDEN');
    socket.to(channelRoom(p.channelId)).emit('typing', {
      channelId: p.channelId,
      userId,
      threadRootId: p.threadRootId ?? null,
    });
    return {};
  });

  on('presence:set', SetPresencePayload, async (p) => {
    socket.data.presence = p.status;
    const { before, after } = await presence.set(userId, socket.id, p.status);
    deps.onPresenceChange(userId, before, after);
    return {};
  });

  // A recovered socket is back in the presence rooms it watched before; start from those.
  let watching: string[] = [...socket.rooms]
    .filter((r) => r.startsWith(PRESENCE_PREFIX))
    .map((r) => r.slice(PRESENCE_PREFIX.length));
  on('presence:watch', WatchPresencePayload, async (p) => {
    for (const id of watching) if (!p.userIds.includes(id)) socket.leave(presenceRoom(id));
    for (const id of p.userIds) socket.join(presenceRoom(id));
    watching = p.userIds;
    return { statuses: await presence.statuses(p.userIds) };
  });

  // Unknown events are answered (when they carry an ack) and otherwise ignored; the socket stays open.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const last = args[args.length - 1];
    const name = typeof event === 'string' ? event.slice(0, 64) : '';
    if (typeof last === 'function') {
      (last as Reply)({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `Unknown event ${name}` } });
    } else {
      socket.emit('error:unknown-event', { event: name });
    }
  });
}
