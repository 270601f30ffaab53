import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { writeGlyphs } from '../scripts/build-glyphs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'dist');

/** Writes the label glyphs into dist/fonts and a .br and .gz beside every text asset, so the server sends bytes it never compresses per request. */
function glyphsAndCompression(): Plugin {
  return {
    name: 'bando-glyphs-and-compression',
    apply: 'build',
    closeBundle() {
      writeGlyphs(outDir, path.resolve(here, '..'));
      const walk = (dir: string): string[] =>
        fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|json|svg|webmanifest)$/.test(file)) continue;
        const bytes = fs.readFileSync(file);
        if (bytes.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

/** Puts the hashed app-shell files into the service worker, so it precaches exactly this build. */
function precacheManifest(): Plugin {
  return {
    name: 'bando-precache-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const sw = Object.values(bundle).find((f) => f.type === 'chunk' && f.fileName === 'sw.js');
      if (!sw || sw.type !== 'chunk') return;
      const lazy = new Set<string>();
      for (const f of Object.values(bundle)) if (f.type === 'chunk' && f.isDynamicEntry) lazy.add(f.fileName);
      const shell = Object.values(bundle)
        .map((f) => f.fileName)
        .filter((name) => name !== 'sw.js' && !lazy.has(name) && /\.(js|mjs|css)$/.test(name));
      if (!sw.code.includes('__PRECACHE_LIST__')) this.error('sw.js lost its __PRECACHE_LIST__ token');
      sw.code = sw.code.replace('__PRECACHE_LIST__', shell.map((n) => `/${n}`).join(','));
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: path.join(here, 'public'),
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { main: path.join(here, 'index.html'), sw: path.join(here, 'src/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  plugins: [precacheManifest(), glyphsAndCompression()],
});
