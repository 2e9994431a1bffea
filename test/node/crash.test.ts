import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { runNode } from './child';

const script = new URL('./fixtures/crash.ts', import.meta.url).pathname;
let collector: Collector;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

const crash = (mode: string, nodeArgs: string[] = []) => runNode([...nodeArgs, '--import', 'tsx', script, mode], { env: { HOST: collector.url }, timeoutMs: 30_000 });
const received = () => collector.events().map((e) => e.event);

// Each test starts a Node process (tsx compiles on start): slow on a loaded machine.
const slow = 60_000;

describe('server_error from a crashing process', () => {
  it('an uncaught exception: server_error delivered, the stack on stderr, exit code 1', async () => {
    const child = await crash('throw');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('Error: boom from the handler');
    expect(child.stderr).toMatch(/at .*crash\.ts/);
    const error = received().find((e) => e.event_name === 'server_error');
    expect(error).toMatchObject({
      event_type: 'auto', user_id: 'server_global',
      custom_properties: { error_type: 'Error', error_message: 'boom from the handler', runtime: 'nodejs', severity: 'critical', stack_trace: expect.stringContaining('crash.ts') },
    });
    expect(received().map((e) => e.event_name)).toContain('before_crash');
  }, slow);

  it('an unhandled rejection under the default mode: delivered, then exit code 1 as Node would', async () => {
    const child = await crash('reject');
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('RangeError: rejected and never caught');
    expect(received().find((e) => e.event_name === 'server_error')).toMatchObject({ custom_properties: { error_type: 'RangeError', mechanism: 'unhandledRejection' } });
  }, slow);

  it('an unhandled rejection under --unhandled-rejections=warn: delivered, Node warns, the process carries on and exits 0', async () => {
    const child = await crash('reject', ['--unhandled-rejections=warn']);
    expect(child.code).toBe(0);
    expect(child.stderr).toContain('rejected and never caught');
    expect(child.stderr).toMatch(/Warning/);
    expect(received().find((e) => e.event_name === 'server_error')).toMatchObject({ custom_properties: { error_type: 'RangeError', severity: 'error' } });
    // The process went on: its later event was delivered at exit (beforeExit).
    expect(received().map((e) => e.event_name)).toContain('still_running');
  }, slow);

  it('a burst of the same error is rate limited', async () => {
    const child = await crash('burst', ['--unhandled-rejections=warn']);
    expect(child.code).toBe(0);
    expect(received().filter((e) => e.event_name === 'server_error').length).toBe(5);
  }, slow);

  it('a normal exit with events queued: the unref\'d timer does not hold the process, beforeExit delivers them', async () => {
    const child = await crash('exit');
    expect(child.code).toBe(0);
    expect(child.stderr).toBe('');
    expect(received().map((e) => e.event_name).sort()).toEqual(['before_crash', 'queued_at_exit']);
    // Well before the 60 s flush timer.
    expect(child.ms).toBeLessThan(20_000);
  }, slow);
});
