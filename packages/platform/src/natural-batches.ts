import { AsyncResource } from 'node:async_hooks';

export interface NaturalBatchOptions<Item, Answer> {
  /** Sends the items as one; settles each in the items' order (a refusal of one need not undo the others). */
  send: (items: Item[]) => Promise<PromiseSettledResult<Answer>[]>;
  /** Items of one key never go in one batch: the later one waits for the next (e.g. two writes of one row). */
  keyOf?: (item: Item) => string;
  maximumSize?: number;
}

interface Waiting<Item, Answer> {
  item: Item;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

/**
 * Natural batching: an item is sent at once when no batch is in flight, so an idle caller waits for nothing more; the
 * items that come while one is go together, as one batch, when it returns. Under load a batch carries what arrived
 * during one round trip, dividing the round trips (and what each costs the database: a statement, a commit) by
 * about as much.
 *
 * Batches run outside their callers' asynchronous contexts (a batch belongs to none of them): no caller's open
 * transaction or trace span is joined by another's item.
 */
export function naturalBatches<Item, Answer>({ send, keyOf, maximumSize = 64 }: NaturalBatchOptions<Item, Answer>) {
  const detached = new AsyncResource('NaturalBatch');
  let queue: Waiting<Item, Answer>[] = [];
  let inFlight = false;

  function takeBatch() {
    const batch: Waiting<Item, Answer>[] = [];
    const rest: Waiting<Item, Answer>[] = [];
    const keys = new Set<string>();
    for (const waiting of queue) {
      const key = keyOf?.(waiting.item);
      if (batch.length >= maximumSize || (key !== undefined && keys.has(key))) rest.push(waiting);
      else {
        batch.push(waiting);
        if (key !== undefined) keys.add(key);
      }
    }
    queue = rest;
    return batch;
  }

  function sendNext() {
    if (inFlight || queue.length === 0) return;
    const batch = takeBatch();
    inFlight = true;
    // A promise's executor turns a send that throws at once into a refusal of its batch, like any other.
    new Promise<PromiseSettledResult<Answer>[]>((resolve) =>
      resolve(detached.runInAsyncScope(() => send(batch.map((waiting) => waiting.item)))),
    )
      .then(
        (settled) =>
          batch.forEach((waiting, index) => {
            const result = settled[index];
            if (result?.status === 'fulfilled') waiting.resolve(result.value);
            else waiting.reject(result ? result.reason : new Error('A batch answered fewer items than it was sent'));
          }),
        (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
      )
      .finally(() => {
        inFlight = false;
        sendNext();
      });
  }

  return (item: Item) =>
    new Promise<Answer>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      sendNext();
    });
}
