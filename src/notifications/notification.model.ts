/** A failure notification kept for a user (Blynk's failureReceivers). */
export interface Notification {
  id: number;
  orgId: number;
  userId: number;
  kind: string;
  title: string;
  message: string;
  webhookId: number | null;
  createdAt: number;
}
