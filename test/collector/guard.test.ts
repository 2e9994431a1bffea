import { describe, expect, it } from 'vitest';
import { allowedHostnames, guard, isLoopbackBind, urlHost, type GuardPolicy } from '../../lib/collector/guard';
import { nestsDeeperThan } from '../../lib/collector/limits';

const policy: GuardPolicy = { port: 4318, hostnames: allowedHostnames('127.0.0.1', [], () => []), token: null, ingestHeaders: ['Content-Type'] };
const verdict = (path: string, headers: Record<string, string>, method = 'GET') => guard({ method, path, headers: { host: '127.0.0.1:4318', ...headers } }, policy);

describe('collector guard (pure)', () => {
  it('sorts paths: control, ingestion (with CORS), preflight, and anything else without CORS', () => {
    expect(verdict('/__collector/events', {}).kind).toBe('control');
    expect(verdict('/__collector', {}).kind).toBe('control');
    // Not a control path, whatever it starts with: no CORS, and the routes answer 404.
    expect(verdict('/__collectorx/events', { origin: 'http://a.test' })).toEqual({ kind: 'ingest', headers: {} });
    expect(verdict('/api/events/bulk', { origin: 'http://a.test' }, 'POST')).toEqual({ kind: 'ingest', headers: { 'Access-Control-Allow-Origin': '*' } });
    expect(verdict('/api/events/bulk', { origin: 'http://a.test' }, 'OPTIONS').kind).toBe('preflight');
  });

  it('reads a Host with or without a port (80 when absent) and IPv6 in brackets', () => {
    const at80: GuardPolicy = { ...policy, port: 80 };
    expect(guard({ method: 'GET', path: '/__collector/events', headers: { host: 'localhost' } }, at80).kind).toBe('control');
    expect(guard({ method: 'GET', path: '/__collector/events', headers: { host: '[::1]:80' } }, at80).kind).toBe('control');
    expect(guard({ method: 'GET', path: '/__collector/events', headers: { host: '[::1' } }, at80).kind).toBe('refuse');
    expect(guard({ method: 'GET', path: '/__collector/events', headers: {} }, at80).kind).toBe('refuse');
  });

  it('knows loopback binds and the names each bind answers to', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackBind)).toBe(true);
    expect(['0.0.0.0', '::', '192.0.2.1', 'example.test'].some(isLoopbackBind)).toBe(false);
    expect([...allowedHostnames('0.0.0.0', ['CI.Test'], () => ['127.0.0.1', '192.0.2.1', 'fe80::1'])].sort()).toEqual(['127.0.0.1', '192.0.2.1', '[::1]', '[fe80::1]', 'ci.test', 'localhost']);
    expect([...allowedHostnames('192.0.2.9', [], () => ['192.0.2.1'])].sort()).toEqual(['127.0.0.1', '192.0.2.9', '[::1]', 'localhost']);
    expect([urlHost('0.0.0.0'), urlHost('::'), urlHost('::1'), urlHost('192.0.2.9')]).toEqual(['127.0.0.1', '127.0.0.1', '[::1]', '192.0.2.9']);
  });
});

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or after escapes', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[{{{{\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('[[],[],[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[],[],[[[]]]]', 3)).toBe(true);
  });
});
