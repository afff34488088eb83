import type { ComponentChildren } from 'preact';

/**
 * A data table: column headers, and a last column for row buttons named "Actions" for screen readers.
 * Below 720 px the stylesheet turns each row into a card labelled by the cells' `data-label`.
 */
export function DataTable({
  label,
  columns,
  actions = false,
  children,
}: {
  label: string;
  columns: string[];
  actions?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="data" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
