import { clientIdSchema, createReservationSchema, reservationSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import { z } from 'zod';
import type { ReservationService } from './reservation-service.js';

const reservationParamsSchema = z.object({ id: clientIdSchema });

export async function reservationRoutes(app: ServiceApp, options: { reservations: ReservationService }) {
  const { reservations } = options;

  app.post(
    '/reservations',
    { schema: { body: createReservationSchema, response: { 200: reservationSchema, 201: reservationSchema } } },
    async (request, reply) => {
      const { reservation, created } = await reservations.reserve(request.body);
      return reply.status(created ? 201 : 200).send(reservation);
    },
  );

  app.get(
    '/reservations/:id',
    { schema: { params: reservationParamsSchema, response: { 200: reservationSchema } } },
    async (request) => reservations.get(request.params.id),
  );

  app.post(
    '/reservations/:id/release',
    { schema: { params: reservationParamsSchema, response: { 200: reservationSchema } } },
    async (request) => reservations.release(request.params.id),
  );
}
