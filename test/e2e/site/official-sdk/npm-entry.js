// A tiny app using trodo@2.0.0 as the npm package documents it; bundled at test time.
import Trodo from 'trodo';

// While the bundle evaluates: the export has synced window.Trodo's methods already.
Trodo.track('npm_during_load');
Trodo.init({ siteId: 'npm-site', autoEvents: true }).then(() => {
  Trodo.track('npm_after_init', { via: 'export' });
  window.npmTrodo = Trodo;
});
