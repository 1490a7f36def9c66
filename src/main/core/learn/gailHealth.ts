/**
 * The one place that decides whether a GAIL run has collapsed, from its
 * per-iteration metrics. Two signatures, both measured on Hopper
 * (docs/algorithms.md, GAIL).
 *
 * "discriminator-won": the
 * discriminator labels nearly every policy sample correctly and the mean GAIL
 * reward −log(1 − D) sinks towards 0, for many iterations, while the true
 * return does not improve — the policy then gets almost no learning signal
 * and stays where it is (e.g. ~870-step episodes at ~700 return against an
 * expert at 3,200). A healthy run near the expert keeps D unsure (policy
 * accuracy ~0.5–0.8, reward ~0.3–0.7).
 *
 * "stalled": the true return stays far below the demonstrations' for most of
 * a million env steps while D has not quite won (policy accuracy ~0.93, reward
 * ~0.2), e.g. Hopper k = 4 seed 58 falling after ~90 steps at a return of
 * ~200 against data at 3,100 from 0.18M to 2.37M steps. Over 75 measured
 * Hopper runs the longest such stretch of a run that reached the expert was
 * 216 iterations; the stalled one's was 714.
 */
import type { MetricSeries, RunHealth } from '../../../shared/runs';

export interface GailHealthPoint {
  envSteps: number;
  /** D's accuracy on policy samples (metric discriminatorAccuracyPolicy). */
  policyAccuracy: number | null;
  /** Mean GAIL reward of the iteration's rollout (metric gailReward). */
  gailReward: number | null;
  /** Mean true return of recent training episodes (metric episodeReturn). */
  episodeReturn: number | null;
  /** Mean return of the demonstrations the run imitates (metric demonstrationReturn). */
  demonstrationReturn: number | null;
}

/** Metric names the check reads. */
export const GAIL_HEALTH_METRICS = ['discriminatorAccuracyPolicy', 'gailReward', 'episodeReturn', 'demonstrationReturn'] as const;

/** Thresholds of the signature; they decide a warning only, never a learning result. */
export const GAIL_HEALTH_LIMITS = {
  /** Policy accuracy at or above this counts as "D has won". */
  policyAccuracy: 0.98,
  /** GAIL reward below this counts as "no signal" (a D at chance gives ln 2 ≈ 0.69). */
  gailReward: 0.05,
  /** Consecutive iterations of both (30 GAIL iterations of 3 × 1024 steps ≈ 92k env steps). */
  iterations: 30,
  /** Iterations averaged at each end of the stretch to judge whether the return moved. */
  ends: 10,
  /** The return counts as flat unless the stretch's last iterations beat its first by this share … */
  relativeGain: 0.05,
  /** … and by this much in absolute terms (for returns near 0). */
  absoluteGain: 20,
  /** "stalled": a true return below this share of the demonstrations' … */
  stalledShare: 0.25,
  /** … for this many consecutive iterations (300 of 3 × 1024 steps ≈ 0.92M env steps). */
  stalledIterations: 300,
};

/**
 * The first stretch of the history that shows the collapse signature, as the
 * warning the API carries; null when there is none.
 */
export function gailHealth(points: readonly GailHealthPoint[], limits = GAIL_HEALTH_LIMITS): RunHealth | null {
  return discriminatorWon(points, limits) ?? stalled(points, limits);
}

function discriminatorWon(points: readonly GailHealthPoint[], limits: typeof GAIL_HEALTH_LIMITS): RunHealth | null {
  const won = (p: GailHealthPoint) =>
    p.policyAccuracy !== null && p.gailReward !== null && p.policyAccuracy >= limits.policyAccuracy && p.gailReward < limits.gailReward;
  for (const { stretch, endedAt } of stretches(points, won, limits.iterations)) {
    const first = meanReturn(stretch.slice(0, limits.ends));
    const last = meanReturn(stretch.slice(-limits.ends));
    const flat = first === null || last === null || last - first < Math.max(limits.relativeGain * Math.abs(first), limits.absoluteGain);
    if (flat) return warning(stretch, endedAt, last ?? first);
  }
  return null;
}

function stalled(points: readonly GailHealthPoint[], limits: typeof GAIL_HEALTH_LIMITS): RunHealth | null {
  const below = (p: GailHealthPoint) =>
    p.episodeReturn !== null && p.demonstrationReturn !== null && p.demonstrationReturn > 0 && p.episodeReturn < limits.stalledShare * p.demonstrationReturn;
  for (const { stretch, endedAt } of stretches(points, below, limits.stalledIterations)) {
    const since = stretch[0].envSteps;
    const ret = Math.round(meanReturn(stretch)!).toLocaleString('en-US');
    const data = Math.round(stretch[0].demonstrationReturn!).toLocaleString('en-US');
    return {
      code: 'stalled',
      message:
        `The true return stayed below ${(100 * limits.stalledShare).toFixed(0)}% of the demonstrations' (${data}) ${span(since, endedAt)}, averaging ${ret}. ` +
        'The policy is stuck far from the expert; this seed has likely failed.',
      sinceEnvSteps: since,
    };
  }
  return null;
}

/** The maximal runs of consecutive points that meet `holds`, at least `min` long, in order; endedAt is the env steps of the first point after (null if none). */
function* stretches(points: readonly GailHealthPoint[], holds: (p: GailHealthPoint) => boolean, min: number): Generator<{ stretch: readonly GailHealthPoint[]; endedAt: number | null }> {
  let i = 0;
  while (i < points.length) {
    if (!holds(points[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < points.length && holds(points[j])) j++;
    if (j - i >= min) yield { stretch: points.slice(i, j), endedAt: j < points.length ? points[j].envSteps : null };
    i = j;
  }
}

/** Aligns the stored series (GAIL_HEALTH_METRICS, any order) by iteration. */
export function healthPoints(series: readonly MetricSeries[]): GailHealthPoint[] {
  const byName = new Map(series.map((s) => [s.name, s]));
  const acc = byName.get('discriminatorAccuracyPolicy');
  if (!acc) return [];
  const lookup = (name: string) => {
    const s = byName.get(name);
    const m = new Map<number, number | null>();
    if (s) s.steps.forEach((step, k) => m.set(step, s.values[k]));
    return m;
  };
  const reward = lookup('gailReward');
  const ret = lookup('episodeReturn');
  const data = lookup('demonstrationReturn');
  return acc.steps.map((step, k) => ({
    envSteps: acc.envSteps[k],
    policyAccuracy: acc.values[k],
    gailReward: reward.get(step) ?? null,
    episodeReturn: ret.get(step) ?? null,
    demonstrationReturn: data.get(step) ?? null,
  }));
}

function meanReturn(points: readonly GailHealthPoint[]): number | null {
  const xs = points.map((p) => p.episodeReturn).filter((x): x is number => x !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

function warning(stretch: readonly GailHealthPoint[], endedAt: number | null, trueReturn: number | null): RunHealth {
  const since = stretch[0].envSteps;
  const acc = stretch.reduce((a, p) => a + p.policyAccuracy!, 0) / stretch.length;
  const reward = stretch.reduce((a, p) => a + p.gailReward!, 0) / stretch.length;
  const ret = trueReturn === null ? '' : `, while the true return stayed near ${Math.round(trueReturn).toLocaleString('en-US')}`;
  return {
    code: 'discriminator-won',
    message:
      `The discriminator won ${span(since, endedAt)}: it labelled ${(100 * acc).toFixed(0)}% of policy samples correctly and the GAIL reward averaged ${reward.toFixed(3)}${ret}. ` +
      'The policy gets almost no learning signal there; this seed has likely collapsed.',
    sinceEnvSteps: since,
  };
}

function span(since: number, endedAt: number | null): string {
  return endedAt === null ? `since ${fmtSteps(since)} env steps` : `from ${fmtSteps(since)} to ${fmtSteps(endedAt)} env steps`;
}

function fmtSteps(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`;
}
