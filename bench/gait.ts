/**
 * How an expert moves, beyond its return: episode length and forward speed
 * (the torso's x displacement over the episode's duration), over deterministic
 * episodes of a saved policy. Issue 11's Humanoid target needs all three:
 * return ≥ 6,000, 1,000-step episodes and ≥ 1 m/s — standing still for 1,000
 * steps already scores ~5,000.
 *   npm run bench:gait -- --policy <run folder | policy.json> [--env <id>] [--episodes 50] [--seed 0] [--json]
 */
import { parseArgs } from 'node:util';
import { Rng } from '../src/main/core/math/rng';
import { MujocoEnv } from '../src/main/core/sim/mujocoEnv';
import { SimModel } from '../src/main/core/sim/simModel';
import { loadPolicyForEnv } from '../src/main/core/runs/policyCheck';
import { loadPolicyFile } from '../src/main/core/runs/storage';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: {
    policy: { type: 'string' },
    env: { type: 'string' },
    episodes: { type: 'string', default: '50' },
    seed: { type: 'string', default: '0' },
    json: { type: 'boolean' },
  },
});
if (!values.policy) throw new Error('--policy <run folder | policy.json> is required');
const envId = values.env ?? loadPolicyFile(values.policy).env;
const sim = await SimModel.load(envId);
const policy = loadPolicyForEnv(values.policy, envId);
const env = new MujocoEnv(sim, Number(values.seed));
const rng = new Rng(Number(values.seed));
const { actDim, actLow, actHigh } = sim.spec;
const action = new Float64Array(actDim);
const episodes: { return: number; length: number; forwardVelocity: number }[] = [];
for (let e = 0; e < Number(values.episodes); e++) {
  env.reset();
  env.views.ensureFresh();
  const x0 = env.views.qpos[0];
  let ret = 0;
  for (;;) {
    policy.act(env.obs, 0, rng, true, action, 0);
    for (let j = 0; j < actDim; j++) action[j] = Math.min(actHigh[j], Math.max(actLow[j], action[j]));
    const r = env.step(action);
    ret += r.reward;
    if (r.terminated || r.truncated) break;
  }
  env.views.ensureFresh();
  episodes.push({ return: ret, length: env.elapsedSteps, forwardVelocity: (env.views.qpos[0] - x0) / (env.elapsedSteps * sim.constants.dt) });
}
env.dispose();
sim.dispose();
const stat = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length), min: Math.min(...xs) };
};
const summary = {
  bench: 'gait',
  machine: machineInfo(),
  env: envId,
  policy: values.policy,
  episodes: episodes.length,
  return: stat(episodes.map((e) => e.return)),
  length: stat(episodes.map((e) => e.length)),
  forwardVelocity: stat(episodes.map((e) => e.forwardVelocity)),
  fullLength: episodes.filter((e) => e.length === sim.spec.maxEpisodeSteps).length,
};
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  const f = (s: { mean: number; std: number; min: number }, d = 0) => `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)} (lowest ${s.min.toFixed(d)})`;
  process.stdout.write(
    `${envId}, ${summary.episodes} deterministic episodes\n` +
      `return           ${f(summary.return)}\n` +
      `length           ${f(summary.length)}; ${summary.fullLength} reach ${sim.spec.maxEpisodeSteps} steps\n` +
      `forward velocity ${f(summary.forwardVelocity, 2)} m/s\n`,
  );
}
