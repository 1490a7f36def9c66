/**
 * Where a run keeps what it produces: one folder per run with its config,
 * policy, checkpoints, dataset and evaluation trajectories; the queue imports
 * a sample run's dataset and an eval run's episodes into the database
 * (docs/architecture.md, "Run folders").
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImlabError } from '../../../shared/errors';
import { decodeFloat32, decodeFloat64, encodeFloat32, encodeFloat64 } from '../math/base64';
import type { Dataset, Trajectory } from '../data/dataset';
import type { PolicyFile } from '../learn/policy';

export const FILES = {
  config: 'config.json',
  policy: 'policy.json',
  dataset: 'dataset.json',
  trajectories: 'trajectories.json',
  events: 'events.jsonl',
  summary: 'summary.json',
  checkpoints: 'checkpoints',
} as const;

export interface RunStorage {
  readonly dir: string;
  writeJson(name: string, value: unknown): string;
  readJson<T>(name: string): T | null;
  saveCheckpoint(iteration: number, state: unknown): string;
  /** The newest checkpoint, or the newest at or before maxIteration. */
  latestCheckpoint<T>(maxIteration?: number): { iteration: number; state: T } | null;
}

/** Writes atomically: a crash mid-write leaves the previous file intact. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export class RunDirectory implements RunStorage {
  readonly dir: string;

  constructor(dir: string, readonly keepCheckpoints = 3) {
    this.dir = resolve(dir);
    mkdirSync(join(this.dir, FILES.checkpoints), { recursive: true });
  }

  writeJson(name: string, value: unknown): string {
    writeAtomic(join(this.dir, name), JSON.stringify(value));
    return name;
  }

  readJson<T>(name: string): T | null {
    const p = join(this.dir, name);
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T) : null;
  }

  saveCheckpoint(iteration: number, state: unknown): string {
    const name = `${FILES.checkpoints}/ckpt-${String(iteration).padStart(8, '0')}.json`;
    writeAtomic(join(this.dir, name), JSON.stringify(state));
    const all = this.checkpointFiles();
    for (const old of all.slice(0, Math.max(0, all.length - this.keepCheckpoints))) rmSync(join(this.dir, FILES.checkpoints, old));
    return name;
  }

  latestCheckpoint<T>(maxIteration = Infinity): { iteration: number; state: T } | null {
    const all = this.checkpointFiles().filter((f) => Number(f.slice(5, 13)) <= maxIteration);
    const last = all[all.length - 1];
    if (!last) return null;
    const iteration = Number(last.slice(5, 13));
    return { iteration, state: JSON.parse(readFileSync(join(this.dir, FILES.checkpoints, last), 'utf8')) as T };
  }

  private checkpointFiles(): string[] {
    return readdirSync(join(this.dir, FILES.checkpoints))
      .filter((f) => /^ckpt-\d{8}\.json$/.test(f))
      .sort();
  }
}

/** A reference to a run's output: its folder, or the file itself. */
function resolveRef(ref: string, defaultFile: string, field: string): string {
  const p = resolve(ref);
  if (!existsSync(p)) throw new ImlabError('not_found', `${field}: ${ref} does not exist.`, field);
  return statSync(p).isDirectory() ? join(p, defaultFile) : p;
}

function readRefJson<T>(ref: string, defaultFile: string, field: string): T {
  const file = resolveRef(ref, defaultFile, field);
  if (!existsSync(file)) throw new ImlabError('not_found', `${field}: ${ref} has no ${defaultFile}.`, field);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // Not the parser's message: it quotes the start of the file, which may be anything (e.g. /etc/passwd).
    throw new ImlabError('invalid_input', `${field}: ${file} is not valid JSON.`, field);
  }
}

/** A run's policy: its folder, its policy file, or one of its checkpoint files (which carry the policy). */
export function loadPolicyFile(ref: string, field = 'policy'): PolicyFile {
  const read = readRefJson<PolicyFile | { format: 'imlab-checkpoint/1'; policy?: PolicyFile }>(ref, FILES.policy, field);
  const f = read.format === 'imlab-checkpoint/1' && read.policy ? read.policy : (read as PolicyFile);
  if (f.format !== 'imlab-policy/1') throw new ImlabError('invalid_input', `${field}: ${ref} is not an Imitation Lab policy.`, field);
  return f;
}

interface TrajectoryJson {
  obs: string;
  actions: string;
  rewards: string;
  qpos: string;
  qvel: string;
  return: number;
  length: number;
  terminated: boolean;
}

interface DatasetJson extends Omit<Dataset, 'trajectories'> {
  format: 'imlab-dataset/1';
  trajectories: TrajectoryJson[];
}

export function encodeTrajectory(t: Trajectory): TrajectoryJson {
  return {
    obs: encodeFloat32(t.obs),
    actions: encodeFloat32(t.actions),
    rewards: encodeFloat32(t.rewards),
    qpos: encodeFloat64(t.qpos),
    qvel: encodeFloat64(t.qvel),
    return: t.return,
    length: t.length,
    terminated: t.terminated,
  };
}

export function decodeTrajectory(t: TrajectoryJson): Trajectory {
  return {
    obs: decodeFloat32(t.obs),
    actions: decodeFloat32(t.actions),
    rewards: decodeFloat32(t.rewards),
    qpos: decodeFloat64(t.qpos),
    qvel: decodeFloat64(t.qvel),
    return: t.return,
    length: t.length,
    terminated: t.terminated,
  };
}

export function saveDataset(storage: RunStorage, d: Dataset, name: string = FILES.dataset): string {
  const json: DatasetJson = { ...d, format: 'imlab-dataset/1', trajectories: d.trajectories.map(encodeTrajectory) };
  return storage.writeJson(name, json);
}

/** A dataset as a file at any path (for a run that cannot open the database, e.g. a Slurm job). */
export function saveDatasetFile(d: Dataset, file: string): void {
  const json: DatasetJson = { ...d, format: 'imlab-dataset/1', trajectories: d.trajectories.map(encodeTrajectory) };
  writeAtomic(file, JSON.stringify(json));
}

export function loadDataset(ref: string, field = 'dataset'): Dataset {
  const j = readRefJson<DatasetJson>(ref, FILES.dataset, field);
  if (j.format !== 'imlab-dataset/1') throw new ImlabError('invalid_input', `${field}: ${ref} is not an Imitation Lab dataset.`, field);
  return { ...j, trajectories: j.trajectories.map(decodeTrajectory) };
}
