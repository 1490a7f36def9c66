/** The CLI contract later checks rely on: envs, sim step and bench sim, with --json. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_IDS } from '../../src/shared/envCatalog';
import { runCli } from '../helpers/cli';
import { loadGymFixture, maxRelDiff } from '../helpers/gymFixtures';

const dir = mkdtempSync(join(tmpdir(), 'imlab-cli-'));
function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('imlab envs --json', () => {
  it('lists the seven environments with their sizes, bounds and timing', () => {
    const r = runCli(['envs', '--json']);
    expect(r.status).toBe(0);
    const envs = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(envs.map((e) => e.id)).toEqual([...ENV_IDS]);
    const hopper = envs.find((e) => e.id === 'Hopper-v5')!;
    expect(hopper).toEqual({
      id: 'Hopper-v5',
      obsDim: 11,
      actDim: 3,
      actLow: [-1, -1, -1],
      actHigh: [1, 1, 1],
      frameSkip: 4,
      dt: 0.008,
      maxEpisodeSteps: 1000,
    });
    expect(envs.find((e) => e.id === 'Humanoid-v5')).toMatchObject({ obsDim: 348, actDim: 17, frameSkip: 5, dt: 0.015 });
  });
});

describe('imlab sim step', () => {
  it.each(['Hopper-v5', 'Ant-v5'] as const)('reproduces Gymnasium on the %s reference cases (extra fields ignored)', (id) => {
    const fx = loadGymFixture(id);
    const cases = fx.cases.slice(0, 10);
    const path = writeJson(`${id}.json`, { cases });
    const r = runCli(['sim', 'step', '--env', id, '--cases', path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { env: string; results: { obsBefore: number[]; obs: number[]; reward: number; terminated: boolean; terms: Record<string, number> }[] };
    expect(out.env).toBe(id);
    expect(out.results).toHaveLength(cases.length);
    out.results.forEach((res, i) => {
      expect(res.terminated).toBe(cases[i].terminated);
      expect(maxRelDiff(res.obsBefore, cases[i].obsBefore)).toBeLessThanOrEqual(1e-12);
      expect(maxRelDiff(res.obs, cases[i].obs)).toBeLessThanOrEqual(1e-12);
      expect(maxRelDiff([res.reward], [cases[i].reward])).toBeLessThanOrEqual(1e-12);
      expect(Object.keys(res.terms).sort()).toEqual(Object.keys(cases[i].terms).sort());
    });
  });

  it('refuses an unknown environment, listing the valid ids, with exit code 2', () => {
    const path = writeJson('one.json', { cases: [{ qpos: [0], qvel: [0], action: [0] }] });
    const r = runCli(['sim', 'step', '--env', 'Hopper-v3', '--cases', path, '--json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr) as { error: { code: string; field: string; message: string } };
    expect(error.code).toBe('unknown_env');
    expect(error.field).toBe('env');
    for (const id of ENV_IDS) expect(error.message).toContain(id);
  });

  it.each([
    ['a case without qvel', { cases: [{ qpos: [0, 1.25, 0, 0, 0, 0], action: [0, 0, 0] }] }, /cases\[0\]\.qvel/],
    ['an action of the wrong length', { cases: [{ qpos: [0, 1.25, 0, 0, 0, 0], qvel: [0, 0, 0, 0, 0, 0], action: [0, 0] }] }, /cases\[0\].*action must have 3 numbers for Hopper-v5, got 2/],
    ['a qpos of the wrong length', { cases: [{ qpos: [0, 1.25], qvel: [0, 0, 0, 0, 0, 0], action: [0, 0, 0] }] }, /qpos must have 6 numbers/],
    ['a string in the action', { cases: [{ qpos: [0, 1.25, 0, 0, 0, 0], qvel: [0, 0, 0, 0, 0, 0], action: [0, 'x', 0] }] }, /cases\[0\]\.action\[1\]/],
    ['no cases', { cases: [] }, /cases: needs at least one case/],
    ['malformed JSON', '{"cases": [', /not valid JSON/],
  ])('refuses %s with an error naming the field', (_what, content, pattern) => {
    const path = writeJson('bad.json', content);
    const r = runCli(['sim', 'step', '--env', 'Hopper-v5', '--cases', path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(pattern);
  });
});

describe('imlab bench sim', () => {
  it('prints env and physics throughput measured in one run, and their ratio', () => {
    const r = runCli(['bench', 'sim', '--env', 'InvertedPendulum-v5', '--seconds', '0.6', '--json']);
    expect(r.status).toBe(0);
    const b = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(b.env).toBe('InvertedPendulum-v5');
    expect(b.frameSkip).toBe(2);
    for (const k of ['envStepsPerSec', 'physicsStepsPerSec', 'ratio']) expect(b[k]).toBeGreaterThan(0);
    expect(b.ratio).toBeCloseTo(((b.envStepsPerSec as number) * 2) / (b.physicsStepsPerSec as number), 9);
    expect(b.ratio).toBeLessThan(1.5);
  });

  it('refuses a non-numeric --seconds', () => {
    const r = runCli(['bench', 'sim', '--env', 'Hopper-v5', '--seconds', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seconds must be a positive number/);
  });
});
