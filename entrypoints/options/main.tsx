import { render } from 'preact';
import { VIEWER_PORT } from '@/lib/protocol';
import type { ViewerPort } from '@/lib/viewer/connection';
import { Options } from '@/lib/viewer/Options';
import '@/lib/viewer/viewer.css';

const connect = () => browser.runtime.connect({ name: VIEWER_PORT }) as unknown as ViewerPort;

render(
  <Options connect={connect} requestHost={(origin) => browser.permissions.request({ origins: [`${origin}/*`] })} />,
  document.getElementById('app')!,
);
