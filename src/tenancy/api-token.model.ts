/** An API token: only its SHA-256 is stored; the token itself is shown once, at creation. */
export interface ApiToken {
  id: number;
  orgId: number;
  name: string;
  scopes: string[];
  tokenHash: string;
  createdAt: number;
}
