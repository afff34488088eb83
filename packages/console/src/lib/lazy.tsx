import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Alert, Loading } from '../components/feedback.js';

/**
 * A component whose code is fetched on first use (esbuild splits it into its own chunk): the admin screens
 * and the QR-code encoder are not downloaded by the people who never open them.
 */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Component) return;
      load()
        .then((component) => {
          loaded = component;
          setComponent(() => component);
        })
        .catch(() => setFailed(true));
    }, []);
    if (failed)
      return <Alert>This part of the console could not be loaded. Reload the page to try again.</Alert>;
    return Component ? <Component {...props} /> : <Loading />;
  };
}
