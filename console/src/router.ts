import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/devices/pump-1): the gateway serves one index.html and needs no fallback routes. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const onChange = () => setParts(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export const href = (...parts: (string | number)[]) => `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;

export const go = (...parts: (string | number)[]) => {
  location.hash = href(...parts);
};
