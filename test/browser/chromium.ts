/**
 * Test helpers: a static file server that sends the cross-origin isolation headers (COOP/COEP), and
 * Debian's Chromium driven by playwright-core (no browser download; CHROMIUM overrides the path).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.gz': 'application/gzip',
};

/** Serves `dir` on a free localhost port; `isolate` adds COOP/COEP (crossOriginIsolated pages). */
export async function serve(dir: string, { isolate = true } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (isolate) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    // closeAllConnections: a page still open keeps keep-alive sockets that would hold close() forever.
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Opens `url`, collecting console errors and uncaught page errors into `errors`. */
export async function open(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return page;
}

/** A temp folder whose node_modules/neocog links to this checkout, as npm would install the package. */
export function pageWorkspace(prefix: string): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(new URL('../..', import.meta.url).pathname, join(work, 'node_modules', 'neocog'), 'dir');
  return work;
}

/** Serves `dir`, opens it, and returns the page's `window.__result` plus the console errors it logged. */
export async function runPage(browser: Browser, dir: string, { isolate = true } = {}): Promise<Record<string, unknown>> {
  const server = await serve(dir, { isolate });
  const errors: string[] = [];
  try {
    const page = await open(browser, server.url, errors);
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
    await page.close();
    return { ...result, errors };
  } finally {
    await server.close();
  }
}
