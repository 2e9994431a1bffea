import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../lib/settings';
import { lifeSteps } from '../../lib/viewer/EventDetail';
import { describeStatus, heldWhy, viewStatus } from '../../lib/viewer/model';
import { makeEvent, makeRecord } from '../helpers';
import { viewOf } from './view-of';

const remote: Settings = { ...defaultSettings(), apiHost: 'https://sdkapi.trodo.ai', siteId: 'qa', sendingSites: ['https://shop.test'] };
const shop = makeRecord(makeEvent({ name: 'from_shop' }), { origin: 'https://shop.test' });
const mail = makeRecord(makeEvent({ name: 'from_mail' }), { origin: 'https://mail.example' });
const mailSent = makeRecord(makeEvent({ name: 'mail_sent_earlier' }), { origin: 'https://mail.example', status: 'sent', httpStatus: 200 });

describe('held events in the viewer', () => {
  it('calls a queued event of a site not enabled for sending held, with the reason', () => {
    expect(heldWhy(mail, remote)).toBe('site not enabled for sending');
    expect(describeStatus(mail, 0, heldWhy(mail, remote))).toBe('held: site not enabled for sending');
    expect(lifeSteps(mail, 0, heldWhy(mail, remote))).toContain('Held: site not enabled for sending');
    expect(viewStatus(mail, heldWhy(mail, remote))).toBe('held');
  });

  it('does not call held what is sent, what goes to loopback, or an enabled site', () => {
    expect(heldWhy(shop, remote)).toBeUndefined();
    expect(heldWhy(mailSent, remote)).toBeUndefined();
    expect(heldWhy(mail, { ...remote, apiHost: 'http://127.0.0.1:4318' })).toBeUndefined();
    expect(describeStatus(shop, 0, heldWhy(shop, remote))).toBe('queued');
  });

  it('says "no site id" for every site while none is set', () => {
    expect(heldWhy(shop, { ...remote, siteId: '' })).toBe('no site id');
    expect(describeStatus(shop, 0, 'no site id')).toBe('held: no site id');
  });

  it('filters held apart from queued (the worker applies the same rule)', async () => {
    const names = (status: '' | 'held' | 'queued', settings = remote) => viewOf([shop, mail, mailSent], { currentTab: false, status }, null, settings);
    expect(await names('held')).toEqual(['from_mail']);
    expect(await names('queued')).toEqual(['from_shop']);
    expect(await names('')).toHaveLength(3);
    expect(await names('held', { ...remote, siteId: '' })).toEqual(['from_mail', 'from_shop']);
  });
});
