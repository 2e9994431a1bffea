import { describe, expect, it } from 'vitest';
import { inBuildSites, isLoopbackHost, maySend, siteSending } from '../lib/sending';
import { defaultSettings, type Settings } from '../lib/settings';

const remote: Settings = { ...defaultSettings(), apiHost: 'https://sdkapi.trodo.ai', siteId: 'qa-site' };

describe('isLoopbackHost', () => {
  it.each(['http://127.0.0.1:4318', 'http://127.3.4.5', 'http://localhost:4318/base', 'http://[::1]:4318'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['https://sdkapi.trodo.ai', 'http://remote.test:4318', 'http://localhost.trodo-test:1', 'http://128.0.0.1', 'http://10.0.0.1', 'not a url'])(
    '%s is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('inBuildSites', () => {
  it.each<[string, string, boolean]>([
    ['<all_urls>', 'https://any.test', true],
    ['https://staging.acme.test/*', 'https://staging.acme.test', true],
    ['https://staging.acme.test/app/*', 'https://staging.acme.test:8443', true],
    ['https://staging.acme.test/*', 'http://staging.acme.test', false],
    ['https://staging.acme.test/*', 'https://acme.test', false],
    ['*://*.acme.test/*', 'http://a.b.acme.test', true],
    ['*://*.acme.test/*', 'https://acme.test', true],
    ['*://*.acme.test/*', 'https://notacme.test', false],
    ['http://localhost:3000/*', 'http://localhost:3000', true],
    ['http://localhost:3000/*', 'http://localhost:3001', false],
    ['http://*/*', 'http://x.test', true],
    ['not a pattern', 'https://x.test', false],
  ])('%s covers %s: %s', (pattern, origin, covered) => {
    expect(inBuildSites([pattern], origin)).toBe(covered);
  });
});

describe('maySend', () => {
  it('sends nothing to a remote host unless the site is enabled', () => {
    expect(maySend(remote, 'https://mail.example')).toBe(false);
    expect(maySend({ ...remote, sendingSites: ['https://shop.test'] }, 'https://shop.test')).toBe(true);
    expect(maySend({ ...remote, sendingSites: ['https://shop.test'] }, 'https://mail.example')).toBe(false);
  });

  it('sends every site to a collector on loopback', () => {
    expect(maySend({ ...remote, apiHost: 'http://127.0.0.1:4318' }, 'https://mail.example')).toBe(true);
  });

  it('sends the build sites, as a build with WXT_TRODO_SITES always did', () => {
    expect(maySend({ ...remote, buildSites: ['https://staging.acme.test/*'] }, 'https://staging.acme.test')).toBe(true);
  });
});

describe('siteSending', () => {
  it('says why, in order: capture first, then the site id, then the sending rule', () => {
    const origin = 'https://shop.test';
    expect(siteSending({ ...remote, captureEnabled: false }, origin)).toEqual({ kind: 'not-captured', why: 'paused' });
    expect(siteSending({ ...remote, buildSites: ['https://other.test/*'] }, origin)).toEqual({ kind: 'not-captured', why: 'outside-build-sites' });
    expect(siteSending({ ...remote, disabledSites: [origin] }, origin)).toEqual({ kind: 'not-captured', why: 'site-off' });
    expect(siteSending({ ...remote, siteId: '', apiHost: 'http://127.0.0.1:1' }, origin)).toEqual({ kind: 'held', why: 'no-site-id' });
    expect(siteSending({ ...remote, apiHost: 'http://localhost:1' }, origin)).toEqual({ kind: 'sent', why: 'loopback' });
    expect(siteSending({ ...remote, buildSites: ['https://shop.test/*'] }, origin)).toEqual({ kind: 'sent', why: 'build' });
    expect(siteSending({ ...remote, sendingSites: [origin] }, origin)).toEqual({ kind: 'sent', why: 'enabled' });
    expect(siteSending(remote, origin)).toEqual({ kind: 'held', why: 'site-not-enabled' });
  });
});
