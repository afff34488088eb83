import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Button } from './components/button.js';
import { useSession } from './lib/context.js';
import { Link } from './lib/router.js';
import { activeItem, NAV } from './nav.js';

/** The signed-in frame: the navigation (a sidebar, or a menu below 860 px), the user, and the page. */
export function Shell({ path, children }: { path: string; children: ComponentChildren }) {
  const { user, signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const isAdmin = user.roles.includes('admin');
  const current = activeItem(path);
  const name = user.fullName?.trim() || user.username || user.email;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <div class="shell">
        <header class="topbar">
          <Link class="brand" href="/profile">
            <img src={ICON} alt="" width={28} height={28} />
            Gatehouse
          </Link>
          <Button
            variant="ghost"
            aria-expanded={menuOpen}
            aria-controls="sidebar"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {menuOpen ? 'Close menu' : 'Menu'}
          </Button>
        </header>
        <aside id="sidebar" class={menuOpen ? 'sidebar open' : 'sidebar'}>
          <Link class="brand" href="/profile">
            <img src={ICON} alt="" width={28} height={28} />
            Gatehouse
          </Link>
          <nav aria-label="Console" class="stack">
            {NAV.filter((section) => !section.admin || isAdmin).map((section) => (
              <div class="nav-section" key={section.heading}>
                <span class="nav-heading">{section.heading}</span>
                {section.items.map((item) => (
                  <Link
                    key={item.path}
                    class="nav-link"
                    href={item.path}
                    aria-current={current === item.path ? 'page' : undefined}
                    onClick={() => setMenuOpen(false)}
                  >
                    {item.label}
                  </Link>
                ))}
              </div>
            ))}
          </nav>
          <div class="sidebar-footer">
            <div class="whoami">
              <strong>{name}</strong>
              <span>{user.email}</span>
              <span>{user.workspace ? `Workspace: ${user.workspace.name}` : 'No active workspace'}</span>
            </div>
            <Button
              small
              pending={signingOut}
              onClick={async () => {
                setSigningOut(true);
                await signOut();
              }}
            >
              Sign out
            </Button>
          </div>
        </aside>
        <main id="main" class="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}

/** The hashed icon file, as the generated index.html names it. */
const ICON = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
