// JSX that web/vite.templates.ts writes as templates, or leaves to the
// renderer, in the server bundle: test/templates.test.ts renders each case
// from a bundle built with the server's plugins and with the unmodified
// libraries, and compares them.
import { signal } from '@preact/signals-core';
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import { renderToString } from 'preact-render-to-string';

const text = 'Tom & "Jerry" <3';
const empty = '';
const zero = 0;
const no = false;
const nothing = null;
const missing = undefined;
const count = signal(3);
const label = signal('signal <label>');
const handler = () => {};
const notAHandler = 'not a function';
const classes = { card: 'card', active: 'card active' };
const html = { __html: '<p>raw &amp; kept</p>' };
const list = ['a', 'b & c'];

function Labelled({ children }: { children: ComponentChildren }) {
  const id = useId();
  return (
    <div class="labelled">
      <label for={id}>{children}</label>
      <input id={id} type="text" />
    </div>
  );
}

function person(name: string) {
  return (
    <span class="person">
      <span class="name">{name}</span>
    </span>
  );
}

export const cases: Record<string, () => JSX.Element> = {
  'static markup and entities': () => (
    <p class="a &amp; b" title={'say "hi" <now>'}>
      Hi &amp; "you" {'<there>'} <b>bold</b>
      {'\u2028'}
    </p>
  ),
  'literal attribute values': () => (
    <div id="" hidden title="t" tabIndex={0} aria-hidden={true} aria-expanded={false} data-n={1.5} draggable={false} spellcheck={true}>
      <time dateTime="2026-01-01">then</time>
    </div>
  ),
  'dynamic attribute values': () => (
    <div
      class={classes.active}
      title={text}
      data-empty={empty}
      data-zero={zero}
      aria-pressed={no}
      aria-busy={nothing as unknown as boolean}
      role={missing}
      hidden={no}
      data-count={count}
      aria-label={label}
      draggable={no}
    >
      {text}
    </div>
  ),
  'class and for by their React names': () => (
    <label className={classes.card} htmlFor="field">
      <span className="static">x</span>
    </label>
  ),
  'handlers and keys left out': () => (
    <ul class={classes.card}>
      {list.map((item) => (
        <li key={item} onClick={() => item} onKeyDown={handler} onFocus={notAHandler as unknown as () => void}>
          {item}
        </li>
      ))}
    </ul>
  ),
  'void elements': () => (
    <form noValidate autoComplete="off">
      <br />
      <input type="checkbox" checked disabled={no} required={true} inputMode="numeric" />
      <img alt="" src="/x.png" />
      <hr class={classes.card} />
    </form>
  ),
  'markup set as HTML': () => (
    <section>
      <div class="md" dangerouslySetInnerHTML={html} />
      <div class="md" dangerouslySetInnerHTML={{ __html: empty }} />
      <div dangerouslySetInnerHTML={missing} />
    </section>
  ),
  'children of every kind': () => (
    <div>
      <p>{text}</p>
      <p>{zero}</p>
      <p>{empty}</p>
      <p>{no}</p>
      <p>{nothing}</p>
      <p>{count}</p>
      <p>{[1, 'two & three', null, false, true, [<i key="i">nested</i>, 'deep']]}</p>
      <p>{{} as unknown as string}</p>
      <p>{handler as unknown as string}</p>
      {person('Ann <admin>')}
      {no && <span>never</span>}
      {zero && <span>never</span>}
      {list.length > 0 ? <b>some</b> : null}
      <></>
      <>
        fragment {text}
        <em>inside</em>
      </>
    </div>
  ),
  'components and ids in templates': () => (
    <article>
      <Labelled>
        First <b>label</b>
      </Labelled>
      <div class="row">
        <Labelled>Second</Labelled>
        {[1, 2].map((n) => (
          <p key={n}>
            <Labelled>Item {n}</Labelled>
          </p>
        ))}
      </div>
    </article>
  ),
  'left to the renderer': () => (
    <div style={{ margin: 0, padding: '1px 2px' }}>
      <svg viewBox="0 0 10 10" class="chart">
        <rect x={1} y={1} width={8} height={8} strokeWidth={2} fillOpacity={0.5} />
        <text textAnchor="middle">
          <tspan dominantBaseline="middle">label</tspan>
        </text>
        <a {...{ xlinkHref: '#x' }}>
          <title>svg title</title>
        </a>
      </svg>
      <select value="b">
        <option value="a">A</option>
        <option value="b">B</option>
      </select>
      <textarea value={text} />
      <input value={text} defaultChecked />
      <p {...{ title: 'spread', class: 'x' }}>spread</p>
      <a href="/" accessKey="k" className="link">
        link
      </a>
    </div>
  ),
};

/** Every case rendered to HTML, by name. */
export function renderCases(): Record<string, string> {
  return Object.fromEntries(Object.entries(cases).map(([name, render]) => [name, renderToString(render())]));
}
