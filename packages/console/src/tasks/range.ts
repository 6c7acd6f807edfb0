import { THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import { formatLocal, fromLocalInput } from '../time/local-time.js';

const HOUR = 3_600_000;

/** The cloud console's presets; 7 days is its default. */
export const PRESETS = [
  { id: '1h', label: 'Last hour', ms: HOUR },
  { id: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR },
  { id: '30d', label: 'Last 30 days', ms: THIRTY_DAYS_MS },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];
export const DEFAULT_PRESET: PresetId = '7d';

/** A preset rolls with the clock (its end is always now); a custom range is fixed. */
export type RangeChoice =
  | { kind: 'preset'; preset: PresetId }
  | { kind: 'custom'; start: number; end: number };

export interface TimeWindow {
  start: number;
  end: number;
}

/** The window to list, on the server's clock `now`. */
export function windowOf(choice: RangeChoice, now: number): TimeWindow {
  if (choice.kind === 'custom') return { start: choice.start, end: choice.end };
  const preset = PRESETS.find((p) => p.id === choice.preset) ?? PRESETS[2];
  return { start: now - preset.ms, end: now };
}

/** Whether a task created at `createdMs` belongs to the listed window (a preset's end keeps moving). */
export function inWindow(choice: RangeChoice, listed: TimeWindow, createdMs: number): boolean {
  if (createdMs < listed.start) return false;
  return choice.kind === 'preset' || createdMs <= listed.end;
}

export type RangeCheck = { ok: true; choice: RangeChoice } | { ok: false; message: string };

/**
 * Checks a custom range typed into two datetime-local inputs. The API lists at most the last 30
 * days, so a start further back is refused here with a message rather than by the server.
 */
export function checkCustomRange(startText: string, endText: string, now: number): RangeCheck {
  const start = fromLocalInput(startText);
  const end = fromLocalInput(endText);
  if (start === undefined || end === undefined)
    return { ok: false, message: 'Enter both the start and the end.' };
  if (end <= start) return { ok: false, message: 'The end must be after the start.' };
  const earliest = now - THIRTY_DAYS_MS;
  if (start < earliest) {
    // The inputs take whole minutes: name the first whole minute that is allowed.
    const first = Math.ceil(earliest / 60_000) * 60_000;
    return {
      ok: false,
      message: `The range cannot reach past 30 days: start at ${formatLocal(first, false)} or later.`,
    };
  }
  return { ok: true, choice: { kind: 'custom', start, end } };
}
