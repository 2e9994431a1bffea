import { describe, expect, it } from 'vitest';
import { OBSERVE_SCRIPT_ID, syncObserveScript, type ScriptingLike } from '../../lib/worker/observe-script';

function fakeScripting() {
  const registered = new Map<string, Parameters<ScriptingLike['registerContentScripts']>[0][number]>();
  const scripting: ScriptingLike = {
    getRegisteredContentScripts: async ({ ids }) => ids.filter((id) => registered.has(id)).map((id) => ({ id })),
    unregisterContentScripts: async ({ ids }) => void ids.forEach((id) => registered.delete(id)),
    registerContentScripts: async (scripts) => {
      for (const s of scripts) {
        if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        registered.set(s.id, s);
      }
    },
  };
  return { scripting, registered };
}

describe('syncObserveScript', () => {
  it('registers the MAIN-world observe script at document_start for exactly the observed origins, replaces it on change, removes it when none are left', async () => {
    const { scripting, registered } = fakeScripting();
    await syncObserveScript(scripting, ['https://shop.example', 'http://127.0.0.1:8080']);
    expect(registered.get(OBSERVE_SCRIPT_ID)).toMatchObject({
      matches: ['https://shop.example/*', 'http://127.0.0.1:8080/*'], js: ['content-scripts/observe.js'], world: 'MAIN', runAt: 'document_start',
    });
    await syncObserveScript(scripting, ['https://other.example']);
    expect(registered.get(OBSERVE_SCRIPT_ID)?.matches).toEqual(['https://other.example/*']);
    await syncObserveScript(scripting, []);
    expect(registered.size).toBe(0);
  });
});
