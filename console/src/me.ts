import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { allows, type Me } from './session';

export const MeContext = createContext<Me>({ id: 0, orgId: 0, name: '', scopes: [] });

/** `can('devices.post')`: whether to offer an action at all (the server checks it again anyway). */
export function useCan(): (scope: string) => boolean {
  const me = useContext(MeContext);
  return (scope) => allows(me.scopes, scope);
}
