import { fromCents, type CreateReservation, type Reservation, type StockShortage } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { ReservationRepository, ReservationStore, StoredReservation } from './reservation-repository.js';

interface RequestedLine {
  productId: number;
  quantity: number;
}

/** Lines naming the same product are one demand on its stock: summed, one line per product, in id order. */
function mergeLines(lines: CreateReservation['lines']): RequestedLine[] {
  const quantities = new Map<number, number>();
  for (const line of lines) quantities.set(line.product_id, (quantities.get(line.product_id) ?? 0) + line.quantity);
  return [...quantities]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((first, second) => first.productId - second.productId);
}

function toReservation(stored: StoredReservation): Reservation {
  return {
    reservation_id: stored.id,
    status: stored.status,
    lines: stored.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price: fromCents(line.unitPriceCents),
      quantity: line.quantity,
    })),
  };
}

function sameLines(stored: StoredReservation, requested: RequestedLine[]) {
  return (
    stored.lines.length === requested.length &&
    stored.lines.every(
      (line, index) => line.productId === requested[index]?.productId && line.quantity === requested[index]?.quantity,
    )
  );
}

/** A released reservation without lines was released before it was ever made (see releaseAhead). */
const neverMade = (stored: StoredReservation) => stored.status === 'released' && stored.lines.length === 0;

async function replay(store: ReservationStore, id: string, requested: RequestedLine[]) {
  const existing = await store.find(id);
  // The claim found the row committed; only a reset_db in between can have removed it.
  if (!existing) throw AppError.conflict(`Reservation "${id}" changed while it was being read; retry`);
  if (neverMade(existing))
    throw AppError.conflict(`Reservation "${id}" was released before it was made; use a new reservation_id`);
  if (!sameLines(existing, requested)) {
    throw AppError.conflict(`Reservation "${id}" already exists with different lines; use a new reservation_id`);
  }
  return toReservation(existing);
}

function insufficientStock(shortage: StockShortage) {
  const described = shortage.lines.map(
    (line) => `${line.name} (requested ${line.requested}, available ${line.available})`,
  );
  return new AppError(409, 'INSUFFICIENT_STOCK', `Not enough stock: ${described.join(', ')}`, shortage);
}

async function take(store: ReservationStore, id: string, requested: RequestedLine[]): Promise<Reservation> {
  const locked = await store.lockProducts(requested.map((line) => line.productId));
  const byId = new Map(locked.map((product) => [product.id, product]));
  const missing = requested.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (missing.length > 0) {
    throw AppError.notFound(`${missing.length === 1 ? 'Product' : 'Products'} ${missing.join(', ')} not found`);
  }
  const demands = requested.flatMap((line) => {
    const product = byId.get(line.productId);
    return product ? [{ product, quantity: line.quantity }] : [];
  });
  const short = demands.filter(({ product, quantity }) => product.stock < quantity);
  if (short.length > 0) {
    throw insufficientStock({
      lines: short.map(({ product, quantity }) => ({
        product_id: product.id,
        name: product.name,
        requested: quantity,
        available: product.stock,
      })),
    });
  }

  const lines = demands.map(({ product, quantity }) => ({
    reservationId: id,
    productId: product.id,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity,
  }));
  await store.takeStock(lines);
  return toReservation({ id, status: 'reserved', createdAt: new Date(), releasedAt: null, lines });
}

export function createReservationService(dependencies: { reservations: ReservationRepository }) {
  const { reservations } = dependencies;

  return {
    /** All or nothing in one transaction; repeating a reservation_id with the same lines answers the first result. */
    async reserve(request: CreateReservation): Promise<{ reservation: Reservation; created: boolean }> {
      const requested = mergeLines(request.lines);
      return reservations.transaction(async (store) => {
        if (!(await store.claimId(request.reservation_id))) {
          return { reservation: await replay(store, request.reservation_id, requested), created: false };
        }
        return { reservation: await take(store, request.reservation_id, requested), created: true };
      });
    },

    /** Puts back what the reservation took, once; releasing it again answers the released reservation. */
    async release(id: string): Promise<Reservation> {
      const released = await reservations.transaction(async (store) => {
        // Committed even when the answer is 404: the id stays released if its reservation arrives late.
        if (await store.releaseAhead(id)) return undefined;
        const releasedNow = await store.markReleased(id);
        const stored = await store.find(id);
        if (!stored || neverMade(stored)) return undefined;
        if (releasedNow) await store.restoreStock(stored.lines);
        return toReservation(stored);
      });
      if (!released) throw AppError.notFound(`Reservation "${id}" not found`);
      return released;
    },

    async get(id: string): Promise<Reservation> {
      const stored = await reservations.find(id);
      if (!stored || neverMade(stored)) throw AppError.notFound(`Reservation "${id}" not found`);
      return toReservation(stored);
    },
  };
}

export type ReservationService = ReturnType<typeof createReservationService>;
