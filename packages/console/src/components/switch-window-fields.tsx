export interface SwitchWindowValue {
  /** `window`: switch within begin..end; `manual`: the tenant switches by hand. */
  mode: 'window' | 'manual';
  begin: string;
  end: string;
}

/** The strategy's inputs: a window (two datetime-local inputs) or switching by hand. */
export function SwitchWindowFields({
  value,
  onChange,
}: {
  value: SwitchWindowValue;
  onChange: (value: SwitchWindowValue) => void;
}) {
  return (
    <fieldset class="fieldset">
      <legend>Switch routes</legend>
      <label class="choice">
        <input
          type="radio"
          name="switch-mode"
          checked={value.mode === 'window'}
          onChange={() => onChange({ ...value, mode: 'window' })}
        />
        <span>Automatically, within a window</span>
      </label>
      {value.mode === 'window' && (
        <div class="field-row">
          <label class="field">
            <span>Window begins</span>
            <input
              type="datetime-local"
              required
              value={value.begin}
              onInput={(event) => onChange({ ...value, begin: event.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span>Window ends</span>
            <input
              type="datetime-local"
              required
              value={value.end}
              onInput={(event) => onChange({ ...value, end: event.currentTarget.value })}
            />
          </label>
        </div>
      )}
      <label class="choice">
        <input
          type="radio"
          name="switch-mode"
          checked={value.mode === 'manual'}
          onChange={() => onChange({ ...value, mode: 'manual' })}
        />
        <span>By hand (Switch routes)</span>
      </label>
    </fieldset>
  );
}
