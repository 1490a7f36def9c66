/**
 * One config schema per run kind. Defaults (docs/algorithms.md) follow OpenAI
 * baselines' GAIL/TRPO settings and CleanRL/SB3 for PPO; every number a paper or
 * baselines sets is a field with a sentence saying what it does, so the UI
 * form, the CLI help and the docs come from here.
 */
import { z } from 'zod';
import { ENV_IDS } from './envCatalog';

/** Only the type error is reworded; range errors keep zod's "expected … to be ≥ …" text. */
const typeError = (message: string) => (issue: { code: string; input?: unknown }) =>
  issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? `required (${message})` : message;
const int = (min: number, max: number) => z.int({ error: typeError('expected an integer') }).min(min).max(max);
const num = () => z.number({ error: typeError('expected a number') });

const env = z.enum(ENV_IDS, { error: `expected one of ${ENV_IDS.join(', ')}` }).describe('Environment (Gymnasium v5 task).');
const seed = int(0, 2 ** 31 - 1).default(0).describe('Seed for every random choice of the run: same config + seed → same numbers.');
const hiddenSizes = z
  .array(int(1, 1024))
  .min(1)
  .max(4)
  .default([100, 100])
  .describe('Hidden layer widths of the tanh MLPs (the seed: 2 × 100).');
const name = z.string().max(200).optional().describe('A label for the run (defaults to one made from its settings).');

const maxKlEndFraction = num().min(0).max(1);
const maxKlDecayStart = num().min(0).lt(1);

const trpoFields = {
  batchSteps: int(64, 1_000_000).default(1024).describe('Env steps per TRPO iteration (baselines 1024; the GAIL paper used ≥ 50,000).'),
  maxKl: num().positive().max(1).default(0.01).describe('KL radius of each policy step.'),
  maxKlEndFraction: maxKlEndFraction
    .default(1)
    .describe('The KL radius at the end of the run as a share of maxKl; from maxKlDecayStart on it moves there linearly, so the policy settles before the final evaluation (1 = constant, as baselines).'),
  maxKlDecayStart: maxKlDecayStart
    .default(0)
    .describe('Share of the env-step budget after which the KL radius starts moving towards maxKl × maxKlEndFraction (0 = from the start).'),
  cgIterations: int(1, 100).default(10).describe('Conjugate-gradient iterations for the natural gradient.'),
  cgDamping: num().min(0).max(10).default(0.1).describe('Damping added to the Fisher matrix.'),
  cgResidualTolerance: num()
    .min(0)
    .max(1)
    .default(1e-10)
    .describe('Conjugate gradient stops early once the squared residual is at most this (baselines\' cg residual_tol: 1e-10).'),
  lineSearchSteps: int(1, 50).default(10).describe('Backtracking steps before a policy step is rejected (baselines: 10).'),
  lineSearchKlRatio: num()
    .positive()
    .max(10)
    .default(1.5)
    .describe('The line search accepts a step whose mean KL is at most this × maxKl (baselines\' trpo_mpi: 1.5).'),
  lineSearchBacktrack: num()
    .gt(0)
    .lt(1)
    .default(0.5)
    .describe('Step-size factor after each rejected line-search step (baselines\' trpo_mpi and Schulman\'s modular_rl: 0.5).'),
  gamma: num().gt(0).max(1).default(0.995).describe('Discount factor.'),
  lambda: num().min(0).max(1).default(0.97).describe('GAE λ.'),
  entropyCoef: num().min(0).max(1).default(0).describe('Entropy bonus in the surrogate.'),
  vfLearningRate: num().positive().max(1).default(1e-3).describe('Adam learning rate of the value function.'),
  vfEpochs: int(0, 100).default(5).describe('Value-function epochs per iteration.'),
  vfMinibatch: int(1, 65536).default(128).describe('Value-function minibatch size.'),
  fvpSubsample: int(1, 100)
    .default(1)
    .describe('Compute Fisher-vector products on every k-th sample (1 = all; baselines\' TRPO uses 5).'),
};

export const trpoSettingsSchema = z.object(trpoFields).prefault({});

/**
 * GAIL's generator settles in the second half of a run by default: on Hopper
 * the constant radius let 3 of 40 confirmation seeds end in a bad phase after
 * holding the expert's level, and shrinking it from the start kept a seed from
 * escaping an early plateau (README, "Stabilising GAIL"); an expert's reward
 * does not move, so its radius stays constant.
 */
const gailTrpoSettingsSchema = z
  .object({
    ...trpoFields,
    maxKlEndFraction: maxKlEndFraction
      .default(0)
      .describe('The KL radius at the end of the run as a share of maxKl; from maxKlDecayStart on it moves there linearly, so the policy settles before the final evaluation (GAIL default 0, by measurement: README, "Stabilising GAIL"; 1 = constant, as baselines).'),
    maxKlDecayStart: maxKlDecayStart
      .default(0.5)
      .describe('Share of the env-step budget after which the KL radius starts shrinking (GAIL default 0.5, by measurement: the first half, where runs learn, keeps the constant radius).'),
  })
  .prefault({});

export const ppoSettingsSchema = z
  .object({
    stepsPerUpdate: int(64, 1_000_000).default(2048).describe('Env steps collected per PPO update.'),
    epochs: int(1, 100).default(10).describe('Passes over each batch.'),
    minibatch: int(1, 65536).default(64).describe('Minibatch size.'),
    learningRate: num().positive().max(1).default(3e-4).describe('Adam learning rate (policy and value share one optimiser).'),
    adamEpsilon: num()
      .positive()
      .max(1)
      .default(1e-5)
      .describe('Adam\'s ε of the joint policy-and-value optimiser (CleanRL and SB3: 1e-5, not Adam\'s usual 1e-8).'),
    annealLr: z.boolean().default(false).describe('Decay the learning rate linearly to 0 over the run.'),
    clip: num().positive().max(1).default(0.2).describe('Ratio clipping range ε.'),
    gamma: num().gt(0).max(1).default(0.99).describe('Discount factor.'),
    lambda: num().min(0).max(1).default(0.95).describe('GAE λ.'),
    entropyCoef: num().min(0).max(1).default(0).describe('Entropy bonus coefficient.'),
    vfCoef: num().min(0).max(10).default(0.5).describe('Weight of the value loss.'),
    maxGradNorm: num().positive().max(1000).default(0.5).describe('Global gradient-norm clip.'),
    normalizeAdvantages: z.boolean().default(true).describe('Standardise advantages per minibatch.'),
    normalizeRewards: z
      .boolean()
      .default(false)
      .describe('Divide rewards by the running std of the discounted return before learning (Gymnasium NormalizeReward, as CleanRL\'s PPO).'),
    rewardClip: num().positive().max(1e6).default(10).describe('Clip scaled rewards to ±this (CleanRL: 10); used with normalizeRewards.'),
  })
  .prefault({});

/**
 * Augmented Random Search (Mania, Guy & Recht 2018, "V2-t"): a linear policy on
 * normalised observations, improved by finite differences of whole-episode
 * returns along random parameter directions. Defaults are the authors' code
 * (modestyachts/ARS); the Humanoid preset uses their Humanoid settings.
 */
export const arsSettingsSchema = z
  .object({
    directions: int(1, 10_000).default(8).describe('Random directions N per update; each is rolled out at θ + νδ and θ − νδ (ARS code: 8; Humanoid: 230).'),
    topDirections: int(1, 10_000)
      .default(8)
      .describe('Directions b with the highest max(r₊, r₋) that form the update; the rest are dropped (ARS code: 8; Humanoid: 230). At most directions.'),
    stepSize: num().positive().max(100).default(0.02).describe('Step size α; the update is α / (b σ_R) Σ (r₊ − r₋) δ, σ_R the std of the 2b returns used (ARS: 0.02).'),
    noiseStd: num().positive().max(100).default(0.03).describe('Exploration noise ν: the perturbation\'s scale in parameter space (ARS code: 0.03; Humanoid: 0.0075).'),
    rewardShift: num()
      .min(-1e6)
      .max(1e6)
      .default(0)
      .describe('Subtracted from every training step\'s reward, so a perturbation is not rewarded for merely surviving (ARS: the alive bonus, 5 on Humanoid; 0 = off). Evaluations use the true reward.'),
    workers: int(1, 256)
      .default(1)
      .describe('Threads that roll the directions out in parallel, each with its own MuJoCo. Every rollout starts from a state drawn in a fixed order and the threads\' results are merged in that order, so the numbers do not depend on it.'),
    actionLogStd: num()
      .min(-20)
      .max(2)
      .default(-10)
      .describe('Log σ the saved policy carries for stochastic sampling. ARS explores in parameter space and its policy is deterministic; −10 (σ ≈ 5·10⁻⁵) makes sampled trajectories the policy\'s own.'),
  })
  .prefault({});

/** Settings every training run shares. */
const training = {
  env,
  seed,
  name,
  hiddenSizes,
  numEnvs: int(1, 64).default(1).describe('Environments stepped together (baselines: 1).'),
  totalSteps: int(1, 1_000_000_000).describe('Env-step budget of the run.'),
  clipActions: z.boolean().default(true).describe('Clip sampled actions to the action box before the env step.'),
  checkpointEvery: int(0, 1_000_000).default(10).describe('Checkpoint every N iterations (0 = only at the end).'),
  evalEvery: int(0, 1_000_000).default(10).describe('Evaluate the deterministic policy every N iterations (0 = never).'),
  evalEpisodes: int(1, 1000).default(5).describe('Episodes per periodic evaluation.'),
  finalEvalEpisodes: int(1, 10_000).default(50).describe('Episodes of the final deterministic evaluation.'),
};

export const expertConfigSchema = z
  .object({
    kind: z.literal('expert'),
    algorithm: z.enum(['trpo', 'ppo', 'ars']).default('trpo').describe('RL algorithm on the true reward.'),
    ...training,
    hiddenSizes: z
      .array(int(1, 1024))
      .max(4)
      .default([100, 100])
      .describe('Hidden layer widths of the tanh MLPs (the seed: 2 × 100); [] makes the policy linear, which only ARS trains.'),
    trpo: trpoSettingsSchema,
    ppo: ppoSettingsSchema,
    ars: arsSettingsSchema,
  })
  .superRefine((c, ctx) => {
    if (c.algorithm !== 'ars' && c.hiddenSizes.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['hiddenSizes'], message: `${c.algorithm} needs at least one hidden layer (its value function is an MLP of the same widths); [] is for ars` });
    }
    if (c.ars.topDirections > c.ars.directions) {
      ctx.addIssue({ code: 'custom', path: ['ars', 'topDirections'], message: `must be at most ars.directions (${c.ars.directions})` });
    }
  });

const imitation = {
  dataset: z.string().min(1).describe('Expert dataset: a sample run\'s output folder or a dataset file.'),
  trajectories: int(1, 100_000).describe('Use the first k trajectories of the dataset.'),
  expertSubsample: int(1, 1000)
    .default(20)
    .describe('Keep every n-th state-action pair of each trajectory, from a random offset (the GAIL paper: 20).'),
};

export const bcConfigSchema = z.object({
  kind: z.literal('bc'),
  env,
  seed,
  name,
  hiddenSizes,
  ...imitation,
  expertSubsample: imitation.expertSubsample.default(1),
  iterations: int(1, 10_000_000).default(10_000).describe('Adam steps.'),
  batchSize: int(1, 65536).default(128).describe('Minibatch size.'),
  learningRate: num().positive().max(1).default(1e-3).describe('Adam learning rate.'),
  loss: z.enum(['mse', 'nll']).default('mse').describe('Squared error of the mean, or Gaussian negative log-likelihood (also fits the log-std).'),
  validationFraction: num().min(0).lt(1).default(0.3).describe('Share of pairs held out; the best validation snapshot is kept.'),
  selectBy: z
    .enum(['loss', 'meanSquaredError'])
    .default('loss')
    .describe('What the kept snapshot minimises on the held-out pairs: the training loss, or the squared error of the mean action whatever the loss (Ho\'s pipeline, with validateEvery 1,000).'),
  observationNoise: num()
    .min(0)
    .max(10)
    .default(0)
    .describe('Std of Gaussian noise added to the normalised observations of every training minibatch, so the policy keeps the expert\'s action near each expert state (0 = off, as Ho\'s pipeline and baselines).'),
  validateEvery: int(1, 1_000_000).default(100).describe('Validate every N steps.'),
  evalEvery: int(0, 10_000_000).default(2000).describe('Evaluate in the env every N steps (0 = never).'),
  evalEpisodes: int(1, 1000).default(5).describe('Episodes per periodic evaluation.'),
  finalEvalEpisodes: int(1, 10_000).default(50).describe('Episodes of the final deterministic evaluation.'),
  checkpointEvery: int(0, 10_000_000).default(2000).describe('Checkpoint every N steps (0 = only at the end).'),
});

export const discriminatorSettingsSchema = z
  .object({
    hiddenSizes,
    learningRate: num().positive().max(1).default(3e-4).describe('Adam learning rate (baselines 3e-4; the paper 0.01).'),
    learningRateEndFraction: num()
      .min(0)
      .max(1)
      .default(1)
      .describe('D\'s learning rate at the end of the run as a share of learningRate, reached linearly over the env-step budget, so the reward settles before the final evaluation (1 = constant, as baselines).'),
    entropyCoef: num().min(0).max(1).default(1e-3).describe('Bernoulli-entropy bonus on D\'s outputs.'),
    gradientPenalty: num()
      .min(0)
      .max(1000)
      .default(0)
      .describe('Coefficient of the penalty (‖∇ D\'s logit w.r.t. its input‖ − target)², a Lipschitz bound on D (0 = off, as baselines; DAC, Kostrikov et al. 2019: 10).'),
    gradientPenaltyTarget: num().min(0).max(100).default(1).describe('The input-gradient norm the penalty pulls towards (1: WGAN-GP and DAC; 0: zero-centred).'),
    gradientPenaltyAt: z
      .enum(['interpolates', 'expert'])
      .default('interpolates')
      .describe('Where the penalty takes the gradient: random interpolates of policy and expert pairs (WGAN-GP, DAC) or the expert pairs.'),
    normalizeActions: z.boolean().default(false).describe('Standardise D\'s action inputs by a running mean/std of expert and policy actions, as its observations are (Ho\'s code; baselines: off).'),
  })
  .prefault({});

export const gailConfigSchema = z.object({
  kind: z.literal('gail'),
  ...training,
  ...imitation,
  generator: z.enum(['trpo', 'ppo']).default('trpo').describe('Policy optimiser on the discriminator reward.'),
  trpo: gailTrpoSettingsSchema,
  ppo: ppoSettingsSchema,
  gSteps: int(1, 100).default(3).describe('Generator steps per iteration.'),
  dSteps: int(1, 100).default(1).describe('Discriminator minibatch steps per iteration.'),
  discriminator: discriminatorSettingsSchema,
  bcWarmStartIterations: int(0, 1_000_000)
    .default(10_000)
    .describe('Behavioral-cloning steps before GAIL (0 = none; baselines\' pretraining: 10,000). On by default: it stopped the seeds that collapsed (README, "Stabilising GAIL").'),
  bcWarmStartLoss: z
    .enum(['mse', 'nll'])
    .default('nll')
    .describe('Warm-start loss: squared error of the mean (log-std stays 0) or Gaussian negative log-likelihood, which fits the log-std to the expert\'s action spread too (baselines\' pretraining).'),
  bcWarmStartLearningRate: num().positive().max(1).default(1e-3).describe('Adam learning rate of the warm start.'),
  bcWarmStartBatchSize: int(1, 65536).default(128).describe('Minibatch size of the warm start.'),
  bcWarmStartValidation: num()
    .min(0)
    .lt(1)
    .default(0.3)
    .describe('Share of expert pairs the warm start holds out; above 0 it keeps its best-validation snapshot instead of the last step (an NLL fit on few pairs otherwise shrinks σ towards 0).'),
  bcWarmStartValidateEvery: int(1, 1_000_000).default(100).describe('Warm-start steps between validations (with bcWarmStartValidation > 0).'),
});

export const sampleConfigSchema = z.object({
  kind: z.literal('sample'),
  env,
  seed,
  name,
  policy: z.string().min(1).describe('Expert policy: an expert run\'s output folder or a policy file.'),
  episodes: int(1, 100_000).default(25).describe('Trajectories to record.'),
  deterministic: z.boolean().default(false).describe('Act with the mean action (default: sample, as the GAIL paper did).'),
});

export const evalConfigSchema = z.object({
  kind: z.literal('eval'),
  env,
  seed,
  name,
  policy: z.string().min(1).describe('Policy to evaluate: a run\'s output folder or a policy file.'),
  episodes: int(1, 100_000).default(50).describe('Episodes per mode.'),
  mode: z.enum(['deterministic', 'stochastic', 'both']).default('both').describe('Mean action, sampled action, or both.'),
  saveTrajectories: z.boolean().default(true).describe('Keep the episodes as trajectories for replay.'),
});

export const runConfigSchema = z.discriminatedUnion('kind', [
  expertConfigSchema,
  sampleConfigSchema,
  bcConfigSchema,
  gailConfigSchema,
  evalConfigSchema,
]);

export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type ExpertConfig = z.infer<typeof expertConfigSchema>;
export type SampleConfig = z.infer<typeof sampleConfigSchema>;
export type BcConfig = z.infer<typeof bcConfigSchema>;
export type GailConfig = z.infer<typeof gailConfigSchema>;
export type EvalConfig = z.infer<typeof evalConfigSchema>;
export type TrpoSettingsConfig = z.infer<typeof trpoSettingsSchema>;
export type PpoSettingsConfig = z.infer<typeof ppoSettingsSchema>;
export type ArsSettingsConfig = z.infer<typeof arsSettingsSchema>;
export type DiscriminatorSettingsConfig = z.infer<typeof discriminatorSettingsSchema>;
export type RunKind = RunConfig['kind'];

/** Threads a run computes on: an ARS expert's rollout workers, else 1 (a cluster job asks for as many CPUs). */
export function runThreads(config: RunConfig): number {
  return config.kind === 'expert' && config.algorithm === 'ars' ? config.ars.workers : 1;
}
export const RUN_KINDS = ['expert', 'sample', 'bc', 'gail', 'eval'] as const satisfies readonly RunKind[];
