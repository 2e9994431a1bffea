import { describe, expect, it } from 'vitest';
import { cliOptions } from '../../lib/collector/cli-options';

describe('collector CLI options', () => {
  it('defaults to 127.0.0.1:4318, no token, no extra host names', () => {
    expect(cliOptions([], {})).toEqual({ port: 4318, host: '127.0.0.1', dataFile: '.collector/events.ndjson', allowedHosts: [], help: false });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { COLLECTOR_PORT: '5000', COLLECTOR_HOST: '0.0.0.0', COLLECTOR_DATA: 'env.ndjson', COLLECTOR_TOKEN: 'token-from-the-environment', COLLECTOR_ALLOW_HOSTS: 'a.test, b.test', COLLECTOR_MAX_EVENTS: '900' };
    expect(cliOptions([], env)).toEqual({ port: 5000, host: '0.0.0.0', dataFile: 'env.ndjson', token: 'token-from-the-environment', allowedHosts: ['a.test', 'b.test'], maxEvents: 900, help: false });
    expect(cliOptions(['--port', '6000', '--host', '192.0.2.7', '--data', 'flag.ndjson', '--token', 'token-from-the-flags', '--allow-host', 'c.test', '--allow-host', 'd.test', '--max-events', '7'], env)).toEqual({
      port: 6000, host: '192.0.2.7', dataFile: 'flag.ndjson', token: 'token-from-the-flags', allowedHosts: ['c.test', 'd.test'], maxEvents: 7, help: false,
    });
  });

  it('refuses values it cannot use, with a message naming the flag', () => {
    expect(() => cliOptions(['--port', 'abc'], {})).toThrow(/--port must be a whole number/);
    expect(() => cliOptions(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => cliOptions([], { COLLECTOR_MAX_EVENTS: '0' })).toThrow(/--max-events/);
    expect(() => cliOptions(['--token', 'short'], {})).toThrow(/at least 16/);
    expect(() => cliOptions(['--bogus'], {})).toThrow(/bogus/);
  });
});
