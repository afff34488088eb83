import { Button } from './button.js';

/** Previous / next for lists the server pages with limit and offset. */
export function Pager({
  page,
  hasNext,
  onPage,
  label,
}: {
  /** 0-based. */
  page: number;
  hasNext: boolean;
  onPage: (page: number) => void;
  label: string;
}) {
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <Button small onClick={() => onPage(page - 1)} disabled={page === 0}>
        ← Previous
      </Button>
      <span class="muted small" aria-live="polite">
        Page {page + 1}
      </span>
      <Button small onClick={() => onPage(page + 1)} disabled={!hasNext}>
        Next →
      </Button>
    </nav>
  );
}

/** Client-side paging of a list the server returns whole. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { rows: T[]; hasNext: boolean } {
  const start = page * size;
  return { rows: items.slice(start, start + size), hasNext: items.length > start + size };
}
