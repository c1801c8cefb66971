import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

// Markup templates for the server bundle (vite.server.config.ts only).
//
// QuickJS renders an element by building its vnode (an object and its props)
// and walking it: a call of the renderer, a loop over its props, a check per
// attribute. Most of a page's markup is the same on every render: the tags,
// the attribute names, the literal classes and texts. Where esbuild's JSX
// output calls jsx("tag", { … }) with a literal tag and a plain object, this
// writes the element (and its elements in turn) as a template: the static
// markup as strings, built once, and only the values that change as holes.
// The renderer writes a template's vnode (a Fragment with `tpl` and `exprs`,
// as for Preact's precompiled JSX) with renderTemplate, which vite.quickjs.ts
// adds to it: each hole as its element would write the value there (an
// attribute, a child, dangerouslySetInnerHTML), templates in holes in place.
// A reply of a thread page goes from about fifteen vnodes to a handful.
// Measured with callgrind (instructions per render in QuickJS, the server's
// data): the thread page with 100 replies from 61 M to 37 M, the request
// page with 50 comments from 38 M to 21 M.
//
// The markup must stay byte for byte what the renderer writes for the same
// JSX, which is what the browser hydrates. So the static parts follow the
// renderer's own rules (its name tables are read from its sources below;
// text and attribute values escaped as its encodeEntities does), the holes
// follow its element path (signals unwrapped, functions and false left out,
// aria-/data- values as text), and whatever a template can't say exactly is
// left to the renderer: components, spreads, computed names, `value`,
// `style`, SVG, select/option/textarea, void elements with children. (One
// difference is left: an HTML element with a camelCase attribute, such as
// <time dateTime>, placed straight inside an <svg> gets HTML's lowercase
// name, where the renderer would keep SVG's; HTML belongs in SVG only inside
// foreignObject, which resets it.) test/built checks whole pages against the
// unmodified libraries, and test/templates.test.ts the edge cases.

const require = createRequire(import.meta.url);
const nodeModules = path.dirname(path.dirname(require.resolve('preact-render-to-string/package.json')));
const rendererUtil = path.join(nodeModules, 'preact-render-to-string/src/lib/util.js');

/** A regular expression or set of the renderer's util.js, by its name there (the build fails without it). */
function rendererTable(source: string, name: string): string {
  const m = source.match(new RegExp(`export const ${name} =\\s*([^;]+);`));
  if (!m?.[1]) throw new Error(`preact-render-to-string changed: no ${name} in src/lib/util.js; update web/vite.templates.ts`);
  return m[1].trim();
}
const utilSource = readFileSync(rendererUtil, 'utf8');
// eslint-disable-next-line no-new-func
const table = (name: string): unknown => new Function(`return ${rendererTable(utilSource, name)};`)();
const UNSAFE_NAME = table('UNSAFE_NAME') as RegExp;
const NAMESPACE_REPLACE_REGEX = table('NAMESPACE_REPLACE_REGEX') as RegExp;
const HTML_LOWER_CASE = table('HTML_LOWER_CASE') as RegExp;
const HTML_ENUMERATED = table('HTML_ENUMERATED') as Set<string>;
const VOID_ELEMENTS = (() => {
  const index = readFileSync(path.join(nodeModules, 'preact-render-to-string/src/index.js'), 'utf8');
  const m = index.match(/const SELF_CLOSING = new Set\(\[([^\]]+)\]\)/);
  if (!m?.[1]) throw new Error('preact-render-to-string changed: no SELF_CLOSING in src/index.js; update web/vite.templates.ts');
  return new Set([...m[1].matchAll(/'(\w+)'/g)].map((x) => x[1]));
})();

/**
 * Tags a template leaves to the renderer: SVG's (inside an <svg> it writes
 * attribute names its own way) and the form elements whose value it writes.
 * Tags of both HTML and SVG (a, title, style, script) are templates only
 * with lowercase attribute names, which both ways write as they are.
 */
const RENDERER_ONLY = new Set(
  'svg g path rect circle ellipse line polyline polygon text tspan defs use symbol marker mask pattern stop filter image desc metadata switch view animate set mpath math select option textarea'.split(' '),
);
const HTML_AND_SVG = new Set(['a', 'title', 'style', 'script']);
/** Props the renderer treats specially, left to it. */
const SPECIAL_PROPS = new Set([
  'value',
  'defaultValue',
  'defaultChecked',
  'defaultSelected',
  'style',
  'acceptCharset',
  'httpEquiv',
  '__self',
  '__source',
]);

/** The renderer's encodeEntities, for text known at build time. */
function encode(text: string): string {
  return text.replace(/["&<]/g, (c) => (c === '"' ? '&quot;' : c === '&' ? '&amp;' : '&lt;'));
}

/** The templates' vnodes (a virtual module of the server bundle). */
const HELPERS_ID = '\0exosphere-templates';

/**
 * A template's vnode: a Fragment with `tpl` (the template: its strings and
 * what each hole is) and `exprs` (the holes' values), which the renderer's
 * renderTemplate writes (vite.quickjs.ts). preact/jsx-runtime's jsxTemplate
 * would make a component's vnode of nine fields, from rest arguments.
 */
const HELPERS = `import { Fragment, options } from 'preact';
export function template(tpl, exprs) {
  return { type: Fragment, props: { tpl, exprs }, __: null, constructor: undefined };
}
// Objects of the literals' intermediate shapes, kept (on Preact's options, as
// vite.quickjs.ts keeps the elements'): QuickJS would otherwise make and free
// each shape step with every vnode.
options.quickjsTemplateShapes = [
  { type: 0 }, { type: 0, props: 0 }, { type: 0, props: 0, __: 0 }, { type: 0, props: 0, __: 0, constructor: 0 },
  { tpl: 0 }, { tpl: 0, exprs: 0 },
];
`;

/**
 * What a hole is, for renderTemplate: a child in a list (0), an element's
 * only child (1: a signal is read first, as for any prop), the markup of
 * dangerouslySetInnerHTML (2), or an attribute (its spec: the name as
 * written, bare and with its value, whether values are stringified as aria-
 * and data- values are, whether functions are written as class writes them,
 * and the short values already written).
 */
type HoleKind = '0' | '1' | '2' | { spec: string };

/** A node of an ESTree program, with its offsets in the code. */
export type Node = { type: string; start: number; end: number; [field: string]: unknown };

/** The local names a module (esbuild's JSX output) gives preact/jsx-runtime's jsx and jsxs, and its Fragment. */
export function jsxRuntime(program: Node): { jsx: Set<string>; fragment: Set<string> } {
  const runtime = { jsx: new Set<string>(), fragment: new Set<string>() };
  for (const node of program.body as Node[]) {
    if (node.type !== 'ImportDeclaration' || (node.source as Node).value !== 'preact/jsx-runtime') continue;
    for (const spec of node.specifiers as Node[]) {
      const imported = (spec.imported as Node | undefined)?.name;
      const local = (spec.local as Node).name as string;
      if (imported === 'jsx' || imported === 'jsxs') runtime.jsx.add(local);
      if (imported === 'Fragment') runtime.fragment.add(local);
    }
  }
  return runtime;
}

/** A template's parts: static markup around holes (code of the values, and what each is). */
class Template {
  strings: string[] = [''];
  holes: string[] = [];
  kinds: HoleKind[] = [];
  text(markup: string): void {
    this.strings[this.strings.length - 1] += markup;
  }
  hole(code: string, kind: HoleKind): void {
    this.holes.push(code);
    this.kinds.push(kind);
    this.strings.push('');
  }
}

/** Thrown where an element can't be written as a template; the renderer keeps it. */
class NotTemplatable extends Error {}

/** Whether evaluating the expression can't have effects (it may be dropped, as the renderer ignores its value). */
function pure(node: Node): boolean {
  switch (node.type) {
    case 'Identifier':
    case 'Literal':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return true;
    case 'MemberExpression':
      return pure(node.object as Node) && (!node.computed || pure(node.property as Node));
    default:
      return false;
  }
}

function propName(prop: Node): string {
  if (prop.type !== 'Property' || prop.computed || prop.kind !== 'init' || prop.method) throw new NotTemplatable();
  const key = prop.key as Node;
  const name = key.type === 'Identifier' ? key.name : key.value;
  if (typeof name !== 'string') throw new NotTemplatable();
  return name;
}

/** The attribute's name as the renderer writes it (outside SVG), and whether it stringifies values; null: never written. */
function attributeName(name: string, props: Set<string>): { name: string; stringify: boolean } | null {
  if (name === 'className') {
    if (props.has('class')) throw new NotTemplatable();
    return { name: 'class', stringify: false };
  }
  if (name === 'htmlFor') {
    if (props.has('for')) throw new NotTemplatable();
    return { name: 'for', stringify: false };
  }
  if (UNSAFE_NAME.test(name)) return null;
  if (NAMESPACE_REPLACE_REGEX.test(name)) throw new NotTemplatable();
  if (name[4] === '-' || HTML_ENUMERATED.has(name)) return { name, stringify: true };
  return { name: HTML_LOWER_CASE.test(name) ? name.toLowerCase() : name, stringify: false };
}

/**
 * Rewrites a module's templatable JSX calls (esbuild's automatic runtime
 * output). Returns null when it has none. `parse` gives an ESTree program
 * with offsets.
 */
export function templateModule(code: string, parse: (code: string) => Node): string | null {
  if (!code.includes('preact/jsx-runtime')) return null;
  const program = parse(code);
  const runtime = jsxRuntime(program);
  if (runtime.jsx.size === 0) return null;

  const constants: string[] = [];
  const element = (node: Node): [tag: string | null, props: Node, key: Node | undefined] | null => {
    if (node.type !== 'CallExpression') return null;
    const callee = node.callee as Node;
    const args = node.arguments as Node[];
    if (callee.type !== 'Identifier' || !runtime.jsx.has(callee.name as string) || args.length < 2 || args.length > 3) return null;
    const [type, props, key] = args as [Node, Node, Node | undefined];
    if (props.type !== 'ObjectExpression') return null;
    if (type.type === 'Literal' && typeof type.value === 'string') return [type.value, props, key];
    if (type.type === 'Identifier' && runtime.fragment.has(type.name as string)) return [null, props, key];
    return null;
  };

  /** The code of a range, its templatable calls rewritten (those not inside another). */
  const rewrite = (node: Node): string => {
    const edits: [start: number, end: number, text: string][] = [];
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) {
        for (const child of n) visit(child);
        return;
      }
      if (n === null || typeof n !== 'object' || typeof (n as Node).type !== 'string') return;
      const candidate = n as Node;
      if (element(candidate)) {
        const template = templateOf(candidate);
        if (template !== null) {
          edits.push([candidate.start, candidate.end, template]);
          return;
        }
      }
      for (const value of Object.values(candidate)) if (value !== null && typeof value === 'object') visit(value);
    };
    visit(node);
    let out = code.slice(node.start, node.end);
    for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
      out = out.slice(0, start - node.start) + text + out.slice(end - node.start);
    }
    return out;
  };

  /** Writes an element (or fragment) call into the template; throws NotTemplatable. */
  const write = (node: Node, into: Template): void => {
    const found = element(node);
    if (!found) throw new NotTemplatable();
    const [tag, props, key] = found;
    if (key && !pure(key)) throw new NotTemplatable();
    const entries = (props.properties as Node[]).map((p) => [propName(p), p.value as Node] as const);
    const names = new Set(entries.map(([name]) => name));
    if (names.size !== entries.length) throw new NotTemplatable();
    const children = entries.find(([name]) => name === 'children')?.[1];
    if (tag === null) {
      if (entries.length !== (children ? 1 : 0)) throw new NotTemplatable();
      if (children) writeChildren(children, into);
      return;
    }
    if (UNSAFE_NAME.test(tag) || RENDERER_ONLY.has(tag) || tag !== tag.toLowerCase()) throw new NotTemplatable();
    const isVoid = VOID_ELEMENTS.has(tag);
    into.text(`<${tag}`);
    let innerHtml: Node | undefined;
    for (const [name, value] of entries) {
      if (name === 'children') continue;
      if (SPECIAL_PROPS.has(name)) throw new NotTemplatable();
      if (name === 'key' || name === 'ref') {
        if (!pure(value)) throw new NotTemplatable();
        continue;
      }
      if (name === 'dangerouslySetInnerHTML') {
        innerHtml = value;
        continue;
      }
      const fn = value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression';
      const keepsFunctions = name === 'class' || name === 'className';
      if (fn && !keepsFunctions) continue;
      if (HTML_AND_SVG.has(tag) && /[A-Z]/.test(name) && !/^on[A-Z]|^className$|^htmlFor$/.test(name)) throw new NotTemplatable();
      const written = attributeName(name, names);
      if (written === null) {
        if (!pure(value)) throw new NotTemplatable();
        continue;
      }
      if (value.type === 'Literal' && !('regex' in value) && typeof value.value !== 'bigint') {
        let v = value.value as string | number | boolean | null;
        if (written.stringify && v != null) v = String(v);
        if (v == null || v === false) continue;
        into.text(v === true || v === '' ? ` ${written.name}` : ` ${written.name}="${encode(String(v))}"`);
        continue;
      }
      if (value.type === 'Literal') throw new NotTemplatable();
      const spec = `{ bare: ${JSON.stringify(` ${written.name}`)}, open: ${JSON.stringify(` ${written.name}="`)}, stringify: ${written.stringify}, functions: ${keepsFunctions}, seen: new Map() }`;
      into.hole(rewrite(value), { spec });
    }
    if (isVoid) {
      if (children || innerHtml) throw new NotTemplatable();
      into.text('/>');
      return;
    }
    into.text('>');
    if (innerHtml) {
      if (children) throw new NotTemplatable();
      into.hole(rewrite(innerHtml), '2');
    } else if (children) {
      writeChildren(children, into);
    }
    into.text(`</${tag}>`);
  };

  const writeChildren = (children: Node, into: Template): void => {
    if (children.type === 'ArrayExpression') {
      for (const item of children.elements as (Node | null)[]) {
        if (item === null || item.type === 'SpreadElement') throw new NotTemplatable();
        writeChild(item, into, '0');
      }
    } else {
      writeChild(children, into, '1');
    }
  };

  const writeChild = (child: Node, into: Template, kind: '0' | '1'): void => {
    if (child.type === 'Literal' && !('regex' in child)) {
      const v = child.value;
      if (typeof v === 'string') into.text(encode(v));
      else if (typeof v === 'number') into.text(String(v));
      else if (v !== null && typeof v !== 'boolean') throw new NotTemplatable();
      return;
    }
    if (element(child)) {
      // An element inside: written in place when it can be, else its own vnode in a hole.
      const nested = new Template();
      try {
        write(child, nested);
      } catch (e) {
        if (!(e instanceof NotTemplatable)) throw e;
        into.hole(rewrite(child), kind);
        return;
      }
      into.text(nested.strings[0] ?? '');
      nested.holes.forEach((hole, i) => {
        into.hole(hole, nested.kinds[i] ?? '0');
        into.text(nested.strings[i + 1] ?? '');
      });
      return;
    }
    into.hole(rewrite(child), kind);
  };

  const constant = (value: string): string => {
    constants.push(value);
    return `__template${constants.length - 1}`;
  };

  const templateOf = (node: Node): string | null => {
    const template = new Template();
    try {
      write(node, template);
    } catch (e) {
      if (e instanceof NotTemplatable) return null;
      throw e;
    }
    if (template.holes.length === 0 && template.strings[0] === '') return null;
    const kinds = template.kinds.map((kind) => (typeof kind === 'string' ? kind : kind.spec));
    const tpl = constant(`{ strings: ${JSON.stringify(template.strings)}, kinds: [${kinds.join(', ')}] }`);
    return `__templates.template(${tpl}, [${template.holes.join(', ')}])`;
  };

  const out = rewrite(program);
  if (constants.length === 0) return null;
  const header = [
    `import * as __templates from ${JSON.stringify(HELPERS_ID)};`,
    ...constants.map((value, i) => `const __template${i} = ${value};`),
  ].join('\n');
  return `${header}\n${out}`;
}

/** The server bundle's JSX as templates (see above): the app's modules, not the libraries'. */
export function quickjsTemplates(): Plugin {
  return {
    name: 'exosphere:quickjs-templates',
    enforce: 'post',
    resolveId(id) {
      return id === HELPERS_ID ? id : null;
    },
    load(id) {
      return id === HELPERS_ID ? HELPERS : null;
    },
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\.[jt]sx$/.test(id.split('?')[0] ?? id)) return null;
      const out = templateModule(code, (c) => this.parse(c) as unknown as Node);
      return out === null ? null : { code: out, map: null };
    },
  };
}
