/**
 * @module XTCE 1.2 (OMG XTCE 1.2 / CCSDS 660.1-G-2) telemetry definitions → {@link TmDatabase}. Elements are
 * matched by local name, so the 1.0/1.1 namespace IMAP files declare and the 1.2 namespace both load
 * (formats-wave2.md §1.1), and child order is not enforced (§1.3: real files put BaseContainer first).
 * Anything that would change how bits are decoded and is not implemented is refused with the element's
 * line (`file:line: <Element>: not supported …`); purely descriptive elements are skipped.
 */
import { InputError } from '../../errors.js';
import type {
  Alarm, AlarmLevel, ArrayDimension, ByteOrder, Calibrator, ComparisonOperator, Container, DataEncoding, Entry,
  EntryLocation, EnumerationValue, FloatRange, IntegerEncodingKind, IntegerValue, MatchCriteria, Parameter,
  ParameterType, SizeSpec, StaticAlarmRanges, StringCharset, TmDatabase, ValueRef,
} from '../types.js';
import { ALARM_LEVELS } from '../types.js';
import { parseXml, type XmlElement } from './_xml.js';
import { checkTmDatabase } from '../check.js';

/** Descriptive children skipped wherever they appear (they do not change decoding). */
const DESCRIPTIVE = new Set(['LongDescription', 'ShortDescription', 'AliasSet', 'AncillaryDataSet', 'ToString', 'Header', 'DefaultRateInStream', 'RateInStreamSet']);

class Ctx {
  readonly types: ParameterType[] = [];
  readonly parameters: Parameter[] = [];
  readonly containers: Container[] = [];
  readonly names = { type: new Map<string, number>(), parameter: new Map<string, number>(), container: new Map<string, number>() };
  constructor(readonly file: string) {}
  at(el: XmlElement): string {
    return `${this.file}:${el.line}`;
  }
  fail(el: XmlElement, message: string): never {
    throw new InputError(`${this.at(el)}: <${el.name}>: ${message}`);
  }
  unsupported(el: XmlElement, what = 'is not supported by idoc'): never {
    this.fail(el, `${what} (refused rather than decoded wrong; see telemetry/parameters/README.md)`);
  }
  /** Children of `el`, each checked against `allowed`; descriptive ones dropped. */
  kids(el: XmlElement, allowed: readonly string[]): XmlElement[] {
    const out: XmlElement[] = [];
    for (const c of el.children) {
      if (DESCRIPTIVE.has(c.name)) continue;
      if (!allowed.includes(c.name)) this.unsupported(c, `is not supported inside <${el.name}>`);
      out.push(c);
    }
    return out;
  }
  one(el: XmlElement, name: string): XmlElement | undefined {
    return el.children.find((c) => c.name === name);
  }
  attr(el: XmlElement, name: string): string {
    const v = el.attrs[name];
    if (v === undefined) this.fail(el, `attribute ${name} is required`);
    return v;
  }
  num(el: XmlElement, name: string, dflt?: number): number {
    const v = el.attrs[name];
    if (v === undefined) {
      if (dflt === undefined) this.fail(el, `attribute ${name} is required`);
      return dflt;
    }
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isFinite(n)) this.fail(el, `attribute ${name}="${v}" is not a number`);
    return n;
  }
  int(el: XmlElement, name: string, dflt?: number): number {
    const n = this.num(el, name, dflt);
    if (!Number.isInteger(n)) this.fail(el, `attribute ${name}="${el.attrs[name]}" is not an integer`);
    return n;
  }
  bool(el: XmlElement, name: string, dflt: boolean): boolean {
    const v = el.attrs[name];
    if (v === undefined) return dflt;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.fail(el, `attribute ${name}="${v}" is not a boolean`);
  }
  textNum(el: XmlElement): number {
    const n = Number(el.text);
    if (el.text === '' || !Number.isFinite(n)) this.fail(el, `"${el.text}" is not a number`);
    return n;
  }
  add<T extends { name: string }>(kind: 'type' | 'parameter' | 'container', list: T[], item: T, el: XmlElement): void {
    const seen = this.names[kind];
    if (seen.has(item.name)) this.fail(el, `${kind} name "${item.name}" is defined twice (nested SpaceSystems are flattened; names must be unique)`);
    seen.set(item.name, list.length);
    list.push(item);
  }
}

/** A reference as written (`a/b/NAME`, `../NAME`) → the name it points at (names are flat, see above). */
const refName = (ref: string): string => ref.split('/').pop()!.trim();

/**
 * Load XTCE telemetry definitions from `text` (read from `file`, used in messages).
 * @throws InputError `file:line: <Element>: …` for malformed XML, DOCTYPE/ENTITY, unsupported elements and
 * dangling references.
 */
export function loadXtce(text: string, file: string): TmDatabase {
  const root = parseXml(text, file);
  const ctx = new Ctx(file);
  if (root.name !== 'SpaceSystem') ctx.fail(root, 'the root element must be <SpaceSystem>');
  spaceSystem(ctx, root);
  const db: TmDatabase = { name: root.attrs['name'] ?? '', parameterTypes: ctx.types, parameters: ctx.parameters, containers: ctx.containers };
  const problems = checkTmDatabase(db, (x) => x.source ?? file);
  if (problems.length) throw new InputError(`${problems[0]!.path}: ${problems[0]!.message}`, problems.slice(1));
  return db;
}

function spaceSystem(ctx: Ctx, el: XmlElement): void {
  for (const c of ctx.kids(el, ['TelemetryMetaData', 'CommandMetaData', 'ServiceSet', 'SpaceSystem'])) {
    if (c.name === 'SpaceSystem') spaceSystem(ctx, c);
    else if (c.name === 'TelemetryMetaData') telemetryMetaData(ctx, c);
    // CommandMetaData (telecommands) and ServiceSet (groupings) do not affect telemetry decoding.
  }
}

function telemetryMetaData(ctx: Ctx, el: XmlElement): void {
  for (const c of ctx.kids(el, ['ParameterTypeSet', 'ParameterSet', 'ContainerSet'])) {
    if (c.name === 'ParameterTypeSet') for (const t of c.children) parameterType(ctx, t);
    else if (c.name === 'ParameterSet') for (const p of ctx.kids(c, ['Parameter'])) parameter(ctx, p);
    else for (const s of ctx.kids(c, ['SequenceContainer'])) sequenceContainer(ctx, s);
  }
}

const TYPE_KINDS: Readonly<Record<string, ParameterType['kind']>> = {
  IntegerParameterType: 'integer',
  FloatParameterType: 'float',
  EnumeratedParameterType: 'enumerated',
  BooleanParameterType: 'boolean',
  StringParameterType: 'string',
  BinaryParameterType: 'binary',
  AbsoluteTimeParameterType: 'absoluteTime',
  ArrayParameterType: 'array',
};

const ENCODINGS = ['IntegerDataEncoding', 'FloatDataEncoding', 'StringDataEncoding', 'BinaryDataEncoding'];

function description(el: XmlElement): string | undefined {
  return el.attrs['shortDescription'] ?? el.children.find((c) => c.name === 'ShortDescription')?.text ?? el.children.find((c) => c.name === 'LongDescription')?.text;
}

function parameterType(ctx: Ctx, el: XmlElement): void {
  if (DESCRIPTIVE.has(el.name)) return;
  const kind = TYPE_KINDS[el.name];
  if (!kind) ctx.unsupported(el, 'parameter type is not supported');
  const name = ctx.attr(el, 'name');
  const common = ['UnitSet', 'ValidRange', 'DefaultAlarm', 'ContextAlarmList'];
  const allowed =
    kind === 'enumerated' ? [...ENCODINGS, 'UnitSet', 'EnumerationList', 'DefaultAlarm', 'ContextAlarmList']
    : kind === 'absoluteTime' ? ['Encoding', 'ReferenceTime']
    : kind === 'array' ? ['DimensionList']
    : kind === 'boolean' || kind === 'string' || kind === 'binary' ? [...ENCODINGS, 'UnitSet', 'DefaultAlarm']
    : [...ENCODINGS, ...common];
  const kids = ctx.kids(el, allowed);
  const t: Record<string, unknown> = { name, kind, source: ctx.at(el) };
  const desc = description(el);
  if (desc) t['description'] = desc;
  let encodingEl: XmlElement | undefined;
  for (const c of kids) {
    switch (c.name) {
      case 'UnitSet': {
        const units = ctx.kids(c, ['Unit']).map((u) => u.text).filter((u) => u !== '');
        if (units.length) t['unit'] = units.join(' ');
        break;
      }
      case 'IntegerDataEncoding':
      case 'FloatDataEncoding':
      case 'StringDataEncoding':
      case 'BinaryDataEncoding':
        if (encodingEl) ctx.fail(c, 'a parameter type has at most one data encoding');
        encodingEl = c;
        break;
      case 'ValidRange':
        t['validRange'] = floatRange(ctx, c);
        break;
      case 'DefaultAlarm':
        t['alarm'] = alarm(ctx, c, kind);
        break;
      case 'ContextAlarmList':
        t['contextAlarms'] = ctx.kids(c, ['ContextAlarm']).map((a) => {
          const match = ctx.one(a, 'ContextMatch');
          if (!match) ctx.fail(a, '<ContextMatch> is required');
          return { when: matchCriteria(ctx, match), alarm: alarm(ctx, a, kind, ['ContextMatch']) };
        });
        break;
      case 'EnumerationList':
        t['enumeration'] = ctx.kids(c, ['Enumeration']).map((e): EnumerationValue => ({
          value: ctx.num(e, 'value'),
          ...(e.attrs['maxValue'] !== undefined ? { maxValue: ctx.num(e, 'maxValue') } : {}),
          label: ctx.attr(e, 'label'),
        }));
        break;
      case 'Encoding':
        encodingEl = timeEncoding(ctx, c, t);
        break;
      case 'ReferenceTime':
        t['time'] = { ...(t['time'] as object), epoch: referenceTime(ctx, c) };
        break;
      case 'DimensionList':
        t['array'] = {
          elementType: refName(ctx.attr(el, 'arrayTypeRef')),
          dimensions: ctx.kids(c, ['Dimension']).map((d): ArrayDimension => {
            const [s, e] = [ctx.one(d, 'StartingIndex'), ctx.one(d, 'EndingIndex')];
            if (!s || !e) ctx.fail(d, '<StartingIndex> and <EndingIndex> are required');
            return { startingIndex: integerValue(ctx, s), endingIndex: integerValue(ctx, e) };
          }),
        };
        break;
    }
  }
  if (kind === 'boolean') {
    if (el.attrs['oneStringValue'] !== undefined) t['oneStringValue'] = el.attrs['oneStringValue'];
    if (el.attrs['zeroStringValue'] !== undefined) t['zeroStringValue'] = el.attrs['zeroStringValue'];
  }
  if (kind === 'array') {
    if (!t['array']) ctx.fail(el, '<DimensionList> is required (XTCE 1.2 ArrayParameterType)');
  } else {
    if (!encodingEl) ctx.fail(el, 'no data encoding: idoc cannot know how this type sits in a packet');
    const enc = dataEncoding(ctx, encodingEl, t);
    if (kind === 'absoluteTime' && enc.kind !== 'integer' && enc.kind !== 'float') ctx.unsupported(encodingEl, 'absolute time other than an integer or float count is not supported');
    if ((kind === 'string' && enc.kind !== 'string') || (kind === 'binary' && enc.kind !== 'binary')) ctx.unsupported(encodingEl, `a ${kind} parameter with this encoding is not supported`);
    if ((kind === 'integer' || kind === 'float' || kind === 'enumerated' || kind === 'boolean') && enc.kind !== 'integer' && enc.kind !== 'float') ctx.unsupported(encodingEl, `a ${kind} parameter with a ${enc.kind} encoding is not supported`);
    t['encoding'] = enc;
  }
  if (kind === 'absoluteTime' && !t['time']) ctx.fail(el, '<Encoding> is required');
  if (kind === 'absoluteTime' && (t['time'] as { epoch?: string }).epoch === undefined) ctx.fail(el, '<ReferenceTime><Epoch> is required');
  ctx.add('type', ctx.types, t as unknown as ParameterType, el);
}

function timeEncoding(ctx: Ctx, el: XmlElement, t: Record<string, unknown>): XmlElement {
  const units = el.attrs['units'] ?? 'seconds';
  if (units !== 'seconds') ctx.unsupported(el, `units="${units}" is not supported (seconds only)`);
  t['time'] = { ...(t['time'] as object), scale: ctx.num(el, 'scale', 1), offset: ctx.num(el, 'offset', 0) };
  const kids = ctx.kids(el, ENCODINGS);
  if (kids.length !== 1) ctx.fail(el, 'exactly one data encoding is required');
  return kids[0]!;
}

function referenceTime(ctx: Ctx, el: XmlElement): string {
  const [c] = ctx.kids(el, ['Epoch']);
  if (!c) ctx.fail(el, '<Epoch> is required (OffsetFrom is not supported)');
  const e = c.text;
  if (['TAI', 'J2000', 'UNIX', 'POSIX', 'GPS'].includes(e)) return e === 'POSIX' ? 'UNIX' : e;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z?)?$/.test(e)) ctx.fail(c, `epoch "${e}" is neither TAI, J2000, UNIX, GPS nor an xs:date/xs:dateTime`);
  return e;
}

function byteOrder(ctx: Ctx, el: XmlElement): ByteOrder {
  if ((el.attrs['bitOrder'] ?? 'mostSignificantBitFirst') !== 'mostSignificantBitFirst') ctx.unsupported(el, 'bitOrder="leastSignificantBitFirst" is not supported');
  const b = el.attrs['byteOrder'] ?? 'mostSignificantByteFirst';
  if (b === 'mostSignificantByteFirst') return 'big';
  if (b === 'leastSignificantByteFirst') return 'little';
  ctx.fail(el, `byteOrder="${b}" is not one of mostSignificantByteFirst, leastSignificantByteFirst`);
}

/** XTCE 1.2 IntegerDataEncodingType@encoding; IMAP's `signed` and the misspelt `twosCompliment` mean two's complement (§1.9). */
const INTEGER_ENCODINGS: Readonly<Record<string, IntegerEncodingKind>> = {
  unsigned: 'unsigned', twosComplement: 'twosComplement', signed: 'twosComplement', twosCompliment: 'twosComplement',
  signMagnitude: 'signMagnitude', onesComplement: 'onesComplement',
};

function dataEncoding(ctx: Ctx, el: XmlElement, t: Record<string, unknown>): DataEncoding {
  switch (el.name) {
    case 'IntegerDataEncoding': {
      const kids = ctx.kids(el, ['DefaultCalibrator', 'ContextCalibratorList']);
      const e = el.attrs['encoding'] ?? 'unsigned';
      const encoding = INTEGER_ENCODINGS[e];
      if (!encoding) ctx.unsupported(el, `encoding="${e}" is not supported (unsigned, twosComplement, signMagnitude, onesComplement)`);
      const sizeInBits = ctx.int(el, 'sizeInBits', 8); // XSD12 default 8
      if (sizeInBits < 1 || sizeInBits > 64) ctx.unsupported(el, `sizeInBits=${sizeInBits} is outside 1..64`);
      const order = byteOrder(ctx, el);
      if (order === 'little' && sizeInBits % 8 !== 0) ctx.unsupported(el, 'little-endian integers must be whole octets');
      calibrators(ctx, kids, t);
      return { kind: 'integer', sizeInBits, encoding, byteOrder: order };
    }
    case 'FloatDataEncoding': {
      const kids = ctx.kids(el, ['DefaultCalibrator', 'ContextCalibratorList']);
      const e = el.attrs['encoding'] ?? 'IEEE754_1985';
      const encoding = e === 'IEEE754_1985' || e === 'IEEE754' || e === 'IEEE-754' ? 'IEEE754' : e === 'MILSTD_1750A' || e === 'MIL-1750A' ? 'MILSTD_1750A' : undefined;
      if (!encoding) ctx.unsupported(el, `encoding="${e}" is not supported (IEEE754, MILSTD_1750A)`);
      const sizeInBits = ctx.int(el, 'sizeInBits', 32);
      const ok = encoding === 'IEEE754' ? [16, 32, 64] : [32, 48];
      if (!ok.includes(sizeInBits)) ctx.unsupported(el, `sizeInBits=${sizeInBits} is not supported for ${encoding} (${ok.join(', ')})`);
      const order = byteOrder(ctx, el);
      calibrators(ctx, kids, t);
      return { kind: 'float', sizeInBits, encoding, byteOrder: order };
    }
    case 'StringDataEncoding': {
      const charset = (el.attrs['encoding'] ?? 'UTF-8') as StringCharset;
      if (!['US-ASCII', 'ISO-8859-1', 'Windows-1252', 'UTF-8', 'UTF-16', 'UTF-16LE', 'UTF-16BE'].includes(charset)) ctx.unsupported(el, `encoding="${charset}" is not supported`);
      byteOrder(ctx, el);
      const [size] = ctx.kids(el, ['SizeInBits', 'Variable']);
      if (!size) ctx.fail(el, '<SizeInBits> or <Variable> is required');
      const term = size.children.find((c) => c.name === 'TerminationChar');
      const lead = size.children.find((c) => c.name === 'LeadingSize');
      if (term && lead) ctx.fail(size, 'TerminationChar and LeadingSize together are ambiguous');
      let terminationChar: number | undefined;
      if (term) {
        if (!/^([0-9a-fA-F]{2})+$/.test(term.text)) ctx.fail(term, `"${term.text}" is not a hexadecimal character`);
        if (term.text.length !== 2) ctx.unsupported(term, 'multi-octet termination characters are not supported');
        terminationChar = parseInt(term.text, 16);
      }
      const leading = (maxBits?: number): SizeSpec => ({ kind: 'leading', tagBits: ctx.int(lead!, 'sizeInBitsOfSizeTag', 16), ...(maxBits !== undefined ? { maxBits } : {}) });
      let spec: SizeSpec;
      if (size.name === 'SizeInBits') {
        const kids = ctx.kids(size, ['Fixed', 'TerminationChar', 'LeadingSize']);
        const fixed = kids.find((k) => k.name === 'Fixed');
        if (!fixed) ctx.fail(size, '<Fixed> is required');
        const [fv] = ctx.kids(fixed, ['FixedValue']);
        if (!fv) ctx.unsupported(fixed, 'only <FixedValue> is supported here');
        const bits = ctx.textNum(fv);
        spec = lead ? leading(bits) : { kind: 'fixed', bits };
      } else {
        const kids = ctx.kids(size, ['DynamicValue', 'TerminationChar', 'LeadingSize', 'DiscreteLookupList']);
        const maxBits = ctx.int(size, 'maxSizeInBits');
        const dyn = kids.find((k) => k.name === 'DynamicValue');
        if (kids.some((k) => k.name === 'DiscreteLookupList')) ctx.unsupported(kids.find((k) => k.name === 'DiscreteLookupList')!);
        if (dyn) spec = dynamicSize(ctx, dyn);
        else if (lead) spec = leading(maxBits);
        else if (term) spec = { kind: 'terminated', maxBits };
        else ctx.fail(size, 'a <DynamicValue>, <LeadingSize> or <TerminationChar> is required');
      }
      return { kind: 'string', charset, size: spec, ...(terminationChar !== undefined ? { terminationChar } : {}) };
    }
    case 'BinaryDataEncoding': {
      const [size] = ctx.kids(el, ['SizeInBits']);
      if (!size) ctx.fail(el, '<SizeInBits> is required');
      const [v] = ctx.kids(size, ['FixedValue', 'DynamicValue']);
      if (!v) ctx.fail(size, '<FixedValue> or <DynamicValue> is required (DiscreteLookupList is not supported)');
      const spec: SizeSpec = v.name === 'FixedValue' ? { kind: 'fixed', bits: ctx.textNum(v) } : dynamicSize(ctx, v);
      return { kind: 'binary', size: spec };
    }
  }
  ctx.unsupported(el);
}

function dynamicSize(ctx: Ctx, el: XmlElement): SizeSpec {
  const v = integerValue(ctx, el);
  if (v.kind !== 'dynamic') ctx.fail(el, 'expected a dynamic value');
  return { kind: 'dynamic', parameter: v.parameter, useCalibratedValue: v.useCalibratedValue, slope: v.slope, intercept: v.intercept };
}

/** XTCE 1.2 IntegerValueType (FixedValue | DynamicValue), or a DynamicValue element itself. */
function integerValue(ctx: Ctx, el: XmlElement): IntegerValue {
  const dyn = el.name === 'DynamicValue' ? el : undefined;
  if (!dyn) {
    const [c] = ctx.kids(el, ['FixedValue', 'DynamicValue']);
    if (!c) ctx.fail(el, '<FixedValue> or <DynamicValue> is required');
    if (c.name === 'FixedValue') return { kind: 'fixed', value: ctx.textNum(c) };
    return integerValue(ctx, c);
  }
  const kids = ctx.kids(dyn, ['ParameterInstanceRef', 'LinearAdjustment']);
  const ref = kids.find((k) => k.name === 'ParameterInstanceRef');
  if (!ref) ctx.fail(dyn, '<ParameterInstanceRef> is required');
  const adj = kids.find((k) => k.name === 'LinearAdjustment');
  const r = valueRef(ctx, ref);
  // LinearAdjustmentType: slope has no XSD default; spp takes 0, which would make every size 0 (§1.5). Missing = 1.
  return { kind: 'dynamic', parameter: r.parameter, useCalibratedValue: r.useCalibratedValue, slope: adj ? ctx.num(adj, 'slope', 1) : 1, intercept: adj ? ctx.num(adj, 'intercept', 0) : 0 };
}

function valueRef(ctx: Ctx, el: XmlElement): ValueRef {
  if (ctx.int(el, 'instance', 0) !== 0) ctx.unsupported(el, 'instance other than 0 is not supported');
  if (el.attrs['relativeTo'] !== undefined && el.attrs['relativeTo'] !== 'currentEntityInstance') ctx.unsupported(el, `relativeTo="${el.attrs['relativeTo']}" is not supported`);
  return { parameter: refName(ctx.attr(el, 'parameterRef')), useCalibratedValue: ctx.bool(el, 'useCalibratedValue', true) };
}

function calibrators(ctx: Ctx, kids: readonly XmlElement[], t: Record<string, unknown>): void {
  for (const c of kids) {
    if (c.name === 'DefaultCalibrator') t['calibrator'] = calibrator(ctx, c);
    else t['contextCalibrators'] = ctx.kids(c, ['ContextCalibrator']).map((cc) => {
      const [m, cal] = [ctx.one(cc, 'ContextMatch'), ctx.one(cc, 'Calibrator')];
      if (!m || !cal) ctx.fail(cc, '<ContextMatch> and <Calibrator> are required');
      ctx.kids(cc, ['ContextMatch', 'Calibrator']);
      return { when: matchCriteria(ctx, m), calibrator: calibrator(ctx, cal) };
    });
  }
}

/** A CalibratorType element (DefaultCalibrator, Calibrator): Polynomial or Spline. */
function calibrator(ctx: Ctx, el: XmlElement): Calibrator {
  const kids = ctx.kids(el, ['PolynomialCalibrator', 'SplineCalibrator']);
  if (kids.length !== 1) ctx.fail(el, 'exactly one calibrator is required');
  const c = kids[0]!;
  if (c.name === 'PolynomialCalibrator') {
    const terms = ctx.kids(c, ['Term']).map((tm) => ({ coefficient: ctx.num(tm, 'coefficient'), exponent: ctx.num(tm, 'exponent') }));
    if (!terms.length) ctx.fail(c, 'at least one <Term> is required');
    return { kind: 'polynomial', terms };
  }
  const order = ctx.int(c, 'order', 1); // XSD12 default 1 (spp's default 0 deviates, §1.6)
  if (order !== 0 && order !== 1) ctx.unsupported(c, `order=${order} is not supported (0 and 1)`);
  const points = ctx.kids(c, ['SplinePoint']).map((p) => ({ raw: ctx.num(p, 'raw'), calibrated: ctx.num(p, 'calibrated') }));
  if (points.length < 2) ctx.fail(c, 'at least two <SplinePoint> are required');
  for (let i = 1; i < points.length; i++) if (!(points[i]!.raw > points[i - 1]!.raw)) ctx.fail(c, 'spline points must be sorted by increasing raw value');
  return { kind: 'spline', order, extrapolate: ctx.bool(c, 'extrapolate', false), points };
}

const OPERATORS: Readonly<Record<string, ComparisonOperator>> = {
  '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '&lt;': '<', '&lt;=': '<=', '&gt;': '>', '&gt;=': '>=', eq: '==', neq: '!=',
};

function operator(ctx: Ctx, el: XmlElement, text: string | undefined): ComparisonOperator {
  const op = OPERATORS[(text ?? '==').trim()];
  if (!op) ctx.fail(el, `comparison operator "${text}" is not one of ==, !=, <, <=, >, >=`);
  return op;
}

/** MatchCriteriaType content of `el` (RestrictionCriteria, IncludeCondition, ContextMatch). */
function matchCriteria(ctx: Ctx, el: XmlElement): MatchCriteria {
  const kids = ctx.kids(el, ['Comparison', 'ComparisonList', 'BooleanExpression']);
  if (kids.length !== 1) ctx.fail(el, 'exactly one of Comparison, ComparisonList, BooleanExpression is required');
  const c = kids[0]!;
  if (c.name === 'Comparison') return comparison(ctx, c);
  if (c.name === 'ComparisonList') return { kind: 'and', of: ctx.kids(c, ['Comparison']).map((x) => comparison(ctx, x)) };
  const [b] = ctx.kids(c, ['Condition', 'ANDedConditions', 'ORedConditions']);
  if (!b) ctx.fail(c, 'a Condition, ANDedConditions or ORedConditions is required');
  return booleanExpression(ctx, b);
}

function comparison(ctx: Ctx, el: XmlElement): MatchCriteria {
  return { kind: 'comparison', ref: valueRef(ctx, el), operator: operator(ctx, el, el.attrs['comparisonOperator']), value: ctx.attr(el, 'value') };
}

/** XTCE 1.2 BooleanExpressionType members. */
function booleanExpression(ctx: Ctx, el: XmlElement): MatchCriteria {
  if (el.name === 'ANDedConditions' || el.name === 'ORedConditions') {
    const of = ctx.kids(el, ['Condition', 'ANDedConditions', 'ORedConditions']).map((x) => booleanExpression(ctx, x));
    return { kind: el.name === 'ANDedConditions' ? 'and' : 'or', of };
  }
  const kids = ctx.kids(el, ['ParameterInstanceRef', 'ComparisonOperator', 'Value']);
  const refs = kids.filter((k) => k.name === 'ParameterInstanceRef');
  const op = kids.find((k) => k.name === 'ComparisonOperator');
  const value = kids.find((k) => k.name === 'Value');
  if (!refs[0] || !op || (refs.length !== 2 && !value)) ctx.fail(el, 'a Condition needs ParameterInstanceRef, ComparisonOperator and a Value or second ParameterInstanceRef');
  const left = valueRef(ctx, refs[0]);
  const oper = operator(ctx, op, op.text);
  if (refs[1]) return { kind: 'compareParameters', left, operator: oper, right: valueRef(ctx, refs[1]) };
  return { kind: 'comparison', ref: left, operator: oper, value: value!.text };
}

function floatRange(ctx: Ctx, el: XmlElement): FloatRange {
  const r: Record<string, number> = {};
  for (const k of ['minInclusive', 'minExclusive', 'maxInclusive', 'maxExclusive']) if (el.attrs[k] !== undefined) r[k] = ctx.num(el, k);
  return r;
}

const LEVEL_ELEMENTS: Readonly<Record<string, AlarmLevel>> = { WatchRange: 'watch', WarningRange: 'warning', DistressRange: 'distress', CriticalRange: 'critical', SevereRange: 'severe' };

function alarmLevel(ctx: Ctx, el: XmlElement, v: string): AlarmLevel | 'normal' {
  if (v === 'normal' || (ALARM_LEVELS as readonly string[]).includes(v)) return v as AlarmLevel | 'normal';
  ctx.fail(el, `alarm level "${v}" is not one of normal, ${ALARM_LEVELS.join(', ')}`);
}

/** DefaultAlarm / ContextAlarm: static ranges (numeric) or enumeration levels. */
function alarm(ctx: Ctx, el: XmlElement, kind: ParameterType['kind'], extra: readonly string[] = []): Alarm {
  const minViolations = ctx.int(el, 'minViolations', 1);
  const out: { -readonly [K in keyof Alarm]: Alarm[K] } = { minViolations };
  if (kind === 'enumerated') {
    const kids = ctx.kids(el, ['EnumerationAlarmList', ...extra]);
    const levels: Record<string, AlarmLevel | 'normal'> = {};
    for (const list of kids.filter((k) => k.name === 'EnumerationAlarmList'))
      for (const a of ctx.kids(list, ['EnumerationAlarm'])) levels[ctx.attr(a, 'enumerationLabel')] = alarmLevel(ctx, a, ctx.attr(a, 'alarmLevel'));
    out.enumerationLevels = levels;
    out.defaultLevel = alarmLevel(ctx, el, el.attrs['defaultAlarmLevel'] ?? 'normal');
    return out;
  }
  const kids = ctx.kids(el, ['StaticAlarmRanges', ...extra]);
  const s = kids.find((k) => k.name === 'StaticAlarmRanges');
  if (s) {
    const form = s.attrs['rangeForm'] ?? 'outside';
    if (form !== 'outside' && form !== 'inside') ctx.fail(s, `rangeForm="${form}" is not outside or inside`);
    const ranges: Partial<Record<AlarmLevel, FloatRange>> = {};
    for (const r of ctx.kids(s, Object.keys(LEVEL_ELEMENTS))) ranges[LEVEL_ELEMENTS[r.name]!] = floatRange(ctx, r);
    out.staticRanges = { rangeForm: form, ranges } satisfies StaticAlarmRanges;
  }
  return out;
}

function parameter(ctx: Ctx, el: XmlElement): void {
  for (const c of ctx.kids(el, ['ParameterProperties'])) {
    for (const p of ctx.kids(c, ['SystemName', 'ValidityCondition', 'PhysicalAddressSet', 'TimeAssociation']))
      if (p.name === 'ValidityCondition' || p.name === 'TimeAssociation') ctx.unsupported(p);
  }
  const desc = description(el);
  const p: Parameter = { name: ctx.attr(el, 'name'), type: refName(ctx.attr(el, 'parameterTypeRef')), ...(desc ? { description: desc } : {}), source: ctx.at(el) };
  ctx.add('parameter', ctx.parameters, p, el);
}

function sequenceContainer(ctx: Ctx, el: XmlElement): void {
  const kids = ctx.kids(el, ['EntryList', 'BaseContainer']);
  const entries: Entry[] = [];
  let base: Container['base'];
  for (const c of kids) {
    if (c.name === 'EntryList') for (const e of c.children) { const x = entry(ctx, e); if (x) entries.push(x); }
    else {
      const [r] = ctx.kids(c, ['RestrictionCriteria']);
      let restriction: MatchCriteria | undefined;
      if (r) {
        const rk = ctx.kids(r, ['Comparison', 'ComparisonList', 'BooleanExpression']);
        if (rk.length) restriction = matchCriteria(ctx, r);
      }
      base = { container: refName(ctx.attr(c, 'containerRef')), ...(restriction ? { restriction } : {}) };
    }
  }
  const desc = description(el);
  const container: Container = {
    name: ctx.attr(el, 'name'),
    abstract: ctx.bool(el, 'abstract', false),
    ...(base ? { base } : {}),
    entries,
    ...(desc ? { description: desc } : {}),
    source: ctx.at(el),
  };
  ctx.add('container', ctx.containers, container, el);
}

/**
 * XTCE 1.2 RepeatEntry (RepeatType): `Count` (IntegerValueType: a FixedValue, or a DynamicValue reading a
 * parameter decoded before, with its LinearAdjustment); `Offset` (bits between occurrences) only as a fixed 0.
 * A DiscreteLookupList count, another Offset and ParameterInstanceRef instances other than 0 are refused.
 */
function repeatEntry(ctx: Ctx, el: XmlElement): NonNullable<Entry['repeat']> {
  const kids = ctx.kids(el, ['Count', 'Offset']);
  const countEl = kids.find((k) => k.name === 'Count');
  if (!countEl) ctx.fail(el, '<Count> is required');
  const offset = kids.find((k) => k.name === 'Offset');
  if (offset) {
    const [v] = ctx.kids(offset, ['FixedValue', 'DynamicValue', 'DiscreteLookupList']);
    if (!v || v.name !== 'FixedValue' || ctx.textNum(v) !== 0) ctx.unsupported(offset, 'an <Offset> between occurrences other than a <FixedValue> of 0 is not supported');
  }
  const [c] = ctx.kids(countEl, ['FixedValue', 'DynamicValue', 'DiscreteLookupList']);
  if (!c) ctx.fail(countEl, '<FixedValue> or <DynamicValue> is required');
  if (c.name === 'DiscreteLookupList') ctx.unsupported(c, 'a repeat count from a <DiscreteLookupList> is not supported');
  const count = integerValue(ctx, countEl);
  if (count.kind === 'fixed' && (!Number.isInteger(count.value) || count.value < 0)) ctx.fail(c, `repeat count ${count.value} is not a count`);
  return { count };
}

function entry(ctx: Ctx, el: XmlElement): Entry | undefined {
  if (DESCRIPTIVE.has(el.name)) return undefined;
  const kinds: Readonly<Record<string, Entry['kind']>> = { ParameterRefEntry: 'parameter', ContainerRefEntry: 'container', ArrayParameterRefEntry: 'array' };
  const kind = kinds[el.name];
  if (!kind) ctx.unsupported(el, 'entry kind is not supported');
  const common: { location?: EntryLocation; includeCondition?: MatchCriteria; repeat?: NonNullable<Entry['repeat']>; source: string } = { source: ctx.at(el) };
  for (const c of ctx.kids(el, ['LocationInContainerInBits', 'IncludeCondition', 'RepeatEntry'])) {
    if (c.name === 'IncludeCondition') common.includeCondition = matchCriteria(ctx, c);
    else if (c.name === 'RepeatEntry') common.repeat = repeatEntry(ctx, c);
    else {
      const ref = c.attrs['referenceLocation'] ?? 'previousEntry';
      if (ref !== 'previousEntry' && ref !== 'containerStart') ctx.unsupported(c, `referenceLocation="${ref}" is not supported (previousEntry, containerStart)`);
      const [v] = ctx.kids(c, ['FixedValue', 'DynamicValue']);
      if (!v || v.name !== 'FixedValue') ctx.unsupported(c, 'only a <FixedValue> location is supported');
      common.location = { reference: ref, bits: ctx.textNum(v) };
    }
  }
  if (kind === 'container') return { kind, container: refName(ctx.attr(el, 'containerRef')), ...common };
  return { kind, parameter: refName(ctx.attr(el, 'parameterRef')), ...common };
}

