/**
 * @module The config's `preservation` section (`schemas/config-preservation.schema.json`): bag-info elements
 * for `idoc deliver` and DataCite metadata for `idoc doi metadata`, resolved with their defaults.
 */
import type { MissionConfig } from '../../src/config/index.js';
import { checkedSection } from '../../src/store/index.js';

export interface Creator { readonly name: string; readonly nameType: 'Personal' | 'Organizational'; readonly orcid?: string; readonly affiliation?: string }

export interface PreservationConfig {
  readonly sourceOrganization: string;
  readonly organizationAddress?: string;
  readonly contactName?: string;
  readonly contactEmail?: string;
  readonly doi: {
    /** Placeholder DOIs are `<prefix>/<LID tail>` until one is assigned. Default `10.0000` (no prefix configured). */
    readonly prefix: string;
    readonly publisher: string;
    readonly creators: readonly Creator[];
    readonly subjects: readonly string[];
    readonly rights: { readonly text: string; readonly uri?: string; readonly identifier?: string };
    /** Assigned DOIs by LID. */
    readonly assigned: Readonly<Record<string, string>>;
  };
}

interface Section {
  sourceOrganization?: string; organizationAddress?: string; contactName?: string; contactEmail?: string;
  doi?: {
    prefix?: string; publisher?: string; subjects?: string[]; assigned?: Record<string, string>;
    creators?: { name: string; nameType?: 'Personal' | 'Organizational'; orcid?: string; affiliation?: string }[];
    rights?: { text: string; uri?: string; identifier?: string };
  };
}

/** The prefix used when none is configured: DataCite's documentation examples use 10.5072-like test prefixes; this one marks a draft. */
export const PLACEHOLDER_PREFIX = '10.0000';

/**
 * Resolve the section (defaults from the mission name).
 * @throws InputError with `file#/preservation/…` problems when the section fails its schema.
 */
export function preservationConfig(config: MissionConfig): PreservationConfig {
  const s = checkedSection<Section>(config, 'preservation') ?? {};
  const org = s.sourceOrganization ?? config.mission.name;
  const d = s.doi ?? {};
  const publisher = d.publisher ?? org;
  return {
    sourceOrganization: org,
    ...(s.organizationAddress !== undefined ? { organizationAddress: s.organizationAddress } : {}),
    ...(s.contactName !== undefined ? { contactName: s.contactName } : {}),
    ...(s.contactEmail !== undefined ? { contactEmail: s.contactEmail } : {}),
    doi: {
      prefix: d.prefix ?? PLACEHOLDER_PREFIX,
      publisher,
      creators: (d.creators ?? [{ name: publisher, nameType: 'Organizational' as const }]).map((c) => ({
        name: c.name, nameType: c.nameType ?? (c.name.includes(',') ? 'Personal' : 'Organizational'),
        ...(c.orcid !== undefined ? { orcid: c.orcid } : {}), ...(c.affiliation !== undefined ? { affiliation: c.affiliation } : {}),
      })),
      subjects: d.subjects ?? [],
      rights: d.rights ?? { text: 'Creative Commons Zero v1.0 Universal', uri: 'https://creativecommons.org/publicdomain/zero/1.0/legalcode', identifier: 'CC0-1.0' },
      assigned: d.assigned ?? {},
    },
  };
}
