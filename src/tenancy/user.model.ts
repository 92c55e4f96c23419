export interface User {
  id: number;
  orgId: number;
  email: string;
  name: string;
  createdAt: number;
}
