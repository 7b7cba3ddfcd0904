import { DefaultChatTransport, type UIMessage } from 'ai';
import type { ChatDataParts } from '@ecomm/contracts';
import { session } from './session';

/** The data parts /chat/stream sends beside text and tool calls. */
export type ShopMessage = UIMessage<never, ChatDataParts>;

/**
 * useChat's transport: only the newest message goes up (the conversation lives on the server, keyed by the session
 * id), with the current token read at send time so a fresh login is used at once.
 */
export const shopTransport = new DefaultChatTransport<ShopMessage>({
  api: '/chat/stream',
  headers: (): Record<string, string> => {
    const token = session.get()?.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  },
  prepareSendMessagesRequest: ({ id, messages, headers }) => {
    const last = messages.at(-1);
    const message = last?.parts.map((part) => (part.type === 'text' ? part.text : '')).join('') ?? '';
    return { headers, body: { session_id: id, message } };
  },
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) session.expire();
    return response;
  },
});
