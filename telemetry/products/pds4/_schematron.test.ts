import { describe, expect, it } from 'vitest';
import { elementStartLines } from './_element-lines.js';
import { contextRequirements, rewriteRuleContext } from './_schematron.js';

const P = '{http://pds.nasa.gov/pds4/pds/v1}';

describe('rewriteRuleContext()', () => {
  it('anchors relative and // patterns at the document, keeps positional first steps', () => {
    expect(rewriteRuleContext('pds:Field_Binary/pds:data_type')).toBe('self::document-node()/descendant::pds:Field_Binary/pds:data_type');
    expect(rewriteRuleContext('//pds:Citation_Information/pds:description')).toBe('self::document-node()/descendant::pds:Citation_Information/pds:description');
    expect(rewriteRuleContext('/*')).toBe('self::document-node()/*');
    expect(rewriteRuleContext('*[@xsi:nil]')).toBe('*[@xsi:nil]');
    expect(rewriteRuleContext('pds:DD_Value_Domain[pds:x = (\'a\')]')).toBe('pds:DD_Value_Domain[pds:x = (\'a\')]');
  });
});

describe('contextRequirements()', () => {
  it('needs every named step and each parent>child pair; predicates are ignored', () => {
    expect(contextRequirements('pds:Array_2D_Image/pds:Axis_Array[1]')).toEqual([
      `${P}Array_2D_Image`, `${P}Axis_Array`, `${P}Array_2D_Image>${P}Axis_Array`,
    ]);
    expect(contextRequirements(rewriteRuleContext("/*[contains(name(), 'External')]/pds:Identification_Area/pds:logical_identifier"))).toEqual([
      `${P}Identification_Area`, `${P}logical_identifier`, `${P}Identification_Area>${P}logical_identifier`,
    ]);
  });
  it('gives up (run always) on wildcards and unions', () => {
    expect(contextRequirements('/*')).toBeUndefined();
    expect(contextRequirements('*[@xsi:nil]')).toBeUndefined();
    expect(contextRequirements('pds:a | pds:b')).toBeUndefined();
  });
});

describe('elementStartLines()', () => {
  it('lists start-tag lines in document order, skipping comments, CDATA, PIs and the DOCTYPE', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "<x>">]>\n<a>\n<!-- <b> -->\n<b x="1"\n/><![CDATA[<c>]]>\n<d><e/></d>\n</a>\n';
    expect(elementStartLines(xml)).toEqual([3, 5, 7, 7]);
  });
});
