/** A fleet agent: one MQTT connection that reports for the devices assigned to it. */
export interface Agent {
  id: string;
  orgId: number;
  name: string;
  tokenHash: string;
  createdAt: number;
  updatedAt: number;
}
