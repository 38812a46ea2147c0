/** @module Names of the planning schemas and of their generated validators (internal). */

/** The planning schemas, by file name. */
export const PLANNING_SCHEMAS = ['requests.schema.json', 'rules.schema.json', 'plan.schema.json'] as const;
export type PlanningSchema = (typeof PLANNING_SCHEMAS)[number];

/** Export name of the generated validator of a planning schema. */
export const schemaExport = (name: PlanningSchema): string => name.replace('.schema.json', '');

/** Export name of the generated options validator of a rule kind. */
export const ruleOptionsExport = (kind: string): string => `options_${kind.replace(/\W/g, '_')}`;
