/** Every expert preset runs: one iteration of each, with its own settings, completes with a policy. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { recordRun } from '../helpers/runs';
import { backendReady } from '../helpers/tfBackend';

const expertPresets = readdirSync('resources/presets').filter((f) => f.includes('-expert-'));

describe('expert presets', () => {
  it.each(expertPresets)('%s trains for one iteration', async (file) => {
    await backendReady;
    const preset = JSON.parse(readFileSync(`resources/presets/${file}`, 'utf8')) as RunConfigInput & { kind: 'expert'; trpo?: { batchSteps?: number }; ppo?: { stepsPerUpdate?: number } };
    const oneIteration = preset.algorithm === 'ppo' ? (preset.ppo?.stepsPerUpdate ?? 2048) : (preset.trpo?.batchSteps ?? 1024);
    const run = await recordRun({ ...preset, totalSteps: oneIteration, evalEvery: 0, finalEvalEpisodes: 1 });
    expect(run.summary).toMatchObject({ done: true, kind: 'expert', envSteps: oneIteration });
    expect(run.events.filter((e) => e.type === 'metrics')).toHaveLength(1);
  }, 120_000);
});
