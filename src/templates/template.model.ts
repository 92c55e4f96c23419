/**
 * A device template (Blynk's "product"): devices name it in `templateId`; its name is the `device_productName`
 * placeholder. Templates of an organization are visible to its sub-organizations' devices.
 */
export interface Template {
  id: string;
  orgId: number;
  name: string;
  description: string;
  createdAt: number;
  lastModifiedTs: number;
}
