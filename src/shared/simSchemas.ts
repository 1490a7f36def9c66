import { z } from 'zod';

const numbers = z.array(z.number({ error: 'expected a number' }));

/** A user's probe of an environment: set the state, apply one action. Extra fields are ignored. */
export const simStepCaseSchema = z.object({
  qpos: numbers,
  qvel: numbers,
  action: numbers,
});

export const simStepFileSchema = z.object({
  cases: z.array(simStepCaseSchema).min(1, 'needs at least one case'),
});

export type SimStepCase = z.infer<typeof simStepCaseSchema>;

export interface SimStepResult {
  obsBefore: number[];
  obs: number[];
  reward: number;
  terminated: boolean;
  terms: Record<string, number>;
}

export interface SimStepReport {
  env: string;
  results: SimStepResult[];
}

export interface SimBenchReport {
  env: string;
  numEnvs: number;
  frameSkip: number;
  envSteps: number;
  envStepsPerSec: number;
  physicsSteps: number;
  physicsStepsPerSec: number;
  /** envStepsPerSec × frameSkip / physicsStepsPerSec: 1 means the env layer is free. */
  ratio: number;
  episodes: number;
  seconds: number;
  /** How the bare-physics loop chose its states (it must visit the same kind of states as the env). */
  physicsLoop: string;
}
