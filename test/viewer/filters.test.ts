import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTER, applyFilter, distinct, tabScope, textMatcher, type Filter } from '../../lib/viewer/filters';
import { makeEvent, makeRecord } from '../helpers';

const records = [
  makeRecord(makeEvent({ name: 'signup_completed', properties: { plan: 'pro' } }), { tabId: 1, origin: 'https://a.test', status: 'sent' }),
  makeRecord(makeEvent({ name: 'risk_flag_raised', category: 'security', properties: { score: 0.8 } }), { tabId: 1, origin: 'https://a.test', status: 'retrying' }),
  makeRecord(makeEvent({ name: 'page_view', kind: 'auto', category: 'navigation', properties: {} }), { tabId: 2, origin: 'https://b.test', status: 'queued' }),
];
const names = (filter: Partial<Filter>, tabId: number | null = null) => {
  const f = { ...DEFAULT_FILTER, ...filter };
  return applyFilter(records, f, tabId, textMatcher(f.text, f.regex)).map((r) => r.event.name);
};

describe('applyFilter', () => {
  it('keeps the current tab only when asked and a tab is known', () => {
    expect(names({}, 1)).toEqual(['signup_completed', 'risk_flag_raised']);
    expect(names({ currentTab: false }, 1)).toHaveLength(3);
    expect(names({}, null)).toHaveLength(3);
  });

  it('filters by site, category, kind and status', () => {
    expect(names({ origin: 'https://b.test' })).toEqual(['page_view']);
    expect(names({ category: 'security' })).toEqual(['risk_flag_raised']);
    expect(names({ kind: 'auto' })).toEqual(['page_view']);
    expect(names({ kind: 'custom', status: 'sent' })).toEqual(['signup_completed']);
  });

  it('searches names and property values, case-insensitively', () => {
    expect(names({ text: 'PRO' })).toEqual(['signup_completed']);
    expect(names({ text: '"score":0.8' })).toEqual(['risk_flag_raised']);
  });

  it('searches with a regular expression, and reports a bad one instead of throwing', () => {
    expect(names({ text: '^(page|risk)_', regex: true })).toEqual(['risk_flag_raised', 'page_view']);
    const bad = textMatcher('(', true);
    expect(bad.ok).toBe(false);
    expect(names({ text: '(', regex: true })).toHaveLength(3);
  });
});

it('distinct lists each value once, sorted', () => {
  expect(distinct(records, (r) => r.origin)).toEqual(['https://a.test', 'https://b.test']);
});

describe('server records in the filters', () => {
  const tab = [
    makeRecord(makeEvent({ name: 'checkout_started', sessionId: 'tab-session', distinctId: 'anon_1' }), { tabId: 5, status: 'sent' }),
    makeRecord(makeEvent({ name: 'after_identify', sessionId: 'tab-session', distinctId: 'id_bob' }), { tabId: 5, status: 'sent' }),
  ];
  const server = (name: string, sessionId: string, distinctId: string) =>
    makeRecord(makeEvent({ name, sessionId, distinctId }), { tabId: null, origin: '', status: 'sent', source: 'server', received: { at: 1, sender: 'node-sdk', siteId: 's' } });
  const all = [
    ...tab,
    server('same_session', 'tab-session', 'someone'),
    server('same_user_other_session', 'cron-session', 'id_bob'),
    server('another_user', 'other-session', 'id_eve'),
    makeRecord(makeEvent({ name: 'other_tab', sessionId: 'tab-session' }), { tabId: 6 }),
  ];
  const shown = (filter: Partial<Filter>, tabId: number | null) => applyFilter(all, { ...DEFAULT_FILTER, ...filter }, tabId, textMatcher('', false)).map((r) => r.event.name);

  it('"this tab" takes the server events of the tab\'s sessions or distinct ids, and no other', () => {
    expect(shown({}, 5)).toEqual(['checkout_started', 'after_identify', 'same_session', 'same_user_other_session']);
    expect(tabScope(all, 5)(all[4]!)).toBe(false);
  });

  it('filters by source', () => {
    expect(shown({ source: 'server', currentTab: false }, 5)).toEqual(['same_session', 'same_user_other_session', 'another_user']);
    expect(shown({ source: 'browser' }, 5)).toEqual(['checkout_started', 'after_identify']);
  });
});
