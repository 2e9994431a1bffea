import type { SiteAccess } from './access';
import type { ObservedRequest, PageSdkInfo } from '../protocol';
import type { ViewerPort } from './connection';

/** The tab a viewer belongs to: the popup's tab, or the side panel's active tab. */
export interface CurrentTab {
  id: number;
  url: string | null;
}

/** Everything a viewer needs from the browser, passed in so the UI stays plain Preact. */
export interface ViewerHost {
  connect: () => ViewerPort;
  currentTab: () => Promise<CurrentTab | null>;
  /** Side panel: calls back when the active tab changes; returns an unsubscribe. */
  watchTab?: (onChange: () => void) => () => void;
  openOptions: () => void;
  /** Opens the side panel (popup only, and only where the browser has one). */
  openSidePanel?: () => void;
  download: (filename: string, text: string, type: string) => void;
  /** Host permissions, where the browser lets the user withhold them. */
  access?: SiteAccess;
  /** The browser and this extension's version, for QA reports. */
  about: () => { browser: string; extensionVersion: string };
  /** What the tab's page ships of Trodo's own SDK (its top frame's bridge answers); null when unknown. */
  pageSdk?: (tabId: number) => Promise<PageSdkInfo | null>;
  /** The requests the tab's pages made to Trodo's host themselves (observe mode), oldest first. */
  observed?: (tabId: number) => Promise<ObservedRequest[]>;
}
