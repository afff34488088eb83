import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Resource } from '../lib/hooks.js';
import { Button } from './button.js';
import { DataTable } from './data-table.js';
import { ConfirmDialog, Dialog } from './dialog.js';
import { Loaded } from './feedback.js';
import { Card, Page } from './page.js';

/** What the form inside the add/edit dialog gets: the item being edited (null when adding) and a way out. */
export interface EditorProps<T> {
  existing: T | null;
  close: () => void;
}

/**
 * An admin page over one collection (social providers, OAuth clients): a table of the items with Edit,
 * any extra row buttons and Delete; one dialog to add or edit, holding the page's own form; and a
 * confirmation before a delete. The page supplies the cells, the form and the wording.
 */
export function AdminCollection<T>({
  title,
  description,
  addLabel,
  listTitle,
  tableLabel,
  resource,
  empty,
  columns,
  keyOf,
  nameOf,
  cells,
  rowActions,
  editor,
  remove,
  notice,
  children,
}: {
  title: string;
  description: ComponentChildren;
  /** The page's primary button, which opens the dialog empty. */
  addLabel: string;
  listTitle: string;
  tableLabel: string;
  resource: Resource<T[]>;
  /** Shown instead of the table when there is nothing yet. */
  empty: ComponentChildren;
  columns: string[];
  keyOf: (item: T) => string;
  /** How people know the item: in button names for screen readers and in dialog titles. */
  nameOf: (item: T) => string;
  /** The row's cells, one per column, in order. */
  cells: (item: T) => ComponentChildren;
  /** Buttons between Edit and Delete. */
  rowActions?: (item: T) => ComponentChildren;
  editor: {
    addTitle: string;
    description?: ComponentChildren;
    form: (props: EditorProps<T>) => ComponentChildren;
  };
  remove: {
    message: ComponentChildren;
    confirmLabel: string;
    success: string;
    run: (item: T) => Promise<unknown>;
  };
  /** Above the table, such as the error of a row button. */
  notice?: ComponentChildren;
  /** More dialogs of the page. */
  children?: ComponentChildren;
}) {
  const [editing, setEditing] = useState<{ item: T | null } | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const list = resource.data ?? [];
  const existing = editing?.item ?? null;
  const close = () => setEditing(null);
  return (
    <Page
      title={title}
      description={description}
      actions={
        <Button variant="primary" onClick={() => setEditing({ item: null })}>
          {addLabel}
        </Button>
      }
    >
      {notice}
      <Card title={listTitle}>
        <Loaded resource={resource} empty={list.length === 0 && empty}>
          <DataTable label={tableLabel} columns={columns} actions>
            {list.map((item) => (
              <tr key={keyOf(item)}>
                {cells(item)}
                <td class="actions">
                  <Button small onClick={() => setEditing({ item })}>
                    Edit<span class="visually-hidden"> {nameOf(item)}</span>
                  </Button>{' '}
                  {rowActions?.(item)}
                  {rowActions && ' '}
                  <Button small variant="link-danger" onClick={() => setDeleting(item)}>
                    Delete<span class="visually-hidden"> {nameOf(item)}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
      </Card>
      <Dialog
        open={editing !== null}
        title={existing ? `Edit ${nameOf(existing)}` : editor.addTitle}
        description={editor.description}
        onClose={close}
      >
        {editing !== null && (
          // Keyed, so opening another item starts its form afresh.
          <EditorSlot key={existing ? keyOf(existing) : 'new'}>{editor.form({ existing, close })}</EditorSlot>
        )}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting ? nameOf(deleting) : ''}?`}
        message={remove.message}
        confirmLabel={remove.confirmLabel}
        success={remove.success}
        onConfirm={async () => {
          if (deleting) await remove.run(deleting);
          await resource.reload();
        }}
        onClose={() => setDeleting(null)}
      />
      {children}
    </Page>
  );
}

function EditorSlot({ children }: { children: ComponentChildren }) {
  return <>{children}</>;
}
