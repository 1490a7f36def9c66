/**
 * The run and sweep config schemas as JSON Schema, for forms that are
 * generated rather than written by hand, and the shape of a sweep preview.
 * The JSON Schemas come from the zod schemas (z.toJSONSchema, input side, so
 * defaulted fields are optional and carry their default).
 */
import { z } from 'zod';
import { bcConfigSchema, evalConfigSchema, expertConfigSchema, gailConfigSchema, sampleConfigSchema, RUN_KINDS, type RunKind } from './runConfigs';
import { SWEEP_SECTIONS, sweepSpecSchema } from './sweeps';

/** The subset of JSON Schema that z.toJSONSchema emits for our configs. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: readonly (string | number)[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
}

export interface ConfigSchemas {
  runs: Record<RunKind, JsonSchema>;
  sweep: JsonSchema;
  /** Sweep fields that hold a run kind's settings, and the fields of that kind the sweep sets itself. */
  sweepSections: typeof SWEEP_SECTIONS;
}

export function configJsonSchemas(): ConfigSchemas {
  const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const byKind = { expert: expertConfigSchema, sample: sampleConfigSchema, bc: bcConfigSchema, gail: gailConfigSchema, eval: evalConfigSchema };
  const runs = Object.fromEntries(RUN_KINDS.map((k) => [k, json(byKind[k])])) as Record<RunKind, JsonSchema>;
  return { runs, sweep: json(sweepSpecSchema), sweepSections: SWEEP_SECTIONS };
}

/** Where a run's estimate of its duration came from. */
export interface RateEstimate {
  env: string;
  kind: RunKind;
  /** The expert's algorithm (trpo, ppo, ars), else the kind: algorithms of one kind run at different speeds. */
  method: string;
  /** What the rate counts: env steps (expert, sample, gail) or Adam steps (bc). */
  unit: 'env steps' | 'iterations';
  perSecond: number;
  /** measured: finished runs of this env, kind and method here; reference: the README's measured throughput (no run here yet). */
  source: 'measured' | 'reference';
  /** Finished runs the measured rate comes from. */
  runs: number;
}

export interface SweepPreviewRun {
  /** Position in the sweep; dependsOn refers to these. */
  index: number;
  name: string;
  kind: RunKind;
  env: string;
  method: string;
  trajectories: number | null;
  seed: number;
  dependsOn: number[];
  /** Env steps of training or sampling (bc: 0, it learns from the dataset); sample runs: an upper bound (episodes × max episode length). */
  envSteps: number;
  /** Estimated seconds, null when no rate is known for this env and kind. */
  seconds: number | null;
}

export interface SweepPreview {
  name: string;
  runs: SweepPreviewRun[];
  envSteps: number;
  /** Sum of the runs' estimated seconds (one at a time). */
  serialSeconds: number;
  /** Estimated wall time at the queue's concurrency, dependencies respected, if the queue were otherwise empty. */
  wallSeconds: number;
  concurrency: number;
  /** Runs without an estimate (not counted in the times). */
  unestimated: number;
  rates: RateEstimate[];
}
