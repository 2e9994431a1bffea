import { render } from 'preact';
import { VIEWER_PORT } from '@/lib/protocol';
import type { ViewerPort } from '@/lib/viewer/connection';
import { Popup } from '@/lib/viewer/Popup';
import '@/lib/viewer/viewer.css';

const connect = () => browser.runtime.connect({ name: VIEWER_PORT }) as unknown as ViewerPort;

render(<Popup connect={connect} openOptions={() => void browser.runtime.openOptionsPage()} />, document.getElementById('app')!);
