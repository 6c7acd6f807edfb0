export interface SwitchWindowValue {
  /** `window`: switch daily within begin..end; `manual`: the tenant switches by hand. */
  mode: 'window' | 'manual';
  /** `HH:mm:ss` (or `HH:mm`, as a time input may give it), in the server's time zone; "" when not entered. */
  begin: string;
  end: string;
}

/** The strategy's inputs: a daily window (two time inputs, to the second) or switching by hand. */
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
        <span>Automatically, every day within a window</span>
      </label>
      {value.mode === 'window' && (
        <>
          <div class="field-row">
            <label class="field">
              <span>Window begins</span>
              <input
                type="time"
                step={1}
                required
                value={value.begin}
                onInput={(event) => onChange({ ...value, begin: event.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>Window ends</span>
              <input
                type="time"
                step={1}
                required
                value={value.end}
                onInput={(event) => onChange({ ...value, end: event.currentTarget.value })}
              />
            </label>
          </div>
          <p class="muted small">
            Daily times in the server's time zone, on one day, at least 60 minutes apart. The routes switch in
            the window's next occurrence.
          </p>
        </>
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
