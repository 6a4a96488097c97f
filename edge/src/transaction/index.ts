export * from './timers.js';
export * from './transaction-key.js';
export * from './non-2xx-ack.js';
export type { TimerName } from './transaction-timers.js';
export { Transaction, type TransactionCore, type TransactionEvents, type TransactionLogger, type TransactionState } from './transaction.js';
export { ServerTransactionBase } from './server-transaction.js';
export { ClientTransactionBase, type ClientTransactionHandlers } from './client-transaction.js';
export { InviteServerTransaction, type InviteServerState, type AckDisposition } from './invite-server-transaction.js';
export { NonInviteServerTransaction, type NonInviteServerState } from './non-invite-server-transaction.js';
export { InviteClientTransaction, type InviteClientState } from './invite-client-transaction.js';
export { NonInviteClientTransaction, type NonInviteClientState } from './non-invite-client-transaction.js';
export {
  TransactionLayer,
  type ClientTransaction,
  type ReceiveRequestResult,
  type ServerTransaction,
  type TransactionLayerOptions,
} from './transaction-layer.js';
