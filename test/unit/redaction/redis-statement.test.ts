import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

// A Redis command's arguments are bare words, which masking keeps: a session id in a key
// (`GET sess:<id>`, connect-redis) or a password argument went out as it was.
function scrubbed(statement: string, system: Attributes = { 'db.system': 'redis' }): unknown {
  const attributes: Attributes = { ...system, 'db.statement': statement };
  createRedactor().attributes(attributes);
  return attributes['db.statement'];
}

describe('Redis statements', () => {
  it.each([
    ['GET sess:Jd8fK2lQx9', 'GET sess:[REDACTED]'],
    ['MGET session:a1 session:b2', 'MGET session:[REDACTED] session:[REDACTED]'],
    ['DEL myapp:sessions:9f8e7d', 'DEL myapp:sessions:[REDACTED]'],
    ['GET refresh_token:abcdef123456', 'GET refresh_token:[REDACTED]'],
    ['EXISTS reset-password:token:abc123', 'EXISTS reset-password:[REDACTED]'],
    ['GET apiKey:k_123', 'GET apiKey:[REDACTED]'],
    ['AUTH hunter2', 'AUTH [REDACTED]'],
    ['auth default hunter2', 'auth default [REDACTED]'],
    ['HELLO 3 AUTH default hunter2 SETNAME app', 'HELLO ? AUTH default [REDACTED] SETNAME app'],
    ['MIGRATE h 6379 k 0 5000 AUTH hunter2', 'MIGRATE h ? k ? ? AUTH [REDACTED]'],
    ['MIGRATE h 6379 k 0 5000 AUTH2 u hunter2', 'MIGRATE h ? k ? ? AUTH2 u [REDACTED]'],
    ['CONFIG SET requirepass hunter2 maxmemory 1gb', 'CONFIG SET requirepass [REDACTED] maxmemory 1gb'],
    ['ACL SETUSER alice on >hunter2 ~* +@all', 'ACL SETUSER alice on >[REDACTED] ~* +@all'],
  ])('%j', (statement, expected) => {
    expect(scrubbed(statement)).toBe(expected);
    expect(scrubbed(statement, { 'db.system.name': 'redis' })).toBe(expected);
  });

  it.each([
    // Namespaces that name no secret, and the id segment itself, are kept.
    ['HGETALL user:profile:abc', 'HGETALL user:profile:abc'],
    ['GET cache:page:/home', 'GET cache:page:/home'],
    ['GET tokens:count', 'GET tokens:count'],
    ['GET sess', 'GET sess'],
    ['GET session:', 'GET session:'],
    // The instrumentations' default serializer leaves AUTH's arguments out; its placeholder stays.
    ['AUTH [1 other arguments]', 'AUTH [? other arguments]'],
  ])('%j is kept', (statement, expected) => {
    expect(scrubbed(statement)).toBe(expected);
  });

  it('only for Redis: a SQL statement is masked as before', () => {
    expect(scrubbed("SELECT * FROM t WHERE k = 'sess:abc'", { 'db.system': 'postgresql' })).toBe(
      'SELECT * FROM t WHERE k = ?',
    );
  });
});
