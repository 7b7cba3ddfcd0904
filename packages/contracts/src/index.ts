export * from './auth.js';
export * from './common.js';
export * from './order.js';
export * from './payment.js';
export * from './product.js';
export * from './session.js';
export * from './orchestrator.js';
export * from './chat.js';
