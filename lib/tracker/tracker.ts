import { isPlainObject } from '../json';
import { propagationHeaders } from '../propagation';
import { encodeSdk } from '../protocol';
import { identifiedDistinctId } from '../wire/ops';
import type { AutoEventsApi, AutoEventsOptions } from './auto/config';
import { createCallKit, type Apply, type Result } from './calls';
import { createCore, type TrackOptions, type TrackerDeps } from './core';
import { createGroups, type Groups } from './groups';
import { anonDistinctId, newIdentity } from './identity';
import { createPeople, type People } from './people';
import { ending } from './session';

export type { TrackOptions, TrackerDeps } from './core';
export type { Result } from './calls';

export const VERSION = '0.1.0';

/** `init()` options: the official SDK's, of which this tracker uses the auto-event ones. */
export interface InitOptions extends AutoEventsOptions {
  siteId?: string;
}

export interface SessionData {
  sessionId: string | null;
  siteId: string;
  userId: string | null;
  distinctId: string | null;
  startTime: string | null;
  endTime: string | null;
  lastActivity: number | null;
  duration: number;
  pagesViewed: number;
  isBounce: boolean;
}

/** `window.Trodo`: the official SDK's browser surface. */
export interface TrackerApi extends AutoEventsApi, Groups {
  readonly version: string;
  /** True: the official SDK, asking this before it starts, leaves the page to this tracker. */
  readonly initialized: boolean;
  /** Settable, as trodo@2.0.0's npm `init({ siteId })` does (a getter alone would throw in its strict code). */
  siteId: string;
  track(eventName: string, properties?: object, options?: TrackOptions): Promise<void>;
  trackEvent(eventName: string, properties?: object, options?: TrackOptions): Promise<void>;
  init(options?: InitOptions): Promise<void>;
  ready(): Promise<void>;
  identify(identifyId: string): Promise<Result>;
  reset(): Promise<Result>;
  people: People;
  setTrackingConsent(consent: boolean): void;
  getTrackingConsent(): boolean;
  getSessionData(): SessionData;
  /** For the page's calls to its own backend, so that server events join this session (lib/propagation.ts); `{}` before the state has loaded (after `await ready()` it has). */
  getPropagationHeaders(): Record<string, string>;
}

/** The methods that resolve (or log) a failure rather than throw; track() has its own guard, on its hot path. */
type Guarded = 'init' | 'identify' | 'reset' | 'setTrackingConsent' | 'getTrackingConsent' | 'getSessionData' | 'getPropagationHeaders';

/**
 * Builds `window.Trodo` over the tracker core (lib/tracker/core.ts), which owns every piece
 * of state: here are only the official names, argument checks, and the changes each call
 * makes to identity when its turn comes.
 */
export function createTracker(deps: TrackerDeps) {
  const core = createCore(deps);
  const kit = createCallKit(core.call, deps.debug);
  let siteId = '';
  /** setTrackingConsent before the state has loaded: what getTrackingConsent says meanwhile. */
  let consentNow: boolean | undefined;

  /** Tells the bridge the page's own SDK looked for us, or the page named its site id (lib/bridge/page-sdk.ts). */
  function seen(site?: string) {
    deps.post(encodeSdk(site, deps.stringify));
    return true;
  }

  /** deleteUser: the device starts over as a new anonymous user; consent stays as it was. */
  const forget: Apply = (_, s) => ({ ...newIdentity(deps.newId, deps.now()), consent: s.consent });

  const api: TrackerApi = {
    version: VERSION,
    // trodo@2.0.0 skips its whole start-up (IP lookup, own session, auto-capture, requests)
    // when this is true, so this tracker stands in for it; its asking is how we know it is there.
    get initialized() {
      return seen();
    },
    get siteId() {
      return siteId;
    },
    set siteId(id: string) {
      if (typeof id == 'string') siteId = id;
      seen(siteId);
    },
    track: core.track,
    trackEvent: core.track,
    ready: core.ready,
    ...core.autoConfig.api,
    ...kit.guard<Pick<TrackerApi, Guarded>>({
      init(given?: InitOptions) {
        // The extension's settings supply the site id that is sent; these are kept for the page.
        if (isPlainObject(given)) {
          if (typeof given.siteId === 'string') siteId = given.siteId;
          core.autoConfig.init(given);
        }
        seen(siteId || undefined);
        return core.ready();
      },
      identify(identifyId: string) {
        if (typeof identifyId !== 'string' || !identifyId.trim() || identifyId.length > 255) {
          return kit.fail('identify: id must be a string of 1-255 characters');
        }
        const id = identifyId.trim();
        // Sent with the distinct id from before; later items carry the identified one.
        return kit.call('identify', { identifyId: id }, (_, s) => void (s.distinctId = identifiedDistinctId(id)));
      },
      reset() {
        return kit.call('reset', {}, (it, s, before) => {
          before(ending(s));
          // The body names the new anonymous distinct id and the session it was called in.
          it.distinctId = s.distinctId = anonDistinctId(s.anonymousId, it.time);
          s.sessionId = deps.newId();
          s.sessionStartedAt = s.lastActivityAt = it.time;
          delete s.groups;
        });
      },
      setTrackingConsent(consent: boolean) {
        if (typeof consent !== 'boolean') return void kit.fail('setTrackingConsent needs true or false');
        consentNow = consent;
        core.defer(() => (consentNow = undefined));
        core.setConsent(consent);
      },
      getTrackingConsent: () => consentNow ?? core.state()?.consent !== false,
      getSessionData(): SessionData {
        const s = core.state();
        const duration = s ? Math.round((s.lastActivityAt - s.sessionStartedAt) / 1000) : 0;
        return {
          sessionId: s?.sessionId ?? null, siteId, userId: s?.anonymousId ?? null, distinctId: s?.distinctId ?? null,
          startTime: s ? new Date(s.sessionStartedAt).toISOString() : null, endTime: null, lastActivity: s?.lastActivityAt ?? null,
          duration, pagesViewed: 1, isBounce: duration < 30,
        };
      },
      getPropagationHeaders() {
        const s = core.state();
        // Before the state has loaded: {} now, and the tracker starts loading it (it waits for
        // the page's load event otherwise), so `await Trodo.ready()` gets the headers soonest.
        if (!s) core.defer(() => {});
        return s ? propagationHeaders(s.sessionId, s.distinctId) : {};
      },
    }),
    people: createPeople(kit, forget),
    ...kit.guard<Groups>(createGroups(kit)),
  };
  return { api, receive: core.receive, unacked: core.unacked };
}
