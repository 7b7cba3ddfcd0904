import type { FastifyInstance } from 'fastify';

export interface BackgroundTask {
  /** What the task does, for the log line when it fails, e.g. "pruning old checkout claims". */
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs `task` once the app is ready and then every `everyMs`, on a timer that never keeps the process alive; a
 * failure is logged and the next round tries again; closing the app stops it and waits for a round under way.
 */
export function runInBackground(app: FastifyInstance, task: BackgroundTask) {
  let running: Promise<unknown> | undefined;
  const runOnce = () => {
    running = task.run().catch((error: unknown) => app.log.warn({ err: error }, `${task.name} failed`));
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    runOnce();
    timer = setInterval(runOnce, task.everyMs).unref();
  });
  // A round under way finishes before the app closes what it uses.
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
