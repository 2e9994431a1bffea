// The official Trodo SDK's browser build (the UMD file its docs load). Its package's
// exports map hides lib/umd, so the file is imported by path; the UMD wrapper then sets
// the global `TrodoSDK`. Its API host is fixed (https://sdkapi.trodo.ai): the bench
// answers that host locally through page.route.
import '../../../node_modules/trodo/lib/umd/index.js';

const sdk = () => globalThis.TrodoSDK;

export function init() {
  return Promise.race([sdk().init({ siteId: 'bench-site', autoEvents: false }), new Promise((r) => setTimeout(r, 3000))]);
}
const ignore = () => {};
// track() is async and rejects before init; the catch keeps rejections out of the console.
export const track = (name, properties) => void sdk().track(name, properties).catch(ignore);
