export interface Organization {
  id: number;
  name: string;
  /** The organization this one is a sub-organization of (Blynk's orgId hierarchy); null for a top level one. */
  parentId: number | null;
  createdAt: number;
}
