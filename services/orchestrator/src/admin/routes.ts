import { paginationQuerySchema, pageSchema, sagaRunViewSchema, sagaStatusSchema } from '@ecomm/contracts';
import { AppError, type ServiceApp } from '@ecomm/platform';
import { z } from 'zod';
import type { SagaOwner, SagaRepository, SagaRunRecord, SagaStepRecord } from '../saga/saga-repository.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

function runView(run: SagaRunRecord, steps?: SagaStepRecord[]) {
  return {
    saga_id: run.id,
    type: run.type,
    status: run.status,
    input: run.input,
    failure: run.failure ?? null,
    compensation_retries: run.compensationRetries,
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
    finished_at: iso(run.finishedAt),
    ...(steps
      ? {
          steps: steps.map((step) => ({
            name: step.name,
            status: step.status,
            attempts: step.attempts,
            compensation_attempts: step.compensationAttempts,
            started_at: iso(step.startedAt),
            finished_at: iso(step.finishedAt),
            compensated_at: iso(step.compensatedAt),
            error: step.error,
          })),
        }
      : {}),
  };
}

const sagaParamsSchema = z.object({ id: z.uuid('must be a saga id (UUID)') });

/** Operator routes (internal key or an admin JWT): list runs, inspect one step by step, retry a failed compensation or a stuck run. */
export async function adminRoutes(
  app: ServiceApp,
  options: { repository: SagaRepository; resume: (owner: SagaOwner) => Promise<unknown> },
) {
  const { repository } = options;
  const config = { access: 'admin' } as const;

  app.get(
    '/admin/sagas',
    {
      config,
      schema: {
        querystring: paginationQuerySchema.extend({ status: sagaStatusSchema.optional() }),
        response: { 200: pageSchema(sagaRunViewSchema) },
      },
    },
    async (request) => {
      const { items, total } = await repository.list(request.query);
      return {
        items: items.map((run) => runView(run)),
        total,
        limit: request.query.limit,
        offset: request.query.offset,
      };
    },
  );

  app.get(
    '/admin/sagas/:id',
    { config, schema: { params: sagaParamsSchema, response: { 200: sagaRunViewSchema } } },
    async (request) => {
      const found = await repository.find(request.params.id);
      if (!found) throw AppError.notFound(`Saga run ${request.params.id} not found`);
      return runView(found.run, found.steps);
    },
  );

  app.post(
    '/admin/sagas/:id/retry',
    { config, schema: { params: sagaParamsSchema, response: { 200: sagaRunViewSchema } } },
    async (request) => {
      const owner = await repository.reopen(request.params.id);
      if (!owner) {
        // Read after the refusal, so it names the status that refused it (the sweep may have just taken the run up).
        const found = await repository.find(request.params.id);
        if (!found) throw AppError.notFound(`Saga run ${request.params.id} not found`);
        throw AppError.conflict(
          `Saga run ${request.params.id} is ${found.run.status}; only a compensation_failed or needs_attention run can be retried`,
        );
      }
      await options.resume(owner);
      const after = (await repository.find(request.params.id))!;
      return runView(after.run, after.steps);
    },
  );
}
