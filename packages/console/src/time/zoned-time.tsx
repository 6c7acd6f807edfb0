import { parseDdmTime } from '@ddm-jobs/contract/wire';
import { formatUtc, formatZoned, zoneAbbreviation } from './local-time.js';

/**
 * An instant on screen: in the browser's zone with it (`2025-12-31 20:04:00 CET`), as a `<time>`
 * whose tooltip gives it in UTC, the zone the API and the logs speak (none when the browser is in
 * UTC already).
 */
export function ZonedTime({ ms }: { ms: number }) {
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={zoneAbbreviation(ms) === 'UTC' ? undefined : formatUtc(ms)}>
      {formatZoned(ms)}
    </time>
  );
}

/** A DDM time (`2026-01-01T00:12:30+0000`) as ZonedTime; other text as it is. */
export function DdmTime({ text }: { text: string }) {
  const ms = parseDdmTime(text);
  return ms === undefined ? text : <ZonedTime ms={ms} />;
}
