import { describe, expect, it } from 'vitest';
import { textMatcher } from '../../lib/viewer/filters';
import { makeEvent, makeRecord } from '../helpers';
import { viewOf } from './view-of';

const records = [
  makeRecord(makeEvent({ name: 'signup_completed', properties: { plan: 'pro' } }), { tabId: 1, origin: 'https://a.test', status: 'sent' }),
  makeRecord(makeEvent({ name: 'risk_flag_raised', category: 'security', properties: { score: 0.8 } }), { tabId: 1, origin: 'https://a.test', status: 'retrying' }),
  makeRecord(makeEvent({ name: 'page_view', kind: 'auto', category: 'navigation', properties: {} }), { tabId: 2, origin: 'https://b.test', status: 'queued' }),
];
const names = (filter: Parameters<typeof viewOf>[1], tabId: number | null = null) => viewOf(records, filter, tabId);

describe('the viewer\'s filters, as the worker runs them', () => {
  it('keeps the current tab only when asked and a tab is known; newest first', async () => {
    expect(await names({}, 1)).toEqual(['risk_flag_raised', 'signup_completed']);
    expect(await names({ currentTab: false }, 1)).toHaveLength(3);
    expect(await names({}, null)).toHaveLength(3);
  });

  it('filters by site, category, kind, name and status', async () => {
    expect(await names({ origin: 'https://b.test' })).toEqual(['page_view']);
    expect(await names({ category: 'security' })).toEqual(['risk_flag_raised']);
    expect(await names({ kind: 'auto' })).toEqual(['page_view']);
    expect(await names({ kind: 'custom', status: 'sent' })).toEqual(['signup_completed']);
    expect(await names({ name: 'risk_flag_raised' })).toEqual(['risk_flag_raised']);
    expect(await names({ name: 'risk_flag' })).toEqual([]);
  });

  it('searches names and property values, case-insensitively', async () => {
    expect(await names({ text: 'PRO' })).toEqual(['signup_completed']);
    expect(await names({ text: '"score":0.8' })).toEqual(['risk_flag_raised']);
  });

  it('searches with a regular expression, and reports a bad one instead of throwing', async () => {
    expect(await names({ text: '^(page|risk)_', regex: true })).toEqual(['page_view', 'risk_flag_raised']);
    const bad = textMatcher('(', true);
    expect(bad.ok).toBe(false);
    expect(await names({ text: '(', regex: true })).toHaveLength(3);
  });
});

describe('server records in the filters, as the worker runs them', () => {
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
  const shown = async (filter: Parameters<typeof viewOf>[1], tabId: number | null) => (await viewOf(all, filter, tabId)).sort();

  it('"this tab" takes the server events of the tab\'s sessions or distinct ids, and no other', async () => {
    expect(await shown({}, 5)).toEqual(['after_identify', 'checkout_started', 'same_session', 'same_user_other_session']);
    expect(await shown({}, 6)).toEqual(['other_tab', 'same_session']);
  });

  it('filters by source', async () => {
    expect(await shown({ source: 'server', currentTab: false }, 5)).toEqual(['another_user', 'same_session', 'same_user_other_session']);
    expect(await shown({ source: 'browser' }, 5)).toEqual(['after_identify', 'checkout_started']);
  });
});
