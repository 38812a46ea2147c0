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
      'prov:type': 'idoc:GroundDelivery', 'prov:label': i.name, 'idoc:packetsUsed': i.packets, 'idoc:octetsUsed': i.octets, ...(i.packetsDigest !== undefined ? { 'idoc:packetsDigest': i.packetsDigest } : {}),
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

/** The chain of one product read back from its PROV-JSON: what `idoc provenance` prints. */
export interface ProvenanceChain {
  readonly product: string;
  readonly label: string | undefined;
  readonly productTime: string | undefined;
  readonly software: string | undefined;
  readonly configuration: string | undefined;
  readonly files: readonly { readonly name: string; readonly size: number; readonly md5: string }[];
  readonly steps: readonly { readonly name: string; readonly description: string; readonly parameters: Record<string, unknown> }[];
  readonly inputs: readonly {
    readonly name: string; readonly packets: number; readonly octets: number; readonly packetsDigest?: string;
    readonly fileSha256?: string; readonly fileSize?: number; readonly firstGround?: string; readonly lastGround?: string;
    readonly stations: readonly string[]; readonly virtualChannels: readonly string[];
  }[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : v !== null && typeof v === 'object' && typeof (v as { $?: unknown }).$ === 'string' ? (v as { $: string }).$ : undefined);

/**
 * Follow a PROV-JSON document from its product back to the ground deliveries: the product (the entity of type
 * idoc:L0Product), the activities in wasInformedBy order, the entities it wasDerivedFrom and the agents they are
 * attributed to. @throws Error naming what is missing when the document is not one idoc wrote.
 */
export function provenanceChain(doc: Partial<ProvDocument>): ProvenanceChain {
  const entities = doc.entity ?? {};
  const product = Object.keys(entities).find((k) => entities[k]!['prov:type'] === 'idoc:L0Product');
  if (product === undefined) throw new Error('no entity of prov:type idoc:L0Product');
  const rels = <K extends keyof ProvDocument>(k: K) => Object.values((doc[k] ?? {}) as Record<string, Attrs>);
  const derived = rels('wasDerivedFrom').filter((r) => r['prov:generatedEntity'] === product).map((r) => String(r['prov:usedEntity']));
  const last = rels('wasGeneratedBy').find((r) => r['prov:entity'] === product)?.['prov:activity'] as string | undefined;
  const steps: string[] = [];
  for (let a = last; a !== undefined && !steps.includes(a);) {
    steps.unshift(a);
    a = rels('wasInformedBy').find((r) => r['prov:informed'] === a)?.['prov:informant'] as string | undefined;
  }
  const acts = doc.activity ?? {};
  const swId = rels('wasAssociatedWith').find((r) => r['prov:activity'] === last)?.['prov:agent'] as string | undefined;
  const config = Object.entries(entities).find(([, e]) => e['prov:type'] === 'idoc:Configuration')?.[1];
  const members = rels('hadMember').filter((r) => r['prov:collection'] === product).map((r) => entities[String(r['prov:entity'])] ?? {});
  return {
    product: text(entities[product]!['prov:label']) ?? product,
    label: text(entities[product]!['idoc:label']),
    productTime: text(entities[product]!['idoc:productTime']),
    software: swId === undefined ? undefined : text(doc.agent?.[swId]?.['prov:label']),
    configuration: config === undefined ? undefined : `${text(config['idoc:digest']) ?? '?'}${config['prov:label'] !== undefined ? ` (${text(config['prov:label'])})` : ''}`,
    files: members.map((m) => ({ name: text(m['prov:label']) ?? '?', size: Number(m['idoc:size']), md5: text(m['idoc:md5']) ?? '' })),
    steps: steps.map((id) => {
      const a = acts[id] ?? {};
      const parameters = Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('idoc:')).map(([k, v]) => [k.slice(5), v]));
      return { name: String(a['prov:type'] ?? id).replace(/^idoc:/, ''), description: text(a['prov:label']) ?? '', parameters };
    }),
    inputs: derived.map((id) => {
      const e = entities[id] ?? {};
      const stations = rels('wasAttributedTo').filter((r) => r['prov:entity'] === id).map((r) => String(r['prov:agent']).replace(/^station:/, ''));
      return {
        name: text(e['prov:label']) ?? id, packets: Number(e['idoc:packetsUsed']), octets: Number(e['idoc:octetsUsed']), ...(e['idoc:packetsDigest'] !== undefined ? { packetsDigest: text(e['idoc:packetsDigest'])! } : {}),
        ...(e['idoc:fileSha256'] !== undefined ? { fileSha256: text(e['idoc:fileSha256'])!, fileSize: Number(e['idoc:fileSize']) } : {}),
        ...(e['idoc:firstGroundTime'] !== undefined ? { firstGround: text(e['idoc:firstGroundTime'])!, lastGround: text(e['idoc:lastGroundTime'])! } : {}),
        stations, virtualChannels: (text(e['idoc:virtualChannels']) ?? '').split(' ').filter(Boolean),
      };
    }),
  };
}

/** The chain as lines a person reads. */
export function formatChain(c: ProvenanceChain): string {
  const lines = [
    `${c.product}${c.label ? `  (${c.label})` : ''}`,
    `  made by ${c.software ?? '?'}${c.configuration ? `, configuration ${c.configuration}` : ''}${c.productTime ? `, product time ${c.productTime}` : ''}`,
    ...c.files.map((f) => `  file ${f.name}  ${f.size} octets  md5 ${f.md5}`),
    '  steps, last first:',
    ...[...c.steps].reverse().map((s) => `    ${s.name}: ${s.description}${Object.keys(s.parameters).length ? ` [${Object.entries(s.parameters).map(([k, v]) => `${k}=${String(v)}`).join(', ')}]` : ''}`),
    `  from ${c.inputs.length} ground delivery(ies):`,
    ...c.inputs.map((i) => `    ${i.name}: ${i.packets} packet(s), ${i.octets} octets used, packets ${i.packetsDigest ?? '(no checksum recorded)'}`
      + (i.fileSha256 ? `\n      file ${i.fileSize} octets, sha256 ${i.fileSha256}` : '\n      an archive source (the delivered file is not kept; its packets are)')
      + (i.firstGround ? `\n      ground ${i.firstGround} .. ${i.lastGround}` : '')
      + (i.stations.length ? `, station(s) ${i.stations.join(' ')}` : '')
      + (i.virtualChannels.length ? `, VC ${i.virtualChannels.join(' ')}` : '')),
  ];
  return `${lines.join('\n')}\n`;
}
