#!/usr/bin/env node
// A zero-dependency static server for the demo page (Node 20+), bound to 127.0.0.1 only.
//
//   node scripts/serve.mjs [--port 8080] [--root www] [--mount /pkg=pkg]... [--quiet]
//
// Serves --root at "/" and every --mount PREFIX=DIR at PREFIX/ (defaults: /pkg=pkg, so the page
// can `import init from '/pkg/insightflow.js'`, and /vendor/echarts=node_modules/echarts/dist,
// so the demo draws its charts with ECharts from this origin, never a CDN). Default directories are relative to the
// repository; directories given on the command line are relative to the current directory.
// Every response carries `Cache-Control: no-cache` (always revalidated, so a rebuilt pkg/ is
// picked up on reload). Paths containing `..` (raw or percent-encoded) are refused with 403.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', // .d.ts files: shown as text, never executed
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.parquet': 'application/vnd.apache.parquet',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.feather': 'application/vnd.apache.arrow.file',
  '.arrows': 'application/vnd.apache.arrow.stream',
};

const USAGE = `usage: node scripts/serve.mjs [--port 8080] [--root www] [--mount /pkg=pkg]... [--quiet]

  --port N            port on 127.0.0.1 (default 8080; 0 picks a free one)
  --root DIR          directory served at / (default: the repository's www/)
  --mount PREFIX=DIR  also serve DIR under PREFIX/ (repeatable; defaults /pkg=<repo>/pkg and
                      /vendor/echarts=<repo>/node_modules/echarts/dist)
  --quiet             do not log requests
`;

function fail(msg) {
  process.stderr.write(`serve: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const mounts = new Map([
    ['/pkg', path.join(REPO, 'pkg')],
    ['/vendor/echarts', path.join(REPO, 'node_modules/echarts/dist')],
  ]);
  const opts = { port: 8080, root: path.join(REPO, 'www'), mounts, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0 && arg !== '--mount') {
      // --port=8080 style; note --mount=/pkg=pkg splits at the first '='.
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n\n${USAGE}`);
      return argv[++i];
    };
    switch (arg) {
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      case '-p':
      case '--port': {
        const v = next();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535) fail(`--port must be a number from 0 to 65535, got "${v}"`);
        opts.port = port;
        break;
      }
      case '--root':
        opts.root = path.resolve(next());
        break;
      case '--mount': {
        const v = next();
        const at = v.indexOf('=');
        if (at <= 0 || at === v.length - 1) fail(`--mount expects PREFIX=DIR (e.g. /pkg=pkg), got "${v}"`);
        let prefix = v.slice(0, at).replace(/\/+$/, '');
        if (!prefix.startsWith('/')) prefix = '/' + prefix;
        if (prefix === '/' || prefix.split('/').some((s) => s === '..' || s === '.')) fail(`bad mount prefix "${v.slice(0, at)}"`);
        opts.mounts.set(prefix, path.resolve(v.slice(at + 1)));
        break;
      }
      case '-q':
      case '--quiet':
        opts.quiet = true;
        break;
      default:
        fail(`unknown argument "${argv[i]}"\n\n${USAGE}`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
// Longest prefix first, so /pkg/sub=... wins over /pkg=...
const mounts = [...opts.mounts].sort((a, b) => b[0].length - a[0].length);

/**
 * Decodes a URL path once (the path served). Returns undefined when the encoding is malformed
 * and null when the raw path or any decoding of it (%2e%2e, %252e%252e, ...) holds a `..`
 * segment, a backslash or a NUL.
 */
function decodePath(raw) {
  let once;
  try {
    once = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  let p = raw;
  for (let round = 0; round < 4; round++) {
    if (hasTraversal(p)) return null;
    let d;
    try {
      d = decodeURIComponent(p);
    } catch {
      break;
    }
    if (d === p) break;
    p = d;
  }
  return hasTraversal(p) ? null : once;
}

function hasTraversal(p) {
  return p.includes('\0') || p.includes('\\') || p.split('/').some((seg) => seg === '..');
}

/** Maps a decoded URL path to [baseDir, relativePath], or null when nothing serves it. */
function resolveTarget(urlPath) {
  for (const [prefix, dir] of mounts) {
    if (urlPath === prefix || urlPath.startsWith(prefix + '/')) return [dir, urlPath.slice(prefix.length)];
  }
  return [opts.root, urlPath];
}

function send(req, res, status, body, extra = {}) {
  const text = body + '\n';
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const url = req.url || '/';
  if (!url.startsWith('/')) return send(req, res, 400, 'bad request');
  const q = url.search(/[?#]/);
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);

  const decoded = decodePath(rawPath);
  if (decoded === undefined) return send(req, res, 400, 'bad request: malformed URL encoding');
  if (decoded === null) return send(req, res, 403, 'forbidden');

  const [base, rel] = resolveTarget(decoded);
  let file = path.join(base, rel);
  // Belt and braces: the joined path must stay inside its base directory.
  const inside = path.relative(base, file);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return send(req, res, 403, 'forbidden');

  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      if (!decoded.endsWith('/')) return send(req, res, 301, 'moved', { Location: rawPath + '/' + query });
      file = path.join(file, 'index.html');
      info = await stat(file);
    }
  } catch {
    return send(req, res, 404, `not found: ${decoded}`);
  }
  if (!info.isFile()) return send(req, res, 404, `not found: ${decoded}`);

  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    'Content-Type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return res.end();
  }
  headers['Content-Length'] = info.size;
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    return res.end();
  }
  const stream = createReadStream(file);
  stream.on('open', () => {
    res.writeHead(200, headers);
    stream.pipe(res);
  });
  stream.on('error', () => {
    if (!res.headersSent) send(req, res, 404, `not found: ${decoded}`);
    else res.destroy();
  });
  res.on('close', () => stream.destroy());
}

const server = createServer((req, res) => {
  if (!opts.quiet) {
    res.on('finish', () => process.stdout.write(`${req.method} ${req.url} ${res.statusCode}\n`));
  }
  handle(req, res).catch((e) => {
    process.stderr.write(`serve: ${e?.stack || e}\n`);
    if (!res.headersSent) send(req, res, 500, 'internal error');
    else res.destroy();
  });
});

server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') fail(`port ${opts.port} on ${HOST} is already in use; stop the other server or pick another port with --port N`);
  if (e.code === 'EACCES') fail(`not allowed to listen on port ${opts.port}; pick a port above 1024 with --port N`);
  fail(e.message);
});

server.listen(opts.port, HOST, () => {
  const { port } = server.address();
  for (const [p, d] of [['', opts.root], ...mounts]) process.stdout.write(`  ${p}/ -> ${d}\n`);
  process.stdout.write(`serving http://${HOST}:${port}/\n`);
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) process.exit(1); // a second Ctrl-C forces it
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
