import { render } from 'preact';
import { browserHost } from '@/lib/viewer/browser-host';
import { Viewer } from '@/lib/viewer/Viewer';
import '@/lib/viewer/viewer.css';

render(<Viewer host={browserHost('popup')} surface="popup" />, document.getElementById('app')!);
