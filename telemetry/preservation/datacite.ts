/**
 * @module DataCite Metadata Schema 4.7 (namespace http://datacite.org/schema/kernel-4) for a PDS4 collection or
 * bundle: the XML (`resource`) and the JSON an operator submits to reserve the DOI (DataCite REST API
 * `data.attributes`; no network here). Mandatory properties 1-5 and 10, recommended 6, 8, 12, 17, optional 9,
 * 11, 13-16 (DataCite 4.7 Table 1/2). Mapping from PDS4 after the PDS DOI service (formats-wave2.md §6.4): title
 * from the label, description (Abstract) from `Citation_Information/description`, publication year from the
 * label's modification date, the LIDVID as an alternate identifier. The DOI is the assigned one from the config
 * (`preservation.doi.assigned`), else a placeholder `<prefix>/<bundle>.<collection>` to be replaced on reservation.
 * Same input → same bytes.
 */
import { escapeAttr, escapeText } from '../products/pds4/_xml.js';
import type { PreservationConfig } from './config.js';

export interface DataciteInput {
  /** Collection or bundle LID and VID. */
  readonly lid: string;
  readonly vid: string;
  readonly kind: 'collection' | 'bundle';
  readonly title: string;
  readonly description: string;
  /** ISO date (YYYY-MM-DD) of the label's modification (the publication year comes from it). */
  readonly modified: string;
  /** Collected range (ISO Z) over the members' Time_Coordinates. */
  readonly collected: { readonly start: string; readonly stop: string } | undefined;
  readonly products: number;
  readonly octets: number;
  readonly mission: string;
  readonly instrument?: string;
  readonly target?: string;
  /** The bundle LID (IsPartOf), for a collection. */
  readonly bundleLid?: string;
  /** LIDs of collections this one is derived from (IsDerivedFrom), e.g. the raw collection for a geometry collection. */
  readonly derivedFrom?: readonly string[];
  /** Member collection LIDVIDs (HasPart), for a bundle. */
  readonly parts?: readonly string[];
}

/** The DOI: assigned (config), else the placeholder. */
export function doiOf(lid: string, p: PreservationConfig): { doi: string; assigned: boolean } {
  const assigned = p.doi.assigned[lid];
  if (assigned !== undefined) return { doi: assigned, assigned: true };
  const parts = lid.split(':').slice(3);
  return { doi: `${p.doi.prefix}/${parts.join('.')}`, assigned: false };
}

const ORCID = 'https://orcid.org';

/** A date as DataCite wants it (RKMS-ISO8601 / W3CDTF): seconds precision, Z. */
const dcDate = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

/** The DataCite 4.7 XML `resource`. */
export function dataciteXml(d: DataciteInput, p: PreservationConfig): string {
  const { doi } = doiOf(d.lid, p);
  const e = escapeText, a = escapeAttr;
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<resource xmlns="http://datacite.org/schema/kernel-4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://datacite.org/schema/kernel-4 https://schema.datacite.org/meta/kernel-4.7/metadata.xsd">',
    `  <identifier identifierType="DOI">${e(doi)}</identifier>`,
    '  <creators>',
    ...p.doi.creators.flatMap((c) => [
      '    <creator>',
      `      <creatorName nameType="${c.nameType}">${e(c.name)}</creatorName>`,
      ...(c.nameType === 'Personal' && c.name.includes(',') ? [`      <givenName>${e(c.name.split(',').slice(1).join(',').trim())}</givenName>`, `      <familyName>${e(c.name.split(',')[0]!.trim())}</familyName>`] : []),
      ...(c.orcid !== undefined ? [`      <nameIdentifier nameIdentifierScheme="ORCID" schemeURI="${ORCID}">${ORCID}/${c.orcid}</nameIdentifier>`] : []),
      ...(c.affiliation !== undefined ? [`      <affiliation>${e(c.affiliation)}</affiliation>`] : []),
      '    </creator>',
    ]),
    '  </creators>',
    '  <titles>',
    `    <title xml:lang="en">${e(d.title)}</title>`,
    '  </titles>',
    `  <publisher xml:lang="en">${e(p.doi.publisher)}</publisher>`,
    `  <publicationYear>${d.modified.slice(0, 4)}</publicationYear>`,
    `  <resourceType resourceTypeGeneral="Dataset">${d.kind === 'bundle' ? 'PDS4 Bundle' : 'PDS4 Collection'}</resourceType>`,
    '  <subjects>',
    ...subjects(d, p).map((s) => `    <subject xml:lang="en">${e(s)}</subject>`),
    '  </subjects>',
    '  <dates>',
    ...(d.collected ? [`    <date dateType="Collected">${dcDate(d.collected.start)}/${dcDate(d.collected.stop)}</date>`] : []),
    `    <date dateType="Updated">${d.modified}</date>`,
    '  </dates>',
    '  <language>en</language>',
    '  <alternateIdentifiers>',
    `    <alternateIdentifier alternateIdentifierType="PDS4 LIDVID">${e(`${d.lid}::${d.vid}`)}</alternateIdentifier>`,
    '  </alternateIdentifiers>',
    ...(related(d, p).length ? [
      '  <relatedIdentifiers>',
      ...related(d, p).map((r) => `    <relatedIdentifier relatedIdentifierType="${r.type}" relationType="${r.relation}"${r.general ? ` resourceTypeGeneral="${r.general}"` : ''}>${e(r.id)}</relatedIdentifier>`),
      '  </relatedIdentifiers>',
    ] : []),
    '  <sizes>',
    `    <size>${d.products} products</size>`,
    `    <size>${d.octets} bytes</size>`,
    '  </sizes>',
    '  <formats>',
    '    <format>application/xml</format>',
    '    <format>application/octet-stream</format>',
    '  </formats>',
    `  <version>${e(d.vid)}</version>`,
    '  <rightsList>',
    `    <rights xml:lang="en"${p.doi.rights.uri !== undefined ? ` rightsURI="${a(p.doi.rights.uri)}"` : ''}${p.doi.rights.identifier !== undefined ? ` rightsIdentifier="${a(p.doi.rights.identifier)}" rightsIdentifierScheme="SPDX" schemeURI="https://spdx.org/licenses/"` : ''}>${e(p.doi.rights.text)}</rights>`,
    '  </rightsList>',
    '  <descriptions>',
    `    <description xml:lang="en" descriptionType="Abstract">${e(d.description)}</description>`,
    `    <description xml:lang="en" descriptionType="Methods">${e(methods(d))}</description>`,
    '  </descriptions>',
    '</resource>',
  ];
  return `${lines.join('\n')}\n`;
}

function subjects(d: DataciteInput, p: PreservationConfig): string[] {
  return [...new Set([...p.doi.subjects, d.mission, ...(d.instrument ? [d.instrument] : []), ...(d.target ? [d.target] : []), 'Planetary Data System (PDS4)', 'raw telemetry (L0)'])];
}

function related(d: DataciteInput, p: PreservationConfig): { id: string; type: string; relation: string; general?: string }[] {
  const ref = (lid: string) => {
    const x = doiOf(lid, p);
    return x.assigned ? { id: x.doi, type: 'DOI' } : { id: lid, type: 'URN' };
  };
  return [
    ...(d.bundleLid !== undefined ? [{ ...ref(d.bundleLid), relation: 'IsPartOf', general: 'Collection' }] : []),
    ...(d.derivedFrom ?? []).map((l) => ({ ...ref(l), relation: 'IsDerivedFrom', general: 'Dataset' })),
    ...(d.parts ?? []).map((l) => ({ ...ref(l.split('::')[0]!), relation: 'HasPart', general: 'Dataset' })),
  ];
}

const methods = (d: DataciteInput): string =>
  `${d.products} L0 product(s) made by idoc from ground-delivered CCSDS telemetry: packets sorted, deduplicated and checked, with per-packet quality flags; `
  + 'each product carries a W3C PROV-JSON provenance document (software version, configuration digest, input checksums, processing steps).';

/** The DataCite REST API JSON (`data.attributes`) of the same metadata: the reservation request (state draft). */
export function dataciteJson(d: DataciteInput, p: PreservationConfig): string {
  const { doi } = doiOf(d.lid, p);
  const [prefix, ...suffix] = doi.split('/');
  const attributes = {
    doi, prefix, suffix: suffix.join('/'),
    identifiers: [{ identifier: `${d.lid}::${d.vid}`, identifierType: 'PDS4 LIDVID' }],
    creators: p.doi.creators.map((c) => ({
      name: c.name, nameType: c.nameType,
      ...(c.nameType === 'Personal' && c.name.includes(',') ? { givenName: c.name.split(',').slice(1).join(',').trim(), familyName: c.name.split(',')[0]!.trim() } : {}),
      nameIdentifiers: c.orcid !== undefined ? [{ nameIdentifier: `${ORCID}/${c.orcid}`, nameIdentifierScheme: 'ORCID', schemeUri: ORCID }] : [],
      affiliation: c.affiliation !== undefined ? [{ name: c.affiliation }] : [],
    })),
    titles: [{ title: d.title, lang: 'en' }],
    publisher: { name: p.doi.publisher, lang: 'en' },
    publicationYear: Number(d.modified.slice(0, 4)),
    types: { resourceTypeGeneral: 'Dataset', resourceType: d.kind === 'bundle' ? 'PDS4 Bundle' : 'PDS4 Collection' },
    subjects: subjects(d, p).map((s) => ({ subject: s, lang: 'en' })),
    dates: [...(d.collected ? [{ date: `${dcDate(d.collected.start)}/${dcDate(d.collected.stop)}`, dateType: 'Collected' }] : []), { date: d.modified, dateType: 'Updated' }],
    language: 'en',
    relatedIdentifiers: related(d, p).map((r) => ({ relatedIdentifier: r.id, relatedIdentifierType: r.type, relationType: r.relation, ...(r.general ? { resourceTypeGeneral: r.general } : {}) })),
    sizes: [`${d.products} products`, `${d.octets} bytes`],
    formats: ['application/xml', 'application/octet-stream'],
    version: d.vid,
    rightsList: [{ rights: p.doi.rights.text, lang: 'en', ...(p.doi.rights.uri !== undefined ? { rightsUri: p.doi.rights.uri } : {}), ...(p.doi.rights.identifier !== undefined ? { rightsIdentifier: p.doi.rights.identifier, rightsIdentifierScheme: 'SPDX', schemeUri: 'https://spdx.org/licenses/' } : {}) }],
    descriptions: [{ description: d.description, descriptionType: 'Abstract', lang: 'en' }, { description: methods(d), descriptionType: 'Methods', lang: 'en' }],
    schemaVersion: 'http://datacite.org/schema/kernel-4',
  };
  return `${JSON.stringify({ data: { type: 'dois', attributes } }, null, 2)}\n`;
}

/** Read what the metadata needs from a products folder: a collection (name or LID), or the bundle when undefined. */
export async function dataciteInputFor(productsDir: string, which: string | undefined, o: { bundleLid: string; mission: string; instrument?: string; target?: string }): Promise<DataciteInput> {
  const { readCollection, collectionsIn } = await import('./deliver.js');
  const { readFile, stat, open } = await import('node:fs/promises');
  const names = which !== undefined ? [which] : await collectionsIn(productsDir);
  const cols = await Promise.all(names.map((n) => readCollection(productsDir, n)));
  let start: string | undefined, stop: string | undefined, octets = 0, products = 0;
  for (const c of cols) {
    for (const p of c.products) {
      products++;
      for (const f of p.files) octets += (await stat(f)).size;
      const fh = await open(p.files[0]!, 'r');
      const buf = Buffer.alloc(16384);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      await fh.close();
      const h = buf.subarray(0, bytesRead).toString('utf8');
      const s = /<start_date_time>([^<]+)<\/start_date_time>/.exec(h)?.[1], e = /<stop_date_time>([^<]+)<\/stop_date_time>/.exec(h)?.[1];
      if (s !== undefined && (start === undefined || s < start)) start = s;
      if (e !== undefined && (stop === undefined || e > stop)) stop = e;
    }
  }
  const tag = (t: string, n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(t)?.[1];
  const base = { collected: start !== undefined && stop !== undefined ? { start, stop } : undefined, products, octets, mission: o.mission,
    ...(o.instrument !== undefined ? { instrument: o.instrument } : {}), ...(o.target !== undefined ? { target: o.target } : {}) };
  if (which !== undefined) {
    const c = cols[0]!;
    const text = await readFile(c.label, 'utf8');
    const raw = cols.length === 1 && c.name !== 'data_raw' ? [`${o.bundleLid}:data_raw`] : [];
    return {
      ...base, lid: c.lid, vid: c.vid, kind: 'collection', title: tag(text, 'title') ?? c.lid,
      description: /<Citation_Information>[\s\S]*?<description>([^<]*)<\/description>/.exec(text)?.[1] ?? tag(text, 'description') ?? c.lid,
      modified: tag(text, 'modification_date') ?? '1970-01-01', bundleLid: o.bundleLid,
      ...(raw.length && (await collectionsIn(productsDir)).includes('data_raw') ? { derivedFrom: raw } : {}),
    };
  }
  const modified = cols.map((c) => c.vid).length ? (await Promise.all(cols.map(async (c) => tag(await readFile(c.label, 'utf8'), 'modification_date') ?? '1970-01-01'))).sort().at(-1)! : '1970-01-01';
  return {
    ...base, lid: o.bundleLid, vid: '1.0', kind: 'bundle', title: `${o.mission} archive bundle`,
    description: `Archive bundle of ${o.mission}: ${cols.length} collection(s) of L0 products generated by idoc.`,
    modified, parts: cols.map((c) => `${c.lid}::${c.vid}`),
  };
}
