import { useEffect, useState } from 'preact/hooks';
import { missingAccess, type MissingAccess, type SiteAccess } from './access';

interface Props {
  access: SiteAccess;
  /** The current tab's web origin. */
  site: string | null;
  apiHost: string | null;
}

/** Says which hosts the browser withholds from the extension, with one click to allow them. */
export function AccessBanner({ access, site, apiHost }: Props) {
  const [missing, setMissing] = useState<MissingAccess[]>([]);
  const [refused, setRefused] = useState(false);
  const [checks, setChecks] = useState(0);

  useEffect(() => {
    let live = true;
    void missingAccess(access, site, apiHost).then((m) => live && setMissing(m));
    return () => {
      live = false;
    };
  }, [access, site, apiHost, checks]);

  if (missing.length === 0) return null;
  const siteMissing = missing.find((m) => m.role === 'site');
  const hostMissing = missing.find((m) => m.role === 'ingestion');

  function allow() {
    // request() first, synchronously in the click: the browser asks only during a user gesture.
    void access.request(missing.map((m) => m.pattern)).then((granted) => {
      setRefused(!granted);
      setChecks((n) => n + 1);
    });
  }

  return (
    <p class="banner warn" data-testid="access">
      The browser withholds access from Trodo QA:{' '}
      {siteMissing && <>the tracker does not run on <strong>{siteMissing.host}</strong> (reload the page once allowed)</>}
      {siteMissing && hostMissing && '; '}
      {hostMissing && <>events may not be sent to <strong>{hostMissing.host}</strong></>}.{' '}
      <button type="button" data-testid="allow-access" onClick={allow}>Allow</button>
      {refused && <span data-testid="access-refused"> Not allowed.</span>}
    </p>
  );
}
