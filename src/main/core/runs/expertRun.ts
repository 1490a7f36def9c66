import type { ExpertConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { runOnPolicy } from './onPolicyRun';
import type { RunContext } from './runContext';

/** Trains an expert policy with TRPO or PPO on the environment's true reward. */
export function runExpert(c: ExpertConfig, ctx: RunContext): Promise<RunSummary> {
  return runOnPolicy('expert', { ...c, updatesPerIteration: 1 }, ctx);
}
