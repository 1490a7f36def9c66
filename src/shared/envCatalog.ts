/**
 * The environments the app offers, with the Gymnasium v5 facts a user (and the
 * UI) needs without loading MuJoCo. The simulation in src/main/core/sim checks
 * these against the compiled models at start-up, so they cannot drift apart.
 */
import { ImlabError } from './errors';

export const ENV_IDS = [
  'InvertedPendulum-v5',
  'Hopper-v5',
  'Walker2d-v5',
  'HalfCheetah-v5',
  'Ant-v5',
  'Humanoid-v5',
  'HumanoidStandup-v5',
] as const;

export type EnvId = (typeof ENV_IDS)[number];

export interface EnvSpec {
  readonly id: EnvId;
  /** File name under resources/models/. */
  readonly modelFile: string;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action box; MuJoCo clamps ctrl to it, costs use the action as given. */
  readonly actLow: readonly number[];
  readonly actHigh: readonly number[];
  readonly frameSkip: number;
  /** The model's physics timestep (opt.timestep). */
  readonly timestep: number;
  /** Seconds per env step: timestep × frameSkip, computed as Gymnasium does. */
  readonly dt: number;
  /** Time limit: an episode is truncated (not terminated) after this many steps. */
  readonly maxEpisodeSteps: number;
  /** Half-width of the uniform reset noise (or std of the normal qvel noise). */
  readonly resetNoiseScale: number;
  /** Names of the reward terms, as Gymnasium's info keys. */
  readonly rewardTerms: readonly string[];
  /** Whether the episode can end before the time limit. */
  readonly canTerminate: boolean;
  readonly description: string;
}

const MAX_EPISODE_STEPS = 1000;

function box(dim: number, bound: number): { actLow: number[]; actHigh: number[] } {
  return { actLow: new Array<number>(dim).fill(-bound), actHigh: new Array<number>(dim).fill(bound) };
}

function spec(s: Omit<EnvSpec, 'dt' | 'maxEpisodeSteps'>): EnvSpec {
  return { ...s, dt: s.timestep * s.frameSkip, maxEpisodeSteps: MAX_EPISODE_STEPS };
}

export const ENV_SPECS: Readonly<Record<EnvId, EnvSpec>> = {
  'InvertedPendulum-v5': spec({
    id: 'InvertedPendulum-v5',
    modelFile: 'inverted_pendulum.xml',
    obsDim: 4,
    actDim: 1,
    ...box(1, 3),
    frameSkip: 2,
    timestep: 0.02,
    resetNoiseScale: 0.01,
    rewardTerms: ['reward_survive'],
    canTerminate: true,
    description: 'Balance a pole on a cart; +1 per step while the pole stays within 0.2 rad.',
  }),
  'Hopper-v5': spec({
    id: 'Hopper-v5',
    modelFile: 'hopper.xml',
    obsDim: 11,
    actDim: 3,
    ...box(3, 1),
    frameSkip: 4,
    timestep: 0.002,
    resetNoiseScale: 5e-3,
    rewardTerms: ['reward_forward', 'reward_ctrl', 'reward_survive'],
    canTerminate: true,
    description: 'One-legged planar robot hopping forward.',
  }),
  'Walker2d-v5': spec({
    id: 'Walker2d-v5',
    modelFile: 'walker2d.xml',
    obsDim: 17,
    actDim: 6,
    ...box(6, 1),
    frameSkip: 4,
    timestep: 0.002,
    resetNoiseScale: 5e-3,
    rewardTerms: ['reward_forward', 'reward_ctrl', 'reward_survive'],
    canTerminate: true,
    description: 'Two-legged planar walker.',
  }),
  'HalfCheetah-v5': spec({
    id: 'HalfCheetah-v5',
    modelFile: 'half_cheetah.xml',
    obsDim: 17,
    actDim: 6,
    ...box(6, 1),
    frameSkip: 5,
    timestep: 0.01,
    resetNoiseScale: 0.1,
    rewardTerms: ['reward_forward', 'reward_ctrl'],
    canTerminate: false,
    description: 'Planar cheetah running forward; never terminates.',
  }),
  'Ant-v5': spec({
    id: 'Ant-v5',
    modelFile: 'ant.xml',
    obsDim: 105,
    actDim: 8,
    ...box(8, 1),
    frameSkip: 5,
    timestep: 0.01,
    resetNoiseScale: 0.1,
    rewardTerms: ['reward_forward', 'reward_ctrl', 'reward_contact', 'reward_survive'],
    canTerminate: true,
    description: 'Four-legged 3D ant walking forward.',
  }),
  'Humanoid-v5': spec({
    id: 'Humanoid-v5',
    modelFile: 'humanoid.xml',
    obsDim: 348,
    actDim: 17,
    ...box(17, 0.4),
    frameSkip: 5,
    timestep: 0.003,
    resetNoiseScale: 1e-2,
    rewardTerms: ['reward_survive', 'reward_forward', 'reward_ctrl', 'reward_contact'],
    canTerminate: true,
    description: '3D humanoid walking forward without falling.',
  }),
  'HumanoidStandup-v5': spec({
    id: 'HumanoidStandup-v5',
    modelFile: 'humanoidstandup.xml',
    obsDim: 348,
    actDim: 17,
    ...box(17, 0.4),
    frameSkip: 5,
    timestep: 0.003,
    resetNoiseScale: 1e-2,
    rewardTerms: ['reward_linup', 'reward_quadctrl', 'reward_impact'],
    canTerminate: false,
    description: '3D humanoid lying on the floor that must stand up; never terminates.',
  }),
};

export function isEnvId(id: string): id is EnvId {
  return (ENV_IDS as readonly string[]).includes(id);
}

/** Looks an environment up, with an error that lists the valid ids. */
export function envSpec(id: string, field = 'env'): EnvSpec {
  if (!isEnvId(id)) {
    throw new ImlabError(
      'unknown_env',
      `Unknown environment "${id}". Valid environments: ${ENV_IDS.join(', ')}.`,
      field,
    );
  }
  return ENV_SPECS[id];
}
