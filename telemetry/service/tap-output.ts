/**
 * @module TAP query results (TAP 1.1 §3, DALI 1.1 §4.4): VOTable 1.4 with TABLEDATA (VOTable 1.4 §5.1; root
 * `VOTABLE version="1.4"` in the v1.3 namespace, `RESOURCE type="results"`, `INFO name="QUERY_STATUS"` before the
 * TABLE and OVERFLOW after it when MAXREC truncated), CSV (RFC 4180, header row) and JSON.
 */
import type { Value } from './adql.js';
import type { ColumnMeta } from './epn-core.js';

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!))
  // XML 1.0 forbids most control characters (§2.2): drop them.
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

export interface ResultTable {
  readonly fields: readonly ColumnMeta[];
  /** Names as selected (aliases). */
  readonly names: readonly string[];
  readonly rows: readonly (readonly Value[])[];
  readonly overflow: boolean;
}

const fmt = (v: Value): string => (v === null ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(17).replace(/\.?0+(e|$)/, '$1')) : v);

export function votable(t: ResultTable, query?: string): string {
  const fields = t.fields.map((f, i) => `   <FIELD name="${esc(t.names[i]!)}" datatype="${f.datatype}"${f.datatype === 'char' ? ' arraysize="*"' : ''}${f.unit ? ` unit="${esc(f.unit)}"` : ''}${f.ucd ? ` ucd="${esc(f.ucd)}"` : ''}${f.xtype ? ` xtype="${f.xtype}"` : ''}><DESCRIPTION>${esc(f.description)}</DESCRIPTION></FIELD>\n`).join('');
  const rows = t.rows.map((r) => `<TR>${r.map((v) => `<TD>${esc(fmt(v))}</TD>`).join('')}</TR>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE type="results">
  <INFO name="QUERY_STATUS" value="OK"/>
${query !== undefined ? `  <INFO name="QUERY" value="${esc(query)}"/>\n` : ''}  <TABLE>
${fields}   <DATA><TABLEDATA>
${rows}</TABLEDATA></DATA>
  </TABLE>
${t.overflow ? '  <INFO name="QUERY_STATUS" value="OVERFLOW"/>\n' : ''} </RESOURCE>
</VOTABLE>
`;
}

/** A VOTable carrying an error (DALI 1.1 §4.4.1: QUERY_STATUS ERROR, the message as the INFO content). */
export function votableError(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE type="results">
  <INFO name="QUERY_STATUS" value="ERROR">${esc(message)}</INFO>
 </RESOURCE>
</VOTABLE>
`;
}

const csvCell = (v: Value): string => {
  const s = fmt(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csv(t: ResultTable): string {
  return [t.names.map((n) => csvCell(n)).join(','), ...t.rows.map((r) => r.map(csvCell).join(','))].map((l) => `${l}\r\n`).join('');
}

export function json(t: ResultTable): string {
  return `${JSON.stringify({ columns: t.fields.map((f, i) => ({ name: t.names[i], datatype: f.datatype, ...(f.unit ? { unit: f.unit } : {}) })), rows: t.rows, overflow: t.overflow })}\n`;
}

/** RESPONSEFORMAT values (TAP 1.1 §2.7.3, DALI 1.1 §3.4.3) → output. */
export function formatOf(requested: string | undefined): { kind: 'votable' | 'csv' | 'json'; mime: string } | undefined {
  const r = (requested ?? 'votable').toLowerCase().split(';')[0]!.trim();
  if (['votable', 'application/x-votable+xml', 'text/xml', 'application/xml'].includes(r)) return { kind: 'votable', mime: 'application/x-votable+xml' };
  if (['csv', 'text/csv'].includes(r)) return { kind: 'csv', mime: 'text/csv; header=present' };
  if (['json', 'application/json'].includes(r)) return { kind: 'json', mime: 'application/json' };
  return undefined;
}

/** VOSI tables (TAP 1.1 §2.5) for one schema and table. */
export function vosiTables(schema: string, table: string, columns: readonly ColumnMeta[]): string {
  const cols = columns.map((c) => `   <column std="${c.std}"><name>${c.name}</name><description>${esc(c.description)}</description>${c.unit ? `<unit>${esc(c.unit)}</unit>` : ''}${c.ucd ? `<ucd>${esc(c.ucd)}</ucd>` : ''}<dataType xsi:type="vs:VOTableType"${c.datatype === 'char' ? ' arraysize="*"' : ''}${c.xtype ? ` extendedType="${c.xtype}"` : ''}>${c.datatype}</dataType></column>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:tableset xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <schema><name>${schema}</name><description>idoc products (EPN-TAP 2.0)</description>
  <table type="view"><name>${schema}.${table}</name><utype>ivo://ivoa.net/std/epntap#table-2.0</utype><description>One row per product</description>
${cols}  </table>
 </schema>
</vosi:tableset>
`;
}

/** VOSI capabilities (TAP 1.1 §2.4): one TAP capability, interface version 1.1, ADQL 2.1, the output formats. */
export function capabilities(base: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:tr="http://www.ivoa.net/xml/TAPRegExt/v1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <capability standardID="ivo://ivoa.net/std/TAP" xsi:type="tr:TableAccess">
  <interface xsi:type="vs:ParamHTTP" role="std" version="1.1"><accessURL use="base">${esc(base)}/tap</accessURL><securityMethod/><securityMethod standardID="ivo://ivoa.net/sso#BasicAA"/></interface>
  <language><name>ADQL</name><version ivo-id="ivo://ivoa.net/std/ADQL#v2.1">2.1</version><description>Subset: SELECT [TOP] columns FROM idoc.epn_core WHERE comparisons, AND/OR/NOT, BETWEEN, LIKE, IN, IS NULL; ORDER BY; OFFSET</description></language>
  <outputFormat ivo-id="ivo://ivoa.net/std/TAPRegExt#output-votable-td"><mime>application/x-votable+xml</mime><alias>votable</alias></outputFormat>
  <outputFormat><mime>text/csv</mime><alias>csv</alias></outputFormat>
  <outputFormat><mime>application/json</mime><alias>json</alias></outputFormat>
  <retentionPeriod><default>604800</default></retentionPeriod>
  <outputLimit><default unit="row">10000</default><hard unit="row">100000</hard></outputLimit>
 </capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#capabilities"><interface xsi:type="vs:ParamHTTP"><accessURL use="full">${esc(base)}/tap/capabilities</accessURL></interface></capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#availability"><interface xsi:type="vs:ParamHTTP"><accessURL use="full">${esc(base)}/tap/availability</accessURL></interface></capability>
 <capability standardID="ivo://ivoa.net/std/VOSI#tables-1.1"><interface xsi:type="vs:ParamHTTP" version="1.1"><accessURL use="full">${esc(base)}/tap/tables</accessURL></interface></capability>
</vosi:capabilities>
`;
}

export { esc as xmlEscape };
