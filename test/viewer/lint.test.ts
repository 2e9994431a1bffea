import { describe, expect, it } from 'vitest';
import { lintByName, lintEvent, splitWords } from '../../lib/viewer/lint';
import { makeEvent, makeRecord } from '../helpers';

const record = (name: string, properties: Record<string, unknown> = {}, extra = {}) =>
  makeRecord(makeEvent({ name, properties: properties as never, ...extra }));
const rules = (name: string, properties?: Record<string, unknown>, extra?: object) => lintEvent(record(name, properties, extra)).map((w) => w.rule);

describe('lintEvent', () => {
  it('accepts snake_case, verb-bearing names with bounded values', () => {
    expect(rules('signup_completed', { plan: 'pro', seats: 3 })).toEqual([]);
    expect(rules('agent_run_started')).toEqual([]);
  });

  it('flags Trodo’s "avoid" examples', () => {
    expect(rules('click')).toEqual(['generic-name']);
    expect(rules('Event')).toEqual(['snake-case', 'generic-name']);
    const camel = lintEvent(record('agentRunCompleted'));
    expect(camel.map((w) => w.rule)).toEqual(['snake-case']);
    expect(camel[0]!.message).toContain('"agent_run_completed"');
  });

  it('flags names made only of generic words', () => {
    expect(rules('plan_selected')).toEqual([]);
    expect(rules('button_click')).toEqual(['generic-name']);
    expect(rules('click_event')).toEqual(['generic-name']);
  });

  it('flags reserved names the tracker stripped, free text and nested values', () => {
    const notes = ['"url" is a reserved name filled by the tracker; stripped', 'a: Date sent as an ISO string'];
    const warnings = lintEvent(record('page_shared', { text: 'x'.repeat(201), meta: { a: 1 }, list: [{ a: 1 }], tags: ['a', 'b'] }, { notes }));
    expect(warnings.map((w) => w.rule)).toEqual(['reserved-name', 'free-form', 'nested', 'nested']);
    expect(warnings[0]!.message).toContain('"url"');
  });

  it('leaves auto events alone: the tracker names them', () => {
    expect(lintEvent(makeRecord(makeEvent({ kind: 'auto', name: 'page_view', properties: { blob: 'x'.repeat(500) } })))).toEqual([]);
  });
});

describe('lintByName', () => {
  it('finds a property sent with different types across events of one name', () => {
    const summary = lintByName([record('cart_updated', { total: 3 }), record('cart_updated', { total: '3' })]);
    expect(summary[0]).toMatchObject({ name: 'cart_updated', count: 2 });
    expect(summary[0]!.warnings.map((w) => w.message)).toEqual(['"total" is sent as number and string in different events']);
  });

  it('finds high-cardinality strings but not ids', () => {
    const records = Array.from({ length: 25 }, (_, i) => record('search_performed', { query: `q${i}`, order_id: `o${i}`, plan: 'pro' }));
    const warnings = lintByName(records)[0]!.warnings;
    expect(warnings.map((w) => w.rule)).toEqual(['high-cardinality']);
    expect(warnings[0]!.message).toContain('"query" has 25 distinct values in 25 events');
  });

  it('reports each single-event warning once per name and sorts names with warnings first', () => {
    const summary = lintByName([record('click'), record('click'), record('signup_completed')]);
    expect(summary.map((s) => [s.name, s.count, s.warnings.length])).toEqual([['click', 2, 1], ['signup_completed', 1, 0]]);
  });
});

describe('splitWords', () => {
  it('splits camelCase, kebab, spaces and snake', () => {
    expect(splitWords('agentRunCompleted')).toEqual(['agent', 'run', 'completed']);
    expect(splitWords('Sign-Up Done')).toEqual(['sign', 'up', 'done']);
    expect(splitWords('checkout_v2_started')).toEqual(['checkout', 'v2', 'started']);
  });
});
