/** The paper-shaped results table: env × method × k → final true return over seeds. */
export interface ResultsRow {
  env: string;
  /** 'expert', 'random', 'bc', 'gail'. */
  method: string;
  trajectories: number | null;
  mean: number;
  std: number;
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
