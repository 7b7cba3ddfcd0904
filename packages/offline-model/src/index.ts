export { OfflineChatModel, offlineModelName } from './offline-chat-model.js';
