/** The paper-shaped results table: env × method × k → final true return over seeds. */
export interface ResultsRow {
  env: string;
  /** 'expert', 'random', 'bc', 'gail'. */
  method: string;
  trajectories: number | null;
  /**
   * Set when runs of this env × method differ in settings beyond the seed:
   * the settings that tell this cell's runs apart from the others, e.g.
   * `loss "nll" · learningRate 0.0001`. Such runs are never averaged together.
   */
  variant?: string;
  mean: number;
  std: number;
  /** Runs averaged (for the expert row: trajectories of the expert data; random: estimates). */
  seeds: number;
  /** (return − random) / (expert − random); null when either reference is missing. */
  normalized: number | null;
  runIds: number[];
  /**
   * Each run's mean over its last LAST_EVALUATIONS periodic deterministic
   * evaluations, then mean and std over the runs (null without evaluations):
   * next to the final return, it shows a run that degraded late.
   */
  lastEvalsMean?: number | null;
  lastEvalsStd?: number | null;
  /** Runs whose health check fired (e.g. a GAIL discriminator that won). */
  flagged?: number;
}

/** Periodic evaluations averaged for ResultsRow.lastEvalsMean. */
export const LAST_EVALUATIONS = 5;

export interface ResultsTable {
  rows: ResultsRow[];
}
