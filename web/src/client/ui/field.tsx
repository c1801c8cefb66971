import type { JSX } from 'preact';
import { useId } from 'preact/hooks';
import type { TextLimit } from '../limits';
import * as s from '../styles.css';
import { remaining } from '../validate';

interface FieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  hint?: string | undefined;
  /** Shows a live "used / max" counter for this limit. */
  limit?: TextLimit | undefined;
  multiline?: boolean;
  required?: boolean;
  type?: 'text' | 'search' | 'datetime-local';
  name?: string;
  placeholder?: string;
  autoComplete?: string;
  /** The on-screen keyboard to offer (`numeric` for numbers typed as text). */
  inputMode?: 'text' | 'numeric';
  rows?: number;
  disabled?: boolean;
  testId?: string;
}

/** A labelled text input or textarea with its hint, counter and error wired to it for screen readers. */
export function TextField(props: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const count = props.limit ? remaining(props.value, props.limit) : undefined;
  const describedBy = [props.hint || count ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    disabled: props.disabled,
    placeholder: props.placeholder,
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    'data-testid': props.testId,
    onInput: (e: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => props.onInput(e.currentTarget.value),
  };
  return (
    <div class={s.field}>
      <label class={s.label} for={id}>
        {props.label}
      </label>
      {props.multiline ? (
        <textarea class={s.textarea} rows={props.rows ?? 5} {...common} />
      ) : (
        <input
          class={s.input}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          {...common}
        />
      )}
      {(props.hint || count) && (
        <span id={hintId} class={s.hint}>
          {props.hint}
          {props.hint && count ? ' · ' : ''}
          {count && `${count.used} / ${count.max}`}
        </span>
      )}
      {props.error && (
        <span id={errorId} class={s.fieldError}>
          {props.error}
        </span>
      )}
    </div>
  );
}

interface SelectProps<V extends string> {
  label: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (value: V) => void;
  name?: string;
  disabled?: boolean;
  testId?: string;
  /** Visually hide the label (it still names the control). */
  hideLabel?: boolean;
}

export function SelectField<V extends string>(props: SelectProps<V>) {
  const id = useId();
  return (
    <div class={s.field}>
      <label class={props.hideLabel ? s.visuallyHidden : s.label} for={id}>
        {props.label}
      </label>
      <select
        id={id}
        class={s.select}
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface RadioGroupProps<V extends string> {
  legend: string;
  name: string;
  value: V;
  options: readonly { value: V; label: string; hint?: string }[];
  onChange: (value: V) => void;
}

export function RadioGroup<V extends string>(props: RadioGroupProps<V>) {
  const id = useId();
  return (
    <fieldset class={s.fieldset}>
      <legend class={s.legend}>{props.legend}</legend>
      {props.options.map((o) => (
        <label class={s.choice} key={o.value} for={`${id}-${o.value}`}>
          <input
            id={`${id}-${o.value}`}
            type="radio"
            name={props.name}
            value={o.value}
            checked={props.value === o.value}
            onChange={() => props.onChange(o.value)}
          />
          <span>
            {o.label}
            {o.hint && <span class={`${s.hint}`}> — {o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
