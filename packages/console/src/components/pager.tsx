import { PAGE_SIZES } from '../view/view-state.js';
import { ChevronLeftIcon, ChevronRightIcon } from './icons.js';

interface PagerProps {
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
  onLimit: (limit: number) => void;
}

/** The total, the page size (10, 20, 50 or 100) and the moves between pages. */
export function Pager({ offset, limit, total, onOffset, onLimit }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <nav class="pager" aria-label="Pages">
      <span class="pager__total" aria-live="polite">
        Total: <strong data-testid="total">{total}</strong>
      </span>
      <label class="pager__size">
        <span>Rows per page</span>
        <select value={String(limit)} onChange={(event) => onLimit(Number(event.currentTarget.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={String(size)}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <span class="pager__range">
        {from}–{to} of {total}
      </span>
      <span class="pager__moves">
        <button
          type="button"
          class="icon-button"
          aria-label="Previous page"
          disabled={page <= 1}
          onClick={() => onOffset(Math.max(0, offset - limit))}
        >
          <ChevronLeftIcon />
        </button>
        <span class="pager__page">
          Page {page} of {pages}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label="Next page"
          disabled={page >= pages}
          onClick={() => onOffset(offset + limit)}
        >
          <ChevronRightIcon />
        </button>
      </span>
    </nav>
  );
}
