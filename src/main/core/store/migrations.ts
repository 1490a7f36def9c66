/**
 * Numbered schema migrations. The database records how far it has come in
 * PRAGMA user_version; a newer app migrates an older database in one
 * transaction per step, and an older app refuses a newer database instead of
 * touching it. Append new migrations; never edit a released one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, sweeps, dependencies, metrics, evaluations, checkpoints, datasets, trajectories, tags',
    sql: `
      CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        env TEXT NOT NULL,
        method TEXT NOT NULL,
        trajectories INTEGER,
        seed INTEGER NOT NULL,
        config TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted','blocked')),
        priority INTEGER NOT NULL DEFAULT 0,
        sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL,
        retry_of INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        error TEXT,
        backend TEXT,
        pid INTEGER,
        iteration INTEGER NOT NULL DEFAULT 0,
        env_steps INTEGER NOT NULL DEFAULT 0,
        final_mean REAL,
        final_std REAL,
        final_episodes INTEGER,
        last_eval REAL,
        max_eval REAL,
        summary TEXT,
        dir TEXT NOT NULL
      );
      CREATE INDEX runs_status ON runs(status, priority DESC, id);
      CREATE INDEX runs_sweep ON runs(sweep_id);

      CREATE TABLE run_dependencies (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        depends_on INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (run_id, depends_on)
      ) WITHOUT ROWID;
      CREATE INDEX run_dependencies_upstream ON run_dependencies(depends_on);

      CREATE TABLE metric_names (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      );

      -- One row per (run, metric, iteration); the key makes a replayed iteration
      -- (after a resume) overwrite rather than duplicate.
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name_id INTEGER NOT NULL REFERENCES metric_names(id),
        step INTEGER NOT NULL,
        env_steps INTEGER NOT NULL,
        value REAL,
        PRIMARY KEY (run_id, name_id, step)
      ) WITHOUT ROWID;

      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        iteration INTEGER NOT NULL,
        env_steps INTEGER NOT NULL,
        final INTEGER NOT NULL,
        mode TEXT NOT NULL,
        episodes INTEGER NOT NULL,
        mean REAL NOT NULL,
        std REAL NOT NULL,
        returns TEXT NOT NULL,
        UNIQUE (run_id, iteration, final, mode)
      );

      CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        iteration INTEGER NOT NULL,
        env_steps INTEGER NOT NULL,
        file TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, iteration)
      ) WITHOUT ROWID;

      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        env TEXT NOT NULL,
        obs_dim INTEGER NOT NULL,
        act_dim INTEGER NOT NULL,
        nq INTEGER NOT NULL,
        nv INTEGER NOT NULL,
        source_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        source TEXT NOT NULL,
        trajectories INTEGER NOT NULL,
        steps INTEGER NOT NULL,
        mean_return REAL NOT NULL,
        std_return REAL NOT NULL,
        created_at INTEGER NOT NULL
      );

      -- Trajectories of a dataset, or episodes an evaluation kept for replay (run_id).
      CREATE TABLE trajectories (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
        run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        length INTEGER NOT NULL,
        return REAL NOT NULL,
        terminated INTEGER NOT NULL,
        obs BLOB NOT NULL,
        actions BLOB NOT NULL,
        rewards BLOB NOT NULL,
        qpos BLOB NOT NULL,
        qvel BLOB NOT NULL,
        CHECK ((dataset_id IS NULL) <> (run_id IS NULL))
      );
      CREATE INDEX trajectories_dataset ON trajectories(dataset_id, idx);
      CREATE INDEX trajectories_run ON trajectories(run_id, idx);

      CREATE TABLE tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'index runs by status then id, for the newest page of runs with a given status',
    sql: `CREATE INDEX runs_status_id ON runs(status, id);`,
  },
  {
    version: 3,
    description: 'never reuse a run or dataset id: the highest id ever given, kept by triggers, numbers the next insert',
    // SQLite hands out max(id) + 1, so deleting the newest run gave its id to
    // the next one. Rebuilding runs with AUTOINCREMENT needs foreign keys off,
    // which cannot be switched inside a migration's transaction; a high-water
    // table does the same job.
    sql: `
      CREATE TABLE id_high_water (
        tbl TEXT PRIMARY KEY,
        last_id INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO id_high_water (tbl, last_id) SELECT 'runs', coalesce(max(id), 0) FROM runs;
      INSERT INTO id_high_water (tbl, last_id) SELECT 'datasets', coalesce(max(id), 0) FROM datasets;
      CREATE TRIGGER runs_id_high_water AFTER INSERT ON runs BEGIN
        UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE tbl = 'runs';
      END;
      CREATE TRIGGER datasets_id_high_water AFTER INSERT ON datasets BEGIN
        UPDATE id_high_water SET last_id = max(last_id, NEW.id) WHERE tbl = 'datasets';
      END;
    `,
  },
  {
    version: 5,
    description: "runs: the executor setting a run was queued with, and where it executes (e.g. its Slurm job, to reattach after a restart)",
    sql: `
      ALTER TABLE runs ADD COLUMN executor TEXT;
      ALTER TABLE runs ADD COLUMN placement TEXT;
    `,
  },
  {
    version: 6,
    description: 'runs.health: the learning-health warning computed from a run\'s metrics (JSON), so run lists read it without the metrics',
    sql: `ALTER TABLE runs ADD COLUMN health TEXT;`,
  },
  {
    version: 7,
    description: "runs.pid_identity: the run process's start time and parent (JSON), so a restart stops only that process, not one that reused its pid",
    sql: `ALTER TABLE runs ADD COLUMN pid_identity TEXT;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
