import type { ChatResponse } from '@ecomm/contracts';

/** What a case's turns produced, as the runner recorded them. */
export interface TurnRecord {
  user: string;
  session_of?: string;
  message: string;
  status: number;
  /** The reply's text, or the error message of a non-200 answer. */
  response: string;
  steps: ChatResponse['steps'];
  model: string | null;
  model_calls: number;
  latency_ms: number;
}

export interface ItemState {
  product: string;
  quantity: number;
}

/** One user's part of the shop after the case, read back from the services. */
export interface ShopperState {
  orders: {
    order_id: string;
    status: string;
    total: number;
    transaction_id: string | null;
    items: ItemState[];
    returned: ItemState[];
  }[];
  payments: { order_id: string; transaction_id: string; amount: number; refunded: number; status: string }[];
  cart: ItemState[];
}

export interface CaseObservation {
  turns: TurnRecord[];
  shoppers: Record<string, ShopperState>;
  stock: Record<string, { before: number; after: number }>;
}
