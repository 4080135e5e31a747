import express from 'express';

const ID = /^\w[\w.:@-]{0,127}$/;

/**
 * @param {{ users: ReturnType<typeof import('./users.mjs').createUserService>, logger: import('winston').Logger }} deps
 */
export function createApp({ users, logger }) {
  const app = express();
  // `X-Powered-By: Express` tells every scanner which framework (and so which advisories) to try.
  app.disable('x-powered-by');

  // Not traced: the library ignores /health by default.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/users/:id', async (req, res) => {
    // The id goes into the query, span attributes, log lines and a cache key: bounded.
    if (!ID.test(req.params.id)) {
      res.status(400).json({
        error: 'a user id is 1-128 letters, digits and _ . : @ -, starting with a letter, digit or _',
      });
      return;
    }
    try {
      const user = await users.getUser(req.params.id);
      if (user) res.json(user);
      else res.status(404).json({ error: 'User not found' });
    } catch (error) {
      logger.error('user lookup failed', { error: error instanceof Error ? error.message : String(error) });
      res.status(500).json({ error: 'Internal error' });
    }
  });

  return app;
}
