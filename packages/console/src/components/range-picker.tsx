import { THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import { useEffect, useState } from 'preact/hooks';
import { checkCustomRange, PRESETS, type RangeChoice } from '../tasks/range.js';
import { toLocalInput } from '../time/local-time.js';

const SHORT: Record<(typeof PRESETS)[number]['id'], string> = {
  '1h': '1 hour',
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
};

interface RangePickerProps {
  choice: RangeChoice;
  /** Now on the server's clock. */
  now: () => number;
  onChange: (choice: RangeChoice) => void;
}

/** The presets as toggle buttons, and a custom range that may not reach past 30 days. */
export function RangePicker({ choice, now, onChange }: RangePickerProps) {
  const [customOpen, setCustomOpen] = useState(choice.kind === 'custom');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [error, setError] = useState('');

  // A custom range from a link or from back/forward: its fields show it.
  const customStart = choice.kind === 'custom' ? choice.start : undefined;
  const customEnd = choice.kind === 'custom' ? choice.end : undefined;
  useEffect(() => {
    if (customStart === undefined || customEnd === undefined) return;
    setStart(toLocalInput(customStart));
    setEnd(toLocalInput(customEnd));
    setError('');
    setCustomOpen(true);
  }, [customStart, customEnd]);

  const openCustom = () => {
    const current = now();
    if (!start) setStart(toLocalInput(current - 24 * 3_600_000));
    if (!end) setEnd(toLocalInput(current));
    setError('');
    setCustomOpen(true);
  };

  const apply = (event: Event) => {
    event.preventDefault();
    const checked = checkCustomRange(start, end, now());
    if (!checked.ok) return setError(checked.message);
    setError('');
    onChange(checked.choice);
  };

  return (
    <div class="range">
      <fieldset class="segmented">
        <legend class="visually-hidden">Time range</legend>
        {PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            class="segmented__item"
            aria-pressed={choice.kind === 'preset' && choice.preset === preset.id}
            title={preset.label}
            onClick={() => {
              setCustomOpen(false);
              onChange({ kind: 'preset', preset: preset.id });
            }}
          >
            {SHORT[preset.id]}
          </button>
        ))}
        <button
          type="button"
          class="segmented__item"
          aria-pressed={choice.kind === 'custom'}
          aria-expanded={customOpen}
          onClick={openCustom}
        >
          Custom
        </button>
      </fieldset>
      {customOpen && (
        <form class="range__custom" onSubmit={apply} noValidate>
          <label class="field field--inline">
            <span>From</span>
            <input
              type="datetime-local"
              value={start}
              min={toLocalInput(now() - THIRTY_DAYS_MS + 60_000)}
              onInput={(event) => setStart(event.currentTarget.value)}
            />
          </label>
          <label class="field field--inline">
            <span>To</span>
            <input type="datetime-local" value={end} onInput={(event) => setEnd(event.currentTarget.value)} />
          </label>
          <button type="submit" class="button">
            Apply
          </button>
          {error && (
            <p class="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
