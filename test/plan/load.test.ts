import { describe, expect, it } from 'vitest';
import { PLAN_LIMITS, loadPlanText, loadPlanValue } from '../../lib/plan/load';
import { ACME } from './fixtures';

describe('loading a plan', () => {
  it('loads the example plan and keeps it as written', () => {
    const load = loadPlanText(JSON.stringify(ACME, null, 2));
    expect(load).toEqual({ ok: true, plan: ACME });
  });

  it('turns a numeric version into a string', () => {
    const load = loadPlanValue({ name: 'n', version: 7, events: {} });
    expect(load.ok && load.plan.version).toBe('7');
  });

  it('names the line and column of a syntax error', () => {
    const text = '{\n  "name": "Acme",\n  "version": "1"\n  "events": {}\n}';
    const load = loadPlanText(text);
    expect(load).toMatchObject({ ok: false, line: 4, column: 3 });
    expect(!load.ok && load.error).toBe("The plan is not JSON: line 4, column 3: expected ',' or '}', found '\"'.");
  });

  it('finds syntax errors deep inside, and at the end of the text', () => {
    expect(loadPlanText('{"a": [1, 2,, 3]}')).toMatchObject({ ok: false, line: 1, column: 13 });
    expect(loadPlanText('{"a": "open')).toMatchObject({ ok: false, error: expect.stringContaining('unterminated string') });
    expect(loadPlanText('{} x')).toMatchObject({ ok: false, error: expect.stringContaining("unexpected 'x' after the end") });
  });

  it('names the JSON path of a wrong field', () => {
    const bad = { ...ACME, events: { ...ACME.events, checkout_completed: { ...ACME.events.checkout_completed, source: 'web' } } };
    expect(loadPlanValue(bad)).toEqual({
      ok: false,
      path: '$.events.checkout_completed.source',
      error: 'The plan is not valid at $.events.checkout_completed.source: expected one of "browser", "server", "any", got "web".',
    });
  });

  it('names a missing field, an unknown field and a wrong property schema', () => {
    expect(loadPlanValue({ name: 'x', events: {} })).toMatchObject({ ok: false, path: '$.version', error: expect.stringContaining('this field is required') });
    expect(loadPlanValue({ name: 'x', version: '1', events: { a: { propreties: {} } } })).toMatchObject({ ok: false, path: '$.events.a.propreties' });
    expect(loadPlanValue({ name: 'x', version: '1', events: { a: { properties: { n: { type: 'float' } } } } })).toMatchObject({ ok: false, path: '$.events.a.properties.n.type' });
    expect(loadPlanValue({ name: 'x', version: '1', events: { 'two words': { required: 'amount' } } })).toMatchObject({ ok: false, path: '$.events["two words"].required' });
  });

  it('refuses a pattern that is not a regular expression, naming it', () => {
    const load = loadPlanValue({ name: 'x', version: '1', events: { a: { properties: { code: { type: 'string', pattern: '([a-z' } } } } });
    expect(load).toMatchObject({ ok: false, path: '$.events.a.properties.code.pattern' });
    expect(!load.ok && load.error).toContain('"([a-z" is not a regular expression');
  });

  it('loads a plan of 5 000 events and refuses 5 001', () => {
    const events = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`event_${i}`, { properties: { n: { type: 'integer' } } }]));
    expect(loadPlanValue({ name: 'big', version: '1', events: events(PLAN_LIMITS.events) }).ok).toBe(true);
    expect(loadPlanValue({ name: 'big', version: '1', events: events(PLAN_LIMITS.events + 1) })).toEqual({
      ok: false,
      path: '$.events',
      error: 'The plan has 5001 events; at most 5000 are loaded.',
    });
  });

  it('refuses a plan over 1 MB before parsing it', () => {
    const text = JSON.stringify({ name: 'x', version: '1', description: 'd'.repeat(PLAN_LIMITS.bytes), events: {} });
    const load = loadPlanText(text);
    expect(load).toMatchObject({ ok: false });
    expect(!load.ok && load.error).toBe('The plan is 1025 KB; at most 1024 KB (1 MB) is loaded.');
    const justUnder = JSON.stringify({ name: 'x', version: '1', description: 'd'.repeat(PLAN_LIMITS.bytes - 100), events: {} });
    expect(loadPlanText(justUnder).ok).toBe(true);
  });
});
