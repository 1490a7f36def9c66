/** The metrics runs log (see src/main/core/runs and learn/), in the order and words the run page shows them. */
export const METRICS: { name: string; label: string }[] = [
  { name: 'episodeReturn', label: 'True return (training episodes)' },
  { name: 'gailReward', label: 'GAIL reward (mean per step)' },
  { name: 'discriminatorLoss', label: 'Discriminator loss' },
  { name: 'discriminatorAccuracyExpert', label: 'Discriminator accuracy on expert' },
  { name: 'discriminatorAccuracyPolicy', label: 'Discriminator accuracy on policy' },
  { name: 'discriminatorLearningRate', label: 'Discriminator learning rate (scheduled)' },
  { name: 'entropy', label: 'Policy entropy' },
  { name: 'kl', label: 'KL of the policy step' },
  { name: 'maxKl', label: 'KL radius (scheduled)' },
  { name: 'topReturn', label: 'ARS: best side of the directions used (shifted return)' },
  { name: 'rewardStd', label: 'ARS: spread of the returns used (σ_R)' },
  { name: 'stepNorm', label: 'ARS: size of the policy step' },
  { name: 'valueLoss', label: 'Value loss' },
  { name: 'explainedVariance', label: 'Explained variance' },
  { name: 'envStepsPerSec', label: 'Env steps per second' },
  { name: 'trainLoss', label: 'BC training loss' },
  { name: 'validationLoss', label: 'BC validation loss' },
  { name: 'episodeLength', label: 'Episode length' },
];

export function metricLabel(name: string): string {
  return METRICS.find((m) => m.name === name)?.label ?? name;
}

/** Names to chart, known ones first in their order; wall-clock and phase timings left out. */
export function chartedMetrics(available: readonly string[]): string[] {
  const known = METRICS.map((m) => m.name).filter((n) => available.includes(n));
  return known;
}
