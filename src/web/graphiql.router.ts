/**
 * GraphiQL for browsers at the GraphQL endpoint (development only: the caller mounts it or not).
 *
 * `GET <endpointPath>` from a browser (it prefers text/html) gets a small HTML page; its script,
 * stylesheet and Monaco workers are built from npm packages (web-assets.ts) and served here under
 * `<assetsPath>/<fingerprint>/`, so the page works with no network but this server. Everything else
 * (POST, GET asking for JSON, WebSocket upgrades, which never reach Express) falls through to Apollo.
 */
import express, { Router, type Request, type RequestHandler } from 'express';
import { ensureGraphiqlAssets, graphiqlFingerprint, projectRoot } from './web-assets';

export interface GraphiqlRouterOptions {
  /** Where GraphQL is served (HTTP and graphql-ws), e.g. '/graphql'. */
  endpointPath: string;
  /** URL prefix of the built assets; default '/graphiql/assets'. */
  assetsPath?: string;
}

/** The page may load only what this server serves; 'self' also covers ws(s):// to this host. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  // React and Monaco set inline styles; GraphiQL's own fonts are data: URLs.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A browser navigating here, not a GraphQL client: Apollo answers the latter. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function pageHtml(endpointPath: string, assetsUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GraphiQL · Payment gateway</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${escapeAttr(assetsUrl)}/graphiql.css">
  <script defer src="${escapeAttr(assetsUrl)}/graphiql.js"></script>
</head>
<body>
  <div id="graphiql" data-endpoint="${escapeAttr(endpointPath)}" data-assets="${escapeAttr(assetsUrl)}">Loading GraphiQL…</div>
  <noscript>GraphiQL needs JavaScript. GraphQL itself answers POST ${escapeAttr(endpointPath)}.</noscript>
</body>
</html>
`;
}

export function createGraphiqlRouter(options: GraphiqlRouterOptions): Router {
  const { endpointPath } = options;
  const assetsPath = options.assetsPath ?? '/graphiql/assets';
  const root = projectRoot();
  // Fixed at start: the page and its assets always come from the same build.
  const fingerprint = graphiqlFingerprint(root);
  const assetsUrl = `${assetsPath}/${fingerprint}`;
  const router = Router();

  router.get(endpointPath, (req, res, next) => {
    if (!wantsHtml(req)) return next();
    // Start building now (first use after a fresh checkout), so the script is ready sooner.
    ensureGraphiqlAssets(root, fingerprint).catch(() => undefined);
    res.vary('Accept');
    res.set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.type('html').send(pageHtml(endpointPath, assetsUrl));
  });

  let serveStatic: RequestHandler | undefined;
  router.use(assetsUrl, async (req, res, next) => {
    try {
      if (!serveStatic) {
        const { dir } = await ensureGraphiqlAssets(root, fingerprint);
        // The URL carries the fingerprint, so a file never changes under it: cache for good.
        serveStatic = express.static(dir, { immutable: true, maxAge: '365d', index: false, fallthrough: true });
      }
      serveStatic(req, res, next);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
