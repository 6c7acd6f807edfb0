import { useId } from 'preact/hooks';

interface TextFieldProps {
  label: string;
  name: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'password';
  autocomplete?: string;
  autofocus?: boolean;
  /** Shown under the input as its description (not part of its name). */
  hint?: string;
}

/** A labelled text input. */
export function TextField({
  label,
  name,
  value,
  onValue,
  type = 'text',
  autocomplete,
  autofocus,
  hint,
}: TextFieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label class="field__label" for={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        autocomplete={autocomplete}
        autofocus={autofocus}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
      {hint && (
        <span class="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}
