import { useEffect, useRef } from 'preact/hooks';

interface CheckboxMenuProps {
  /** The group's name: the button's text and the checkboxes' legend. */
  label: string;
  options: readonly string[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
}

/**
 * Several values of a list at once: a disclosure (`<details>`, opened by Enter or Space on its
 * summary) holding a group of real checkboxes, so the keyboard and screen readers need nothing
 * of ours. It closes on Escape (focus back on the summary) and on a click elsewhere. The summary
 * tells how many values are chosen; the chosen values are kept in the order of `options`.
 */
export function CheckboxMenu({ label, options, selected, onChange }: CheckboxMenuProps) {
  const ref = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    const closeOutside = (event: MouseEvent) => {
      const details = ref.current;
      if (details?.open && !details.contains(event.target as Node)) details.open = false;
    };
    document.addEventListener('click', closeOutside);
    return () => document.removeEventListener('click', closeOutside);
  }, []);

  const toggle = (value: string, on: boolean) =>
    onChange(options.filter((option) => (option === value ? on : selected.includes(option))));

  return (
    <details
      ref={ref}
      class="menu"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !ref.current?.open) return;
        ref.current.open = false;
        ref.current.querySelector('summary')?.focus();
      }}
    >
      <summary class="button menu__summary">
        {label}
        {selected.length > 0 && <span class="menu__count">{selected.length}</span>}
        {selected.length > 0 && <span class="visually-hidden"> selected</span>}
      </summary>
      <fieldset class="menu__list">
        <legend class="visually-hidden">{label}</legend>
        {options.map((option) => (
          <label key={option} class="choice">
            <input
              type="checkbox"
              checked={selected.includes(option)}
              onChange={(event) => toggle(option, event.currentTarget.checked)}
            />
            <span>{option}</span>
          </label>
        ))}
      </fieldset>
    </details>
  );
}
