import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { jsxRuntime, type Node } from './vite.templates';

// QuickJS fast paths for the server bundle (vite.server.config.ts).
//
// QuickJS interprets; it has no JIT, no inline caches, and what V8 makes free
// costs it thousands of machine instructions: one RegExp#test (3,000–8,000,
// even on a five-letter name), one property added to an object (about 700).
// preact-render-to-string tests four regular expressions on every attribute
// name and one on every text, Preact's JSX runtime builds every vnode with 16
// properties, and the renderer links each vnode to its parent, a cycle that
// only the cycle collector frees. Measured on the request page with 50
// comments (callgrind, instructions per render, with the comment markup
// trimmed beside it), these rewrites take a render from 65 M to 44 M, and the
// garbage a collection must walk from about 0.9 ms per page to 0.2 ms:
//
//  - attribute names: what the renderer's generic path makes of a name (the
//    name written, whether values are stringified) is remembered per name, so
//    each later attribute skips the switch and the regular expressions, and
//    an attribute with a short string value is remembered as written;
//  - element names are checked once each, and the escaped forms of short
//    strings (class names, labels) are remembered (both bounded);
//  - vnodes are built with the fields server rendering reads, and objects of
//    their literal's intermediate shapes are kept, so that QuickJS doesn't
//    make and free seven shapes per vnode;
//  - a rendered vnode drops its parent link and its component's link to it;
//  - elements call no option hooks, only components do (preact/hooks and
//    preact-iso's lazy, the only ones setting them here, have nothing to do
//    for an element), and a vnode is checked without calling isValidElement;
//  - an element's children are read before the signal check (arrays and
//    vnodes are none);
//  - preact-iso's route matching splits each path and reads each route
//    segment once, not once per route per render (a regular expression each);
//  - an element's props are read by the names in its JSX, listed at build
//    time (quickjsPropNames), not enumerated with for...in.
//
// On a page of a hundred nested replies (a module's), the option hooks,
// isValidElement, children, attribute values, vnode shapes and route
// matching, with the vnode links let go where the renderer returns (not in a
// wrapper around every call), took a render from 47 M to 36.5 M instructions
// (quickjs-ng under callgrind; from 100 M to 76 M for a member who may react
// and reply). Reading props by their listed names took it to 34.8 M (and a
// writer's, with reaction bars of fewer elements, to 62 M).
//
// The HTML is byte for byte what the unmodified libraries render
// (test/built/server-bundle.test.ts compares them page by page). The rewrites apply to the pinned versions
// in package.json; if an upgrade changes the code, the build fails here
// rather than silently rendering slower.

const require = createRequire(import.meta.url);
const nodeModules = path.dirname(path.dirname(require.resolve('preact-render-to-string/package.json')));
/** preact-render-to-string's ES sources (they ship in the package), aliased in place of its built files. */
export const renderToStringSource = path.join(nodeModules, 'preact-render-to-string/src/index.js');

type Rewrite = [from: string | RegExp, to: string];

const MEMO = `
// QuickJS fast paths (web/vite.quickjs.ts).
const MEMO_LIMIT = 4096;
let memoSize = 0;
const UNSAFE_SEEN = Object.create(null);
function isUnsafeName(name) {
  let hit = UNSAFE_SEEN[name];
  if (hit === undefined) {
    hit = UNSAFE_NAME.test(name);
    if (memoSize < MEMO_LIMIT) {
      memoSize++;
      UNSAFE_SEEN[name] = hit;
    }
  }
  return hit;
}
// HTML attribute names that reach the switch's default case, with what that
// case makes of them outside SVG: the name written and whether values are
// stringified first (aria-*, data-*, enumerated). Unsafe and namespaced names
// are never remembered, so they always take the original path.
const PLAIN_ATTRS = Object.create(null);
function rememberAttr(name) {
  if (memoSize >= MEMO_LIMIT || UNSAFE_NAME.test(name) || NAMESPACE_REPLACE_REGEX.test(name)) return;
  memoSize++;
  const stringify = name[4] === '-' || HTML_ENUMERATED.has(name);
  const written = !stringify && HTML_LOWER_CASE.test(name) ? name.toLowerCase() : name;
  PLAIN_ATTRS[name] = { name: written, prefix: ' ' + written + '="', stringify, values: new Map() };
}
// Plain attributes with short string values, as written (class names, roles,
// test ids and labels repeat from element to element), are remembered per name.
const ATTR_LIMIT = 8192;
let attrSize = 0;
// A template (web/vite.templates.ts): its strings, and the values of its
// holes in turn, each written by its kind as the renderer writes the same
// value for an element: an attribute (kind: its spec), the markup of
// dangerouslySetInnerHTML (2), or a child (0; 1: an element's only child,
// a signal read first, as for any prop). Templates among them are written
// here in turn.
function renderTemplate(vnode, context, isSvgMode, selectValue, parent, asyncMode, renderer, hooks) {
	vnode[PARENT] = parent;
	const tpl = vnode.props.tpl, strings = tpl.strings, kinds = tpl.kinds, exprs = vnode.props.exprs;
	let out = strings[0], outArray;
	for (let i = 0; i < kinds.length; i++) {
		let value = exprs[i];
		const kind = kinds[i];
		if (typeof kind == 'object') {
			if (typeof value == 'string' && value !== EMPTY_STR) {
				const written = kind.seen.get(value);
				out = out + (written === undefined ? templateAttribute(value, kind) : written);
			} else {
				out = out + templateAttribute(value, kind);
			}
		} else if (kind === 2) {
			const html = value && value.__html;
			if (html) out = out + html;
		} else if (value != null && typeof value != 'boolean') {
			if (kind === 1 && typeof value == 'object' && isSignal(value)) value = value.value;
			const type = typeof value;
			if (type == 'string') {
				out = out + encodeEntities(value);
			} else if (type != 'object') {
				if (type != 'function' && type != 'boolean' && value != null) out = out + value;
			} else if (value !== null && (value.constructor === undefined || isArray(value))) {
				const exprRender = value.type === Fragment && 'tpl' in value.props
					? renderTemplate(value, context, isSvgMode, selectValue, vnode, asyncMode, renderer, hooks)
					: _renderToString(value, context, isSvgMode, selectValue, vnode, asyncMode, renderer, hooks);
				if (typeof exprRender == 'string') {
					out = out + exprRender;
				} else {
					// Suspended children in async mode render to an Array or
					// Promise, keep them in order with the surrounding parts
					if (!outArray) outArray = [];
					if (out) outArray.push(out);
					out = EMPTY_STR;
					if (isArray(exprRender)) {
						outArray.push(...exprRender);
					} else {
						outArray.push(exprRender);
					}
				}
			}
		}
		out = out + strings[i + 1];
	}
	if (outArray) {
		if (out) outArray.push(out);
		return outArray;
	}
	return out;
}
// A template's attribute as the renderer writes it for an element; short
// string values, as written, are remembered per attribute (class names and
// labels repeat).
let templateAttrs = 0;
function templateAttribute(v, spec) {
	if (typeof v == 'string' && v !== EMPTY_STR) {
		const written = spec.open + encodeEntities(v) + '"';
		if (v.length <= 64 && templateAttrs < ATTR_LIMIT) {
			templateAttrs++;
			spec.seen.set(v, written);
		}
		return written;
	}
	if (isSignal(v)) v = v.value;
	if (typeof v == 'function' && !spec.functions) return EMPTY_STR;
	if (spec.stringify && v != null) v = v + EMPTY_STR;
	if (v == null || v === false) return EMPTY_STR;
	return v === true || v === EMPTY_STR ? spec.bare : spec.open + encodeEntities(v + EMPTY_STR) + '"';
}
`;

/** Rewrites per file, by its path under node_modules. */
const rewrites: Record<string, Rewrite[]> = {
  'preact-render-to-string/src/index.js': [
    ['const EMPTY_OBJ = {};', `${MEMO}\nconst EMPTY_OBJ = {};`],
    // An element's props by the names its JSX gave them (vnode.__p, see
    // quickjsPropNames), not by enumerating the object: for...in costs QuickJS
    // an iterator object, a walk of Object.prototype and a property per name
    // on every element. Elements without the names (spreads, cloneElement,
    // createElement) list them with Object.keys, as costly as for...in.
    [
      '\tfor (let name in props) {\n',
      '\tconst names = typeof vnode.__p == \'object\' ? vnode.__p : Object.keys(props);\n\tfor (let i = 0; i < names.length; i++) {\n\t\tlet name = names[i];\n',
    ],
    [
      `		v = isSignal(v) ? v.value : v;
`,
      `		// Children first: arrays and vnodes (which have no constructor) are no signals.
		if (name === 'children') {
			children = v !== null && typeof v === 'object' && v.constructor !== undefined && !isArray(v) && isSignal(v) ? v.value : v;
			continue;
		}
		// Only objects can be signals: strings and numbers skip the call.
		v = v !== null && typeof v === 'object' && isSignal(v) ? v.value : v;
		const plain = isSvgMode ? undefined : PLAIN_ATTRS[name];
		if (plain !== undefined) {
			// Most values are strings: the attribute as written, in one go.
			if (typeof v == 'string' && v !== EMPTY_STR) {
				let attr = plain.values.get(v);
				if (attr === undefined) {
					attr = plain.prefix + encodeEntities(v) + '"';
					if (attrSize < ATTR_LIMIT && v.length <= 64) {
						attrSize++;
						plain.values.set(v, attr);
					}
				}
				s = s + attr;
				continue;
			}
			if (typeof v == 'function' && name !== 'class') continue;
			if (plain.stringify && v != null) v = v + EMPTY_STR;
			if (v != null && v !== false) {
				s = v === true || v === EMPTY_STR ? s + ' ' + plain.name : s + ' ' + plain.name + '="' + encodeEntities(v + EMPTY_STR) + '"';
			}
			continue;
		}
`,
    ],
    ['			default: {\n', '			default: {\n				if (!isSvgMode) rememberAttr(name);\n'],
    // Option hooks for components only: in this bundle only preact/hooks (and
    // preact-iso's lazy, for components) set them, and for an element they
    // only reset hooks' current component, which the next component's render
    // sets again. Three calls less per element.
    [
      '\tvnode[PARENT] = parent;\n\tif (hooks.beforeDiff) hooks.beforeDiff(vnode);\n\n\tlet type = vnode.type,\n\t\tprops = vnode.props;\n',
      '\tvnode[PARENT] = parent;\n\n\tlet type = vnode.type,\n\t\tprops = vnode.props;\n\tif (typeof type == \'function\' && hooks.beforeDiff) hooks.beforeDiff(vnode);\n',
    ],
    // No vnode is linked to its list of children: nothing reads the link in a
    // server render (hooks' useId walks the parent links only), and vnodes
    // have no field for it, so setting one would add a property.
    ['\t\tparent[CHILDREN] = vnode;\n', ''],
    [
      '\tif (hooks.afterDiff) hooks.afterDiff(vnode);\n\n\tif (hooks.unmountHook) hooks.unmountHook(vnode);\n\n\t// Emit self-closing tag for empty void elements:',
      '\t// Emit self-closing tag for empty void elements:',
    ],
    // isValidElement(vnode) without the call (vnode is an object here).
    ['\tif (!isValidElement(vnode)) return EMPTY_STR;', '\tif (vnode.constructor !== undefined) return EMPTY_STR;'],
    ['if (UNSAFE_NAME.test(type)) {', 'if (isUnsafeName(type)) {'],
    // Once rendered, a vnode lets go of its parent and its component of it.
    // Those links are cycles, which reference counting can't free: without
    // this, every vnode of a page waits for the cycle collector, and
    // collecting a page's worth takes about a millisecond. (Suspense, error
    // boundaries and async renders leave theirs to the collector.)
    [
      "\t\t\treturn str;\n\t\t} catch (error) {",
      "\t\t\tif (typeof str == 'string') {\n\t\t\t\tvnode[PARENT] = null;\n\t\t\t\tif (component) component[VNODE] = null;\n\t\t\t}\n\t\t\treturn str;\n\t\t} catch (error) {",
    ],
    ["\t\treturn s + '/>';", "\t\tvnode[PARENT] = null;\n\t\treturn s + '/>';"],
    ['\treturn startTag + html + endTag;', '\tvnode[PARENT] = null;\n\treturn startTag + html + endTag;'],
    // Templates (web/vite.templates.ts) in a template's holes, or in a list,
    // are written by renderTemplate directly, not through a call of the
    // renderer: its frame of forty-odd locals costs QuickJS more than a small
    // template's markup. The parent link is set as the renderer sets it (the
    // hooks' useId walks it); the option hook the renderer would call first
    // only resets preact/hooks' current component, which the next component's
    // render sets again.
    [
      "\t\t\tconst childRender = _renderToString(\n\t\t\t\tchild,",
      "\t\t\tconst childRender = child.constructor === undefined && child.type === Fragment && 'tpl' in child.props\n\t\t\t\t? renderTemplate(child, context, isSvgMode, selectValue, parent, asyncMode, renderer, hooks)\n\t\t\t\t: _renderToString(\n\t\t\t\tchild,",
    ],
    [
      /\t\t\tif \('tpl' in props\) \{\n[\s\S]*?\n\t\t\t\treturn out;\n\t\t\t\} else if/,
      "\t\t\tif ('tpl' in props) {\n\t\t\t\treturn renderTemplate(vnode, context, isSvgMode, selectValue, parent, asyncMode, renderer, hooks);\n\t\t\t} else if",
    ],
    // Text children in a list are written where they are, without a call:
    // every call of the renderer sets up, and then frees, a frame of its
    // forty-odd locals, which costs QuickJS about 8,000 instructions for
    // one letter of text.
    [
      "\t\t\tif (child == null || typeof child == 'boolean') continue;\n",
      "\t\t\tif (child == null || typeof child == 'boolean') continue;\n\t\t\tconst childType = typeof child;\n\t\t\tif (childType != 'object' && childType != 'function') {\n\t\t\t\trendered = rendered + (childType == 'string' ? encodeEntities(child) : child + EMPTY_STR);\n\t\t\t\tcontinue;\n\t\t\t}\n",
    ],
  ],
  'preact-render-to-string/src/lib/util.js': [
    [
      'if (str.length === 0 || ENCODED_ENTITIES.test(str) === false) return str;',
      `if (str.length === 0) return str;
	// QuickJS fast path (web/vite.quickjs.ts): short strings (class names, labels) repeat.
	const short = str.length <= 64;
	if (short) {
		const seen = ENCODED_SEEN.get(str);
		if (seen !== undefined) return seen;
	}
	const out = encodeEntitiesOnce(str);
	if (short && ENCODED_SEEN.size < 4096) ENCODED_SEEN.set(str, out);
	return out;
}
const ENCODED_SEEN = new Map();
function encodeEntitiesOnce(str) {
	if (ENCODED_ENTITIES.test(str) === false) return str;`,
    ],
  ],
  // preact-iso matches every route in turn on every render (the Router, and
  // the server's prefetch): it splits the URL and the route's path for each,
  // and reads each segment of the path with a regular expression. Both are
  // remembered instead (bounded; the arrays are only read).
  'preact-iso/src/router.js': [
    [
      "\turl = url.split('/').filter(Boolean);\n\troute = (route || '').split('/').filter(Boolean);",
      "\turl = pathSegments(url);\n\troute = pathSegments(route || '');",
    ],
    [
      "\t\tlet [, m, param, flag] = (route[i] || '').match(/^(:?)(.*?)([+*?]?)$/);",
      "\t\tconst parts = routeSegment(route[i] || ''), m = parts[1], param = parts[2], flag = parts[3];",
    ],
    [
      'export const exec = (url, route, matches = {}) => {',
      `// QuickJS fast paths (web/vite.quickjs.ts): a path's segments, and a route
// segment's parts, read once.
const PATH_SEGMENTS = new Map();
function pathSegments(path) {
	let segments = PATH_SEGMENTS.get(path);
	if (segments === undefined) {
		segments = path.split('/').filter(Boolean);
		if (PATH_SEGMENTS.size < 1024) PATH_SEGMENTS.set(path, segments);
	}
	return segments;
}
const ROUTE_SEGMENTS = new Map();
function routeSegment(segment) {
	let parts = ROUTE_SEGMENTS.get(segment);
	if (parts === undefined) {
		parts = segment.match(/^(:?)(.*?)([+*?]?)$/);
		if (ROUTE_SEGMENTS.size < 1024) ROUTE_SEGMENTS.set(segment, parts);
	}
	return parts;
}

export const exec = (url, route, matches = {}) => {`,
    ],
  ],
  // The server build resolves preact/jsx-runtime to its ES module build. The
  // renderer reads a vnode's type, props, key, ref and constructor, and sets
  // the rest itself; hooks read _parent (__) and _component (__c) as null.
  // An element's vnode has only what the renderer reads of it and sets (its
  // type, props, parent link, constructor and prop names): QuickJS defines
  // an object literal's fields one by one, at about 500 instructions each.
  'preact/jsx-runtime/dist/jsxRuntime.module.js': [
    [
      /\{type:(\w+),props:(\w+),key:(\w+),ref:(\w+),__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--(\w+),__i:-1,__u:0,__source:\w+,__self:\w+\}/,
      // The fourth argument, o (unused by Preact's production build), is an
      // element's prop names when the build knows them (quickjsPropNames).
      'typeof $1=="function"?{type:$1,props:$2,key:$3,ref:$4,__:null,__c:null,constructor:void 0,__v:--$5,__p:o}:{type:$1,props:$2,__:null,constructor:void 0,__p:o}',
    ],
    // QuickJS derives an object literal's shape property by property, and
    // frees each step's shape with the object unless something else still
    // has it: every vnode would make and free seven. Objects of those shapes,
    // kept on Preact's options, keep them.
    [
      'function u(e,t,n,o,i,u){t||(t={});',
      'r.quickjsVnodeShapes=[["type","props","key","ref","__","__c","constructor","__v","__p"],["type","props","__","constructor","__p"]].flatMap(function(f){return f.map(function(_,n,a){for(var s={},k=0;k<=n;k++)s[a[k]]=0;return s})});' +
        'function u(e,t,n,o,i,u){t||(t={});',
    ],
  ],
};

/** Applies the rewrites; fails the build if a file changed or was not bundled. */
export function quickjsFastPaths(): Plugin {
  const seen = new Set<string>();
  return {
    name: 'exosphere:quickjs-fast-paths',
    enforce: 'pre',
    buildEnd(error) {
      const missed = Object.keys(rewrites).filter((file) => !seen.has(file));
      if (!error && missed.length > 0) this.error(`not in the server bundle: ${missed.join(', ')}`);
    },
    transform(code, id) {
      const file = path.relative(nodeModules, id.split('?')[0] ?? id).split(path.sep).join('/');
      const list = rewrites[file];
      if (!list) return null;
      seen.add(file);
      let out = code;
      for (const [from, to] of list) {
        const count = typeof from === 'string' ? out.split(from).length - 1 : (out.match(new RegExp(from, 'g')) ?? []).length;
        if (count !== 1) {
          this.error(`${file} changed: ${String(from).slice(0, 80)} found ${count} times, not once; update web/vite.quickjs.ts`);
        }
        out = replaceOnce(out, from, to);
      }
      if (file.startsWith('preact-render-to-string/src/')) {
        const before = out;
        out = out.replace(NAMED_ACCESS, (whole, object: string, name: string) => {
          const value = propertyNames[name];
          return value === undefined ? whole : `${object}.${value}`;
        });
        if (file === 'preact-render-to-string/src/index.js' && out === before) {
          this.error(`${file} changed: no vnode[PARENT]-style accesses left; update web/vite.quickjs.ts`);
        }
      }
      return { code: out, map: null };
    },
  };
}

// preact-render-to-string names the vnode and component fields it uses by
// constants (lib/constants.js: PARENT = '__', …) and reads them as
// vnode[PARENT]: a computed access, for which QuickJS looks the string up in
// its atom table every time. The renderer's accesses are written with the
// names themselves (vnode.__), as Preact's own code has them.
const propertyNames: Record<string, string> = Object.fromEntries(
  [...readFileSync(path.join(nodeModules, 'preact-render-to-string/src/lib/constants.js'), 'utf8').matchAll(
    /export const (\w+) = '([\w$]+)';/g,
  )].map((m) => [m[1], m[2]]),
);
/** `object[NAME]`, where the object is a name, a call or an index (not a computed key in a literal). */
const NAMED_ACCESS = /([\w$)\]])\[([A-Z_]+)\]/g;

function replaceOnce(code: string, from: string | RegExp, to: string): string {
  return typeof from === 'string' ? code.replace(from, () => to) : code.replace(from, to);
}

/**
 * The server bundle's JSX elements with their prop names: where a module
 * (after esbuild's JSX transform) calls jsx("tag", { a: …, b: … }) with a
 * plain object literal, the call passes the literal's names too, a constant
 * array of the module, which the renderer reads instead of enumerating the
 * props (see the rewrites of preact-render-to-string and preact/jsx-runtime).
 * Literals with spreads or computed names, and components, are left alone.
 */
export function quickjsPropNames(): Plugin {
  const src = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src') + path.sep;
  return {
    name: 'exosphere:quickjs-prop-names',
    enforce: 'post',
    transform(code, id) {
      if (!id.startsWith(src) || !/\.[jt]sx$/.test(id) || !code.includes('preact/jsx-runtime')) return null;
      const ast = this.parse(code) as unknown as Node;
      const runtime = jsxRuntime(ast).jsx;
      const lists = new Map<string, string>();
      const edits: [at: number, text: string][] = [];
      visit(ast, (node) => {
        if (node.type !== 'CallExpression') return;
        const callee = node.callee as Node;
        const args = node.arguments as Node[];
        if (callee.type !== 'Identifier' || !runtime.has(callee.name as string) || args.length < 2 || args.length > 3) return;
        const [type, props] = args as [Node, Node];
        if (type.type !== 'Literal' || typeof type.value !== 'string' || props.type !== 'ObjectExpression') return;
        const names: string[] = [];
        for (const prop of props.properties as Node[]) {
          const key = prop.key as Node | undefined;
          if (prop.type !== 'Property' || prop.computed || prop.kind !== 'init' || !key) return;
          const name = key.type === 'Identifier' ? key.name : key.value;
          // Integer-like names would come first in an enumeration.
          if (typeof name !== 'string' || /^\d/.test(name)) return;
          if (!names.includes(name)) names.push(name);
        }
        const list = JSON.stringify(names);
        let constant = lists.get(list);
        if (constant === undefined) lists.set(list, (constant = `__quickjsProps${lists.size}`));
        const last = args[args.length - 1] as Node;
        edits.push([last.end, args.length === 2 ? `, void 0, ${constant}` : `, ${constant}`]);
      });
      if (edits.length === 0) return null;
      let out = code;
      for (const [at, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + text + out.slice(at);
      // A constant per list (an array's index would cost every render; the
      // constants cost compiling the bundle, once per worker, about 2 ms).
      const constants = [...lists].map(([list, constant]) => `const ${constant} = ${list};`).join('\n');
      return { code: `${constants}\n${out}`, map: null };
    },
  };
}

function visit(node: unknown, enter: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) visit(child, enter);
  } else if (node !== null && typeof node === 'object' && typeof (node as Node).type === 'string') {
    enter(node as Node);
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') visit(value, enter);
  }
}
