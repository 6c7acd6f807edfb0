import { JOB_STATUSES, type JobStatus, KNOWN_TASK_NAMES } from '@ddm-jobs/contract/wire';
import { isFiltered, NO_FILTERS, type ViewFilters } from '../view/view-state.js';
import { CheckboxMenu } from './checkbox-menu.js';
import { CloseIcon } from './icons.js';
import { TextFilter } from './text-filter.js';
import '../styles/filters.css';

interface FilterBarProps {
  filters: ViewFilters;
  onChange: (filters: ViewFilters) => void;
}

/** One active filter as a chip: what it is, and a button that removes it. */
interface Chip {
  label: string;
  text: string;
  without: ViewFilters;
}

function chipsOf(filters: ViewFilters): Chip[] {
  const chips: Chip[] = [];
  if (filters.statuses.length)
    chips.push({ label: 'Status', text: filters.statuses.join(', '), without: { ...filters, statuses: [] } });
  if (filters.names.length)
    chips.push({ label: 'Task', text: filters.names.join(', '), without: { ...filters, names: [] } });
  if (filters.instance)
    chips.push({ label: 'Instance', text: filters.instance, without: { ...filters, instance: '' } });
  if (filters.database)
    chips.push({ label: 'Database', text: filters.database, without: { ...filters, database: '' } });
  if (filters.jobId)
    chips.push({ label: 'Task ID', text: filters.jobId, without: { ...filters, jobId: '' } });
  return chips;
}

/**
 * The list's filters (sent to the API, docs/api.md "Listing tasks"): statuses and task names,
 * several of each; an instance (id or a part of its name), a part of a database name, a task id.
 * The active ones are repeated as chips, each removable, with a control that clears them all.
 */
export function FilterBar({ filters, onChange }: FilterBarProps) {
  // A name from a link that is not among the known ones stays choosable, so it can be unticked.
  const names = [
    ...KNOWN_TASK_NAMES,
    ...filters.names.filter((n) => !(KNOWN_TASK_NAMES as readonly string[]).includes(n)),
  ];
  const chips = chipsOf(filters);
  return (
    <section class="filters" aria-label="Filters">
      <div class="filters__controls">
        <CheckboxMenu
          label="Status"
          options={JOB_STATUSES}
          selected={filters.statuses}
          onChange={(statuses) => onChange({ ...filters, statuses: statuses as JobStatus[] })}
        />
        <CheckboxMenu
          label="Task name"
          options={names}
          selected={filters.names}
          onChange={(chosen) => onChange({ ...filters, names: chosen })}
        />
        <TextFilter
          label="Instance"
          placeholder="ID or name"
          maxLength={128}
          value={filters.instance}
          onCommit={(instance) => onChange({ ...filters, instance })}
        />
        <TextFilter
          label="Database"
          placeholder="Part of the name"
          maxLength={128}
          value={filters.database}
          onCommit={(database) => onChange({ ...filters, database })}
        />
        <TextFilter
          label="Task ID"
          placeholder="Exact ID"
          maxLength={64}
          value={filters.jobId}
          onCommit={(jobId) => onChange({ ...filters, jobId })}
        />
      </div>
      {isFiltered(filters) && (
        <div class="filters__active">
          <span class="muted">Filtered by</span>
          <ul class="chips" aria-label="Active filters">
            {chips.map((chip) => (
              <li key={chip.label} class="chip">
                <span>
                  <span class="chip__label">{chip.label}:</span> {chip.text}
                </span>
                <button
                  type="button"
                  class="chip__remove"
                  aria-label={`Remove the ${chip.label} filter`}
                  onClick={() => onChange(chip.without)}
                >
                  <CloseIcon />
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="button button--small button--ghost"
            onClick={() => onChange(NO_FILTERS)}
          >
            Clear filters
          </button>
        </div>
      )}
    </section>
  );
}
