// The signed-in API token lives in sessionStorage only: gone with the tab, never in a URL or localStorage.
const KEY = 'gateway.console.token';

export interface Me {
  id: number;
  orgId: number;
  name: string;
  scopes: string[];
}

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  save: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Losant's grammar, as the server's guard applies it (src/tenancy/scopes.ts). */
export function allows(granted: readonly string[], required: string): boolean {
  const resource = required.slice(0, required.indexOf('.'));
  const isRead = required.endsWith('.get');
  return granted.some(
    (s) =>
      s === 'all.Organization' || s === required || s === `${resource}.*` || (isRead && s === 'all.Organization.read'),
  );
}
