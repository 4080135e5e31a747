import { withSpan } from '@acme/otel';
import pg from 'pg';

/** @typedef {{ id: string, name: string, email: string, tier: string }} User */
/** @typedef {{ init(): Promise<void>, findUser(id: string): Promise<User | undefined>, close(): Promise<void> }} UserStore */

// A table name of its own so the example can share a database with other applications.
const TABLE = 'acme_example_users';
const SELECT_USER = `SELECT id, name, email, tier FROM ${TABLE} WHERE id = $1`;

/** @type {User[]} */
export const SEED_USERS = [
  { id: 'user-1', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
  { id: 'user-2', name: 'Alan Turing', email: 'alan@example.com', tier: 'standard' },
  { id: 'user-3', name: 'Grace Hopper', email: 'grace@example.com', tier: 'standard' },
];

/**
 * PostgreSQL store. The pg instrumentation adds its own `pg.query` span under our `db.query`
 * span; ours carries the business view (which user, which table).
 * @param {string} databaseUrl
 * @param {{ timeoutMs?: number, logger?: { warn(message: string): unknown } }} [options] `timeoutMs`
 *   bounds getting a connection and each query; `logger` hears of idle connections the server ended
 * @returns {UserStore}
 */
export function createPgUserStore(databaseUrl, { timeoutMs = 5000, logger } = {}) {
  // pg waits forever by default, for a connection (a database that accepts TCP but does not answer,
  // or all `max` clients busy) and for a query: the request, its span and, at shutdown, pool.end()
  // would wait with it.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
  });
  // When the server ends an idle pooled connection (a restart, a failover, an idle timeout), the
  // pool drops the client and emits 'error'; without a listener that is an uncaught exception and
  // the service dies. The next query simply opens a new connection.
  pool.on('error', (error) => {
    logger?.warn(`PostgreSQL connection lost while idle: ${error.message}`);
  });
  return {
    init() {
      // One startup trace for the schema work instead of a root span per statement.
      return withSpan('migrate_users_table', async () => {
        await pool.query(
          `CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY, name text NOT NULL, email text NOT NULL, tier text NOT NULL)`,
        );
        for (const user of SEED_USERS) {
          await pool.query(
            `INSERT INTO ${TABLE} (id, name, email, tier) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
            [user.id, user.name, user.email, user.tier],
          );
        }
      });
    },
    findUser(id) {
      return withSpan(
        'db.query',
        async () => {
          const { rows } = await pool.query(SELECT_USER, [id]);
          return rows[0];
        },
        {
          attributes: {
            'db.system': 'postgresql',
            'db.operation': 'SELECT',
            'db.sql.table': TABLE,
            'db.statement': SELECT_USER,
            'user.id': id,
          },
        },
      );
    },
    close: () => pool.end(),
  };
}

/**
 * Embedded stand-in used when DATABASE_URL is unset: same interface, same `db.query` span,
 * `db.system=in-memory` so nobody mistakes it for the real thing.
 * @returns {UserStore}
 */
export function createMemoryUserStore() {
  const users = new Map(SEED_USERS.map((user) => [user.id, user]));
  return {
    init: async () => {},
    findUser(id) {
      return withSpan('db.query', async () => users.get(id), {
        attributes: {
          'db.system': 'in-memory',
          'db.operation': 'SELECT',
          'db.sql.table': TABLE,
          'user.id': id,
        },
      });
    },
    close: async () => {},
  };
}
