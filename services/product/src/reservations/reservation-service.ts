import { fromCents, type CreateReservation, type Reservation, type StockShortage } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { LockedProduct, ReservationRepository, StoredReservation } from './reservation-repository.js';

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

function toReservation(stored: Pick<StoredReservation, 'id' | 'status' | 'lines'>): Reservation {
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

/** A released reservation without lines was released before it was ever made (see the repository's `release`). */
const neverMade = (stored: StoredReservation) => stored.status === 'released' && stored.lines.length === 0;

/** The answer for an id already recorded: its reservation, if it was made with the same lines. */
function replayed(existing: StoredReservation, requested: RequestedLine[]) {
  if (neverMade(existing))
    throw AppError.conflict(`Reservation "${existing.id}" was released before it was made; use a new reservation_id`);
  if (!sameLines(existing, requested)) {
    throw AppError.conflict(
      `Reservation "${existing.id}" already exists with different lines; use a new reservation_id`,
    );
  }
  return toReservation(existing);
}

function insufficientStock(shortage: StockShortage) {
  const described = shortage.lines.map(
    (line) => `${line.name} (requested ${line.requested}, available ${line.available})`,
  );
  return new AppError(409, 'INSUFFICIENT_STOCK', `Not enough stock: ${described.join(', ')}`, shortage);
}

/** Why a reservation that wrote nothing and found no reservation under its id was refused, from the locked products. */
function refusal(id: string, requested: RequestedLine[], locked: LockedProduct[]) {
  const byId = new Map(locked.map((product) => [product.id, product]));
  const missing = requested.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (missing.length > 0) {
    return AppError.notFound(`${missing.length === 1 ? 'Product' : 'Products'} ${missing.join(', ')} not found`);
  }
  const short = requested.flatMap((line) => {
    const product = byId.get(line.productId);
    return product && product.stock < line.quantity ? [{ product, quantity: line.quantity }] : [];
  });
  // The id was recorded when the statement ran; only a reset_db since can have removed it.
  if (short.length === 0) return AppError.conflict(`Reservation "${id}" changed while it was being read; retry`);
  return insufficientStock({
    lines: short.map(({ product, quantity }) => ({
      product_id: product.id,
      name: product.name,
      requested: quantity,
      available: product.stock,
    })),
  });
}

function reservedLines(id: string, requested: RequestedLine[], locked: LockedProduct[]) {
  const byId = new Map(locked.map((product) => [product.id, product]));
  return requested.flatMap(({ productId, quantity }) => {
    const product = byId.get(productId);
    return product
      ? [{ reservationId: id, productId, name: product.name, unitPriceCents: product.priceCents, quantity }]
      : [];
  });
}

export function createReservationService(dependencies: { reservations: ReservationRepository }) {
  const { reservations } = dependencies;

  return {
    /**
     * All or nothing in one statement (no transaction of its own: inside a request's, it needs no savepoint, as a
     * refusal has written nothing); repeating a reservation_id with the same lines answers the first result.
     */
    async reserve(request: CreateReservation): Promise<{ reservation: Reservation; created: boolean }> {
      const id = request.reservation_id;
      const requested = mergeLines(request.lines);
      const taking = await reservations.take(id, requested);
      if (taking.reserved) {
        const lines = reservedLines(id, requested, taking.products);
        return { reservation: toReservation({ id, status: 'reserved', lines }), created: true };
      }
      // Read afresh: a reservation under this id committed while the statement waited for the products is seen here.
      const existing = await reservations.find(id);
      if (existing) return { reservation: replayed(existing, requested), created: false };
      throw refusal(id, requested, taking.products);
    },

    /** Puts back what the reservation took, once; releasing it again answers the released reservation. */
    async release(id: string): Promise<Reservation> {
      let release = await reservations.release(id);
      // Neither recorded ahead nor found: the id's row is an early release, or a reservation the statement waited for
      // and could not see. Run afresh, it sees the latter and releases it.
      if (!release.recordedAhead && release.lines.length === 0) release = await reservations.release(id);
      // A 404 even when the id was just recorded ahead, which stays committed: a late reservation under it takes nothing.
      if (release.lines.length === 0) throw AppError.notFound(`Reservation "${id}" not found`);
      return toReservation({ id, status: 'released', lines: release.lines });
    },

    async get(id: string): Promise<Reservation> {
      const stored = await reservations.find(id);
      if (!stored || neverMade(stored)) throw AppError.notFound(`Reservation "${id}" not found`);
      return toReservation(stored);
    },
  };
}

export type ReservationService = ReturnType<typeof createReservationService>;
