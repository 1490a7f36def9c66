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
    // An ARS iteration is 2N whole episodes, whatever the budget: a budget of 1 step is one iteration.
    const budget = preset.algorithm === 'ars' ? 1 : preset.algorithm === 'ppo' ? (preset.ppo?.stepsPerUpdate ?? 2048) : (preset.trpo?.batchSteps ?? 1024);
    const run = await recordRun({ ...preset, totalSteps: budget, evalEvery: 0, finalEvalEpisodes: 1 });
    const rows = run.events.flatMap((e) => (e.type === 'metrics' ? [e] : []));
    expect(rows).toHaveLength(1);
    expect(run.summary).toMatchObject({ done: true, kind: 'expert', envSteps: preset.algorithm === 'ars' ? rows[0].values.iterationSteps : budget });
  }, 120_000);
});
