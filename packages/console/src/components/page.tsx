import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useTitle } from '../lib/hooks.js';

/**
 * A console page: its title in the tab and in an h1 that takes focus on arrival, so a screen-reader user
 * hears where a link took them (the page does not reload, so nothing else would say it).
 */
export function Page({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  useTitle(title);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement?.closest('nav'))
      heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1 tabIndex={-1} ref={heading}>
            {title}
          </h1>
          {description && <p>{description}</p>}
        </div>
        {actions && <div class="row">{actions}</div>}
      </header>
      {children}
    </div>
  );
}

export function Card({
  title,
  description,
  actions,
  footer,
  children,
  labelledBy,
}: {
  title?: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  footer?: ComponentChildren;
  children: ComponentChildren;
  labelledBy?: string;
}) {
  const id = labelledBy ?? (title ? `card-${title.toLowerCase().replace(/\W+/g, '-')}` : undefined);
  return (
    <section class="card" aria-labelledby={id}>
      {title && (
        <div class="card-header">
          <div>
            <h2 id={id}>{title}</h2>
            {description && <p>{description}</p>}
          </div>
          {actions && <div class="row">{actions}</div>}
        </div>
      )}
      {children}
      {footer && <div class="card-footer">{footer}</div>}
    </section>
  );
}
