import { describe, expect, it } from 'vitest';
import { chartedMetrics, metricLabel } from '../../src/renderer/src/lib/metricInfo';

describe('charted metrics', () => {
  it('charts the known metrics a run logged, in the page\'s order, the schedules\' among them', () => {
    const logged = ['maxKl', 'timePolicyUpdate', 'kl', 'discriminatorLearningRate', 'episodeReturn'];
    expect(chartedMetrics(logged)).toEqual(['episodeReturn', 'discriminatorLearningRate', 'kl', 'maxKl']);
    expect(metricLabel('maxKl')).toBe('KL radius (scheduled)');
    expect(metricLabel('somethingNew')).toBe('somethingNew');
  });

  it('charts an ARS expert\'s update metrics after the true return', () => {
    expect(chartedMetrics(['stepNorm', 'iterationSteps', 'rewardStd', 'topReturn', 'episodeReturn'])).toEqual(['episodeReturn', 'topReturn', 'rewardStd', 'stepNorm']);
    expect(metricLabel('rewardStd')).toBe('ARS: spread of the returns used (σ_R)');
  });
});
