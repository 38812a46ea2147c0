/**
 * @module The Co-I access service (issue 17): `idoc serve` (an authenticated HTTP API over the archive's products
 * registry: catalogue with facets, GeoJSON, EPN-TAP 2.0 over TAP 1.1, UWS 1.1 jobs) and the user administration
 * behind `idoc users`. README.md beside this file describes the API.
 */
export { buildService, type ServiceOptions } from './server.js';
export { hashPassword, verifyPassword, newToken, tokenDigest, mayRead, addMonths, type Principal } from './auth.js';
export { productRecords, registerProductFolder } from './register.js';
export { Catalogue, FACETS } from './catalogue.js';
export { parseAdql, runQuery, AdqlError } from './adql.js';
