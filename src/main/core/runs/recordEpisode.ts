/**
 * A fresh episode on demand from a run's policy (final or a checkpoint): the
 * eval-run config that records it, after checking that the policy exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiParsedRequest } from '../../../shared/api';
import { ImlabError } from '../../../shared/errors';
import type { EvalConfig } from '../../../shared/runConfigs';
import type { Store } from '../store/store';
import { FILES } from './storage';

const WITH_POLICY = new Set(['expert', 'bc', 'gail']);

export function recordEpisodeConfig(store: Store, q: ApiParsedRequest<'recordEpisode'>): { config: EvalConfig; name: string } {
  const run = store.getRun(q.runId);
  if (!run) throw new ImlabError('not_found', `No run with id ${q.runId}.`, 'runId');
  if (!WITH_POLICY.has(run.kind)) throw new ImlabError('invalid_input', `Run ${q.runId} is a ${run.kind} run: it trains no policy.`, 'runId');
  const dir = store.runDir(q.runId)!;
  let policy: string;
  if (q.checkpoint === undefined) {
    policy = join(dir, FILES.policy);
    if (!existsSync(policy)) throw new ImlabError('invalid_input', `Run ${q.runId} has no final policy yet (it is ${run.status}); pick one of its checkpoints.`, 'runId');
  } else {
    const file = store.checkpointFile(q.runId, q.checkpoint);
    if (!file) throw new ImlabError('not_found', `Run ${q.runId} has no checkpoint at iteration ${q.checkpoint}.`, 'checkpoint');
    policy = join(dir, file);
    // Runs keep their newest checkpoints only; older files are pruned.
    if (!existsSync(policy)) throw new ImlabError('not_found', `The checkpoint of run ${q.runId} at iteration ${q.checkpoint} was pruned; newer ones are kept.`, 'checkpoint');
  }
  const at = q.checkpoint === undefined ? 'final' : `it=${q.checkpoint}`;
  return {
    config: { kind: 'eval', env: run.env as EvalConfig['env'], seed: q.seed, policy, episodes: 1, mode: q.mode, saveTrajectories: true },
    name: `episode·${run.name}·${at}·${q.mode === 'deterministic' ? 'det' : 'sto'}·s=${q.seed}`,
  };
}
