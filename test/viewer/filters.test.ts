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
