import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPageSdk, sdkBuildIn, type PageScript } from '../../lib/bridge/page-sdk';
import { parsePageMessage } from '../../lib/protocol';

const umd = readFileSync('node_modules/trodo/lib/umd/index.js', 'utf8');
const esm = readFileSync('node_modules/trodo/lib/esm/index.js', 'utf8');

function watch(scripts: PageScript[], files: Record<string, string>) {
  const debug: string[] = [];
  const fetched: string[] = [];
  const sdk = createPageSdk({
    scripts: () => scripts,
    fetchText: async (url) => {
      fetched.push(url);
      if (!(url in files)) throw new Error('404');
      return files[url]!;
    },
    debug: (m) => debug.push(m),
    mode: () => 'stand-in',
  });
  return { sdk, debug, fetched };
}

describe('sdkBuildIn', () => {
  it('finds the build version in trodo@2.0.0 UMD and ESM builds, and nothing in other code', () => {
    expect(sdkBuildIn(umd)).toBe('v0.11.24');
    expect(sdkBuildIn(esm)).toBe('v0.11.24');
    expect(sdkBuildIn('window.Trodo.track("x")')).toBeNull();
  });
});

describe('createPageSdk', () => {
  it('says nothing until the tracker reports the page asked for it', async () => {
    const { sdk, fetched } = watch([{ src: 'https://a.test/trodo.js', text: '', siteId: null }], { 'https://a.test/trodo.js': umd });
    expect(await sdk.info()).toBeNull();
    expect(fetched).toEqual([]);
  });

  it('names trodo 2.0.0 and its script; the script tag site-id wins over init({ siteId }) as in the official SDK', async () => {
    const { sdk } = watch(
      [
        { src: null, text: 'console.log(1)', siteId: null },
        { src: 'https://a.test/missing.js', text: '', siteId: null },
        { src: 'https://a.test/trodo.js', text: '', siteId: 'tag-site' },
      ],
      { 'https://a.test/trodo.js': umd },
    );
    sdk.noted('');
    sdk.noted('init-site');
    expect(await sdk.info()).toEqual({ version: '2.0.0', build: 'v0.11.24', src: 'https://a.test/trodo.js', siteId: 'tag-site', mode: 'stand-in' });
  });

  it('finds the SDK inlined in a bundle, reads each script once, and keeps the latest site id the page gave', async () => {
    const { sdk, fetched, debug } = watch([{ src: 'https://a.test/app.js', text: '', siteId: null }], { 'https://a.test/app.js': `(()=>{${esm}})()` });
    sdk.noted('first');
    sdk.noted('second');
    const info = await sdk.info();
    expect(info).toMatchObject({ version: '2.0.0', src: 'https://a.test/app.js', siteId: 'second' });
    expect(fetched).toEqual(['https://a.test/app.js']);
    expect(debug).toEqual([]);
  });

  it('reports only the site id where the page has no Trodo SDK (it called Trodo.init itself)', async () => {
    const { sdk } = watch([{ src: null, text: 'Trodo.init({siteId:"x"})', siteId: null }], {});
    sdk.noted('x');
    expect(await sdk.info()).toEqual({ version: null, build: null, src: null, siteId: 'x', mode: 'stand-in' });
  });
});

describe('parsePageMessage sdk', () => {
  it('accepts a short site id or none, and refuses anything else', () => {
    expect(parsePageMessage('{"type":"sdk"}')).toEqual({ ok: true, value: { type: 'sdk', site: '' } });
    expect(parsePageMessage('{"type":"sdk","site":"s"}')).toEqual({ ok: true, value: { type: 'sdk', site: 's' } });
    expect(parsePageMessage('{"type":"sdk","site":5}').ok).toBe(false);
    expect(parsePageMessage(JSON.stringify({ type: 'sdk', site: 'x'.repeat(300) })).ok).toBe(false);
  });
});
