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
}

export interface ResultsTable {
  rows: ResultsRow[];
}
