import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ExperimentBuilder from '../../src/renderer/src/components/form/ExperimentBuilder.svelte';
import SchemaForm from '../../src/renderer/src/components/form/SchemaForm.svelte';
import { pathName } from '../../src/renderer/src/components/form/schemaFields';
import type { Api } from '../../src/shared/api';
import { configJsonSchemas, type JsonSchema, type SweepPreview } from '../../src/shared/configSchemas';
import { ImlabError } from '../../src/shared/errors';
import { RUN_KINDS } from '../../src/shared/runConfigs';
import { sweepSpecSchema } from '../../src/shared/sweeps';
import { parseInput } from '../../src/shared/validate';
import hopper from '../../resources/presets/sweeps/Hopper-gail-paper.json';
import quick from '../../resources/presets/sweeps/InvertedPendulum-quick.json';

/** Every leaf field of a schema with its path, as the form names it. */
function leaves(s: JsonSchema, path: string[] = []): { path: string[]; schema: JsonSchema }[] {
  return Object.entries(s.properties ?? {}).flatMap(([k, child]) => {
    if (child.const !== undefined) return [];
    if (child.type === 'object' && child.properties) return leaves(child, [...path, k]);
    return [{ path: [...path, k], schema: child }];
  });
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200; i++) {
    flushSync();
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('schema-driven form', () => {
  let target: HTMLElement;
  afterEach(() => target?.remove());

  it.each(RUN_KINDS)('renders every field of a %s config with its description and default', (kind) => {
    target = document.body.appendChild(document.createElement('div'));
    const schema = configJsonSchemas().runs[kind];
    const c = mount(SchemaForm, { target, props: { schema, root: {}, errors: {}, onedit: () => {} } });
    const fields = leaves(schema);
    expect(fields.length).toBeGreaterThan(5);
    for (const f of fields) {
      const el = target.querySelector(`[data-field="${pathName(f.path)}"]`);
      expect(el, pathName(f.path)).not.toBeNull();
      expect(el!.querySelector('input, select, textarea'), pathName(f.path)).not.toBeNull();
      if (f.schema.description) expect(el!.querySelector('.description')?.textContent).toBe(f.schema.description);
      if (f.schema.default !== undefined) expect(el!.querySelector('.default')?.textContent, pathName(f.path)).toMatch(/^Default: /);
    }
    if (kind === 'gail') {
      const maxKl = target.querySelector('[data-field="trpo.maxKl"]')!;
      expect(maxKl.querySelector('.default')!.textContent).toBe('Default: 0.01.');
      expect(maxKl.querySelector('label')!.textContent).toContain('maxKl');
      expect(target.querySelector('[data-field="totalSteps"] .req')).not.toBeNull();
    }
    unmount(c);
  });

  it('builds a sweep from a preset and shows the backend\'s message on the field that is wrong', async () => {
    target = document.body.appendChild(document.createElement('div'));
    const asked: unknown[] = [];
    const queued: unknown[] = [];
    const api: Pick<Api, 'getConfigSchemas' | 'listSweepPresets' | 'previewSweep' | 'queueSweep'> = {
      getConfigSchemas: async () => configJsonSchemas(),
      listSweepPresets: async () => [
        { file: 'Hopper-gail-paper.json', name: hopper.name, spec: hopper },
        { file: 'InvertedPendulum-quick.json', name: quick.name, spec: quick },
      ],
      async previewSweep({ spec }) {
        asked.push(spec);
        // The backend's first step (the shared sweep schema), then its error for a bad GAIL setting, word for word.
        const s = parseInput(sweepSpecSchema, spec, 'sweep');
        const maxKl = (s.gail.trpo as { maxKl?: unknown } | undefined)?.maxKl;
        if (typeof maxKl === 'number' && maxKl <= 0) throw new ImlabError('invalid_input', 'sweep gail: trpo.maxKl: Too small: expected number to be >0', 'gail.trpo.maxKl');
        const runs = s.envs.length * (2 + s.methods.length * s.trajectories.length * s.seeds.length);
        return { name: s.name, runs: [], envSteps: runs, serialSeconds: 60, wallSeconds: 30, concurrency: 2, unestimated: 0, rates: [] } satisfies SweepPreview;
      },
      async queueSweep({ spec }) {
        queued.push(spec);
        return { sweepId: 7, runIds: [1, 2, 3] };
      },
    };
    let done: unknown;
    const c = mount(ExperimentBuilder, { target, props: { api, onqueued: (r: unknown) => (done = r) } });
    const field = (name: string) => target.querySelector(`[data-field="${name}"]`)!;
    await until(() => target.querySelector('[data-testid="sweep-preview"]') !== null, 'the first preview');
    expect((field('name').querySelector('input') as HTMLInputElement).value).toBe(quick.name);
    expect((field('seeds').querySelector('input') as HTMLInputElement).value).toBe('0, 1');
    expect(target.querySelector('[data-testid="grid-summary"]')!.textContent).toContain('= 6');

    const type = (name: string, text: string) => {
      const input = field(name).querySelector('input') as HTMLInputElement;
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    type('seeds', '0, x');
    await until(() => field('seeds').querySelector('.field-error') !== null, 'the seeds error');
    expect(field('seeds').querySelector('.field-error')!.textContent).toBe('sweep: seeds[1]: Invalid input: expected number, received string');
    expect((target.querySelector('button.primary') as HTMLButtonElement).disabled).toBe(true);
    type('seeds', '0, 1, 2');
    await until(() => field('seeds').querySelector('.field-error') === null, 'the seeds error to clear');
    expect(target.querySelector('[data-testid="grid-summary"]')!.textContent).toContain('= 8');

    type('gail.trpo.maxKl', '-2');
    await until(() => field('gail.trpo.maxKl').querySelector('.field-error') !== null, 'the maxKl error');
    expect(field('gail.trpo.maxKl').querySelector('.field-error')!.textContent).toBe('sweep gail: trpo.maxKl: Too small: expected number to be >0');
    expect((target.querySelector('[data-group="gail"]') as HTMLDetailsElement).open).toBe(true);
    expect(asked.at(-1)).toMatchObject({ gail: { trpo: { maxKl: -2 } } });
    type('gail.trpo.maxKl', '');
    await until(() => target.querySelector('.field-error') === null && !(target.querySelector('button.primary') as HTMLButtonElement).disabled, 'a valid sweep');
    expect(asked.at(-1)).toEqual({ ...quick, seeds: [0, 1, 2] });

    (target.querySelector('button.primary') as HTMLButtonElement).click();
    await until(() => done !== undefined, 'queued');
    expect(queued).toEqual([{ ...quick, seeds: [0, 1, 2] }]);
    expect(done).toEqual({ sweepId: 7, runIds: [1, 2, 3], name: quick.name });

    const preset = target.querySelector('#preset') as HTMLSelectElement;
    preset.value = 'Hopper-gail-paper.json';
    preset.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => (field('seeds').querySelector('input') as HTMLInputElement).value === '0, 1, 2, 3, 4', 'the Hopper preset');
    expect(target.querySelector('[data-testid="grid-summary"]')!.textContent).toContain('= 42');
    unmount(c);
  });
});
