/**
 * Names that live outside the event: organizations' and templates' (held in memory by their features). A
 * template id means something only inside an organization: it is looked up in the device's own org (and the
 * orgs above it, whose templates it may use), never in another.
 */
export interface NameLookup {
  orgName(orgId: number): string | undefined;
  templateName(orgId: number, templateId: string): string | undefined;
}
/** The NameLookup provider (TemplatesService); each gateway has its own. */
export const NAME_LOOKUP = Symbol('NameLookup');
