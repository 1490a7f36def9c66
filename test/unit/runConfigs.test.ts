/**
 * Run-config schemas: the defaults are docs/algorithms.md's (baselines' TRPO/GAIL,
 * CleanRL/SB3 PPO, the paper's BC split and evaluation), bad configs fail with
 * an ImlabError naming the field and the allowed range, and every shipped
 * preset parses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_IDS } from '../../src/shared/envCatalog';
import { ImlabError } from '../../src/shared/errors';
import { parseRunConfig } from '../../src/main/core/runs/runJob';
import { z } from 'zod';
import { ppoSettingsSchema, trpoSettingsSchema, type BcConfig, type EvalConfig, type ExpertConfig, type GailConfig, type RunKind, type SampleConfig } from '../../src/shared/runConfigs';

const env = 'Hopper-v5';
const expert = (over: Record<string, unknown> = {}) => ({ kind: 'expert', env, totalSteps: 10_000, ...over });
const gail = (over: Record<string, unknown> = {}) => ({ kind: 'gail', env, totalSteps: 10_000, dataset: 'runs/x', trajectories: 4, ...over });
const bc = (over: Record<string, unknown> = {}) => ({ kind: 'bc', env, dataset: 'runs/x', trajectories: 4, ...over });

/** The ImlabError parseRunConfig throws for `input` (fails the test if it parses). */
function configError(input: unknown): ImlabError {
  try {
    parseRunConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ImlabError);
    return e as ImlabError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('run-config defaults (docs/algorithms.md)', () => {
  it('TRPO: batch 1024, max_kl 0.01, CG 10 iterations with damping 0.1, 10 halvings, γ 0.995, λ 0.97, entropy 0, value Adam 1e-3 × 5 epochs × 128', () => {
    const c = parseRunConfig(expert()) as ExpertConfig;
    expect(c.algorithm).toBe('trpo');
    expect(c.trpo).toMatchObject({
      batchSteps: 1024,
      maxKl: 0.01,
      cgIterations: 10,
      cgDamping: 0.1,
      lineSearchSteps: 10,
      gamma: 0.995,
      lambda: 0.97,
      entropyCoef: 0,
      vfLearningRate: 1e-3,
      vfEpochs: 5,
      vfMinibatch: 128,
    });
    // Fisher-vector subsampling is an opt-in speed trick: off by default for fidelity.
    expect(c.trpo.fvpSubsample).toBe(1);
  });

  it('PPO: clip 0.2, 10 epochs, Adam 3e-4, 2048 steps per update, advantage normalisation, γ/λ/minibatch in the documented ranges', () => {
    const c = parseRunConfig(expert({ algorithm: 'ppo' })) as ExpertConfig;
    expect(c.ppo).toMatchObject({ clip: 0.2, epochs: 10, learningRate: 3e-4, stepsPerUpdate: 2048, normalizeAdvantages: true, annealLr: false });
    expect(c.ppo.gamma).toBeGreaterThanOrEqual(0.99);
    expect(c.ppo.gamma).toBeLessThanOrEqual(0.995);
    expect(c.ppo.lambda).toBeGreaterThanOrEqual(0.95);
    expect(c.ppo.lambda).toBeLessThanOrEqual(0.98);
    expect(c.ppo.minibatch).toBeGreaterThanOrEqual(64);
    expect(c.ppo.minibatch).toBeLessThanOrEqual(256);
  });

  it('the constants that were in code are fields with their published defaults, each described with its source', () => {
    const c = parseRunConfig(expert()) as ExpertConfig;
    expect(c.ppo.adamEpsilon).toBe(1e-5);
    expect(c.trpo).toMatchObject({ lineSearchKlRatio: 1.5, lineSearchBacktrack: 0.5, cgResidualTolerance: 1e-10 });
    // The descriptions as the New-experiment form and the CLI help read them.
    const described = (schema: z.ZodType, key: string) =>
      (z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { description?: string }> }).properties[key].description ?? '';
    const trpo = trpoSettingsSchema;
    const ppo = ppoSettingsSchema;
    expect(described(ppo, 'adamEpsilon')).toMatch(/CleanRL and SB3: 1e-5/);
    expect(described(trpo, 'lineSearchKlRatio')).toMatch(/baselines' trpo_mpi: 1\.5/);
    expect(described(trpo, 'lineSearchBacktrack')).toMatch(/0\.5/);
    expect(described(trpo, 'cgResidualTolerance')).toMatch(/residual_tol: 1e-10/);
    // Out of range values are refused on their field.
    expect(configError(expert({ trpo: { lineSearchBacktrack: 1 } })).field).toBe('trpo.lineSearchBacktrack');
    expect(configError(expert({ algorithm: 'ppo', ppo: { adamEpsilon: 0 } })).field).toBe('ppo.adamEpsilon');
  });

  it('settle schedules: GAIL\'s generator radius shrinks to 0 over the second half by default, an expert\'s stays constant, D\'s learning rate stays constant', () => {
    expect((parseRunConfig(expert()) as ExpertConfig).trpo.maxKlEndFraction).toBe(1);
    const g = parseRunConfig(gail()) as GailConfig;
    expect(g.trpo.maxKlEndFraction).toBe(0);
    expect(g.trpo.maxKlDecayStart).toBe(0.5);
    expect(g.discriminator.learningRateEndFraction).toBe(1);
    expect((parseRunConfig(gail({ trpo: { maxKlEndFraction: 1 } })) as GailConfig).trpo.maxKlEndFraction).toBe(1);
    expect(configError(gail({ trpo: { maxKlEndFraction: 1.5 } }))).toMatchObject({ field: 'trpo.maxKlEndFraction' });
    expect(configError(gail({ trpo: { maxKlDecayStart: 1 } }))).toMatchObject({ field: 'trpo.maxKlDecayStart' });
    expect(configError(gail({ trpo: { maxKlDecayStart: 1 } })).message).toMatch(/<\s*1/);
    expect(configError(gail({ discriminator: { learningRateEndFraction: -0.1 } }))).toMatchObject({ field: 'discriminator.learningRateEndFraction' });
  });

  it('ARS: the authors\' code defaults (8 directions, all used, α 0.02, ν 0.03, no shift), a linear policy only for ARS, b ≤ N', () => {
    const c = parseRunConfig(expert({ algorithm: 'ars', hiddenSizes: [] })) as ExpertConfig;
    expect(c.ars).toEqual({ directions: 8, topDirections: 8, stepSize: 0.02, noiseStd: 0.03, rewardShift: 0, workers: 1, actionLogStd: -10 });
    expect(c.hiddenSizes).toEqual([]);
    const trpoLinear = configError(expert({ hiddenSizes: [] }));
    expect(trpoLinear.field).toBe('hiddenSizes');
    expect(trpoLinear.message).toMatch(/trpo needs at least one hidden layer/);
    const tooMany = configError(expert({ algorithm: 'ars', hiddenSizes: [], ars: { directions: 4, topDirections: 5 } }));
    expect(tooMany.field).toBe('ars.topDirections');
    expect(tooMany.message).toMatch(/at most ars\.directions \(4\)/);
    expect(configError(expert({ algorithm: 'ars', ars: { noiseStd: 0 } })).field).toBe('ars.noiseStd');
  });

  it('networks: 2 × 100 tanh hidden layers for the policy by default', () => {
    expect((parseRunConfig(expert()) as ExpertConfig).hiddenSizes).toEqual([100, 100]);
    expect((parseRunConfig(bc()) as BcConfig).hiddenSizes).toEqual([100, 100]);
  });

  it('GAIL: g_step 3, d_step 1, discriminator Adam 3e-4, entropy 1e-3, 2 × 100 hidden, no gradient penalty, raw actions, TRPO generator, every 20th expert pair, a held-out NLL BC warm start', () => {
    const c = parseRunConfig(gail()) as GailConfig;
    expect(c.gSteps).toBe(3);
    expect(c.dSteps).toBe(1);
    expect(c.discriminator).toEqual({
      hiddenSizes: [100, 100],
      learningRate: 3e-4,
      learningRateEndFraction: 1,
      entropyCoef: 1e-3,
      gradientPenalty: 0,
      gradientPenaltyTarget: 1,
      gradientPenaltyAt: 'interpolates',
      normalizeActions: false,
    });
    expect(c.generator).toBe('trpo');
    expect(c.expertSubsample).toBe(20);
    // Chosen by measurement (README, "Stabilising GAIL"): baselines' 10,000 pretraining steps, fitting σ too (NLL),
    // keeping the best snapshot on 30% held out so σ does not collapse on few pairs; Adam 1e-3, batch 128.
    expect(c.bcWarmStartIterations).toBe(10_000);
    expect([c.bcWarmStartLoss, c.bcWarmStartLearningRate, c.bcWarmStartBatchSize, c.bcWarmStartValidation]).toEqual(['nll', 1e-3, 128, 0.3]);
    expect(c.ppo.normalizeRewards).toBe(false);
    // The generator's TRPO carries the same baselines defaults.
    expect(c.trpo.maxKl).toBe(0.01);
    expect(c.trpo.batchSteps).toBe(1024);
  });

  it('BC: batch 128, 30 % validation, Adam 1e-3, every pair kept', () => {
    const c = parseRunConfig(bc()) as BcConfig;
    expect(c.batchSize).toBe(128);
    expect(c.validationFraction).toBe(0.3);
    expect(c.learningRate).toBe(1e-3);
    expect(c.expertSubsample).toBe(1);
    expect(c.selectBy).toBe('loss');
    expect(configError(bc({ selectBy: 'valacc' })).field).toBe('selectBy');
  });

  it('evaluation: the final deterministic evaluation runs 50 episodes (expert, GAIL, BC, eval runs)', () => {
    expect((parseRunConfig(expert()) as ExpertConfig).finalEvalEpisodes).toBe(50);
    expect((parseRunConfig(gail()) as GailConfig).finalEvalEpisodes).toBe(50);
    expect((parseRunConfig(bc()) as BcConfig).finalEvalEpisodes).toBe(50);
    const ev = parseRunConfig({ kind: 'eval', env, policy: 'runs/p' }) as EvalConfig;
    expect(ev.episodes).toBe(50);
  });

  it('sample: stochastic sampling by default (as the paper did), seed 0, one env', () => {
    const s = parseRunConfig({ kind: 'sample', env, policy: 'runs/p' }) as SampleConfig;
    expect(s.deterministic).toBe(false);
    expect(s.seed).toBe(0);
    expect((parseRunConfig(expert()) as ExpertConfig).numEnvs).toBe(1);
  });

  it('keeps explicitly given values over defaults', () => {
    const c = parseRunConfig(expert({ trpo: { maxKl: 0.02 }, seed: 7 })) as ExpertConfig;
    expect(c.trpo.maxKl).toBe(0.02);
    expect(c.trpo.cgIterations).toBe(10);
    expect(c.seed).toBe(7);
  });
});

describe('run-config errors', () => {
  it('trpo.maxKl −1 → invalid_config on field trpo.maxKl, message states the bound (> 0)', () => {
    const e = configError(expert({ trpo: { maxKl: -1 } }));
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('trpo.maxKl');
    expect(e.message).toContain('trpo.maxKl');
    expect(e.message).toMatch(/>\s*0/);
  });

  it('trpo.maxKl 2 → message states the upper bound (≤ 1)', () => {
    const e = configError(expert({ trpo: { maxKl: 2 } }));
    expect(e.field).toBe('trpo.maxKl');
    expect(e.message).toMatch(/<=\s*1|≤\s*1/);
  });

  it("env 'Hopper-v4' → field env, message lists every valid env id", () => {
    const e = configError(expert({ env: 'Hopper-v4' }));
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('env');
    for (const id of ENV_IDS) expect(e.message).toContain(id);
  });

  it('missing totalSteps → field totalSteps, message says an integer is expected', () => {
    const input: Record<string, unknown> = expert();
    delete input.totalSteps;
    const e = configError(input);
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('totalSteps');
    expect(e.message).toMatch(/integer/);
  });

  it('trajectories 2.5 → field trajectories, message says an integer is expected', () => {
    const e = configError(gail({ trajectories: 2.5 }));
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('trajectories');
    expect(e.message).toMatch(/integer/);
  });

  it('unknown kind → field kind, message lists the valid kinds', () => {
    const e = configError(expert({ kind: 'dagger' }));
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('kind');
    for (const k of ['expert', 'sample', 'bc', 'gail', 'eval']) expect(e.message).toContain(k);
  });

  it('numEnvs 0 → field numEnvs, message states the minimum (≥ 1)', () => {
    const e = configError(expert({ numEnvs: 0 }));
    expect(e.code).toBe('invalid_config');
    expect(e.field).toBe('numEnvs');
    expect(e.message).toMatch(/>=\s*1|≥\s*1/);
  });

  it('names nested array fields with their index (hiddenSizes[1] 0 → field hiddenSizes[1])', () => {
    const e = configError(expert({ hiddenSizes: [64, 0] }));
    expect(e.field).toBe('hiddenSizes[1]');
    expect(e.message).toMatch(/>=\s*1|≥\s*1/);
  });

  it('a non-object config → invalid_config', () => {
    expect(configError(null).code).toBe('invalid_config');
    expect(configError('expert').code).toBe('invalid_config');
  });
});

describe('shipped presets', () => {
  const dir = fileURLToPath(new URL('../../resources/presets/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it('every JSON file under resources/presets parses with parseRunConfig, and each of expert, sample, bc, gail has a preset', () => {
    expect(files.length).toBeGreaterThan(0);
    const kinds = new Set<RunKind>();
    for (const f of files) {
      const raw: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      let parsed;
      try {
        parsed = parseRunConfig(raw);
      } catch (e) {
        throw new Error(`preset ${f} does not parse: ${(e as Error).message}`);
      }
      kinds.add(parsed.kind);
    }
    for (const k of ['expert', 'sample', 'bc', 'gail'] as const) expect(kinds.has(k), `a preset of kind ${k}`).toBe(true);
  });
});
