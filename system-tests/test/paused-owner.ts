import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { OrchestratorProcess } from './checkout-fixtures.js';
import { heldBeforeAnswer, within, type HoldingProxy } from './holding-proxy.js';

const attempts = 3;

export interface PausedOwnerScene<Answer> {
  owner: OrchestratorProcess;
  /** Between the owner and one service: the owner's request matching `held` is held on it. */
  proxy: HoldingProxy;
  held: (request: IncomingMessage) => boolean;
  /** Hold the request itself (its effect happens when it goes on), not only its answer. */
  beforeUpstream?: boolean;
  /** Asks the owner for the operation; called again if the scene has to be set again. */
  send: () => Promise<Answer>;
  /** Just before the owner is paused, with the request held. */
  whenHeld?: () => void;
  /** Waits until the sweeper has finished the run the owner left (undone it, or finished it). */
  settle: () => Promise<void>;
}

/**
 * An owner paused, as by a long GC or VM pause, while its request matching `held` is held in the network: the
 * owner is asked, the request held, the owner paused until the sweeper has taken the run up and `settle` returns;
 * then the request goes on and the owner wakes. Answers what the owner answered, and the lines it logged meanwhile.
 *
 * Under load the owner can stall past the stale limit before that request leaves it: the sweeper takes the run up
 * first, and the request is never sent. The scene was not set then, rather than failed: once that run is finished,
 * it is set again, up to three times in all.
 */
export async function pausedWhileHeld<Answer>(scene: PausedOwnerScene<Answer>) {
  const { owner, proxy } = scene;
  for (let attempt = 1; ; attempt++) {
    const logged = owner.lines.length;
    const held = proxy.holdNext(scene.held, { beforeUpstream: scene.beforeUpstream });
    const answer = scene.send();
    try {
      if (await heldBeforeAnswer(held, answer)) {
        scene.whenHeld?.();
        owner.child.kill('SIGSTOP');
        await scene.settle();
        proxy.release();
        owner.child.kill('SIGCONT');
        return { answer: await within(answer, 60_000, "the owner's answer"), ownerLines: owner.lines.slice(logged) };
      }
      const ownerLines = owner.lines.slice(logged);
      assert.ok(
        ownerLines.some((line) => line.includes('taken over by another process')),
        `the owner answered ${JSON.stringify(await answer)} without sending the request to hold\n${ownerLines.join('\n')}`,
      );
      assert.ok(attempt < attempts, `the sweeper took the run up before the request to hold, ${attempts} times`);
      await scene.settle();
    } finally {
      proxy.release();
      owner.child.kill('SIGCONT');
    }
  }
}
