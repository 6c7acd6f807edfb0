import { useEffect, useId, useRef, useState } from 'preact/hooks';

/** How long typing must pause before the filter applies: one step of history per word, not per key. */
export const TYPING_PAUSE_MS = 600;

interface TextFilterProps {
  label: string;
  value: string;
  placeholder: string;
  maxLength: number;
  /** The text to filter by, trimmed ('' for none). */
  onCommit: (value: string) => void;
}

/**
 * A text filter: applied once typing pauses, or at once on Enter. What is typed stays as typed
 * until then; a change from outside (back/forward, Clear filters) replaces it.
 */
export function TextFilter({ label, value, placeholder, maxLength, onCommit }: TextFilterProps) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  useEffect(() => {
    clearTimeout(timer.current);
    setDraft(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const commit = (text: string) => {
    clearTimeout(timer.current);
    if (text.trim() !== value) onCommit(text.trim());
  };

  return (
    <div class="field filter-text">
      <label class="field__label" for={id}>
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={draft}
        placeholder={placeholder}
        maxLength={maxLength}
        autocomplete="off"
        spellcheck={false}
        onInput={(event) => {
          const text = event.currentTarget.value;
          setDraft(text);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(text), TYPING_PAUSE_MS);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit(event.currentTarget.value);
        }}
        onBlur={(event) => commit(event.currentTarget.value)}
      />
    </div>
  );
}
