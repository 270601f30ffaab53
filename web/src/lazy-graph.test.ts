import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The parts of the app loaded on first use (`import('./x.ts')`: the editor, the print dialog, the
// import form, a farmer's list…) stay out of the page's first script only while no module the page
// loads at once imports them, or anything only they need, by a plain `import`. One such line puts
// the whole part back into the first download of every phone. This reads the import lines of the
// sources as the bundler does and names what the page would load at once that was meant for later.

const SRC = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(SRC, '../..');

/**
 * The value imports of a module (`import type` and `export type` bring no code): our files by path,
 * packages by name; and its `import()`s.
 */
function importsOf(file: string): { eager: string[]; lazy: string[] } {
  const code = fs.readFileSync(file, 'utf8');
  const eager: string[] = [];
  for (const m of code.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gms)) eager.push(m[1]!);
  const lazy = [...code.matchAll(/\bimport\('([^']+)'\)/g)].map((m) => m[1]!);
  const resolve = (spec: string) => (spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec);
  return { eager: eager.map(resolve), lazy: lazy.filter((s) => s.startsWith('.')).map(resolve) };
}

/** Every module the page loads at once from its entry, through plain imports (packages by name, not followed). */
function eagerFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.ts')) stack.push(...importsOf(file).eager);
  }
  return seen;
}

/** The modules the app loads on first use: every `import()` target of its (non-test) sources. */
function lazyParts(): Set<string> {
  const parts = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) for (const p of importsOf(file).lazy) parts.add(p);
    }
  };
  walk(SRC);
  return parts;
}

describe('the page’s first script', () => {
  const eager = eagerFrom(path.join(SRC, 'main.ts'));
  const rel = (f: string) => path.relative(ROOT, f);

  it('is read from the sources (the page’s own modules are found)', () => {
    expect(eager.has(path.join(SRC, 'map/create-map.ts'))).toBe(true);
    expect(lazyParts().size).toBeGreaterThan(5);
  });

  it('holds none of the parts loaded on first use, nor the heavy things only they need', () => {
    expect([...lazyParts()].filter((p) => eager.has(p)).map(rel)).toEqual([]);
    // The drawing library and turf are the editor's; the import form's rules (25 KB) its own: the Tools
    // tab needs only who may import (io/import-collections.ts).
    const heavy = ['terra-draw', 'terra-draw-maplibre-gl-adapter', '@turf/turf', path.join(SRC, 'io/import-logic.ts')];
    expect(heavy.filter((m) => eager.has(m)).map((m) => (m.startsWith('/') ? rel(m) : m))).toEqual([]);
  });
});
