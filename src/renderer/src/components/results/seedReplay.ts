/**
 * The replay behind a Results cell: its best or worst seed (by final return),
 * drawn from one of that run's stored evaluation episodes, or from a fresh
 * deterministic episode of its final policy when it stored none.
 */
import type { Api } from '../../../../shared/api';
import type { RunRow } from '../../../../shared/runs';

export type SeedPick = 'best' | 'worst';

/**
 * The run of `runIds` with the highest (best) or lowest (worst) final return;
 * runs without one come last. Ties go to the lowest id for best and the
 * highest for worst, so "both" shows two runs even when every seed scored the same.
 */
export async function pickSeedRun(api: Pick<Api, 'getRun'>, runIds: readonly number[], pick: SeedPick): Promise<number> {
  const runs = await Promise.all(runIds.map((id) => api.getRun({ id })));
  const sign = pick === 'best' ? 1 : -1;
  const scored = runs.filter((r) => r.finalMean !== null).sort((a, b) => sign * (b.finalMean! - a.finalMean!) || sign * (a.id - b.id));
  const run = scored[0] ?? runs[0];
  if (!run) throw new Error('this cell has no runs');
  return run.id;
}

/**
 * A trajectory of run `runId` to replay: its first stored deterministic
 * evaluation episode with MuJoCo states (the final return is deterministic),
 * else any stored episode with states, else an episode recorded earlier from
 * its final policy (an eval run among `known` whose policy file is in this
 * run's folder), else one recorded now (`onRecording` is told first:
 * recording runs a short eval run).
 */
export async function episodeOfRun(
  api: Pick<Api, 'getRun' | 'listTrajectories' | 'recordEpisode'>,
  runId: number,
  known: readonly RunRow[],
  onRecording: () => void,
): Promise<number> {
  const own = await replayable(api, runId);
  if (own !== null) return own;
  const run = await api.getRun({ id: runId });
  // recordEpisode names its eval runs episode·<run>·final·det·s=<seed>; the policy path makes sure.
  const earlier = known.filter((r) => r.kind === 'eval' && r.status === 'succeeded' && r.name.startsWith(`episode·${run.name}·final·det·`)).sort((a, b) => b.id - a.id);
  for (const r of earlier) {
    const policy = ((await api.getRun({ id: r.id })).config as { policy?: unknown }).policy;
    if (typeof policy !== 'string' || !policy.startsWith(run.dir) || !/[\\/]/.test(policy.charAt(run.dir.length))) continue;
    const t = await replayable(api, r.id);
    if (t !== null) return t;
  }
  onRecording();
  return (await api.recordEpisode({ runId, mode: 'deterministic', seed: 0 })).trajectoryId;
}

async function replayable(api: Pick<Api, 'listTrajectories'>, runId: number): Promise<number | null> {
  const stored = (await api.listTrajectories({ runId })).filter((t) => t.hasStates);
  return (stored.find((t) => t.label === 'deterministic') ?? stored[0])?.id ?? null;
}
