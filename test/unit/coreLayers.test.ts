/**
 * The core's layer order bites: ESLint, with the project's config (what
 * `npm run lint` runs), refuses an import that goes up or across the order of
 * docs/architecture.md, in every form an import takes, and accepts the real
 * files that sit at the joints of the order.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'imlab/core-layers').map((m) => `${m.line}: ${m.message}`);
}

describe('core layer order (lint/coreLayers.js)', () => {
  it('refuses a store that imports runs, as a value, a type, a re-export or a dynamic import', async () => {
    const errors = await layerErrors(
      'src/main/core/store/crafted.ts',
      [
        "import { EXIT } from '../runs/processProtocol';",
        "import type { RunQueue } from '../queue/runQueue';",
        "export { runJob } from '../runs/runJob';",
        "export async function later() { return import('../learn/policy'); }",
        'export const x = EXIT;',
        'export type Q = RunQueue;',
      ].join('\n'),
    );
    expect(errors).toEqual([
      '1: Layer order: store/ may import math/, data/, not runs/ (docs/architecture.md, "Layers inside the core").',
      '2: Layer order: store/ may import math/, data/, not queue/ (docs/architecture.md, "Layers inside the core").',
      '3: Layer order: store/ may import math/, data/, not runs/ (docs/architecture.md, "Layers inside the core").',
      '4: Layer order: store/ may import math/, data/, not learn/ (docs/architecture.md, "Layers inside the core").',
    ]);
  }, 120_000);

  it('refuses the cycles it replaced and imports of the top, of shells and from the base files', async () => {
    expect(await layerErrors('src/main/core/data/crafted.ts', "export type { Store } from '../store/store';")).toEqual([
      expect.stringContaining('data/ may import math/, not store/'),
    ]);
    expect(await layerErrors('src/main/core/math/crafted.ts', "export { SimModel } from '../sim/simModel';")).toEqual([expect.stringContaining('math/ may import no other layer, not sim/')]);
    expect(await layerErrors('src/main/core/queue/slurm/crafted.ts', "export { startCoordinator } from '../../service';")).toEqual([expect.stringContaining('only the shells import service.ts')]);
    expect(await layerErrors('src/main/core/runs/crafted.ts', "export { startWebServer } from '../../webServer';")).toEqual([expect.stringContaining('the core never imports a shell')]);
    expect(await layerErrors('src/main/core/crafted.ts', "export { Store } from './store/store';")).toEqual([expect.stringContaining('import no layer (here: store/)')]);
    expect(await layerErrors('src/main/core/newLayer/crafted.ts', "export { Rng } from '../math/rng';")).toEqual([expect.stringContaining('newLayer/ is not in the layer order')]);
  }, 120_000);

  it('accepts imports down the order, within a folder, of the base files and of src/shared', async () => {
    const ok = [
      "import { Rng } from '../math/rng';",
      "import type { Store } from '../store/store';",
      "import { dataHome } from '../home';",
      "import { ImlabError } from '../../../shared/errors';",
      "import { FILES } from './storage';",
      'export const all = [Rng, dataHome, ImlabError, FILES];',
      'export type S = Store;',
    ].join('\n');
    expect(await layerErrors('src/main/core/runs/crafted.ts', ok)).toEqual([]);
    const [store, queue, service] = await eslint.lintFiles(['src/main/core/store/store.ts', 'src/main/core/queue/runQueue.ts', 'src/main/core/service.ts']);
    for (const r of [store, queue, service]) expect(r.messages).toEqual([]);
  }, 120_000);
});
