/**
 * @module W3C PROV-JSON (https://www.w3.org/submissions/prov-json/, Member Submission 2013-04-24) of an L0
 * product's provenance: the bundle-level keys `prefix`, `entity`, `activity`, `agent`, `used`,
 * `wasGeneratedBy`, `wasDerivedFrom`, `wasAssociatedWith`, `wasAttributedTo`, `wasInformedBy`, `hadMember`
 * (§2 of the submission); typed values as `{"$": value, "type": "xsd:…"}` (§2.3). Identifiers are qualified
 * names (PROV-N §3.7.5): `urn:` + the LIDVID for the product, `file:` for its files, `input:` for ground
 * deliveries, `idoc:` for steps and the software, `station:` for ground stations. Same input → same bytes.
 */
import { stationName, type ProductProvenance } from './provenance.js';

type Attrs = Record<string, unknown>;

export interface ProvDocument {
  prefix: Record<string, string>;
  entity: Record<string, Attrs>;
  activity: Record<string, Attrs>;
  agent: Record<string, Attrs>;
  used: Record<string, Attrs>;
  wasGeneratedBy: Record<string, Attrs>;
  wasDerivedFrom: Record<string, Attrs>;
  wasAssociatedWith: Record<string, Attrs>;
  wasAttributedTo: Record<string, Attrs>;
  wasInformedBy: Record<string, Attrs>;
  hadMember: Record<string, Attrs>;
}

const dateTime = (iso: string) => ({ $: iso, type: 'xsd:dateTime' });
/** PROV-N local names may not hold `/`, spaces and a few others: replace them (§3.7.5 PN_LOCAL). */
const local = (s: string): string => s.replace(/[^A-Za-z0-9_.:-]/g, '_');

/** The PROV-JSON document of one product. */
export function provDocument(p: ProductProvenance): ProvDocument {
  const doc: ProvDocument = {
    prefix: { urn: 'urn:', idoc: 'urn:idoc:', file: 'urn:idoc:file:', input: 'urn:idoc:input:', station: 'urn:idoc:ground-station:' },
    entity: {}, activity: {}, agent: {}, used: {}, wasGeneratedBy: {}, wasDerivedFrom: {}, wasAssociatedWith: {}, wasAttributedTo: {}, wasInformedBy: {}, hadMember: {},
  };
  let n = 0;
  const rel = (kind: keyof ProvDocument, a: Attrs) => { (doc[kind] as Record<string, Attrs>)[`_:${kind}${++n}`] = a; };
  const product = `urn:${p.lidvid.replace(/^urn:/, '')}`;
  const stem = p.label.replace(/\.xml$/, '');
  doc.entity[product] = { 'prov:type': 'idoc:L0Product', 'prov:label': p.lidvid, 'idoc:label': p.label, 'idoc:productTime': dateTime(p.productTime) };
  for (const f of p.files) {
    const id = `file:${local(f.name)}`;
    doc.entity[id] = { 'prov:type': 'idoc:ProductFile', 'prov:label': f.name, 'idoc:size': f.size, 'idoc:md5': f.md5 };
    rel('hadMember', { 'prov:collection': product, 'prov:entity': id });
  }
  const config = 'idoc:configuration';
  if (p.configDigest !== undefined) doc.entity[config] = { 'prov:type': 'idoc:Configuration', 'idoc:digest': p.configDigest, ...(p.configFile ? { 'prov:label': p.configFile } : {}) };
  const software = 'idoc:software';
  doc.agent[software] = { 'prov:type': 'prov:SoftwareAgent', 'prov:label': `${p.software.name} ${p.software.version}`, 'idoc:version': p.software.version };
  for (const i of p.inputs) {
    const id = `input:${local(i.name)}`;
    doc.entity[id] = {
      'prov:type': 'idoc:GroundDelivery', 'prov:label': i.name, 'idoc:packetsUsed': i.packets, 'idoc:octetsUsed': i.octets, 'idoc:packetsSha256': i.packetsSha256,
      ...(i.file ? { 'idoc:fileSize': i.file.size, 'idoc:fileSha256': i.file.sha256 } : {}),
      ...(i.firstGround ? { 'idoc:firstGroundTime': dateTime(i.firstGround), 'idoc:lastGroundTime': dateTime(i.lastGround!) } : {}),
      ...(i.stations.length ? { 'idoc:groundStations': i.stations.map(stationName).join(' ') } : {}),
      ...(i.virtualChannels.length ? { 'idoc:virtualChannels': i.virtualChannels.join(' ') } : {}),
    };
    for (const s of i.stations) {
      const st = `station:${stationName(s)}`;
      doc.agent[st] ??= { 'prov:type': 'idoc:GroundStation', 'prov:label': `ground station ${stationName(s)} (DDS header)` };
      rel('wasAttributedTo', { 'prov:entity': id, 'prov:agent': st });
    }
  }
  let previous: string | undefined;
  for (const s of p.steps) {
    const id = `idoc:${local(stem)}.${local(s.name)}`;
    doc.activity[id] = { 'prov:type': `idoc:${local(s.name)}`, 'prov:label': s.description, ...Object.fromEntries(Object.entries(s.parameters).map(([k, v]) => [`idoc:${local(k)}`, v])) };
    rel('wasAssociatedWith', { 'prov:activity': id, 'prov:agent': software });
    if (previous === undefined) {
      for (const i of p.inputs) rel('used', { 'prov:activity': id, 'prov:entity': `input:${local(i.name)}` });
    } else rel('wasInformedBy', { 'prov:informed': id, 'prov:informant': previous });
    if (p.configDigest !== undefined) rel('used', { 'prov:activity': id, 'prov:entity': config });
    previous = id;
  }
  if (previous !== undefined) {
    rel('wasGeneratedBy', { 'prov:entity': product, 'prov:activity': previous, 'prov:time': dateTime(p.productTime) });
    for (const f of p.files) rel('wasGeneratedBy', { 'prov:entity': `file:${local(f.name)}`, 'prov:activity': previous });
  }
  for (const i of p.inputs) rel('wasDerivedFrom', { 'prov:generatedEntity': product, 'prov:usedEntity': `input:${local(i.name)}`, ...(previous ? { 'prov:activity': previous } : {}) });
  return doc;
}

/** The document as written beside the label: 2-space JSON, LF end. */
export const provJsonText = (p: ProductProvenance): string => `${JSON.stringify(provDocument(p), null, 2)}\n`;

/** `<stem>.prov.json` beside `<stem>.xml`. */
export const provFileOf = (label: string): string => label.replace(/\.(xml|lblx)$/, '') + '.prov.json';
