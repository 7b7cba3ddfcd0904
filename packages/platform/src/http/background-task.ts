import type { FastifyInstance } from 'fastify';

export interface BackgroundTask {
  /** What the task does, for the log line when it fails, e.g. "pruning old checkout claims". */
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs `task` once the app is ready and then every `everyMs`, on a timer that never keeps the process alive; a
 * failure is logged and the next round tries again; closing the app stops it.
 */
export function runInBackground(app: FastifyInstance, task: BackgroundTask) {
  const runOnce = () => task.run().catch((error: unknown) => app.log.warn({ err: error }, `${task.name} failed`));
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    void runOnce();
    timer = setInterval(runOnce, task.everyMs).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
