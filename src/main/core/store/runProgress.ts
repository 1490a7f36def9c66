/**
 * What the runs table needs to draw a progress bar and an ETA: the run's
 * budget (env steps, or Adam iterations for BC) from its config, and the
 * steps/s its summary measured once it finished.
 */
import type { RunTarget } from '../../../shared/runs';

export function runProgress(config: string, summary: string | null): { target: RunTarget | null; stepsPerSec: number | null } {
  const c = JSON.parse(config) as { kind?: string; totalSteps?: number; iterations?: number };
  const target: RunTarget | null =
    typeof c.totalSteps === 'number' ? { unit: 'envSteps', value: c.totalSteps } : c.kind === 'bc' && typeof c.iterations === 'number' ? { unit: 'iterations', value: c.iterations } : null;
  const s = summary ? (JSON.parse(summary) as { envStepsPerSec?: number }) : null;
  // BC takes no env steps: its summary's 0 steps/s is no measurement.
  const rate = target?.unit === 'envSteps' && typeof s?.envStepsPerSec === 'number' && Number.isFinite(s.envStepsPerSec) ? s.envStepsPerSec : null;
  return { target, stepsPerSec: rate };
}
