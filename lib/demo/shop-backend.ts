import type { IncomingMessage } from 'node:http';
import type { TrodoClient } from '../node/client';
import type { SiteRoutes } from './site-server';

/**
 * The demo shop's backend: its checkout tracks `checkout_completed` server-side, for the
 * browser session that called it (`forRequest` reads the page's propagation headers).
 */
export function shopBackend(trodo: TrodoClient): SiteRoutes {
  return {
    'POST /api/checkout': async (req, res) => {
      const seats = Math.max(1, Number((await json(req)).seats) || 1);
      const user = trodo.forRequest(req);
      if (user.error) return void res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: user.error }));
      const result = await user.track('checkout_completed', { amount_cents: 2900 * seats, seats }, { category: 'billing' });
      res.writeHead(result.success ? 200 : 502, { 'Content-Type': 'application/json' }).end(JSON.stringify(result));
    },
  };
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
