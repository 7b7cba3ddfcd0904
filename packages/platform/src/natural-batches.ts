import { AsyncResource } from 'node:async_hooks';

export interface NaturalBatchOptions<Item, Answer> {
  /**
   * Sends the items as one; settles each in the items' order (a refusal of one need not undo the others), or fails
   * whole when what it sends to is out of reach, which refuses every item waiting too. An answer
   * may be a promise, for an item the batch could not settle (sent again on its own): the next batch goes without
   * waiting for it, and its key stays taken until it settles.
   */
  send: (items: Item[]) => Promise<PromiseSettledResult<Answer | PromiseLike<Answer>>[]>;
  /**
   * Items of one key never go in one batch, nor while one of them is unanswered: the later one waits (e.g. two writes
   * of one row, which must land in order). Computed once, as the item comes; a key that cannot be refuses its item.
   */
  keyOf?: (item: Item) => string;
  maximumSize?: number;
}

interface Waiting<Item, Answer> {
  item: Item;
  key: string | undefined;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

// Made as this module loads, outside any request: every batch runs in it, whoever made the batcher and wherever.
const detached = new AsyncResource('NaturalBatch');

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

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
  if (!(maximumSize >= 1)) throw new RangeError(`A batch holds at least one item, not ${maximumSize}`);
  // The items not yet sent, oldest first: `passedOver` (their key was taken when the last batch was made), then
  // `queue` from `head` on. A batch looks at the passed-over ones and at the queue until it is full, never further:
  // a backlog drains in time linear in its length.
  let passedOver: Waiting<Item, Answer>[] = [];
  let queue: Waiting<Item, Answer>[] = [];
  let head = 0;
  /** The keys of the items sent and not yet answered. */
  const taken = new Set<string>();
  let inFlight = false;

  function takeBatch() {
    const batch: Waiting<Item, Answer>[] = [];
    const stillPassedOver: Waiting<Item, Answer>[] = [];
    const consider = (waiting: Waiting<Item, Answer>) => {
      if (batch.length >= maximumSize || (waiting.key !== undefined && taken.has(waiting.key))) {
        stillPassedOver.push(waiting);
        return;
      }
      batch.push(waiting);
      if (waiting.key !== undefined) taken.add(waiting.key);
    };
    for (const waiting of passedOver) consider(waiting);
    while (batch.length < maximumSize && head < queue.length) consider(queue[head++]!);
    passedOver = stillPassedOver;
    // Dropped from the front once they are half of it: each item is copied a bounded number of times.
    if (head === queue.length || (head > 1024 && head * 2 > queue.length)) {
      queue = queue.slice(head);
      head = 0;
    }
    return batch;
  }

  function takeWaiting() {
    const waiting = [...passedOver, ...queue.slice(head)];
    passedOver = [];
    queue = [];
    head = 0;
    return waiting;
  }

  function answer(waiting: Waiting<Item, Answer>, result: PromiseSettledResult<Answer | PromiseLike<Answer>>) {
    const release = () => {
      if (waiting.key !== undefined) taken.delete(waiting.key);
    };
    if (result.status === 'rejected') {
      release();
      waiting.reject(result.reason);
    } else if (!isThenable(result.value)) {
      release();
      waiting.resolve(result.value);
    } else {
      Promise.resolve(result.value).then(
        (value) => (release(), waiting.resolve(value), sendNext()),
        (error: unknown) => (release(), waiting.reject(error), sendNext()),
      );
    }
  }

  function sendNext() {
    if (inFlight) return;
    const batch = takeBatch();
    if (batch.length === 0) return;
    inFlight = true;
    const unanswered = new Error('A batch answered fewer items than it was sent');
    const each = (settled: unknown) =>
      batch.map(
        (_, index): PromiseSettledResult<Answer | PromiseLike<Answer>> =>
          (Array.isArray(settled) && (settled[index] as PromiseSettledResult<Answer>)) || {
            status: 'rejected',
            reason: unanswered,
          },
      );
    // A promise's executor turns a send that throws at once into a refusal of its batch, like any other.
    void new Promise<PromiseSettledResult<Answer | PromiseLike<Answer>>[]>((resolve) =>
      resolve(detached.runInAsyncScope(() => send(batch.map((waiting) => waiting.item)))),
    )
      .then(each, (reason: unknown) => {
        // Failed whole: what it was sent to is out of reach (see `send`), and every item waiting would wait as long
        // again, batch after batch, to meet the same. They are refused with it; the next item is sent as it comes.
        for (const waiting of takeWaiting()) waiting.reject(reason);
        return batch.map((): PromiseSettledResult<Answer> => ({ status: 'rejected', reason }));
      })
      .then((settled) => {
        inFlight = false;
        batch.forEach((waiting, index) => answer(waiting, settled[index]!));
        sendNext();
      });
  }

  return (item: Item) =>
    new Promise<Answer>((resolve, reject) => {
      const key = keyOf?.(item);
      queue.push({ item, key, resolve, reject });
      sendNext();
    });
}
