import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sweepSpecSchema } from '../../src/shared/sweeps';
import { expandSweep } from '../../src/main/core/queue/sweepExpansion';

const presets = readdirSync('resources/presets/sweeps').filter((f) => f.endsWith('.json'));
const expand = (file: string) => expandSweep(sweepSpecSchema.parse(JSON.parse(readFileSync(`resources/presets/sweeps/${file}`, 'utf8'))), 1);

describe('sweep presets', () => {
  it('include the GAIL-paper Hopper sweep, the Humanoid setting and a quick InvertedPendulum sweep', () => {
    expect(presets).toEqual(expect.arrayContaining(['Hopper-gail-paper.json', 'Humanoid-seed-blog.json', 'InvertedPendulum-quick.json']));
  });

  it('expand the GAIL-paper Hopper sweep: expert, 25 sampled trajectories, BC and GAIL at k ∈ {4, 11, 18, 25} × 5 seeds', () => {
    const runs = expand('Hopper-gail-paper.json');
    expect(runs).toHaveLength(2 + 2 * 4 * 5);
    expect(runs[0]).toMatchObject({ kind: 'expert', name: 'expert·Hopper-v5·s=0' });
    expect(runs[1]).toMatchObject({ kind: 'sample', dependsOn: [0] });
    expect((runs[1].config as { episodes: number }).episodes).toBe(25);
    const gail = runs.filter((r) => r.kind === 'gail');
    expect(gail.map((r) => r.trajectories).sort((a, b) => a! - b!)).toEqual([4, 4, 4, 4, 4, 11, 11, 11, 11, 11, 18, 18, 18, 18, 18, 25, 25, 25, 25, 25]);
    expect(gail.every((r) => (r.config as { expertSubsample: number; dataset: string }).expertSubsample === 20)).toBe(true);
    expect(gail.every((r) => (r.config as { dataset: string }).dataset === 'run:#1' && r.dependsOn?.[0] === 1)).toBe(true);
    expect(runs.find((r) => r.name === 'gail·Hopper-v5·k=11·s=3')).toBeDefined();
    // BC follows Ho's own pipeline: NLL for 20,000 steps, the snapshot every 1,000 with the lowest validation error of the mean.
    const bc = runs.filter((r) => r.kind === 'bc');
    expect(bc).toHaveLength(20);
    for (const r of bc) expect(r.config).toMatchObject({ expertSubsample: 20, loss: 'nll', iterations: 20000, validateEvery: 1000, selectBy: 'meanSquaredError', validationFraction: 0.3, batchSize: 128, learningRate: 1e-3 });
  });

  it('expand the Humanoid setting to both humanoid tasks with 5 expert trajectories', () => {
    const runs = expand('Humanoid-seed-blog.json');
    expect(new Set(runs.map((r) => r.env))).toEqual(new Set(['Humanoid-v5', 'HumanoidStandup-v5']));
    expect(runs.filter((r) => r.kind === 'bc' || r.kind === 'gail').every((r) => r.trajectories === 5)).toBe(true);
    // HumanoidStandup's expert is the PPO preset's recipe (it reaches 100,000; the TRPO one was never shown to).
    const standup = JSON.parse(readFileSync('resources/presets/HumanoidStandup-expert-ppo.json', 'utf8')) as { ppo: unknown; totalSteps: number };
    const expert = runs.find((r) => r.kind === 'expert' && r.env === 'HumanoidStandup-v5')!;
    expect(expert.config).toMatchObject({ algorithm: 'ppo', totalSteps: standup.totalSteps, ppo: standup.ppo });
    // Humanoid's is the ARS preset's (the TRPO recipe it replaced never walked).
    const humanoid = JSON.parse(readFileSync('resources/presets/Humanoid-expert-ars.json', 'utf8')) as { ars: unknown; totalSteps: number };
    expect(runs.find((r) => r.kind === 'expert' && r.env === 'Humanoid-v5')!.config).toMatchObject({ algorithm: 'ars', hiddenSizes: [], totalSteps: humanoid.totalSteps, ars: humanoid.ars });
  });

  it('refuses a sweep that names neither an expert nor a dataset, or a dataset for several envs', () => {
    expect(sweepSpecSchema.safeParse({ name: 'x', envs: ['Hopper-v5'], trajectories: [4], seeds: [0] }).success).toBe(false);
    const r = sweepSpecSchema.safeParse({ name: 'x', envs: ['Hopper-v5', 'Ant-v5'], dataset: 'dataset:1', trajectories: [4], seeds: [0] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['envs']);
  });

  it('gives an environment its own expert settings with expertByEnv, naming that field when they are wrong', () => {
    const spec = { name: 'x', envs: ['Hopper-v5', 'HumanoidStandup-v5'], expert: { algorithm: 'trpo', totalSteps: 1_000_000 }, gail: { totalSteps: 1_000_000 }, trajectories: [5], seeds: [0] };
    const runs = expandSweep(sweepSpecSchema.parse({ ...spec, expertByEnv: { 'HumanoidStandup-v5': { algorithm: 'ppo', totalSteps: 2_000_000 } } }), 1);
    const experts = runs.filter((r) => r.kind === 'expert').map((r) => [r.env, r.method, (r.config as { totalSteps: number }).totalSteps]);
    expect(experts).toEqual([
      ['Hopper-v5', 'trpo', 1_000_000],
      ['HumanoidStandup-v5', 'ppo', 2_000_000],
    ]);
    const bad = () => expandSweep(sweepSpecSchema.parse({ ...spec, expertByEnv: { 'HumanoidStandup-v5': { algorithm: 'ppo', totalSteps: 1, ppo: { learningRate: -1 } } } }), 1);
    expect(bad).toThrow(expect.objectContaining({ field: 'expertByEnv.HumanoidStandup-v5.ppo.learningRate' }));
    const elsewhere = sweepSpecSchema.safeParse({ ...spec, expertByEnv: { 'Ant-v5': { totalSteps: 1 } } });
    expect(elsewhere.error?.issues.map((i) => i.path)).toEqual([['expertByEnv']]);
    // Every env with its own settings needs no shared ones.
    expect(sweepSpecSchema.safeParse({ ...spec, expert: undefined, expertByEnv: { 'Hopper-v5': { totalSteps: 1 }, 'HumanoidStandup-v5': { totalSteps: 1 } } }).success).toBe(true);
  });
});
