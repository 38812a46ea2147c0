/**
 * @module binary-parser, re-exported with its types. The package's `exports` map hides its type declarations
 * from NodeNext resolution for the ESM entry, so every layout in idoc imports `Parser` from here.
 */
import { createRequire } from 'node:module';
import type { Parser as ParserClass } from 'binary-parser/dist/binary_parser.js';

const require = createRequire(import.meta.url);

/** The binary-parser `Parser` class (declared layouts: `new Parser().endianness('big').uint16('x')…`). */
export const Parser: typeof ParserClass = (require('binary-parser') as { Parser: typeof ParserClass }).Parser;
export type Parser = ParserClass;
