// The layer order inside src/main/core (docs/architecture.md, "Layers inside
// the core"), as a lint rule: a folder imports only the folders it builds on,
// so the dependency graph has no cycles and each layer can be read, tested and
// replaced without the ones above it. Type-only imports count too: a type that
// two layers share belongs to the lower one.
import { dirname, relative, resolve, sep } from 'node:path';

const CORE = resolve(import.meta.dirname, '..', 'src', 'main', 'core');

/** Each folder of the core with the folders it may import (besides its own, the shared files at the top of core, and src/shared). */
export const CORE_LAYERS = {
  math: [],
  data: ['math'],
  sim: ['math'],
  learn: ['math', 'data', 'sim'],
  store: ['math', 'data'],
  runs: ['math', 'data', 'sim', 'learn', 'store'],
  views: ['math', 'data', 'sim', 'store'],
  queue: ['math', 'data', 'sim', 'learn', 'store', 'runs'],
};

/**
 * Where a file sits: a folder of CORE_LAYERS, 'service' (service.ts, the top,
 * which may import everything), 'base' (the other files at the top of core:
 * small Node helpers every layer may use, which import no layer), 'shell' (the
 * rest of src/main) or null (outside src/main).
 */
function placeOf(file) {
  const rel = relative(CORE, file);
  if (rel.startsWith(`..${sep}..${sep}`) || rel === `..${sep}..`) return null;
  if (rel.startsWith('..')) return 'shell';
  const parts = rel.split(sep);
  if (parts.length > 1) return parts[0];
  return parts[0].replace(/\.[cm]?[jt]s$/, '') === 'service' ? 'service' : 'base';
}

function problem(from, to) {
  if (from === to || to === null) return null;
  if (to === 'shell') return 'the core never imports a shell (src/main/index.ts, webServer.ts, cli/)';
  if (to === 'service') return 'only the shells import service.ts, the top of the core';
  if (from === 'service') return null;
  if (from === 'base') return to === 'base' ? null : `the files at the top of core are helpers every layer may use, so they import no layer (here: ${to}/)`;
  if (to === 'base') return null;
  const allowed = CORE_LAYERS[from];
  if (!allowed) return `${from}/ is not in the layer order: add it to CORE_LAYERS in lint/coreLayers.js`;
  if (!(to in CORE_LAYERS)) return `${to}/ is not in the layer order: add it to CORE_LAYERS in lint/coreLayers.js`;
  if (allowed.includes(to)) return null;
  return `${from}/ may import ${allowed.length ? allowed.map((l) => `${l}/`).join(', ') : 'no other layer'}, not ${to}/`;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Folders inside src/main/core import only the layers below them (docs/architecture.md).' },
    schema: [],
    messages: { layer: 'Layer order: {{reason}} (docs/architecture.md, "Layers inside the core").' },
  },
  create(context) {
    const from = placeOf(context.filename);
    if (from === null || from === 'shell') return {};
    const check = (node) => {
      const spec = node?.type === 'Literal' ? node.value : undefined;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const reason = problem(from, placeOf(resolve(dirname(context.filename), spec)));
      if (reason) context.report({ node, messageId: 'layer', data: { reason } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export const coreLayersPlugin = { rules: { 'core-layers': rule } };
