/**
 * A sweep: the whole GAIL-vs-BC experiment as one spec. Per environment an
 * expert run, a sample run that depends on it, then BC and/or GAIL for every
 * number of trajectories × seed, each depending on the sample run. Or start
 * from an existing dataset and skip the expert. One expert recipe rarely fits
 * every environment, so expertByEnv may give an environment its own.
 */
import { z } from 'zod';
import { ENV_IDS } from './envCatalog';

export const MAX_SWEEP_RUNS = 1000;

const envId = z.enum(ENV_IDS, { error: `expected one of ${ENV_IDS.join(', ')}` });
const settings = z.record(z.string(), z.unknown());

/** A list whose entries are distinct: a value listed twice would queue identical runs; the error names the repeat. */
function distinct<T extends z.ZodType>(items: z.ZodArray<T>, what: string) {
  return items.superRefine((xs, ctx) => {
    const first = new Map<string, number>();
    xs.forEach((x, i) => {
      const key = JSON.stringify(x);
      const j = first.get(key);
      if (j === undefined) first.set(key, i);
      else ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${key} is listed twice (also at [${j}]); each combination runs once` });
    });
  });
}

export const sweepSpecSchema = z
  .object({
    kind: z.literal('sweep').optional().describe('Marks a preset file as a sweep.'),
    name: z.string().min(1).max(200).describe('Sweep name; run names are made from it.'),
    envs: distinct(z.array(envId).min(1), 'environment').describe('Environments to run the experiment on.'),
    expert: settings.optional().describe('Expert run settings (an expert config without kind/env), e.g. {"algorithm":"trpo","totalSteps":1500000}.'),
    expertByEnv: z
      .partialRecord(envId, settings)
      .optional()
      .describe('Expert settings for particular environments, used there instead of `expert` (e.g. PPO for HumanoidStandup-v5, TRPO elsewhere).'),
    dataset: z.string().optional().describe('Use this existing dataset ("dataset:<id>") instead of training an expert (one env only).'),
    sample: z
      .object({
        episodes: z.int().min(1).max(100_000).default(25).describe('Expert trajectories to record (the most any k can use).'),
        deterministic: z.boolean().default(false).describe('Act with the mean action (default: sample, as the GAIL paper did).'),
        seed: z.int().min(0).max(2 ** 31 - 1).default(0).describe('Seed of the sampling run.'),
      })
      .prefault({})
      .describe('How the expert is sampled into a dataset.'),
    methods: distinct(z.array(z.enum(['bc', 'gail'])).min(1), 'method').default(['bc', 'gail']).describe('Imitation methods to compare.'),
    trajectories: distinct(z.array(z.int().min(1).max(100_000)).min(1), 'trajectory count').describe('Numbers of expert trajectories k (the paper: 4, 11, 18, 25).'),
    seeds: distinct(z.array(z.int().min(0).max(2 ** 31 - 1)).min(1), 'seed').describe('Seeds of the imitation runs.'),
    bc: settings.default({}).describe('BC settings shared by every BC run (a bc config without kind/env/dataset/trajectories/seed).'),
    gail: settings.default({}).describe('GAIL settings shared by every GAIL run.'),
    priority: z.int().min(-1000).max(1000).default(0).describe('Queue priority of the sweep\'s runs (higher first).'),
  })
  .refine((s) => s.expert !== undefined || s.dataset !== undefined || s.envs.every((e) => s.expertByEnv?.[e] !== undefined), {
    message: 'give either expert settings or an existing dataset',
    path: ['expert'],
  })
  .refine((s) => Object.keys(s.expertByEnv ?? {}).every((e) => s.envs.includes(e as (typeof s.envs)[number])), {
    message: 'expertByEnv names an environment the sweep does not run (list it in envs)',
    path: ['expertByEnv'],
  })
  .refine((s) => s.dataset === undefined || s.envs.length === 1, { message: 'an existing dataset belongs to one environment: list exactly one env', path: ['envs'] });

/** Sweep fields holding one run kind's settings, and the fields of that kind the sweep fills in itself. */
export const SWEEP_SECTIONS = [
  { section: 'expert', kind: 'expert', setBySweep: ['kind', 'env'] },
  { section: 'bc', kind: 'bc', setBySweep: ['kind', 'env', 'dataset', 'trajectories', 'seed'] },
  { section: 'gail', kind: 'gail', setBySweep: ['kind', 'env', 'dataset', 'trajectories', 'seed'] },
] as const;

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
