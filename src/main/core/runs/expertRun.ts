/**
 * An expert run: TRPO or PPO on the environment's true reward
 * (docs/algorithms.md, "Expert: TRPO" and "Expert: PPO"); ARS has a loop of
 * its own (arsRun.ts).
 */
import type { ExpertConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { OnPolicyTraining } from './onPolicyRun';
import type { RunContext } from './runContext';

export async function runExpert(c: ExpertConfig, ctx: RunContext): Promise<RunSummary> {
  if (c.algorithm === 'ars') return (await import('./arsRun')).runArs(c, ctx);
  const run = await OnPolicyTraining.open('expert', { ...c, algorithm: c.algorithm }, ctx);
  try {
    run.start();
    while (!run.done) {
      // Roll out, then one update: advantages, policy step, value fit (learn/trpo.ts, learn/ppo.ts).
      const rollout = run.rollout();
      run.update(rollout, rollout.rewards);
      // Metrics row, periodic evaluation and checkpoint.
      await run.endIteration();
    }
    return run.finish();
  } finally {
    run.dispose();
  }
}
